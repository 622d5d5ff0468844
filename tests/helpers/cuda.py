"""Shared by ``tests/cuda/``: the device they run on, the skip rule for machines without a GPU, and
:func:`report`, which records a measured number (printed, and written as JSON to the folder named by
``TGZ_CUDA_REPORT_DIR`` when it is set).

``TGZ_CUDA_TEST_DEVICE=cpu`` runs the device-independent ones on the CPU instead, to check the test code
itself on a machine without a GPU (slow; the NCCL test still needs CUDA).
"""
import json
import os

import pytest
import torch

#: The device the GPU tests train and evaluate on.
DEVICE = os.environ.get("TGZ_CUDA_TEST_DEVICE", "cuda")

#: Marks a module's tests as GPU tests (``pytest -m cuda``) and skips them, with the reason, without CUDA.
CUDA_MARKS = [pytest.mark.cuda,
              pytest.mark.skipif(DEVICE == "cuda" and not torch.cuda.is_available(),
                                 reason="needs a CUDA GPU: torch.cuda.is_available() is False")]


def report(name, values):
    """Print ``values`` (a JSON-able dict) under ``name`` and, when ``TGZ_CUDA_REPORT_DIR`` is set, write it to
    ``$TGZ_CUDA_REPORT_DIR/<name>.json``; returns ``values``."""
    text = json.dumps(values, indent=2, sort_keys=True, default=str)
    print(f"[cuda report] {name}: {text}")
    folder = os.environ.get("TGZ_CUDA_REPORT_DIR")
    if folder:
        from torch_gan_zoo.utils.io import atomic_write_json

        os.makedirs(folder, exist_ok=True)
        atomic_write_json(os.path.join(folder, f"{name}.json"), json.loads(text))
    return values
