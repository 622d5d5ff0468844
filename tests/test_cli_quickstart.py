"""The quickstart's recipe and its final grid (EMA generator with standing batch-norm statistics)."""
import copy
import json
import types

import numpy as np
import torch
from PIL import Image

from torch_gan_zoo import cli, nets
from torch_gan_zoo.training.distributed import DistributedContext
from torch_gan_zoo.training.ema import ExponentialMovingAverage, standing_stats
from torch_gan_zoo.zoo.export import STANDING_STATS


def test_shapes_quickstart_recipe_is_the_measured_one():
    # docs/quickstart.rst and benchmarks/results/quickstart.json report this recipe: change them together.
    assert cli.QUICKSTART["shapes"] == {
        "model": "cppn", "resolution": 28,
        "model_kwargs": {"nz": 64, "ndf": 48, "nc": 3},
        "optG": {"name": "adam", "lr": 4e-4, "betas": [0.5, 0.999]},
        "optD": {"name": "adam", "lr": 8e-4, "betas": [0.5, 0.999]},
        "regularizers": [{"name": "mode_seeking", "weight": 1.0}],
        "num_steps": 2200, "batch_size": 32, "lr_decay": None,
        "trainer_kwargs": {"ema_decay": 0.995, "time_limit": cli.QUICKSTART_TIME_LIMIT}}
    assert cli.QUICKSTART["shapes"]["optG"] is not cli.QUICKSTART["shapes"]["optD"]
    # five minutes in all: training is capped, leaving 40 s for start-up and the final grid (20 s on a Zen 3)
    assert cli.QUICKSTART_TIME_LIMIT == 260


def _tiny_quickstart(log_dir, *extra):
    return ["quickstart", "--batch-size", "4", "--log-dir", str(log_dir), "--set", "model_kwargs.hidden=8",
            "--set", "model_kwargs.ndf=8", "--set", "dataset_kwargs.num_images=16",
            "--set", "trainer_kwargs.progress=false", *extra]


def test_the_quickstart_stops_at_its_time_cap_says_so_and_the_same_command_continues(tmp_path, capsys, monkeypatch):
    # a slow CPU (2-core AVX2 EPYC: 440 s for the 2,200 steps) must still finish in five minutes
    import torch_gan_zoo.training.trainer as trainer_module

    clock = {"now": 1000.0}

    def fake_monotonic():  # every reading of the clock is one simulated second later
        clock["now"] += 1.0
        return clock["now"]

    monkeypatch.setattr(cli, "QUICKSTART", copy.deepcopy(cli.QUICKSTART))
    cli.QUICKSTART["shapes"]["trainer_kwargs"]["time_limit"] = 5
    monkeypatch.setattr(trainer_module.time, "monotonic", fake_monotonic)
    log_dir = tmp_path / "qs"
    assert cli.main(_tiny_quickstart(log_dir, "--steps", "40")) == 0
    out = capsys.readouterr().out
    config = json.loads((log_dir / "config.json").read_text())
    assert config["trainer"]["time_limit"] == 5
    step = int(out.split("Stopped by the time limit of 5 s at step ")[1].split()[0])
    assert 0 < step < 40 and "of 40 (checkpoint saved): run the same command again to continue" in out
    assert "--set trainer.time_limit=null" in out and "Done:" not in out
    assert (log_dir / "images" / cli.QUICKSTART_GRID).is_file()  # the final grid is written all the same
    # the same command continues from the checkpoint; without the cap it trains every step
    assert cli.main(_tiny_quickstart(log_dir, "--steps", "40", "--set", "trainer.time_limit=null")) == 0
    out = capsys.readouterr().out
    assert "Done: 40 steps." in out
    assert json.loads((log_dir / "config.json").read_text())["trainer"]["time_limit"] is None


