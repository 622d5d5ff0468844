"""``torch_gan_zoo.mimicry.modules.biggan_resblocks`` loads Mimicry's block state dicts and computes what
Mimicry's blocks specify; ``torch_gan_zoo.mimicry.training.distributed_trainer.DistributedTrainer``
trains on one process like the Trainer."""
import os

import pytest
import torch
import torch.nn.functional as F

from helpers.mimicry_stub import require_mimicry
from helpers.values import assert_refuses_bad_ints

require_mimicry()

import torch_gan_zoo.mimicry as mmc  # noqa: E402
from torch_gan_zoo.mimicry.convert import convert_state_dict  # noqa: E402
from torch_gan_zoo.mimicry.modules import biggan_resblocks as ours  # noqa: E402
from torch_gan_zoo.mimicry.training.distributed_trainer import DistributedTrainer  # noqa: E402


def _theirs():
    from torch_mimicry.modules import biggan_resblocks

    return biggan_resblocks


def _randomise_bn_stats(module):
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)


# Mimicry's forward methods of these blocks raise NotImplementedError; their intended computation
# (commented in Mimicry's source) is applied here with Mimicry's own layers as the reference.
def _ref_gblock(t, x, y):
    norm = (lambda bn, h: bn(h, y)) if t.num_classes > 0 else (lambda bn, h: bn(h))
    up = (lambda h: F.interpolate(h, scale_factor=2, mode="nearest")) if t.upsample else (lambda h: h)
    h = t.c2(F.relu(norm(t.b2, t.c1(up(F.relu(norm(t.b1, x)))))))
    return h + (t.c_sc(up(x)) if t.learnable_sc else x)


def _ref_dblock(t, x):
    x = F.relu(x)
    h = t.c2(F.relu(t.c1(x)))
    sc = t.c_sc(x) if t.learnable_sc else x
    if t.downsample:
        h, sc = F.avg_pool2d(h, 2), F.avg_pool2d(sc, 2)
    return h + sc


def _ref_dblock_optimized(t, x):
    return F.avg_pool2d(t.c2(F.relu(t.c1(x))), 2) + t.c_sc(F.avg_pool2d(x, 2))


@pytest.mark.parametrize("spectral_norm", [True, False])
@pytest.mark.parametrize("num_classes", [0, 3])
@pytest.mark.parametrize("upsample,in_ch,out_ch", [(True, 4, 6), (False, 6, 6)])
def test_gblock_loads_mimicry_state_and_matches(spectral_norm, num_classes, upsample, in_ch, out_ch):
    torch.manual_seed(0)
    kw = dict(hidden_channels=5, upsample=upsample, num_classes=num_classes, spectral_norm=spectral_norm)
    theirs, mine = _theirs().GBlock(in_ch, out_ch, **kw), ours.GBlock(in_ch, out_ch, **kw)
    _randomise_bn_stats(theirs)
    state = theirs.state_dict()
    if num_classes:  # Mimicry's one `embed` (K, 2C) is this library's gamma/beta (K, C) each
        state = convert_state_dict(state, list(mine.state_dict()))
    else:
        assert set(state) == set(mine.state_dict())
    mine.load_state_dict(state, strict=True)
    theirs.eval(), mine.eval()
    x = torch.randn(2, in_ch, 4, 4)
    y = torch.tensor([0, 2]) if num_classes else None
    with torch.no_grad():
        expected, got = _ref_gblock(theirs, x.clone(), y), mine(x, None, None, y)
    assert got.shape == (2, out_ch, 8 if upsample else 4, 8 if upsample else 4)
    assert (got - expected).abs().max() <= 1e-5


def test_gblock_rejects_what_it_cannot_use():
    block = ours.GBlock(4, 4, num_classes=0)
    x = torch.randn(2, 4, 4, 4)
    with pytest.raises(ValueError, match="shared-embedding"):
        block(x, torch.ones(2, 4), torch.zeros(2, 4), None)
    with pytest.raises(ValueError, match="unconditional"):
        block(x, None, None, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="class-conditional"):
        ours.GBlock(4, 4, num_classes=2)(x, None, None, None)


@pytest.mark.parametrize("spectral_norm", [True, False])
@pytest.mark.parametrize("downsample,in_ch,out_ch", [(True, 4, 6), (False, 4, 4), (False, 4, 6)])
def test_dblock_loads_mimicry_state_strictly_and_matches(spectral_norm, downsample, in_ch, out_ch):
    torch.manual_seed(1)
    kw = dict(hidden_channels=5, downsample=downsample, spectral_norm=spectral_norm)
    theirs, mine = _theirs().DBlock(in_ch, out_ch, **kw), ours.DBlock(in_ch, out_ch, **kw)
    theirs.train()
    with torch.no_grad():  # one training-mode call: power-iteration vectors move away from init
        _ref_dblock(theirs, torch.randn(2, in_ch, 8, 8))
    mine.load_state_dict(theirs.state_dict(), strict=True)
    theirs.eval(), mine.eval()
    x = torch.randn(2, in_ch, 8, 8)
    with torch.no_grad():
        expected, got = _ref_dblock(theirs, x.clone()), mine(x)
    assert (got - expected).abs().max() <= 1e-5
    assert got.shape == (2, out_ch, 4 if downsample else 8, 4 if downsample else 8)
    assert (x < 0).any()  # the input is not modified in place


