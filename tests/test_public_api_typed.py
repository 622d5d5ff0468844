"""Every public function and method of torch_gan_zoo carries type hints (issue 10, part 4).

The package's source is walked with :mod:`ast` (nothing is imported): a public function or method
(name not starting with ``_``, plus every class's ``__init__``) fails when it has neither a parameter
annotation nor a return annotation. ``torch_gan_zoo.mimicry`` is left out on purpose: it mirrors
torch-mimicry's untyped signatures. Properties whose only parameter is ``self``/``cls`` are ignored.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import torch_gan_zoo

PACKAGE_ROOT = Path(torch_gan_zoo.__file__).resolve().parent
EXCLUDED_PACKAGES = ("mimicry",)

FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``node`` is decorated as a property (``@property``, ``@functools.cached_property``, ``@x.setter``)."""
    for decorator in node.decorator_list:
        name = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", "")
        if name in {"property", "cached_property", "setter", "getter", "deleter"}:
            return True
    return False


def _is_typed(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``node`` has at least one parameter annotation or a return annotation."""
    args = node.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return node.returns is not None or any(p is not None and p.annotation is not None for p in params)


def _only_self(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``node``'s only parameter is ``self`` or ``cls``."""
    args = node.args
    names = [p.arg for p in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return names in (["self"], ["cls"]) and args.vararg is None and args.kwarg is None


def _public_functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """``(qualified name, node)`` of every public module-level function and public class's public method."""

    def walk(body: list[ast.stmt], prefix: str, in_class: bool) -> Iterator[tuple[str, ast.AST]]:
        for node in body:
            if isinstance(node, FunctionNode):
                if node.name.startswith("_") and not (in_class and node.name == "__init__"):
                    continue
                yield prefix + node.name, node
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                yield from walk(node.body, f"{prefix}{node.name}.", True)
            elif isinstance(node, (ast.If, ast.Try)):  # ``if TYPE_CHECKING:``/``try: import`` blocks
                for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                    yield from walk(block, prefix, in_class)

    yield from walk(tree.body, "", False)


def untyped_public_functions() -> list[str]:
    """``module:qualname`` of every public function/method of the package without any annotation."""
    missing = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        relative = path.relative_to(PACKAGE_ROOT)
        if relative.parts[0] in EXCLUDED_PACKAGES:
            continue
        module = ".".join(("torch_gan_zoo", *relative.with_suffix("").parts))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for qualname, node in _public_functions(tree):
            if _is_typed(node) or (_is_property(node) and _only_self(node)):
                continue
            missing.append(f"{module}:{qualname} (line {node.lineno})")
    return missing


def test_scan_sees_the_package():
    """The walk finds the package's modules (a wrong root would make the real test pass vacuously)."""
    modules = [p for p in PACKAGE_ROOT.rglob("*.py") if "mimicry" not in p.parts]
    assert len(modules) > 50


def test_scan_flags_an_untyped_function():
    """The checks flag untyped public functions and accept typed ones, private ones and self-only properties."""
    tree = ast.parse(
        "def f(x): pass\n"
        "def g(x: int): pass\n"
        "def h() -> None: pass\n"
        "def _p(x): pass\n"
        "class C:\n"
        "    def __init__(self, a): pass\n"
        "    @property\n"
        "    def size(self): pass\n"
        "    def m(self): pass\n"
        "class _Hidden:\n"
        "    def m(self, a): pass\n"
    )
    flagged = [name for name, node in _public_functions(tree)
               if not (_is_typed(node) or (_is_property(node) and _only_self(node)))]
    assert flagged == ["f", "C.__init__", "C.m"]


def test_public_api_is_typed():
    """No public function or method of torch_gan_zoo (outside mimicry) lacks type hints."""
    missing = untyped_public_functions()
    assert not missing, f"{len(missing)} public functions/methods without type hints:\n" + "\n".join(missing)
