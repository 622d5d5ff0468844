"""The pretrained models the package ships: present, verified, loadable offline, measured as the zoo says,
and not collapsed (the samples of one generator, and of one class, differ)."""
import os
import socket

import pytest
import torch

from helpers.benchmarks import load_benchmark
from helpers.paths import REPO
from torch_gan_zoo import hub, zoo
from torch_gan_zoo.cli import QUICKSTART
from torch_gan_zoo.zoo import registry
from torch_gan_zoo.zoo.pretrained import WEIGHTS_NAME

SHIPPED = [e for e in registry.PRETRAINED_MODELS if e.folder is not None]
#: SHA-256 of the real ImageNet Inception-v3 pool3 weights (``shared/tools/get-real-assets.sh``): the
#: state-dict layout and the TorchScript extractor, which compute the same function.
REAL_INCEPTION_SHA256 = {"8ff953b0f4c36fb3d76e33d9a16206bf6a666833a36ed8fe140967312887633d",
                         "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"}
#: What a shipped model's weights must at least do (images in [-1, 1] have pixel std ~0.5-0.9 over a batch of
#: real images); a generator that ignores its noise gives ~0.01 (measured on a collapsed conditional DCGAN).
MIN_SAMPLE_STD = 0.1


def test_the_package_ships_models_within_the_size_budget():
    assert SHIPPED, "the package ships no pretrained model"
    shipped = sum(os.path.getsize(os.path.join(root, name))
                  for root, _, names in os.walk(registry.PRETRAINED_DIR) for name in names)
    assert shipped <= 40 * 2 ** 20, f"shipped pretrained folders take {shipped / 2 ** 20:.1f} MB (budget 40 MB)"
    folders = sorted(d for d in os.listdir(registry.PRETRAINED_DIR)
                     if os.path.isdir(os.path.join(registry.PRETRAINED_DIR, d)))
    assert folders == sorted(e.folder for e in SHIPPED), "every shipped folder is registered, and only those"


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda e: e.name)
def test_shipped_model_loads_offline_with_no_network(entry, monkeypatch):
    monkeypatch.setenv(hub.ENV_OFFLINE, "1")

    def no_network(*args, **kwargs):
        raise AssertionError("loading a shipped model touched the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    netG = zoo.load(entry.name)
    assert not netG.training and netG.resolution == entry.resolution
    assert sum(p.numel() for p in netG.parameters()) == entry.parameters
    weights = os.path.join(entry.local_path, WEIGHTS_NAME)
    assert hub.sha256_file(weights) == entry.sha256 and os.path.getsize(weights) == entry.file_size
    for name in ("config.json", "README.md", "samples.png"):
        assert os.path.isfile(os.path.join(entry.local_path, name)), name


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda e: e.name)
def test_shipped_fid_is_the_zoo_protocol_with_the_real_inception(entry):
    fid = entry.fid
    assert fid is not None and fid.num_fake == 10000 and fid.seed == 0 and fid.protocol == "tf1"
    assert fid.inception_sha256 in REAL_INCEPTION_SHA256
    if entry.dataset == "fashion_mnist":
        assert fid.num_real == 10000 and "test" in fid.reference
    if entry.dataset == "shapes":  # the quickstart's model: the whole (2,000-image) test split
        assert fid.num_real == 2000 and "test" in fid.reference and "resolution=28" in fid.reference
    assert 0 < fid.value < 300  # a measured value, not a placeholder (the quickstart's shapes model: 78)
    card = open(os.path.join(entry.local_path, "README.md"), encoding="utf-8").read()
    assert f"{fid.value:.3f}" in card and entry.command in card


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda e: e.name)
def test_shipped_command_names_a_recipe_that_exists(entry, monkeypatch):
    assert entry.command.startswith("python benchmarks/build_zoo_model.py ")
    words = entry.command.split()
    if "--bench" in words:
        module = load_benchmark("fashion_mnist")
        recipe = module.MODELS[words[words.index("--bench") + 1]]
        assert recipe["model"] == entry.model and recipe["resolution"] == entry.resolution
        assert recipe.get("time_limit") is None or "--no-time-limit" in words, \
            "a wall-clock limit would make the weights machine-dependent"
    elif "--quickstart" in words:
        recipe = QUICKSTART[words[words.index("--quickstart") + 1]]
        assert recipe["model"] == entry.model and recipe["resolution"] == entry.resolution
        # the quickstart stops at a wall-clock cap; the build script lifts it, so the weights are the machine's
        # 2,200 steps on every machine
        build = load_benchmark("build_zoo_model")
        seen = []
        monkeypatch.setattr("torch_gan_zoo.cli.main", lambda argv: seen.append(argv) or 0)
        build.train_quickstart(words[words.index("--quickstart") + 1], "unused_folder")
        argv = seen[0]
        overrides = [argv[i + 1] for i, word in enumerate(argv) if word == "--set"]
        assert recipe["trainer_kwargs"].get("time_limit") is None or "trainer.time_limit=null" in overrides, \
            "a wall-clock limit would make the weights machine-dependent"
    else:
        raise AssertionError(f"{entry.command!r} names no recipe (--bench or --quickstart)")


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda e: e.name)
def test_shipped_samples_are_images_diverse_and_seeded(entry):
    netG = zoo.load(entry.name).float()
    torch.manual_seed(0)
    first = netG.generate_images(32)
    torch.manual_seed(0)
    assert torch.equal(first, netG.generate_images(32))
    assert first.shape[-2:] == (entry.resolution, entry.resolution)
    assert first.min() >= -1 and first.max() <= 1
    assert first.std(0).mean() > MIN_SAMPLE_STD, "the generator's samples barely depend on the noise"
    if entry.num_classes:
        assert netG.num_classes == entry.num_classes
        means = []
        for k in range(entry.num_classes):
            images = netG.generate_images(16, c=k)
            intra = images.std(0).mean().item()
            assert intra > MIN_SAMPLE_STD, f"class {k}: samples of one class barely differ (std {intra:.3f})"
            means.append(images.mean(0))
        means = torch.stack(means)
        assert torch.cdist(means.flatten(1), means.flatten(1)).add(torch.eye(len(means)) * 1e9).min() > 1.0, \
            "two classes give the same mean image: the class label does not control the samples"


@pytest.mark.parametrize("entry", SHIPPED, ids=lambda e: e.name)
def test_shipped_model_is_a_torch_hub_entry_point_of_the_checkout(entry, monkeypatch):
    monkeypatch.setenv(hub.ENV_OFFLINE, "1")
    netG = torch.hub.load(REPO, entry.name, source="local")
    reference = zoo.load(entry.name)
    torch.manual_seed(1)
    first = netG.generate_images(4)
    torch.manual_seed(1)
    assert torch.equal(first, reference.generate_images(4))
