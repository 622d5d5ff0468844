"""Mimicry checkpoints load into ``torch_gan_zoo.mimicry.nets`` and native networks and compute the
same outputs as Mimicry (torch-mimicry is a test-only dependency: ``pip install --no-deps torch-mimicry``)."""
import importlib
import os

import pytest
import torch

from helpers.mimicry_stub import require_mimicry

require_mimicry()

from torch_gan_zoo import zoo  # noqa: E402
from torch_gan_zoo.mimicry import convert  # noqa: E402
from torch_gan_zoo.utils.io import CheckpointError  # noqa: E402

#: (package, class prefix, resolutions) of every model Mimicry publishes checkpoints for, plus SAGAN.
PUBLISHED = [
    ("dcgan", "DCGAN", [32, 48, 64, 128]),
    ("wgan_gp", "WGANGP", [32, 48, 64, 128]),
    ("sngan", "SNGAN", [32, 48, 64, 128]),
    ("cgan_pd", "CGANPD", [32, 128]),
    ("ssgan", "SSGAN", [32, 48, 64, 128]),
    ("infomax_gan", "InfoMaxGAN", [32, 48, 64, 128]),
]
CASES = [(v, n, r) for v, n, rs in PUBLISHED for r in rs] + [("sagan", "SAGAN", 32), ("sagan", "SAGAN", 128),
                                                              ("dcgan", "DCGAN", "CIFAR")]


def _kwargs(variant, role, resolution):
    kw = {"num_classes": 5} if variant in ("cgan_pd", "sagan") else {}
    if role == "Generator":
        kw["ngf"] = 32 if (variant, resolution) == ("sagan", 128) else 16  # attention needs >= 8 channels
    else:
        kw["ndf"] = 16 if resolution in (32, "CIFAR") else 64 if variant == "sagan" else 32
        if variant == "infomax_gan":
            kw["nrkhs"] = 16
    return kw


def _inputs(net, role, resolution, kw, seed):
    g = torch.Generator().manual_seed(seed)
    size = 32 if resolution == "CIFAR" else resolution
    if role == "Generator":
        x = torch.randn(3, net.nz, generator=g)
    else:
        x = torch.rand(3, 3, size, size, generator=g) * 2 - 1
    return (x, torch.tensor([0, 2, 4])) if "num_classes" in kw else (x,)


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _mimicry_checkpoint(tmp_path, variant, prefix, resolution, role):
    """Build a Mimicry network, run it in training mode (spectral-norm vectors converge, BN statistics
    move), save it with Mimicry's own code; return (network in eval mode, checkpoint path, kwargs)."""
    module = importlib.import_module(f"torch_mimicry.nets.{variant}.{variant}_{str(resolution).lower()}")
    kw = _kwargs(variant, role, resolution)
    torch.manual_seed(0)
    net = getattr(module, f"{prefix}{role}{resolution}")(**kw)
    with torch.no_grad():
        for step in range(3):
            net(*_inputs(net, role, resolution, kw, 100 + step))
    net.save_checkpoint(str(tmp_path / "ckpt"), global_step=7)
    path = tmp_path / "ckpt" / "ckpt_7_steps.pth"
    return net.eval(), str(path), kw


@pytest.mark.parametrize("variant,prefix,resolution", CASES, ids=[f"{c[0]}_{c[2]}" for c in CASES])
@pytest.mark.parametrize("role", ["Generator", "Discriminator"])
def test_mimicry_checkpoint_gives_same_outputs_here(tmp_path, variant, prefix, resolution, role):
    """Saved by Mimicry, loaded into the compat class and (for published models) the native class."""
    theirs, path, kw = _mimicry_checkpoint(tmp_path, variant, prefix, resolution, role)
    inputs = _inputs(theirs, role, resolution, kw, 1)
    with torch.no_grad():
        expected = _first(theirs(*[t.clone() for t in inputs]))
    # logits are unbounded: compare them relative to their scale; images are in [-1, 1]
    tolerance = 1e-5 if role == "Generator" else 1e-5 * max(1.0, expected.abs().max().item())

    module = importlib.import_module(f"torch_gan_zoo.mimicry.nets.{variant}.{variant}_{str(resolution).lower()}")
    ours = getattr(module, f"{prefix}{role}{resolution}")(**kw)
    assert ours.restore_checkpoint(path) == 7
    with torch.no_grad():
        got = _first(ours.eval()(*inputs))
    assert got.shape == expected.shape
    assert (got - expected).abs().max().item() <= tolerance

    if variant == "sagan" or resolution == "CIFAR":
        return  # not published by Mimicry
    if variant == "dcgan" and role == "Discriminator":
        with pytest.raises(ValueError, match="no native"):
            convert.import_mimicry_checkpoint(path, model=variant, role="discriminator", resolution=resolution)
        return
    native = zoo.import_checkpoint(path, format="mimicry", model=variant, role=role.lower(), resolution=resolution,
                                   **({} if role == "Generator" else kw))
    assert type(native).__module__.startswith("torch_gan_zoo.nets.") and not native.training
    with torch.no_grad():
        got = _first(native(*inputs))
    assert (got - expected).abs().max().item() <= tolerance


