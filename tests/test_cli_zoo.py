"""The zoo's command line: ``sample`` (pretrained name / folder / checkpoint), ``eval``, ``export`` and
``pretrained``, run through ``cli.main([...])``."""
import json
import os

import pytest
import torch

from torch_gan_zoo import cli, hub, nets, zoo
from torch_gan_zoo.zoo import registry
from torch_gan_zoo.zoo.pretrained import WEIGHTS_NAME


@pytest.fixture
def folder(tmp_path):
    torch.manual_seed(0)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    return zoo.save_pretrained(netG, tmp_path / "tiny", netD=netD, samples=False)


def register(monkeypatch, folder, **fields):
    monkeypatch.setattr(registry, "PRETRAINED_DIR", os.path.dirname(folder))
    weights = os.path.join(folder, WEIGHTS_NAME)
    row = dict(name="tiny_dcgan", model="dcgan", resolution=32, dataset="shapes", sha256=hub.sha256_file(weights),
               fid=None, parameters=1, file_size=os.path.getsize(weights), license="MIT", command="n/a",
               folder=os.path.basename(folder))
    row.update(fields)
    monkeypatch.setattr(registry, "PRETRAINED_MODELS", (zoo.PretrainedEntry(**row),))


def test_sample_from_a_folder_and_a_registered_name(folder, tmp_path, monkeypatch, capsys):
    a, b, c = (str(tmp_path / f"{n}.png") for n in "abc")
    assert cli.main(["sample", "--pretrained", folder, "--num", "4", "--out", a, "--seed", "1"]) == 0
    assert "wrote 4 samples" in capsys.readouterr().out
    register(monkeypatch, folder)
    assert cli.main(["sample", "--model", "tiny_dcgan", "--num-images", "4", "--out", b, "--seed", "1"]) == 0
    assert open(a, "rb").read() == open(b, "rb").read()  # same weights, same seed: same grid
    assert cli.main(["sample", "--model", "tiny_dcgan", "--num", "4", "--out", c, "--seed", "2",
                     "--truncation", "0.5"]) == 0
    assert open(a, "rb").read() != open(c, "rb").read()
    assert cli.main(["sample", "--model", "tiny_dcgn", "--out", c]) == 2
    assert "did you mean 'tiny_dcgan'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # one source only
        cli.main(["sample", "--model", "tiny_dcgan", "--pretrained", folder])
    with pytest.raises(SystemExit, match="--num must be at least 1"):
        cli.main(["sample", "--pretrained", folder, "--num", "0"])


def test_sample_a_class_of_a_conditional_pretrained_model(tmp_path):
    torch.manual_seed(0)
    netG, _ = nets.create_model("cgan_pd", 32, ngf=8, ndf=8, num_classes=3)
    folder = zoo.save_pretrained(netG, tmp_path / "cond", samples=False)
    out = str(tmp_path / "c.png")
    assert cli.main(["sample", "--pretrained", folder, "--num", "4", "--class", "2", "--out", out]) == 0
    assert os.path.getsize(out) > 0
    assert cli.main(["sample", "--pretrained", folder, "--class", "5", "--out", out]) == 2


def test_eval_prints_a_table_and_writes_the_protocol(folder, tmp_path, tiny, capsys):
    out = tmp_path / "results.json"
    argv = ["eval", "--pretrained", folder, "--metrics", "fid", "kid", "prdc", "--dataset", "shapes",
            "--num-samples", "20", "--num-real-samples", "20", "--inception-weights", tiny, "--device", "cpu",
            "--batch-size", "10", "--kid-subsets", "5", "--kid-subset-size", "10", "--out", str(out)]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert "20 generated vs 20 reference images" in printed and "shapes" in printed
    for name in ("fid", "kid", "precision", "recall", "density", "coverage"):
        assert f"  {name}" in printed
    record = json.loads(out.read_text())
    assert record["split"] == "test"
    fid = record["metrics"]["fid"]
    assert fid["num_fake"] == 20 and fid["num_real"] == 20 and fid["protocol"] == "tf1"
    assert fid["weights_sha256"] == hub.sha256_file(tiny) and "split=test" in fid["real_source"]
    assert record["metrics"]["kid"]["details"]["subsets"] == 5
    # the CLI reports the same number as the library call with the same settings
    again = zoo.evaluate_pretrained(folder, "shapes", num_samples=20, num_real_samples=20, inception_weights=tiny,
                                    device="cpu", batch_size=10)
    assert float(again["fid"]) == fid["value"]
    record_row = zoo.fid_record(again["fid"])
    assert record_row.num_fake == 20 and record_row.inception_sha256 == hub.sha256_file(tiny)
    assert zoo.fid_record(fid) == record_row  # the record the CLI wrote gives the same registry row
    with pytest.raises(ValueError, match="needs an FID Score"):
        zoo.fid_record(again["fid"].value)
    with pytest.raises(ValueError, match="needs an FID Score"):
        zoo.fid_record(record["metrics"]["kid"])


