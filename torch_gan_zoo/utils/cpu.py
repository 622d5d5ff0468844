"""What this CPU can do fast: whether oneDNN has native bfloat16 kernels here.

bf16 on a CPU pays only where the hardware computes it (AVX-512 with bf16 or the AVX-512 BW/VL/DQ
subset oneDNN needs, AMX, or AVX-NE-CONVERT). On an AVX2-only CPU (AMD Zen 3 and older, many laptops)
oneDNN has no bf16 convolution at all and PyTorch's fallbacks emulate it: measured on a 2-core AVX2 AMD
EPYC, bf16 autocast trained a 28 px DCGAN at 0.16 steps/s against 3.1 in float32 (about 20x slower),
and the fused convolution the Inception network uses refuses bf16 outright.
"""
from __future__ import annotations

import torch

__all__ = ["cpu_bf16_is_native", "cpu_capability", "BF16_EMULATED_HINT"]

#: What to tell a user whose CPU has no native bf16 (the measured cost on such a CPU).
BF16_EMULATED_HINT = ("oneDNN has no native bfloat16 kernels on this CPU (capability {capability}; they need "
                      "AVX-512 or AMX), so bf16 runs emulated: on a 2-core AVX2 EPYC it trained about 20x "
                      "slower than float32")


def cpu_capability() -> str:
    """The SIMD level PyTorch dispatches to on this CPU (``'AVX2'``, ``'AVX512'``, ...; ``'unknown'``)."""
    try:
        return str(torch.backends.cpu.get_cpu_capability())
    except (AttributeError, RuntimeError):  # pragma: no cover - very old or unusual builds
        return "unknown"


def cpu_bf16_is_native() -> bool:
    """``True`` where oneDNN computes bfloat16 convolutions and matrix products in hardware on this CPU.

    Asks oneDNN itself (a private PyTorch op); where that op is missing, falls back to the dispatch level
    (AVX-512 or better counts as native)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return cpu_capability().upper().startswith(("AVX512", "AMX"))
