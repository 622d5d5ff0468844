"""Load a script of ``benchmarks/`` as a module (its recipe tables are tested; nothing is run)."""
import importlib.util
import os
import sys

from helpers.paths import REPO

BENCHMARKS = os.path.join(REPO, "benchmarks")


def load_benchmark(name):
    """The module ``benchmarks/<name>.py``, executed with ``benchmarks/`` on ``sys.path`` (the scripts
    import their sibling ``_env``); ``sys.path`` is restored afterwards."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", os.path.join(BENCHMARKS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, BENCHMARKS)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(BENCHMARKS)
    return module
