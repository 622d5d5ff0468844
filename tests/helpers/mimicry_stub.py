"""Import torch-mimicry (0.1.16, a test-only dependency) on PyTorch 2.

Install it without its dependencies (its TensorFlow pin crashes beside torch):
``pip install --no-deps torch-mimicry``. It imports ``torch._six`` (removed in torch 2),
``torch_mimicry.metrics`` (needs TensorFlow), ``skimage`` (image saving) and TensorBoard; those are
stubbed before import. Nothing of its networks, checkpoints or training loop is stubbed.
"""
import importlib.util
import sys
import types

import pytest


def _stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules.setdefault(name, module)
    return sys.modules[name]


class _NullWriter:
    """Stands in for ``torch.utils.tensorboard.SummaryWriter`` when TensorBoard is not installed."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _missing(name):
    if name in sys.modules:
        return False
    try:
        return importlib.util.find_spec(name) is None
    except (ImportError, ValueError):
        return True


def import_mimicry():
    """Return the ``torch_mimicry`` module; raise ImportError with install instructions if absent."""
    if "torch_mimicry" not in sys.modules and _missing("torch_mimicry"):
        raise ImportError("torch-mimicry is needed: pip install --no-deps torch-mimicry")
    _stub("torch._six", string_classes=(str,), inf=float("inf"), PY3=True, PY37=True)
    _stub("torch_mimicry.metrics")
    if _missing("skimage"):
        skimage = _stub("skimage")
        skimage.io = _stub("skimage.io", imsave=lambda *a, **k: None)
    if _missing("tensorboard"):
        _stub("torch.utils.tensorboard", SummaryWriter=_NullWriter)
    import torch_mimicry

    return torch_mimicry


def require_mimicry():
    """``import_mimicry()``, or skip the calling test module with the reason."""
    try:
        return import_mimicry()
    except ImportError as exc:
        pytest.skip(f"torch-mimicry is not importable: {exc}", allow_module_level=True)
