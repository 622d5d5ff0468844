"""The typed run configuration: one type check per value, flat keys of earlier releases, presets, overrides."""
import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torch_gan_zoo import cli
from torch_gan_zoo.config import (
    ConfigError,
    OptimizerConfig,
    RunConfig,
    ScheduleConfig,
    check_positive_int,
    get_preset,
    list_presets,
)
from torch_gan_zoo.config.run import cli_flags, config_keys, key_table, resolve_key
from torch_gan_zoo.config.validation import check_non_negative_int
from torch_gan_zoo.training.recipe import build_config, build_run_config
from helpers.paths import REPO
from helpers.values import assert_refuses_bad_ints

OLD_FLAT = {  # the example of training/recipe.py's docstring before the typed configuration
    "model": "sngan", "resolution": 32, "dataset": "cifar10", "data_root": "./data", "num_steps": 100000,
    "batch_size": 64, "n_dis": 5, "lr_decay": "linear", "loss_type": "hinge",
    "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
    "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
    "model_kwargs": {"ngf": 256}, "trainer_kwargs": {"ema_decay": 0.999, "save_steps": 10, "log_steps": 5},
    "seed": 0, "log_dir": "./log/sngan", "regularizers": [{"name": "lecam", "weight": 0.3}],
    "augment": "color,translation,cutout",
}


@pytest.mark.parametrize("override, key", [("n_dis=1.5", "schedule.n_dis"), ("num_steps=1.5", "schedule.num_steps"),
                                           ("batch_size=2.5", "trainer.batch_size"),
                                           ("lr_decay_start=1.5", "schedule.lr_decay_start"),
                                           ("seed=abc", "trainer.seed"), ("optD.lr=fast", "optD.lr"),
                                           ("trainer_kwargs.amp=1", "trainer.amp")])
def test_a_wrong_value_is_refused_naming_key_value_and_type(override, key):
    value = override.split("=")[1]
    with pytest.raises(ConfigError, match=rf"{key} must be .*, got {value!r}|{key} must be .*, got {value}"):
        build_run_config("dcgan", overrides=[override])


def test_integral_floats_are_ints_but_nothing_is_truncated():
    config = build_run_config("dcgan", overrides=["num_steps=1e3", "n_dis=2.0"])
    assert config.schedule.num_steps == 1000 and isinstance(config.schedule.num_steps, int)
    assert config.schedule.n_dis == 2 and isinstance(config.schedule.n_dis, int)
    with pytest.raises(ConfigError, match="must be a positive int, got 0"):
        build_run_config("dcgan", overrides=["n_dis=0"])


@pytest.mark.parametrize("key, suggestion", [("optD.lrr", "optD.lr"), ("n_dsi", "n_dis"),
                                             ("trainer_kwargs.ema_decy", "trainer_kwargs.ema_decay"),
                                             ("schedule.num_step", "schedule.num_steps"),
                                             ("modle_kwargs", "model_kwargs")])
def test_unknown_keys_are_refused_with_the_closest_valid_name(key, suggestion):
    with pytest.raises(ConfigError, match=f"unknown config key '{key}'; did you mean '{suggestion}'"):
        build_run_config("dcgan", overrides=[f"{key}=1"])


def test_unknown_keys_in_a_config_dict_are_refused_too():
    with pytest.raises(ConfigError, match="did you mean 'n_dis'"):
        RunConfig.from_dict({"n_dsi": 2})
    with pytest.raises(ConfigError, match="did you mean 'schedule.n_dis'"):
        RunConfig.from_dict({"schedule": {"n_dsi": 2}})


