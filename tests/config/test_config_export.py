"""``logging.export_pretrained`` in the run configuration: the CLI asks for the final export, the folder holds
the EMA generator with standing statistics (what ``zoo.export_run`` gives and what the run's FID scored), the
run's config.json re-runs it, a resume may change it, and bad values are refused naming the key."""
import json
import os

import pytest
import torch

from torch_gan_zoo import cli, zoo
from torch_gan_zoo.config import ConfigError, RunConfig
from torch_gan_zoo.config.run import EXPORT_OPTIONS, parse_override
from torch_gan_zoo.training import Evaluator
from torch_gan_zoo.training.distributed import DistributedContext
from torch_gan_zoo.zoo.pretrained import CARD_FIELDS

from helpers.training import state_equal

TINY = ["--model", "dcgan", "--resolution", "32", "--dataset", "shapes", "--batch-size", "4", "--n-dis", "1",
        "--seed", "0", "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8",
        "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false",
        "--set", "trainer_kwargs.vis_steps=100", "--set", "trainer.ema_decay=0.5"]


def evaluation_flags(weights):
    return ["--set", 'evaluation.metrics=["fid"]', "--set", "evaluation.num_samples=12", "--set",
            "evaluation.batch_size=6", "--set", "evaluation.num_real_samples=16", "--set", "evaluation.every=2",
            "--set", "evaluation.real=shapes",
            "--set", "evaluation.options=" + json.dumps({"inception_weights": weights})]


def test_cli_export_is_the_evaluated_generator_and_config_json_re_runs_it(tmp_path, tiny, capsys):
    first = tmp_path / "first"
    assert cli.main(["train", "--steps", "3", "--log-dir", str(first), *TINY, *evaluation_flags(tiny),
                     "--export-pretrained"]) == 0
    folder = str(first / "pretrained")
    assert f"pretrained:   {folder}" in capsys.readouterr().out
    config = json.loads((first / "config.json").read_text())
    assert config["logging"]["export_pretrained"] is True

    loaded = zoo.load(folder)
    reference = zoo.export_run(str(first), str(tmp_path / "by_export_run"), include_discriminator=False)
    assert state_equal(loaded.state_dict(), zoo.load(reference).state_dict())
    raw_ema = torch.load(first / "checkpoints" / "netG_ema" / "netG_ema_3_steps.pth", weights_only=True)
    assert not state_equal(loaded.state_dict(), raw_ema["model_state_dict"])  # statistics were re-estimated

    # the FID the run reports is the FID of the folder's generator (same images, same reference)
    line = json.loads((first / "metrics.jsonl").read_text().splitlines()[-1])
    assert line["step"] == 3 and line["generator"] == "ema+standing_stats"
    evaluator = Evaluator("shapes", num_samples=12, batch_size=6, num_real_samples=16, inception_weights=tiny)
    cpu = DistributedContext(device=torch.device("cpu"))
    assert evaluator.evaluate(loaded, cpu, "cpu")["fid"] == line["fid"]

    second = tmp_path / "second"  # the record alone re-runs the run, export included
    assert cli.main(["train", "--config", str(first / "config.json"), "--log-dir", str(second)]) == 0
    assert state_equal(zoo.load(str(second / "pretrained")).state_dict(), loaded.state_dict())
    assert json.loads((second / "metrics.jsonl").read_text().splitlines()[-1])["fid"] == line["fid"]


