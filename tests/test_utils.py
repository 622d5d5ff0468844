import json
import os
import random

import numpy as np
import pytest
import torch

from torch_gan_zoo.utils import (
    CheckpointError,
    atomic_write,
    atomic_write_bytes,
    atomic_write_json,
    get_rng_state,
    load_torch_file,
    save_torch_file,
    seed_everything,
    set_rng_state,
)
from helpers.values import assert_refuses_bad_ints


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "sub" / "f.bin"
    atomic_write_bytes(path, b"one")
    atomic_write_bytes(path, b"two")
    assert path.read_bytes() == b"two"
    assert os.listdir(path.parent) == ["f.bin"]


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    path = tmp_path / "f.json"
    atomic_write_json(path, {"a": 1})
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w") as f:
            f.write('{"half": ')
            raise RuntimeError("crash mid-write")
    assert json.loads(path.read_text()) == {"a": 1}
    assert os.listdir(tmp_path) == ["f.json"]
    with pytest.raises(ValueError):
        with atomic_write(path, "a"):
            pass


class Evil:
    """An arbitrary class: a checkpoint holding it must not be unpickled."""


def test_torch_files_load_weights_only(tmp_path):
    path = tmp_path / "ok.pth"
    save_torch_file({"w": torch.ones(2), "step": 3, "name": "x"}, path)
    loaded = load_torch_file(path)
    assert loaded["step"] == 3 and torch.equal(loaded["w"], torch.ones(2))
    bad = tmp_path / "evil.pth"
    torch.save({"obj": Evil()}, bad)
    with pytest.raises(CheckpointError, match="objects other than tensors"):
        load_torch_file(bad)
    with pytest.raises(CheckpointError, match="not found"):
        load_torch_file(tmp_path / "missing.pth")
    truncated = tmp_path / "trunc.pth"
    truncated.write_bytes(path.read_bytes()[:40])
    with pytest.raises(CheckpointError, match="corrupt"):
        load_torch_file(truncated)


def test_rng_state_round_trip_through_weights_only_file(tmp_path):
    seed_everything(5)
    state = get_rng_state()
    save_torch_file(state, tmp_path / "rng.pth")
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    seed_everything(99)
    set_rng_state(load_torch_file(tmp_path / "rng.pth"))
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected


def test_load_torch_file_checks_required_keys(tmp_path):
    path = str(tmp_path / "ckpt.pth")
    save_torch_file({"model_state_dict": {}, "global_step": 3, "extra": 1}, path)
    assert load_torch_file(path, required_keys=("model_state_dict", "global_step"))["global_step"] == 3
    with pytest.raises(CheckpointError, match=r"is not a model checkpoint: expected keys 'model_state_dict' and "
                                              r"'missing', found \['extra', 'global_step', 'model_state_dict'\]"):
        load_torch_file(path, required_keys=("model_state_dict", "missing"), what="model checkpoint")
    save_torch_file([1, 2], path)
    assert load_torch_file(path) == [1, 2]
    with pytest.raises(CheckpointError, match="is not a checkpoint: expected keys 'a', found list"):
        load_torch_file(path, required_keys=("a",))


def test_jsonable_converts_to_plain_json_values_and_keeps_its_old_import_path():
    from torch_gan_zoo.nets.basemodel import jsonable as old_path
    from torch_gan_zoo.utils.io import jsonable

    assert old_path is jsonable
    assert jsonable({1: (torch.float32, torch.device("cpu")), "x": [float("inf"), None, True]}) == {
        "1": ["torch.float32", "cpu"], "x": ["inf", None, True]}
    with pytest.raises(TypeError, match="object value .* cannot be stored as JSON"):
        jsonable(object())


def test_seed_everything_rejects_bad_seeds_naming_them():
    assert_refuses_bad_ints(seed_everything, "seed", positive=False)


def test_cpu_bf16_check_asks_onednn_and_falls_back_to_the_dispatch_level(monkeypatch):
    from torch_gan_zoo.utils import cpu

    assert isinstance(cpu.cpu_bf16_is_native(), bool)
    assert cpu.cpu_capability() == str(torch.backends.cpu.get_cpu_capability())
    # oneDNN's own answer wins where the (private) op exists
    for answer in (True, False):
        monkeypatch.setattr(torch.ops, "mkldnn", type("Ops", (), {"_is_mkldnn_bf16_supported": lambda a=answer: a}))
        assert cpu.cpu_bf16_is_native() is answer
    # without it, AVX-512 or AMX count as native, AVX2 does not

    class NoOp:
        def __getattr__(self, name):
            raise AttributeError(name)

    monkeypatch.setattr(torch.ops, "mkldnn", NoOp())
    for level, native in (("AVX512", True), ("AMX", True), ("AVX2", False), ("DEFAULT", False)):
        monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda level=level: level)
        assert cpu.cpu_bf16_is_native() is native and cpu.cpu_capability() == level
    assert "{capability}" in cpu.BF16_EMULATED_HINT
