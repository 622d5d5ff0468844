"""Shared fixtures: tiny models and data so the whole suite runs in minutes on a 2-core CPU."""
import os

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.datasets import ShapesDataset


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never touch the user's cache or download anything: the library's home is a temp folder."""
    home = tmp_path_factory.getbasetemp() / "tgz_home"
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(home))
    monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", "1")


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """A home (cache) folder of this test's own, for tests that check what gets cached."""
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """A tiny TorchScript pool3 extractor file (fast stand-in for the real Inception)."""
    from helpers.metrics import tiny_torchscript_file

    return tiny_torchscript_file(str(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def inception(tmp_path_factory):
    """A randomly initialised Inception weight file in pytorch-fid's format (with the logits layer)."""
    from helpers.metrics import random_inception_file

    return random_inception_file(str(tmp_path_factory.mktemp("weights")))


@pytest.fixture
def tiny_pair():
    """A factory of small (netG, netD) pairs of a registered model."""

    def make(name="dcgan", resolution=32, seed=0, **kwargs):
        torch.manual_seed(seed)
        widths = {"ngf": 16, "ndf": 16} if name in ("dcgan", "sngan") else {}
        widths.update(kwargs)
        return nets.create_model(name, resolution, **widths)

    return make


@pytest.fixture
def shapes_small():
    """64 shapes images at 32 px."""
    return ShapesDataset(num_images=64, resolution=32, seed=0)


os.environ.setdefault("TQDM_DISABLE", "0")