def test_export_and_pretrained_listing(tmp_path, capsys, monkeypatch):
    log_dir = tmp_path / "run"
    assert cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir),
                     "--set", "model_kwargs.hidden=8", "--set", "model_kwargs.ndf=8",
                     "--set", "trainer_kwargs.progress=false"]) == 0
    capsys.readouterr()
    out = tmp_path / "exported"
    assert cli.main(["export", "--run", str(log_dir), "--out", str(out), "--half", "--name", "quick",
                     "--command", "torch-gan-zoo quickstart --steps 1"]) == 0
    exported = capsys.readouterr().out  # the quickstart keeps an EMA generator: that is what is exported
    # its CPPN generator has no batch norm: nothing re-estimated, and neither the line nor the record claims it
    assert "exported netG_ema of step 1" in exported and "standing batch-norm statistics" not in exported
    config = zoo.read_config(str(out))
    assert config["export"]["source"] == "netG_ema" and config["export"]["standing_stats"] is None
    assert config["architecture"]["dtype"] == "float16" and config["card"]["name"] == "quick"
    assert "torch-gan-zoo quickstart --steps 1" in (out / "README.md").read_text()
    assert cli.main(["export", "--run", str(log_dir), "--out", str(out)]) == 2
    assert "overwrite=True" in capsys.readouterr().err
    assert cli.main(["export", "--run", str(tmp_path / "none")]) == 2
    assert cli.main(["pretrained"]) == 0
    listing = capsys.readouterr().out  # the shipped models
    assert "dcgan_upsample_fashion_mnist_1h" in listing and "shapes_quickstart" in listing
    monkeypatch.setattr(registry, "PRETRAINED_MODELS", ())
    assert cli.main(["pretrained"]) == 0
    assert "no pretrained model is registered" in capsys.readouterr().out
    fid = zoo.FIDRecord(value=7.25, num_fake=10000, num_real=10000, reference="shapes test", protocol="tf1",
                        inception_sha256="a" * 64)
    register(monkeypatch, str(out), fid=fid)
    assert cli.main(["pretrained"]) == 0
    assert "FID 7.25 (10000 vs 10000 shapes test, tf1)" in capsys.readouterr().out


def test_sample_from_a_checkpoint_never_imports_a_module_it_names(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "ran"
    (tmp_path / "gan_helpers_cli_test.py").write_text(f"open({str(marker)!r}, 'w').close()\nclass G: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    netG, _ = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    path = netG.save_checkpoint(str(tmp_path / "netG"), 1)
    ckpt = torch.load(path, weights_only=True)
    ckpt["model_config"]["class"] = "gan_helpers_cli_test.G"
    torch.save(ckpt, path)
    assert cli.main(["sample", "--checkpoint", path, "--out", str(tmp_path / "s.png")]) == 2
    assert "only registered classes are rebuilt" in capsys.readouterr().err
    assert not marker.exists()


def test_export_says_when_it_re_estimated_batch_norm_statistics(tmp_path, capsys):
    log_dir = tmp_path / "run"  # the cDCGAN generator has batch norm, so its EMA copy's statistics are re-estimated
    assert cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir),
                     "--set", "model=cdcgan", "--set", 'model.kwargs={"ngf": 8, "ndf": 8, "nc": 3}',
                     "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false"]) == 0
    capsys.readouterr()
    out = tmp_path / "exported"
    assert cli.main(["export", "--run", str(log_dir), "--out", str(out)]) == 0
    exported = capsys.readouterr().out
    assert "exported netG_ema of step 1" in exported and "(standing batch-norm statistics re-estimated)" in exported
    config = zoo.read_config(str(out))
    assert config["export"]["standing_stats"] is not None
