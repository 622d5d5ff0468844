"""The Inception-v3 network of the TensorFlow 2015-12-05 graph that FID, IS and KID are defined with.

:class:`FIDInceptionV3` is our implementation of that graph as pytorch-fid ported it: torchvision's
Inception-v3 layout with the FID-specific blocks (average pooling that does not count the zero
padding, and max pooling in the last block) and a 1008-way classifier. Its parameter names are those
of pytorch-fid's weight file ``pt_inception-2015-12-05-6726825d.pth``, so that file (or any state
dict in the same layout, with or without the ``fc.*`` classifier) loads directly.

:class:`TorchScriptPool3` wraps a TorchScript feature extractor that maps already-resized
``(N, 3, 299, 299)`` inputs in ``[-1, 1]`` to pool3 features (such as the real-weights file made by
``shared/tools/get-real-assets.sh``); it has no logits, so it serves FID, KID and PRDC but not IS.

Both take input that is already preprocessed (see :mod:`torch_gan_zoo.metrics.preprocess`):
float32 ``(N, 3, 299, 299)`` in ``[-1, 1]``.
"""

from __future__ import annotations

from collections.abc import Mapping

import os
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.utils.io import CheckpointError, load_torch_file

__all__ = ["FIDInceptionV3", "TorchScriptPool3", "load_inception_file", "POOL3_DIM", "NUM_LOGITS"]

POOL3_DIM = 2048
NUM_LOGITS = 1008


def _find_conv_relu_op():
    # oneDNN's convolution with a fused ReLU post-op (the kernel torch.compile emits on CPU): one
    # pass over each output instead of two. Private to PyTorch, so used only where it exists.
    try:
        op = torch.ops.mkldnn._convolution_pointwise
    except (AttributeError, RuntimeError):
        return None
    return op if torch.backends.mkldnn.is_available() else None


_CONV_RELU = _find_conv_relu_op()


class _ConvBN(nn.Module):
    """Convolution without bias, batch norm (eps 1e-3, as in the TF graph), ReLU."""

    def __init__(self, cin, cout, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, stride=stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)
        self.fused = False

    def fold(self):
        """Fold the eval-mode batch norm into the convolution's weight and bias (same function up to
        float rounding, one pass less), and fuse the ReLU into the convolution where oneDNN can."""
        if self.fused:
            return
        conv, bn = self.conv, self.bn
        with torch.no_grad():
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                               bias=True).to(device=conv.weight.device, dtype=conv.weight.dtype)
            folded.weight.copy_(conv.weight * scale[:, None, None, None])
            folded.bias.copy_(bn.bias - bn.running_mean * scale)
        self.conv, self.bn, self.fused = folded, nn.Identity(), True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fused:
            c = self.conv
            if _CONV_RELU is not None and x.device.type == "cpu" and x.dtype == c.weight.dtype:
                return _CONV_RELU(x, c.weight, c.bias, c.padding, c.stride, c.dilation, c.groups, "relu", [], "")
            return F.relu(c(x), inplace=True)
        return F.relu(self.bn(self.conv(x)), inplace=True)


def _tf_avg_pool(x):
    # TF's 3x3 "SAME" average pool divides by the number of real (non-padding) pixels.
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class _MixedA(nn.Module):
    """35x35 block: 1x1, 5x5, double 3x3 and pooled 1x1 branches."""

    def __init__(self, cin, pool_features):
        super().__init__()
        self.branch1x1 = _ConvBN(cin, 64, 1)
        self.branch5x5_1 = _ConvBN(cin, 48, 1)
        self.branch5x5_2 = _ConvBN(48, 64, 5, padding=2)
        self.branch3x3dbl_1 = _ConvBN(cin, 64, 1)
        self.branch3x3dbl_2 = _ConvBN(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = _ConvBN(96, 96, 3, padding=1)
        self.branch_pool = _ConvBN(cin, pool_features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), b5, b3, self.branch_pool(_tf_avg_pool(x))], 1)


