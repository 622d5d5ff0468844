"""Checkpoints written by the library before networks came from tables (commit aef3a28, one file per
resolution) still load: their recorded class paths resolve, their state-dict keys fit, and the rebuilt
networks compute what they computed then (``tests/fixtures/old_checkpoints/make_fixtures.py``)."""
import os

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.nets import BaseModel
from torch_gan_zoo.utils import CheckpointError
from helpers.paths import FIXTURES

OLD_CHECKPOINTS = os.path.join(FIXTURES, "old_checkpoints")
STEMS = ["sngan_32", "dcgan_28", "wgan_gp_32", "cgan_pd_32", "biggan_32"]


def load(name):
    return torch.load(os.path.join(OLD_CHECKPOINTS, name), weights_only=True)


@pytest.mark.parametrize("stem", STEMS)
def test_old_checkpoint_rebuilds_and_computes_the_stored_outputs(stem):
    expected = load(f"{stem}_expected.pt")
    netG = BaseModel.from_checkpoint(os.path.join(OLD_CHECKPOINTS, f"{stem}_netG.pth"))
    netD = BaseModel.from_checkpoint(os.path.join(OLD_CHECKPOINTS, f"{stem}_netD.pth"))
    recorded = load(f"{stem}_netG.pth")["model_config"]["class"]
    assert f"{type(netG).__module__}.{type(netG).__qualname__}" == recorded
    conditional = isinstance(netG, nets.BaseConditionalGenerator)
    with torch.no_grad():
        fake = netG(expected["z"], expected["labels"]) if conditional else netG(expected["z"])
        logits = netD(expected["images"], expected["labels"]) if conditional else netD(expected["images"])
    torch.testing.assert_close(fake, expected["fake"], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(logits, expected["logits"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("stem", STEMS)
def test_old_checkpoint_restores_into_todays_model_of_the_same_name(stem):
    """What resuming an old run does: build the model by name and restore the old weights into it."""
    name, resolution = stem.rsplit("_", 1)
    config = load(f"{stem}_netD.pth")["model_config"]
    netG_kwargs = load(f"{stem}_netG.pth")["model_config"]["kwargs"]
    netG, netD = nets.create_model(name, int(resolution), g_kwargs=netG_kwargs, d_kwargs=config["kwargs"])
    assert netD.hparams()["class"] == config["class"] and netD.hparams()["kwargs"] == config["kwargs"]
    assert netG.restore_checkpoint(os.path.join(OLD_CHECKPOINTS, f"{stem}_netG.pth")) == 3
    assert netD.restore_checkpoint(os.path.join(OLD_CHECKPOINTS, f"{stem}_netD.pth")) == 3
    assert netD.hparams() == config  # regularisers (WGAN-GP's penalty) included


def test_old_checkpoint_restores_into_the_table_driven_class_at_its_resolution():
    """``SNGANGenerator32`` is ``SNGANGenerator`` at 32 px: its old weights fit the one class; a
    discriminator's do not (the class check still names both)."""
    path = os.path.join(OLD_CHECKPOINTS, "sngan_32_netG.pth")
    netG = nets.sngan.SNGANGenerator(nz=16, ngf=8, resolution=32)
    assert netG.restore_checkpoint(path) == 3
    expected = load("sngan_32_expected.pt")
    with torch.no_grad():
        torch.testing.assert_close(netG.eval()(expected["z"]), expected["fake"], rtol=1e-5, atol=1e-6)
    with pytest.raises(CheckpointError, match="holds a .*SNGANGenerator32, not a .*SNGANDiscriminator"):
        nets.sngan.SNGANDiscriminator(ndf=8, resolution=32).restore_checkpoint(path)
