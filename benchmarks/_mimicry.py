"""Import torch-mimicry (0.1.16) on PyTorch 2 for side-by-side benchmarks.

Install it without its dependencies (its tensorflow pin crashes beside torch here):
``pip install --no-deps torch-mimicry``. It imports ``torch._six`` (removed in torch 2),
``torch_mimicry.metrics`` (needs tensorflow) and ``skimage`` (for saving images); we stub those
three before importing it. Nothing of the training code path is stubbed.
"""
import sys
import types


def import_mimicry():
    """Return the ``torch_mimicry`` module, or raise ImportError with install instructions."""
    six = types.ModuleType("torch._six")
    six.string_classes = (str,)
    six.inf = float("inf")
    six.PY3 = True
    six.PY37 = True
    sys.modules.setdefault("torch._six", six)
    sys.modules.setdefault("torch_mimicry.metrics", types.ModuleType("torch_mimicry.metrics"))
    if "skimage" not in sys.modules:
        try:
            import skimage  # noqa: F401
        except ImportError:
            skimage = types.ModuleType("skimage")
            skimage.io = types.ModuleType("skimage.io")
            sys.modules["skimage"] = skimage
            sys.modules["skimage.io"] = skimage.io
    try:
        import torch_mimicry
    except ImportError as exc:
        raise ImportError("torch-mimicry is needed: pip install --no-deps torch-mimicry") from exc
    return torch_mimicry