def test_a_run_of_the_earlier_recipe_is_refused_and_continues_with_its_discriminator_width(tmp_path, capsys,
                                                                                          monkeypatch):
    # docs/quickstart.rst, "On a slower CPU": a capped run left by stop 25's recipe (ndf 128) is not continued
    # by today's command (ndf 48), which names the key and keeps the run; --set model_kwargs.ndf=128 continues it
    earlier = copy.deepcopy(cli.QUICKSTART)
    earlier["shapes"]["model_kwargs"]["ndf"] = 128
    monkeypatch.setattr(cli, "QUICKSTART", earlier)
    log_dir = tmp_path / "qs"
    small = ["--batch-size", "4", "--log-dir", str(log_dir), "--set", "model_kwargs.hidden=8",
             "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false"]
    assert cli.main(["quickstart", "--steps", "1", *small]) == 0
    saved = sorted(p.name for p in (log_dir / "checkpoints" / "netD").iterdir())
    monkeypatch.undo()
    assert cli.QUICKSTART["shapes"]["model_kwargs"]["ndf"] == 48
    capsys.readouterr()
    assert cli.main(["quickstart", "--steps", "2", *small]) == 2
    err = capsys.readouterr().err
    assert "netD" in err and "ndf: saved 128, now 48" in err and "log_dir" in err
    assert sorted(p.name for p in (log_dir / "checkpoints" / "netD").iterdir()) == saved
    assert cli.main(["quickstart", "--steps", "2", *small, "--set", "model_kwargs.ndf=128"]) == 0
    assert "Done: 2 steps." in capsys.readouterr().out


def test_quickstart_trains_with_the_recipe_and_writes_the_ema_grid(tmp_path, capsys):
    log_dir = tmp_path / "qs"
    argv = ["quickstart", "--steps", "2", "--batch-size", "8", "--log-dir", str(log_dir),
            "--set", "model_kwargs.hidden=16", "--set", "model_kwargs.ndf=16", "--set", "dataset_kwargs.num_images=32",
            "--set", "trainer_kwargs.progress=false", "--set", "trainer.ema_decay=0.999",
            "--set", "trainer.ema_start=200",
            "--set", "lr_decay=linear", "--set", "lr_decay_start=750"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    grid = log_dir / "images" / cli.QUICKSTART_GRID
    assert f"final grid:   {grid}" in out and grid.is_file()
    config = json.loads((log_dir / "config.json").read_text())
    assert config["trainer"]["ema_decay"] == 0.999 and config["trainer"]["ema_start"] == 200
    assert config["schedule"]["lr_decay"] == "linear" and config["schedule"]["lr_decay_start"] == 750
    # --set overrides the table's entries and keeps the others
    assert config["model"]["kwargs"] == {"nz": 64, "hidden": 16, "ndf": 16, "nc": 3}
    assert config["model"]["name"] == "cppn" and config["model"]["resolution"] == 28
    assert config["optG"]["lr"] == 4e-4 and config["optD"]["lr"] == 8e-4
    assert config["regularizers"] == [{"name": "mode_seeking", "weight": 1.0}]
    assert config["schedule"]["num_steps"] == 2 and config["trainer"]["batch_size"] == 8
    assert (log_dir / "checkpoints" / "netG_ema").is_dir()
    with Image.open(grid) as image:  # one row per shape class (5), 64 // 5 = 12 samples of 28 px, 2 px padding
        assert image.size == (12 * 30 + 2, 5 * 30 + 2)


def test_quickstart_grid_without_ema_comes_from_the_generator(tmp_path, capsys):
    log_dir = tmp_path / "qs"
    assert cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir),
                     "--set", "model_kwargs.hidden=16", "--set", "model_kwargs.ndf=16",
                     "--set", "trainer.ema_decay=null",
                     "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false"]) == 0
    config = json.loads((log_dir / "config.json").read_text())
    assert config["trainer"]["ema_decay"] is None and config["schedule"]["lr_decay"] is None
    assert config["schedule"]["num_steps"] == 1
    assert (log_dir / "images" / cli.QUICKSTART_GRID).is_file() and "final grid:" in capsys.readouterr().out


def test_quickstart_grid_of_a_class_conditional_model_uses_the_fixed_labels(tmp_path, capsys):
    # found by hand: the final grid called netG(z) and a conditional generator (which needs labels) crashed after
    # training had finished
    log_dir = tmp_path / "qs"
    assert cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir),
                     "--set", "model=cdcgan", "--set", "resolution=28",
                     "--set", 'model.kwargs={"ngf": 16, "ndf": 16, "nc": 3}', "--set", "dataset_kwargs.num_images=16",
                     "--set", "trainer_kwargs.progress=false"]) == 0
    assert json.loads((log_dir / "config.json").read_text())["model"]["name"] == "cdcgan"
    assert (log_dir / "images" / cli.QUICKSTART_GRID).is_file() and "final grid:" in capsys.readouterr().out


