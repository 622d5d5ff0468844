"""hparams.json contents of any shape: the resume check answers with a named error, never a crash, and
changes nothing."""
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from torch_gan_zoo.training.hparams import (
    HyperparameterMismatchError,
    check_identity,
    check_resume,
    history_entry,
    identity,
    load_hparams,
)

CURRENT = {"netG": {"class": "a.G", "kwargs": {"ngf": 8}},
           "optG": {"param_groups": [{"lr": 2e-4, "betas": [0.0, 0.9]}]},
           "optD": {"param_groups": [{"lr": 2e-4, "betas": [0.0, 0.9]}]}, "n_dis": 1, "batch_size": 4, "seed": 0,
           "lr_decay": None, "num_steps": 2, "logging": {"log_steps": 1}, "history": []}
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=8)
SNAPSHOTS = JSON | st.dictionaries(st.sampled_from(sorted(CURRENT) + ["extra"]), JSON, max_size=6) | st.builds(
    lambda drop, key, value: {**{k: v for k, v in CURRENT.items() if k not in drop}, key: value},
    st.sets(st.sampled_from(sorted(CURRENT))), st.sampled_from(sorted(CURRENT)), JSON)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saved=SNAPSHOTS)
def test_any_snapshot_gives_a_named_error_or_a_clean_pass_and_is_not_modified(tmp_path, saved):
    path = tmp_path / "hparams.json"
    text = json.dumps(saved)
    path.write_text(text)
    try:
        differences = check_resume(str(path), CURRENT)
    except HyperparameterMismatchError as exc:
        assert "refusing to resume" in str(exc) or "cannot check that resuming is safe" in str(exc)
    else:
        assert differences == [] and isinstance(saved, dict)
    assert path.read_text() == text


def test_allowed_changes_are_returned_and_others_named():
    saved = json.loads(json.dumps(CURRENT))
    saved["optG"]["param_groups"][0]["lr"] = 1.0
    saved["n_dis"] = 5
    with pytest.raises(HyperparameterMismatchError, match="n_dis: saved 5, now 1") as info:
        check_identity(saved, CURRENT, allow=["optG.lr"])
    assert "optG" not in str(info.value)
    assert check_identity(saved, CURRENT, allow=["optG.lr", "schedule.n_dis"]) == [
        ("n_dis", 5, 1), ("optG.param_groups.0.lr", 1.0, 2e-4)]
    with pytest.raises(HyperparameterMismatchError, match="optG.param_groups.0.lr"):
        check_identity(saved, CURRENT, allow=["optD.lr", "n_dis"])  # optD's permission is not optG's


def test_identity_drops_the_records_and_history_entries_say_when():
    snapshot = dict(CURRENT, run_config={"a": 1}, versions={"torch": "x"})
    assert set(identity(snapshot)) == set(CURRENT) - {"num_steps", "logging", "history"}
    entry = history_entry(7, [("optG.param_groups.0.lr", 1.0, 0.5)])
    assert entry["step"] == 7 and entry["changes"] == [{"key": "optG.param_groups.0.lr", "saved": 1.0, "now": 0.5}]


@pytest.mark.parametrize("content", ["null", "[]", "\"text\"", "3", "{\"history\": \"x\"}"])
def test_a_snapshot_that_is_not_an_object_is_refused_by_name(tmp_path, content):
    path = tmp_path / "hparams.json"
    path.write_text(content)
    with pytest.raises(HyperparameterMismatchError, match="does not hold"):
        load_hparams(str(path))
    assert os.path.getsize(path) == len(content)