class _MixedB(nn.Module):
    """35x35 -> 17x17 reduction block."""

    def __init__(self, cin):
        super().__init__()
        self.branch3x3 = _ConvBN(cin, 384, 3, stride=2)
        self.branch3x3dbl_1 = _ConvBN(cin, 64, 1)
        self.branch3x3dbl_2 = _ConvBN(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = _ConvBN(96, 96, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch3x3(x), b3, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class _MixedC(nn.Module):
    """17x17 block with factorised 7x7 convolutions."""

    def __init__(self, cin, c7):
        super().__init__()
        self.branch1x1 = _ConvBN(cin, 192, 1)
        self.branch7x7_1 = _ConvBN(cin, c7, 1)
        self.branch7x7_2 = _ConvBN(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7_3 = _ConvBN(c7, 192, (7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = _ConvBN(cin, c7, 1)
        self.branch7x7dbl_2 = _ConvBN(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = _ConvBN(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = _ConvBN(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = _ConvBN(c7, 192, (1, 7), padding=(0, 3))
        self.branch_pool = _ConvBN(cin, 192, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = self.branch7x7dbl_1(x)
        for layer in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5):
            bd = layer(bd)
        return torch.cat([self.branch1x1(x), b7, bd, self.branch_pool(_tf_avg_pool(x))], 1)


class _MixedD(nn.Module):
    """17x17 -> 8x8 reduction block."""

    def __init__(self, cin):
        super().__init__()
        self.branch3x3_1 = _ConvBN(cin, 192, 1)
        self.branch3x3_2 = _ConvBN(192, 320, 3, stride=2)
        self.branch7x7x3_1 = _ConvBN(cin, 192, 1)
        self.branch7x7x3_2 = _ConvBN(192, 192, (1, 7), padding=(0, 3))
        self.branch7x7x3_3 = _ConvBN(192, 192, (7, 1), padding=(3, 0))
        self.branch7x7x3_4 = _ConvBN(192, 192, 3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b3 = self.branch3x3_2(self.branch3x3_1(x))
        b7 = self.branch7x7x3_4(self.branch7x7x3_3(self.branch7x7x3_2(self.branch7x7x3_1(x))))
        return torch.cat([b3, b7, F.max_pool2d(x, kernel_size=3, stride=2)], 1)


class _MixedE(nn.Module):
    """8x8 block with expanded filter banks; ``pool='avg'`` (Mixed_7b) or ``'max'`` (Mixed_7c, as in the TF graph)."""

    def __init__(self, cin, pool):
        super().__init__()
        self.pool = pool
        self.branch1x1 = _ConvBN(cin, 320, 1)
        self.branch3x3_1 = _ConvBN(cin, 384, 1)
        self.branch3x3_2a = _ConvBN(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3_2b = _ConvBN(384, 384, (3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = _ConvBN(cin, 448, 1)
        self.branch3x3dbl_2 = _ConvBN(448, 384, 3, padding=1)
        self.branch3x3dbl_3a = _ConvBN(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = _ConvBN(384, 384, (3, 1), padding=(1, 0))
        self.branch_pool = _ConvBN(cin, 192, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        if self.pool == "max":
            pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        else:
            pooled = _tf_avg_pool(x)
        return torch.cat([self.branch1x1(x), b3, bd, self.branch_pool(pooled)], 1)


class FIDInceptionV3(nn.Module):
    """Inception-v3 as in the TF 2015-12-05 graph used by FID (pytorch-fid's parameter layout).

    Input: float ``(N, 3, 299, 299)`` in ``[-1, 1]`` (already resized and normalised).
    :meth:`forward` returns pool3 features, float32 ``(N, 2048)``; :meth:`logits` maps them to the
    1008 classifier logits *without* the bias, which is what the original Inception Score code
    (and torch-fidelity's ``logits_unbiased``) feeds to the softmax.

    Args:
        with_logits (bool): Build the ``fc`` classifier (2048 -> 1008). Weight files lacking it
            load with ``with_logits=False`` and then serve FID, KID and PRDC only.
    """

    def __init__(self, with_logits: bool = True) -> None:
        super().__init__()
        self.Conv2d_1a_3x3 = _ConvBN(3, 32, 3, stride=2)
        self.Conv2d_2a_3x3 = _ConvBN(32, 32, 3)
        self.Conv2d_2b_3x3 = _ConvBN(32, 64, 3, padding=1)
        self.Conv2d_3b_1x1 = _ConvBN(64, 80, 1)
        self.Conv2d_4a_3x3 = _ConvBN(80, 192, 3)
        self.Mixed_5b = _MixedA(192, 32)
        self.Mixed_5c = _MixedA(256, 64)
        self.Mixed_5d = _MixedA(288, 64)
        self.Mixed_6a = _MixedB(288)
        self.Mixed_6b = _MixedC(768, 128)
        self.Mixed_6c = _MixedC(768, 160)
        self.Mixed_6d = _MixedC(768, 160)
        self.Mixed_6e = _MixedC(768, 192)
        self.Mixed_7a = _MixedD(768)
        self.Mixed_7b = _MixedE(1280, "avg")
        self.Mixed_7c = _MixedE(2048, "max")
        self.fc = nn.Linear(POOL3_DIM, NUM_LOGITS) if with_logits else None
        self.eval()

    @property
    def has_logits(self) -> bool:
        """Whether :meth:`logits` is available (the weights included the classifier)."""
        return self.fc is not None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Pool3 features: ``x`` float ``(N, 3, 299, 299)`` in ``[-1, 1]`` -> float ``(N, 2048)``."""
        x = self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x)))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        for block in (self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a, self.Mixed_6b, self.Mixed_6c,
                      self.Mixed_6d, self.Mixed_6e, self.Mixed_7a, self.Mixed_7b, self.Mixed_7c):
            x = block(x)
        # the final average in float32 even when the network runs in bf16 / fp16
        return torch.flatten(F.adaptive_avg_pool2d(x.float(), 1), 1)

    def fold_batchnorm(self) -> FIDInceptionV3:
        """Fold every batch norm into its convolution (and fuse the ReLU on CPU), in place; returns self.

        The result computes the same features up to float rounding (~1e-6 relative) in fewer passes.
        Use it in eval mode only: the batch-norm statistics are frozen into the weights.
        """
        for module in self.modules():
            if isinstance(module, _ConvBN):
                module.fold()
        return self

    def logits(self, pool3: torch.Tensor) -> torch.Tensor:
        """The 1008 classifier logits without the bias: float ``(N, 2048)`` -> float ``(N, 1008)``."""
        if self.fc is None:
            raise RuntimeError("these Inception weights have no classifier (fc) layer, so there are no logits")
        return pool3.float() @ self.fc.weight.float().t()

    @classmethod
    def from_state_dict(cls, state_dict: Mapping[str, torch.Tensor], source: str = "state dict") -> FIDInceptionV3:
        """Build the network from a pytorch-fid-format state dict (``fc.*`` optional).

        Raises:
            CheckpointError: Keys are missing or unexpected, or shapes differ, naming them.
        """
        if not isinstance(state_dict, dict) or not all(isinstance(k, str) for k in state_dict):
            raise CheckpointError(f"{source} is not a state dict (a dict of parameter name -> tensor)")
        state_dict = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state_dict.items()}
        with_logits = "fc.weight" in state_dict
        net = cls(with_logits=with_logits)
        expected = net.state_dict()
        missing = [k for k in expected if k not in state_dict and not k.endswith("num_batches_tracked")]
        unexpected = [k for k in state_dict if k not in expected]
        if missing or unexpected:
            raise CheckpointError(
                f"{source} is not an Inception-v3 state dict in pytorch-fid's layout: "
                f"{len(missing)} missing keys {missing[:5]}, {len(unexpected)} unexpected keys {unexpected[:5]}"
            )
        bad = [k for k, v in state_dict.items()
               if not torch.is_tensor(v) or tuple(v.shape) != tuple(expected[k].shape)]
        if bad:
            raise CheckpointError(f"{source}: wrong tensor shapes for {bad[:5]}")
        net.load_state_dict(state_dict, strict=False)
        return net.eval()


class TorchScriptPool3(nn.Module):
    """A TorchScript pool3 extractor: float ``(N, 3, 299, 299)`` in ``[-1, 1]`` -> float ``(N, 2048)``.

    It has no logits (``has_logits`` is False), so the Inception Score cannot use it.
    """

    has_logits = False

    def __init__(self, scripted: torch.jit.ScriptModule) -> None:
        super().__init__()
        self.scripted = scripted

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Pool3 features, float32 ``(N, 2048)``."""
        out = self.scripted(x)
        if isinstance(out, (tuple, list)):
            out = out[0]
        out = out.reshape(out.shape[0], -1) if out.dim() == 4 else out
        if out.dim() != 2 or out.shape[0] != x.shape[0] or out.shape[1] != POOL3_DIM:
            raise RuntimeError(
                f"the TorchScript feature extractor returned shape {tuple(out.shape)}, expected ({x.shape[0]}, 2048)"
            )
        return out.float()

    def logits(self, pool3: torch.Tensor) -> torch.Tensor:
        """Always raises: a pool3-only extractor has no classifier."""
        raise RuntimeError("a TorchScript pool3 feature extractor has no logits")


def _is_torchscript(path):
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return any(n.endswith("constants.pkl") for n in names) or any("/code/" in n for n in names)


def load_inception_file(path: str | os.PathLike[str]) -> nn.Module:
    """Load Inception weights from ``path`` on the CPU, in eval mode.

    ``path`` is either a pytorch-fid-format state dict (loaded with ``weights_only=True``) or a
    TorchScript pool3 feature extractor.

    Returns:
        FIDInceptionV3 or TorchScriptPool3: the network, with ``has_logits`` telling whether IS works.

    Raises:
        CheckpointError: The file is missing, corrupt, or holds something else.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"Inception weights file not found: {path}")
    if _is_torchscript(path):
        try:
            scripted = torch.jit.load(path, map_location="cpu")
        except Exception as exc:
            raise CheckpointError(f"could not load the TorchScript Inception file {path}: {exc}") from exc
        return TorchScriptPool3(scripted.eval()).eval()
    state_dict = load_torch_file(path)
    return FIDInceptionV3.from_state_dict(state_dict, source=f"Inception weights file {path}")