def test_final_grid_of_a_class_conditional_generator_has_one_row_per_class_with_shared_noise(tmp_path):
    torch.manual_seed(0)
    netG, _ = nets.create_model("cdcgan", 28, ngf=16, ndf=16, nc=3, num_classes=3)
    fixed_noise = torch.randn(8, netG.nz)  # 8 // 3 classes -> rows of 2
    trainer = types.SimpleNamespace(netG=netG, ema=None, fixed_noise=fixed_noise,
                                    fixed_labels=torch.arange(8) % 3, log_dir=str(tmp_path), dist=DistributedContext())
    written = _grid_pixels(cli._write_quickstart_grid(trainer))
    assert written.shape == (3 * 30 + 2, 2 * 30 + 2, 3)
    with torch.no_grad():
        expected = netG.eval()(fixed_noise[:2].repeat(3, 1), torch.tensor([0, 0, 1, 1, 2, 2])).clamp(-1, 1)
    import torchvision.utils as vutils
    vutils.save_image(expected, tmp_path / "ref.png", nrow=2, normalize=True, value_range=(-1, 1), padding=2)
    assert np.abs(written - _grid_pixels(tmp_path / "ref.png")).max() <= 1


def test_other_quickstart_datasets_keep_their_own_recipe():
    fashion = cli.QUICKSTART["fashion_mnist"]
    assert fashion["resolution"] == 28 and fashion["lr_decay"] is None
    assert fashion["trainer_kwargs"] == {"time_limit": cli.QUICKSTART_TIME_LIMIT}
    assert fashion["trainer_kwargs"] is not cli.QUICKSTART["shapes"]["trainer_kwargs"]


def _grid_pixels(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_final_grid_comes_from_the_ema_generator_with_standing_statistics(tmp_path):
    torch.manual_seed(0)
    netG, _ = nets.create_model("dcgan", 32, ngf=16, ndf=16)
    ema = ExponentialMovingAverage(netG, 0.5)
    with torch.no_grad():  # G moves away from its EMA copy; batch-norm buffers hold stale statistics
        for p in netG.parameters():
            p.add_(0.3 * torch.randn_like(p))
        ema.update(netG, 1)
    shadow_before = copy.deepcopy(ema.shadow.state_dict())
    fixed_noise = torch.randn(4, netG.nz)
    trainer = types.SimpleNamespace(netG=netG, ema=ema, fixed_noise=fixed_noise, fixed_labels=None,
                                    log_dir=str(tmp_path), dist=DistributedContext(), seed=0)
    path = cli._write_quickstart_grid(trainer)
    written = _grid_pixels(path)

    def grid_of(generator):
        out = tmp_path / "ref.png"
        with torch.no_grad():
            images = generator.eval()(fixed_noise).clamp(-1, 1)
        import torchvision.utils as vutils
        vutils.save_image(images, out, nrow=2, normalize=True, value_range=(-1, 1), padding=2)
        return _grid_pixels(out)

    expected = grid_of(standing_stats(copy.deepcopy(ema.shadow), **STANDING_STATS))
    assert np.abs(written - expected).max() <= 1
    assert np.abs(written - grid_of(copy.deepcopy(ema.shadow))).max() > 8  # not the stale statistics
    assert np.abs(written - grid_of(copy.deepcopy(netG))).max() > 8  # not the raw generator
    for key, value in ema.shadow.state_dict().items():  # the run's EMA copy is left as it was
        assert torch.equal(value, shadow_before[key]), key


def test_the_benchmarks_before_recipe_is_the_old_unconditional_32px_dcgan(tmp_path):
    # benchmarks/quickstart_quality.py --which before overrides today's (class-conditional) table
    from helpers.benchmarks import load_benchmark

    before = load_benchmark("quickstart_quality").BEFORE
    log_dir = tmp_path / "before"
    assert cli.main(["quickstart", *before, "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir),
                     "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false"]) == 0
    config = json.loads((log_dir / "config.json").read_text())
    assert config["model"]["name"] == "dcgan" and config["model"]["resolution"] == 32
    assert config["model"]["kwargs"] == {"ngf": 128, "ndf": 128}
    assert config["trainer"]["ema_decay"] is None and config["regularizers"] is None
    assert config["optG"]["lr"] == config["optD"]["lr"] == 2e-4
    assert config["trainer"]["time_limit"] is None  # it trained all its 1,500 steps, as it did then
