"""The example scripts run (on tiny settings and the built-in data)."""
import importlib.util
import os
from helpers.paths import REPO


def _load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO, "examples", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sngan_cifar10_example_runs_mimicry_style(tmp_path):
    example = _load("sngan_cifar10")
    result = example.main(["--dataset", "shapes", "--steps", "2", "--batch-size", "4", "--ngf", "8", "--ndf", "8",
                           "--num-workers", "0", "--log-dir", str(tmp_path)])
    assert result["global_step"] == 2 and result["checkpoint"]["netG"].endswith("netG_2_steps.pth")


def test_custom_gan_example_subclasses_the_bases(tmp_path):
    example = _load("custom_gan")
    result = example.main(["--steps", "3", "--log-dir", str(tmp_path), "--num-images", "128"])
    assert result["global_step"] == 3
    netD = example.MLPDiscriminator(smoothing=0.0)
    logits = netD(example.MLPGenerator()(netD.net[1].weight.new_zeros(2, 64)))
    # with smoothing 0 the custom loss equals the library's non-saturating loss
    assert abs(netD.compute_gan_loss(logits, logits).item() - netD.__class__.__bases__[0].compute_gan_loss(
        netD, logits, logits).item()) < 1e-6
