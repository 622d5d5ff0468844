"""The layout of tests/ itself: folders mirror the package, basenames are unique (pytest's default import mode
puts each test folder on ``sys.path``), shared code lives in ``tests/helpers``, and paths come from
``helpers.paths`` rather than ``__file__`` arithmetic that breaks when a module moves."""
import ast
import os
from collections import Counter

from helpers.paths import REPO, TESTS


def _test_modules():
    found = []
    for root, dirs, files in os.walk(TESTS):
        dirs[:] = [d for d in dirs if d not in ("fixtures", "__pycache__")]
        found += [os.path.join(root, f) for f in files if f.endswith(".py")]
    return found


def test_test_module_basenames_are_unique():
    names = Counter(os.path.basename(p) for p in _test_modules() if os.sep + "helpers" + os.sep not in p)
    assert [name for name, count in names.items() if count > 1] == []


def test_test_folders_are_named_after_packages_of_the_library():
    # tests/cuda: the GPU tests of every package (pytest -m cuda), kept together to run on a GPU machine
    folders = {d for d in os.listdir(TESTS) if os.path.isdir(os.path.join(TESTS, d))} - {"fixtures", "helpers",
                                                                                          "__pycache__", "cuda"}
    package = os.path.join(REPO, "torch_gan_zoo")
    assert folders and all(os.path.isfile(os.path.join(package, d, "__init__.py")) for d in folders), folders


def test_no_test_module_imports_another_test_module_or_conftest():
    offenders = []
    for path in _test_modules():
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [(os.path.relpath(path, TESTS), n) for n in names if n.split(".")[0].startswith(
                ("test_", "conftest", "tests"))]
    assert offenders == []


def _dirname_of_file(tree):
    """Whether the module calls ``os.path.dirname(...)`` on something built from ``__file__``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "dirname":
            if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node)):
                return True
    return False


def test_paths_come_from_helpers_paths():
    offenders = [os.path.relpath(p, TESTS) for p in _test_modules()
                 if not p.endswith(os.path.join("helpers", "paths.py"))
                 and _dirname_of_file(ast.parse(open(p, encoding="utf-8").read()))]
    assert offenders == []