@pytest.mark.parametrize("spectral_norm", [True, False])
def test_dblock_optimized_loads_mimicry_state_strictly_and_matches(spectral_norm):
    torch.manual_seed(2)
    theirs = _theirs().DBlockOptimized(3, 6, spectral_norm=spectral_norm)
    mine = ours.DBlockOptimized(3, 6, spectral_norm=spectral_norm)
    mine.load_state_dict(theirs.state_dict(), strict=True)
    theirs.eval(), mine.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        diff = (mine(x) - _ref_dblock_optimized(theirs, x)).abs().max()
    assert diff <= 1e-5


def test_shared_conditional_batch_norm_matches_mimicry():
    torch.manual_seed(3)
    theirs, mine = _theirs().SharedConditionalBatchNorm2d(4), ours.SharedConditionalBatchNorm2d(4)
    _randomise_bn_stats(theirs)
    mine.load_state_dict(theirs.state_dict(), strict=True)
    x, gamma, beta = torch.randn(3, 4, 5, 5), torch.randn(3, 4), torch.randn(3, 4)
    for mode in ("train", "eval"):
        getattr(theirs, mode)(), getattr(mine, mode)()
        assert (mine(x, gamma, beta) - theirs(x, gamma, beta)).abs().max() <= 1e-5
    with pytest.raises(ValueError, match="gamma"):
        mine(x, torch.randn(3, 5), beta)


def _fake_loader(n=8):
    """Unshuffled: without a seed argument the Trainer draws a fresh data-order seed per run."""
    dataset = mmc.datasets.load_dataset("unused", "fake_data", size=n, image_size=(3, 32, 32), random_offset=3)
    return torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=False)


def _run(cls, log_dir, **kwargs):
    torch.manual_seed(0)
    netG, netD = mmc.nets.sngan.SNGANGenerator32(ngf=8), mmc.nets.sngan.SNGANDiscriminator32(ndf=8)
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    torch.manual_seed(1)
    trainer = cls(netD=netD, netG=netG, optD=optD, optG=optG, dataloader=_fake_loader(), num_steps=2,
                  log_dir=log_dir, device="cpu", vis_steps=100, log_steps=100, print_steps=100, **kwargs)
    return trainer, trainer.train(), netG


def test_distributed_trainer_trains_like_the_trainer_on_one_process(tmp_path):
    assert "WORLD_SIZE" not in os.environ
    trainer, result, netG = _run(DistributedTrainer, str(tmp_path / "dist"), n_gpus=1, save_steps=1)
    _, ref_result, ref_netG = _run(mmc.training.Trainer, str(tmp_path / "plain"))
    assert result["global_step"] == ref_result["global_step"] == 2
    assert trainer.n_gpus == 1
    for step in (1, 2):  # save_steps from **kwargs reached the Trainer
        assert os.path.exists(tmp_path / "dist" / "checkpoints" / "netG" / f"netG_{step}_steps.pth")
    assert not os.path.exists(tmp_path / "plain" / "checkpoints" / "netG" / "netG_1_steps.pth")
    torch.manual_seed(0)
    init = mmc.nets.sngan.SNGANGenerator32(ngf=8).state_dict()
    assert not torch.equal(init["l1.weight"], netG.state_dict()["l1.weight"])  # it trained
    for (name, a), (_, b) in zip(netG.state_dict().items(), ref_netG.state_dict().items()):
        assert torch.equal(a, b), name


def test_distributed_trainer_checks_its_arguments(tmp_path):
    netG, netD = mmc.nets.sngan.SNGANGenerator32(ngf=8), mmc.nets.sngan.SNGANDiscriminator32(ndf=8)
    opts = dict(optD=torch.optim.Adam(netD.parameters()), optG=torch.optim.Adam(netG.parameters()))
    args = dict(netD=netD, netG=netG, dataloader=_fake_loader(), num_steps=1, log_dir=str(tmp_path), **opts)
    assert_refuses_bad_ints(lambda v: DistributedTrainer(n_gpus=v, **args), "n_gpus")
    with pytest.raises(TypeError, match="save_every"):
        DistributedTrainer(n_gpus=1, save_every=3, **args)
    with pytest.warns(RuntimeWarning, match="save_when_end"):
        DistributedTrainer(n_gpus=1, save_when_end=False, **args)