def test_export_folder_flag_set_key_and_resume_may_change_it(tmp_path, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--steps", "2", "--log-dir", str(run), *TINY]) == 0
    assert "pretrained:" not in capsys.readouterr().out and not (run / "pretrained").exists()
    out = tmp_path / "exported"  # not part of the run's identity: a resume (here: extension) may ask for it
    assert cli.main(["train", "--steps", "3", "--log-dir", str(run), *TINY, "--export-pretrained", str(out)]) == 0
    assert f"pretrained:   {out}" in capsys.readouterr().out
    assert zoo.read_config(str(out))["export"]["step"] == 3
    assert json.loads((run / "config.json").read_text())["logging"]["export_pretrained"] == str(out)

    half = tmp_path / "half"
    stats = {"num_batches": 2, "batch_size": 4, "seed": 1}
    spec = {"out_folder": str(half), "stats": stats, "dtype": "float16", "include_discriminator": False}
    assert cli.main(["train", "--steps", "3", "--log-dir", str(run), *TINY,
                     "--set", "logging.export_pretrained=" + json.dumps(spec)]) == 0  # finished run: exports again
    config = zoo.read_config(str(half))
    assert config["export"]["standing_stats"] == stats and "netD" not in config["architecture"]
    assert zoo.load(str(half)).state_dict()["main.0.weight"].dtype == torch.float32  # loads as float32
    with open(os.path.join(half, "config.json")) as f:
        assert "float16" in f.read()


def test_another_runs_export_is_not_replaced(tmp_path, capsys):
    other = tmp_path / "other"
    assert cli.main(["train", "--steps", "1", "--log-dir", str(other), *TINY, "--export-pretrained"]) == 0
    before = (other / "pretrained" / "model.safetensors").read_bytes()
    code = cli.main(["train", "--steps", "1", "--log-dir", str(tmp_path / "new"), *TINY, "--seed", "1",
                     "--export-pretrained", str(other / "pretrained")])
    assert code != 0
    assert "not an export of" in capsys.readouterr().err
    assert (other / "pretrained" / "model.safetensors").read_bytes() == before


@pytest.mark.parametrize("override, message", [
    ('logging.export_pretrained={"stat": {}}', "'logging.export_pretrained.stat'; did you mean "
                                               "'logging.export_pretrained.stats'"),
    ('logging.export_pretrained={"stats": {"num_batch": 2}}',
     "did you mean 'logging.export_pretrained.stats.num_batches'"),
    ('logging.export_pretrained={"stats": {"seed": -1}}', "logging.export_pretrained.stats.seed must be"),
    ('logging.export_pretrained={"dtype": "int8"}', "logging.export_pretrained.dtype must be one of"),
    ('logging.export_pretrained={"card": {"licence": "MIT"}}', "did you mean 'logging.export_pretrained.card.license'"),
    ('logging.export_pretrained={"overwrite": "yes"}', "logging.export_pretrained.overwrite must be true or false"),
    ('trainer_kwargs.export_pretrained={"use_ema": 1}', "logging.export_pretrained.use_ema must be"),
])
def test_bad_export_values_are_refused_naming_the_key(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        RunConfig.build([{"model": "dcgan"}], [override])


def test_export_values_parse_and_type_check():
    def value(*overrides, layer=None):
        return RunConfig.build([{"model": "dcgan", **(layer or {})}], list(overrides)).logging.export_pretrained

    assert value() is False
    assert value("logging.export_pretrained=true") is True and value("logging.export_pretrained=False") is False
    assert value("logging.export_pretrained=out/gen") == "out/gen"
    assert value("logging.export_pretrained.stats.seed=3") == {"stats": {"seed": 3}}
    assert value(layer={"trainer_kwargs": {"export_pretrained": True}}) is True  # the flat alias
    with pytest.raises(ConfigError, match="logging.export_pretrained must be"):
        value(layer={"logging": {"export_pretrained": 3}})
    assert parse_override("logging.export_pretrained={\"overwrite\": true}")[1] == {"overwrite": True}
    assert EXPORT_OPTIONS["card"] == CARD_FIELDS  # the config checks the card fields the zoo writes
    flat = RunConfig.build([{"model": "dcgan"}], ["logging.export_pretrained=true"]).to_flat()
    assert flat["trainer_kwargs"]["export_pretrained"] is True


def test_trainer_keyword_and_logging_group_are_one_setting(tmp_path, tiny_pair, shapes_small):
    from torch_gan_zoo.config import LoggingConfig
    from helpers.training import adam_pair
    from torch_gan_zoo.training import Trainer

    netG, netD = tiny_pair("dcgan", 32, ngf=8, ndf=8)
    optG, optD = adam_pair(netG, netD)
    trainer = Trainer(netD, netG, optD, optG, shapes_small, num_steps=1, batch_size=8, log_dir=str(tmp_path),
                      export_pretrained={"dtype": torch.float16, "out_folder": tmp_path / "x"})
    assert trainer.export_pretrained == {"dtype": "float16", "out_folder": str(tmp_path / "x")}
    assert trainer.hparams()["logging"]["export_pretrained"] == trainer.export_pretrained
    grouped = Trainer(netD, netG, optD, optG, shapes_small, num_steps=1, batch_size=8, log_dir=str(tmp_path),
                      logging=LoggingConfig(log_dir=str(tmp_path), export_pretrained=True))
    assert grouped.export_pretrained is True
    with pytest.raises(ValueError, match="export_pretrained"):
        Trainer(netD, netG, optD, optG, shapes_small, num_steps=1, batch_size=8, export_pretrained=False,
                logging=LoggingConfig(log_dir=str(tmp_path), export_pretrained=True))
    with pytest.raises(ConfigError, match="did you mean 'logging.export_pretrained.stats'"):
        Trainer(netD, netG, optD, optG, shapes_small, num_steps=1, batch_size=8, log_dir=str(tmp_path),
                export_pretrained={"stat": {}})