def test_flat_keys_of_earlier_releases_map_onto_the_nested_configuration():
    config = RunConfig.from_dict(OLD_FLAT)
    assert config.model.name == "sngan" and config.model.kwargs == {"ngf": 256} and config.model.loss_type == "hinge"
    assert config.data.root == "./data" and config.schedule.n_dis == 5 and config.trainer.ema_decay == 0.999
    assert config.checkpointing.save_steps == 10 and config.logging.log_steps == 5
    assert config.logging.log_dir == "./log/sngan" and config.regularizers == [{"name": "lecam", "weight": 0.3}]
    nested = config.to_dict()
    assert RunConfig.from_dict(nested) == config  # the nested JSON form round-trips
    assert RunConfig.from_dict(json.loads(json.dumps(nested))) == config
    flat = config.to_flat()
    assert RunConfig.from_dict(flat) == config  # and so does the flat form
    assert flat["trainer_kwargs"] == {"ema_decay": 0.999, "save_steps": 10, "log_steps": 5}


def test_lr_decay_none_means_no_decay():
    assert build_run_config("sngan", overrides=["lr_decay=none"]).schedule.lr_decay is None
    assert build_run_config("sngan", overrides=["schedule.lr_decay=None"]).schedule.lr_decay is None
    assert build_run_config("dcgan", overrides=["lr_decay=linear"]).schedule.lr_decay == "linear"
    with pytest.raises(ConfigError, match="schedule.lr_decay must be one of 'linear' or null, got 'cosine'"):
        build_run_config("dcgan", overrides=["lr_decay=cosine"])


@pytest.mark.parametrize("name", list_presets())
def test_an_optimizer_override_changes_that_optimizer_only(name):
    preset = get_preset(name)
    for changed, other in (("optD", "optG"), ("optG", "optD")):
        config = build_run_config(name, overrides=[f"{changed}.lr=1e-3", f"{changed}.betas=[0.1, 0.2]"])
        assert getattr(config, changed).lr == 1e-3 and getattr(config, changed).betas == [0.1, 0.2]
        kept = getattr(config, other)
        assert kept.lr == preset[other]["lr"] and kept.betas == preset[other]["betas"]
        flat = build_config(name, overrides=[f"{changed}.lr=1e-3"])
        assert flat[other] == preset[other] and flat[changed]["lr"] == 1e-3


def test_sections_never_share_an_object():
    shared = OptimizerConfig(lr=1e-3, betas=[0.5, 0.9])
    config = RunConfig(optG=shared, optD=shared)
    assert config.optG is not config.optD and config.optG.betas is not config.optD.betas
    config.optD.betas[0] = 0.0
    config.optD.lr = 5.0
    assert config.optG.betas == [0.5, 0.9] and config.optG.lr == 1e-3 and shared.betas == [0.5, 0.9]
    a, b = RunConfig(), RunConfig()
    a.model.kwargs["ngf"] = 8
    assert b.model.kwargs == {}


def test_the_preset_comes_from_the_model_the_layers_end_with():
    from_file = build_run_config(config={"model": "wgan_gp", "n_dis": 2})
    assert from_file.model.name == "wgan_gp" and from_file.model.loss_type == "wasserstein"
    assert from_file.schedule.n_dis == 2 and "Gulrajani" in from_file.paper
    flag_wins = build_run_config("lsgan", config={"model": "wgan_gp"})
    assert flag_wins.model.name == "lsgan" and flag_wins.model.loss_type == "ls"
    by_set = build_run_config("lsgan", overrides=["model=sngan"])
    assert by_set.model.name == "sngan" and by_set.schedule.n_dis == 5
    with pytest.raises(ValueError, match="no model"):
        build_run_config(config={"dataset": "shapes"})


def test_a_user_model_name_has_no_preset_and_takes_the_defaults():
    config = build_run_config("mypkg.gans:make_pair", dataset="shapes")
    assert config.model.name == "mypkg.gans:make_pair" and config.schedule == ScheduleConfig()
    assert config.trainer.batch_size == 64 and config.optG == OptimizerConfig()


