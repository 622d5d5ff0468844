"""Every public name of torch-mimicry exists in ``torch_gan_zoo.mimicry`` at the same path with the
same parameters and defaults (enumerated from the installed torch-mimicry, so nothing is forgotten)."""
import ast
import importlib
import inspect
import os
import pkgutil

import pytest

from helpers.mimicry_stub import require_mimicry

torch_mimicry = require_mimicry()

#: Deliberate exceptions, with the reason.
NOT_MIRRORED = {
    "torch_mimicry.datasets.imagenet": "ImageNet download and devkit-parsing internals; load_dataset reads "
                                       "ImageNet folders itself",
    "torch_mimicry.training.trainer_backup": "an unused older copy of the Trainer",
    "torch_mimicry.metrics.fid": "TensorFlow-session internals; FID is torch_gan_zoo.metrics",
    "torch_mimicry.metrics.kid": "TensorFlow-session internals; KID is torch_gan_zoo.metrics",
    "torch_mimicry.metrics.inception_model": "TensorFlow graph loading; Inception is torch_gan_zoo.metrics",
    "torch_mimicry.metrics.inception_score": "TensorFlow-session internals; IS is torch_gan_zoo.metrics",
    "torch_mimicry.metrics.compute_fid.compute_real_dist_stats": "takes a TensorFlow session",
    "torch_mimicry.metrics.compute_fid.compute_gen_dist_stats": "takes a TensorFlow session",
    "torch_mimicry.metrics.compute_kid.compute_real_dist_feat": "takes a TensorFlow session",
    "torch_mimicry.metrics.compute_kid.compute_gen_dist_feat": "takes a TensorFlow session",
}


def _skipped(qualname):
    return any(qualname == k or qualname.startswith(k + ".") for k in NOT_MIRRORED)


def _params(obj):
    return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]


def _module_names():
    names = [m.name for m in pkgutil.walk_packages(torch_mimicry.__path__, "torch_mimicry.")]
    metrics_dir = os.path.join(os.path.dirname(torch_mimicry.__file__), "metrics")  # stubbed: found on disk
    for root, _, files in os.walk(metrics_dir):
        for f in files:
            if f.endswith(".py") and f != "__init__.py":
                rel = os.path.relpath(os.path.join(root, f[:-3]), os.path.dirname(torch_mimicry.__file__))
                names.append("torch_mimicry." + rel.replace(os.sep, "."))
    return sorted(set(n for n in names if not _skipped(n)))


def _public_defs(module_name):
    """``{name: (kind, signature params or None, {method: params})}`` of one Mimicry module."""
    if module_name.startswith("torch_mimicry.metrics."):  # parse: importing it needs TensorFlow
        path = os.path.join(os.path.dirname(torch_mimicry.__file__), *module_name.split(".")[1:]) + ".py"
        tree = ast.parse(open(path).read())
        out = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                args = node.args
                defaults = [None] * (len(args.args) - len(args.defaults)) + [ast.literal_eval(d) for d in args.defaults]
                required = len(args.args) - len(args.defaults)
                empty = inspect.Parameter.empty
                params = [(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, empty if i < required else d)
                          for i, (a, d) in enumerate(zip(args.args, defaults))]
                if args.kwarg:
                    params.append((args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, inspect.Parameter.empty))
                out[node.name] = ("function", params, {})
        return out
    module = importlib.import_module(module_name)
    out = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if inspect.isclass(obj):
            methods = {k: _params(v) for k, v in vars(obj).items()
                       if inspect.isfunction(v) and not k.startswith("_")}
            out[name] = ("class", _params(obj), methods)
        elif inspect.isfunction(obj):
            out[name] = ("function", _params(obj), {})
    return out


MODULES = _module_names()


def test_enumeration_found_the_tree():
    assert "torch_mimicry.nets.sngan.sngan_32" in MODULES and "torch_mimicry.metrics.compute_metrics" in MODULES
    assert len(MODULES) > 50


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_is_mirrored_with_its_signature(module_name):
    ours = importlib.import_module(module_name.replace("torch_mimicry", "torch_gan_zoo.mimicry", 1))
    problems = []
    for name, (_, params, methods) in _public_defs(module_name).items():
        if _skipped(f"{module_name}.{name}"):
            continue
        if not hasattr(ours, name):
            problems.append(f"missing {name}")
            continue
        obj = getattr(ours, name)
        if _params(obj) != params:
            problems.append(f"{name}{inspect.signature(obj)} differs from Mimicry's {params}")
        for method, method_params in methods.items():
            if not callable(getattr(obj, method, None)):
                problems.append(f"missing {name}.{method}")
            elif _params(getattr(obj, method)) != method_params:
                got = inspect.signature(getattr(obj, method))
                problems.append(f"{name}.{method}{got} differs from {method_params}")
    assert not problems, f"{module_name}: " + "; ".join(problems)


def _own_names(namespace, prefix):
    """Public classes/functions of ``namespace`` defined under ``prefix`` (not imported helpers)."""
    return [n for n, obj in vars(namespace).items() if not n.startswith("_") and (inspect.isclass(obj) or
            inspect.isfunction(obj)) and getattr(obj, "__module__", "").startswith(prefix)
            and not _skipped(obj.__module__)]


def test_package_namespaces_match():
    """``mmc.nets.sngan.SNGANGenerator32``, ``mmc.modules.SNLinear``... resolve as in Mimicry."""
    import torch_gan_zoo.mimicry as mmc

    for pkg in ("nets", "modules", "training", "datasets", "utils"):
        theirs = importlib.import_module(f"torch_mimicry.{pkg}")
        for sub in ("sngan", "dcgan", "wgan_gp", "ssgan", "infomax_gan", "cgan_pd", "sagan", "gan", "basemodel") \
                if pkg == "nets" else ():
            missing = [n for n in _own_names(getattr(theirs, sub), f"torch_mimicry.nets.{sub}")
                       if not hasattr(getattr(mmc.nets, sub), n)]
            assert not missing, f"mmc.nets.{sub} lacks {missing}"
        missing = [n for n in _own_names(theirs, f"torch_mimicry.{pkg}")
                   if not _skipped(f"torch_mimicry.{pkg}.{n}") and not hasattr(getattr(mmc, pkg), n)]
        assert not missing, f"mmc.{pkg} lacks {missing}"
    assert mmc.modules.SNLinear is mmc.modules.spectral_norm.SNLinear  # as Mimicry's star-imports resolve it
