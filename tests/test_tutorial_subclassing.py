"""The inline code of docs/tutorial_subclassing.rst runs: each ``.. code-block:: python`` is executed in
order in one namespace (in a temporary folder, with ``examples/`` importable), and what it defines is
trained for a step. A block the library no longer supports fails here before a reader finds out."""
import os
import re
import sys
import textwrap

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.nets import registry
from torch_gan_zoo.training import MetricLog
from helpers.paths import REPO

TUTORIAL = os.path.join(REPO, "docs", "tutorial_subclassing.rst")


def python_blocks(path):
    """The bodies of the ``.. code-block:: python`` directives of an rst file, dedented."""
    with open(path) as f:
        text = f.read()
    blocks = []
    for match in re.finditer(r"^\.\. code-block:: python\n((?:\n|   .*\n)+)", text, re.MULTILINE):
        blocks.append(textwrap.dedent(match.group(1)).strip("\n") + "\n")
    return blocks


def test_the_tutorial_has_the_blocks_this_test_runs():
    blocks = python_blocks(TUTORIAL)
    assert len(blocks) == 3
    assert "DriftDiscriminator" in blocks[0] and "from_checkpoint" in blocks[1] and "register_variant" in blocks[2]


def test_every_code_block_of_the_subclassing_tutorial_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(os.path.join(REPO, "examples"))
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # the tutorial registers "mygan"
    import custom_gan  # the example the tutorial's literalinclude blocks show

    # the checkpoint the "Train it" block loads, as examples/custom_gan.py writes it (tiny: no training needed)
    torch.manual_seed(0)
    saved = custom_gan.MLPGenerator(hidden=8)
    saved.save_checkpoint(os.path.join("log", "custom_gan", "checkpoints", "netG"), 500)

    namespace = {"__name__": "tutorial_subclassing"}
    for block in python_blocks(TUTORIAL):
        exec(compile(block, TUTORIAL, "exec"), namespace)  # noqa: S102 (the tutorial's own code, on purpose)
        if "from_checkpoint" in block:  # it rebuilt the saved MLP generator and sampled from it
            rebuilt = namespace["netG"]
            assert type(rebuilt) is custom_gan.MLPGenerator and namespace["images"].shape == (64, 3, 32, 32)
            for key, value in saved.state_dict().items():
                assert torch.equal(rebuilt.state_dict()[key], value), key

    # the drift discriminator trains and logs its extra term, weighted 0.001 in the loss
    torch.manual_seed(0)
    netD = namespace["DriftDiscriminator"](ndf=16, resolution=32)
    netG = nets.sngan.SNGANGenerator(ngf=16, resolution=32)
    log = netD.train_step(torch.rand(4, 3, 32, 32) * 2 - 1, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    assert log.names() == ["errD", "drift", "D(x)", "D(G(z))"]
    # the table block registered its variant at every row of both tables
    assert nets.list_models("mygan") == [("mygan", 32), ("mygan", 48)]
    assert type(namespace["netG"]).__name__ == "MyGenerator32" and namespace["netD"].ndf == 64


def test_the_tutorials_example_classes_pass_no_convolutional_sizes():
    sys.path.insert(0, os.path.join(REPO, "examples"))
    try:
        import custom_gan
    finally:
        sys.path.remove(os.path.join(REPO, "examples"))
    netG, netD = custom_gan.MLPGenerator(hidden=8), custom_gan.MLPDiscriminator(hidden=8)
    assert netG.hparams()["kwargs"] == {"nz": 64, "hidden": 8, "loss_type": "ns"}
    assert netG.ngf is None and netG.bottom_width is None and netD.ndf is None
    with pytest.raises(TypeError, match="did you mean compute_gan_loss"):
        type("Typo", (custom_gan.MLPDiscriminator,), {"compute_gan_losses": lambda self, a, b: a.mean()})