def test_cli_flags_key_table_and_keys_come_from_the_dataclasses():
    flags = {flag: key for flag, key, _, _ in cli_flags()}
    assert flags["--steps"] == "schedule.num_steps" and flags["--n-dis"] == "schedule.n_dis"
    assert flags["--model"] == "model.name" and flags["--lr-decay"] == "schedule.lr_decay"
    for key in flags.values():
        assert resolve_key(key) == tuple(key.split("."))
    rows = {row[0]: row for row in key_table()}
    for section in ("model", "data", "optG", "optD", "schedule", "trainer", "logging", "checkpointing", "evaluation"):
        cls = type(getattr(RunConfig(), section))
        for f in dataclasses.fields(cls):
            assert f"{section}.{f.name}" in rows
    assert rows["schedule.n_dis"][1] == "n_dis" and rows["schedule.n_dis"][2] == "int"
    assert "trainer_kwargs.ema_decay" in config_keys() and "optD.lr" in config_keys()


def test_check_positive_int():
    assert check_positive_int("n", 3) == 3 and check_positive_int("n", None, allow_none=True) is None
    for bad in (0, -1, 1.5, True, "2", None):
        with pytest.raises(ValueError, match=f"n must be a positive int, got {bad!r}"):
            check_positive_int("n", bad)
    assert_refuses_bad_ints(lambda v: check_positive_int("n", v, allow_none=True), "n", or_none=True)
    assert check_non_negative_int("n", 0) == 0 and check_non_negative_int("n", None, allow_none=True) is None
    assert_refuses_bad_ints(lambda v: check_non_negative_int("n", v), "n", positive=False,
                            bad=(-1, 1.5, True, "3", None))
    assert_refuses_bad_ints(lambda v: check_non_negative_int("n", v, allow_none=True), "n", positive=False,
                            or_none=True)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=False)
                           | st.text(max_size=5), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=3), inner, max_size=2), max_leaves=5)


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(["num_steps", "n_dis", "batch_size", "lr_decay_start", "seed", "optD.lr", "trainer.amp",
                            "logging.log_dir", "optG.betas", "schedule.lr_decay"]), value=JSON_VALUES)
def test_any_json_value_is_either_accepted_as_its_type_or_refused_by_name(key, value):
    path = resolve_key(key)
    try:
        config = build_run_config("dcgan", overrides=[f"{key}={json.dumps(value)}"])
    except ConfigError as exc:
        assert ".".join(path) in str(exc) and "must be" in str(exc)
        return
    got = config.to_dict()
    for part in path:
        got = got[part]
    if isinstance(got, bool) or got is None:
        assert got == value or (got is None and value in (None, "none", "None"))
    elif isinstance(got, int):
        assert got == value and got >= 0
    elif isinstance(got, float):
        assert got == value and not isinstance(value, bool)
    elif isinstance(got, list):
        assert got == value and len(got) == 2
    else:
        assert got == (value if isinstance(value, str) else json.dumps(value))


def test_cli_refuses_wrong_values_before_touching_anything(tmp_path, capsys):
    base = ["train", "--model", "dcgan", "--dataset", "shapes", "--log-dir", str(tmp_path / "run")]
    for extra, message in ((["--set", "n_dis=1.5"], "schedule.n_dis must be a positive int, got 1.5"),
                           (["--n-dis", "1.5"], "schedule.n_dis must be a positive int, got 1.5"),
                           (["--steps", "10.5"], "schedule.num_steps must be a positive int, got 10.5"),
                           (["--batch-size", "2.5"], "trainer.batch_size must be a positive int or null, got 2.5"),
                           (["--set", "optD.lrr=1"], "did you mean 'optD.lr'"),
                           (["--lr-decay", "cosine"], "schedule.lr_decay must be one of 'linear'")):
        assert cli.main(base + extra) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_the_key_table_in_the_docs_is_the_one_the_dataclasses_give():
    import os

    from torch_gan_zoo.config.run import key_table_rst

    path = os.path.join(REPO, "docs", "training.rst")
    text = open(path, encoding="utf-8").read()
    table = text.split(".. key-table-start")[1].split(".. key-table-end")[0].strip()
    assert table == key_table_rst(), ("docs/training.rst's key table is out of date: paste "
                                      "torch_gan_zoo.config.run.key_table_rst() between its markers")
