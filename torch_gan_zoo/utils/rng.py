"""Seeding and capturing every random number generator a training run touches.

The states are returned as tensors, lists and ints only, so they can be stored in a checkpoint and
read back with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import random

import numpy as np
import torch

from torch_gan_zoo.config.validation import check_non_negative_int

__all__ = ["seed_everything", "get_rng_state", "set_rng_state"]


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and every CUDA device).

    Call it before building models so that weight initialisation is reproducible.

    Args:
        seed (int): A non-negative integer.
    """
    check_non_negative_int("seed", seed)
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def get_rng_state() -> dict[str, Any]:
    """Capture the state of Python's, NumPy's and torch's global generators.

    Returns:
        dict: ``{'python': list, 'numpy': dict, 'torch': uint8 tensor, 'cuda': list of uint8 tensors}``,
        made of plain values and tensors only.
    """
    py_version, py_internal, py_gauss = random.getstate()
    np_name, np_keys, np_pos, np_has_gauss, np_cached = np.random.get_state()
    state = {
        "python": [py_version, list(py_internal), py_gauss],
        "numpy": {
            "name": np_name,
            "keys": torch.from_numpy(np.asarray(np_keys, dtype=np.int64)),
            "pos": int(np_pos),
            "has_gauss": int(np_has_gauss),
            "cached_gaussian": float(np_cached),
        },
        "torch": torch.get_rng_state(),
        "cuda": [s for s in torch.cuda.get_rng_state_all()] if torch.cuda.is_available() else [],
    }
    return state


def set_rng_state(state: Mapping[str, Any]) -> None:
    """Restore the generators captured by :func:`get_rng_state`.

    CUDA states are restored only when the same number of CUDA devices is visible; otherwise they
    are skipped (resuming a GPU run on another machine still works, without bit-exactness).
    """
    py_version, py_internal, py_gauss = state["python"]
    random.setstate((py_version, tuple(py_internal), py_gauss))
    np_state = state["numpy"]
    np.random.set_state(
        (
            np_state["name"],
            np_state["keys"].numpy().astype(np.uint32),
            np_state["pos"],
            np_state["has_gauss"],
            np_state["cached_gaussian"],
        )
    )
    torch.set_rng_state(state["torch"].cpu())
    cuda_states = state.get("cuda") or []
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda_states])