def test_generator_config_is_inferred_from_the_weights(tmp_path):
    _, path, _ = _mimicry_checkpoint(tmp_path, "sngan", "SNGAN", 48, "Generator")
    resolution, kw = convert.infer_generator_config(convert.read_mimicry_checkpoint(path)["model_state_dict"])
    assert (resolution, kw) == (48, {"nz": 128, "ngf": 16, "bottom_width": 6})


def test_optimizer_state_of_conditional_bn_is_split(tmp_path):
    """Mimicry's one CBN embedding (K, 2C) is two parameters here: Adam's moments are split alike."""
    from torch_mimicry.nets.cgan_pd.cgan_pd_32 import CGANPDGenerator32 as Theirs
    from torch_gan_zoo.mimicry.nets.cgan_pd.cgan_pd_32 import CGANPDGenerator32 as Ours

    torch.manual_seed(0)
    theirs = Theirs(num_classes=3, ngf=8)
    opt = torch.optim.Adam(theirs.parameters(), 1e-3)
    theirs(torch.randn(4, 128), torch.tensor([0, 1, 2, 0])).square().mean().backward()
    opt.step()
    theirs.save_checkpoint(str(tmp_path / "netG"), 1, optimizer=opt)
    ours = Ours(num_classes=3, ngf=8)
    our_opt = torch.optim.Adam(ours.parameters(), 1e-3)
    assert ours.restore_checkpoint(str(tmp_path / "netG" / "netG_1_steps.pth"), optimizer=our_opt) == 1
    embed = theirs.block2.b1.embed.weight
    moment = opt.state[embed]["exp_avg"]
    assert torch.equal(our_opt.state[ours.block2.b1.gamma.weight]["exp_avg"], moment[:, :8])
    assert torch.equal(our_opt.state[ours.block2.b1.beta.weight]["exp_avg"], moment[:, 8:])
    l1 = our_opt.state[ours.l1.weight]["exp_avg"]
    assert torch.equal(l1, opt.state[theirs.l1.weight]["exp_avg"])


class _Payload:
    """An arbitrary object: unpickling it would run code, so ``weights_only`` loading refuses it."""


def test_unsafe_or_foreign_files_are_refused(tmp_path):
    unsafe = tmp_path / "unsafe.pth"
    torch.save({"model_state_dict": {}, "global_step": 0, "payload": _Payload()}, unsafe)
    with pytest.raises(CheckpointError):
        convert.read_mimicry_checkpoint(str(unsafe))
    extra = tmp_path / "extra.pth"
    torch.save({"model_state_dict": {}, "global_step": 0, "something": 1}, extra)
    with pytest.raises(CheckpointError, match="unexpected keys"):
        convert.read_mimicry_checkpoint(str(extra))
    not_a_ckpt = tmp_path / "tensor.pth"
    torch.save(torch.zeros(3), not_a_ckpt)
    with pytest.raises(CheckpointError, match="not a Mimicry checkpoint"):
        convert.read_mimicry_checkpoint(str(not_a_ckpt))
    with pytest.raises(CheckpointError):
        convert.read_mimicry_checkpoint(str(tmp_path / "missing.pth"))


def test_wrong_model_is_refused(tmp_path):
    from torch_gan_zoo.mimicry.nets.sngan.sngan_32 import SNGANGenerator32

    _, path, _ = _mimicry_checkpoint(tmp_path, "sngan", "SNGAN", 48, "Generator")
    with pytest.raises(CheckpointError, match="does not fit"):
        SNGANGenerator32(ngf=16).restore_checkpoint(path)
    with pytest.raises(ValueError, match="unknown Mimicry model"):
        convert.import_mimicry_checkpoint(path, model="stylegan")
    assert os.path.exists(path)
