"""Property-based tests (hypothesis): whatever a user or a stranger's file hands us, the answer is a
clear error naming the problem, and nothing is written. Configuration values are covered by the
configuration tests; here: hparams.json contents, image inputs to the metrics, and checkpoint files
from another model class or resolution."""
import json
import re
import os
import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from torch_gan_zoo import nets
from torch_gan_zoo.metrics.inputs import make_source
from torch_gan_zoo.training import HyperparameterMismatchError
from torch_gan_zoo.training.hparams import check_resume
from torch_gan_zoo.utils import CheckpointError

from helpers.training import make_trainer

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_scalars = st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=8)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)

CURRENT = {"netG": {"class": "G", "kwargs": {"ngf": 16}}, "netD": {"class": "D", "kwargs": {"ndf": 16}},
           "optG": {"param_groups": [{"lr": 2e-4}]}, "optD": {"param_groups": [{"lr": 2e-4}]}, "n_dis": 2,
           "batch_size": 8, "seed": 0, "lr_decay": None, "num_steps": 3}


def _tree(root):
    return {os.path.join(r, f): os.path.getmtime(os.path.join(r, f)) for r, _, files in os.walk(root) for f in files}


# ------------------------------------------------------------------ hparams.json
@FEW
@given(content=json_values.filter(lambda v: not isinstance(v, dict)))
def test_a_snapshot_that_is_not_an_object_is_named(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("run") / "hparams.json"
    path.write_text(json.dumps(content))
    expected = f"{path} does not hold a JSON object (it holds {json.dumps(content)[:80]})"
    with pytest.raises(HyperparameterMismatchError, match=re.escape(expected)):
        check_resume(str(path), CURRENT)
    assert json.loads(path.read_text()) == content


@FEW
@given(drop=st.sets(st.sampled_from(sorted(CURRENT)), max_size=3),
       changes=st.dictionaries(st.sampled_from(sorted(CURRENT)), json_values, max_size=3))
def test_a_snapshot_with_missing_or_odd_values_names_each_differing_key(tmp_path_factory, drop, changes):
    saved = {k: v for k, v in {**CURRENT, **changes}.items() if k not in drop}
    path = tmp_path_factory.mktemp("run") / "hparams.json"
    path.write_text(json.dumps(saved))
    differing = {k for k in CURRENT if k != "num_steps" and (k in drop or saved.get(k) != CURRENT[k])}
    if not differing:
        check_resume(str(path), CURRENT)
        return
    with pytest.raises(HyperparameterMismatchError) as err:
        check_resume(str(path), CURRENT)
    for key in differing:
        assert f"  {key}" in str(err.value)
    if drop - {"num_steps"}:
        assert "<missing>" in str(err.value)


@pytest.mark.parametrize("content", ["null", "[]", '"a string"', "{\"netG\": null}", "3", "{not json"])
def test_the_trainer_refuses_a_broken_snapshot_and_writes_nothing(tmp_path, content):
    make_trainer(tmp_path, num_steps=1).train()
    (tmp_path / "hparams.json").write_text(content)
    before = {k: v for k, v in _tree(tmp_path).items() if not k.endswith(".run.lock")}
    with pytest.raises(HyperparameterMismatchError, match="(?s)hparams.json|refusing to resume: .* netG: saved None"):
        make_trainer(tmp_path, num_steps=2).train()
    assert {k: v for k, v in _tree(tmp_path).items() if not k.endswith(".run.lock")} == before
    assert (tmp_path / "hparams.json").read_text() == content


# ------------------------------------------------------------------ image inputs to the metrics
DTYPES = [torch.uint8, torch.float32, torch.float64, torch.float16, torch.int64, torch.bool, torch.int8]


@FEW
@given(shape=st.lists(st.integers(0, 5), min_size=1, max_size=5), dtype=st.sampled_from(DTYPES),
       scale=st.sampled_from([1.0, 0.5, 2.0, 255.0, float("nan")]), shift=st.sampled_from([0.0, -1.0, 0.5]),
       batch_size=st.integers(1, 4))
def test_any_tensor_gives_batches_or_a_named_error(shape, dtype, scale, shift, batch_size):
    g = torch.Generator().manual_seed(len(shape))
    x = (torch.rand(*shape, generator=g) * 2 - 1) * scale + shift
    x = x.nan_to_num(nan=0.0).clamp(0, 255).to(dtype) if not dtype.is_floating_point else x.to(dtype)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            batches = list(make_source(x).batches(batch_size))
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert "image tensor of shape" in message and len(message) > 40
        return
    # accepted: a valid (N >= 2, C in {1, 3}) uint8 or [-1, 1] float input, every image exactly once
    assert len(shape) == 4 and shape[0] >= 2 and shape[1] in (1, 3)
    assert sum(b.shape[0] for b in batches) == shape[0] and all(b.dtype == torch.uint8 for b in batches)


@FEW
@given(sizes=st.lists(st.sampled_from([(3, 8, 8), (3, 9, 8), (1, 8, 8)]), min_size=2, max_size=6),
       batch_size=st.integers(1, 6))
def test_lists_of_images_of_any_sizes_give_the_same_answer_for_every_batch_size(sizes, batch_size):
    images = [torch.zeros(s) - 0.5 for s in sizes]
    first_odd = next((i for i, s in enumerate(sizes) if s != sizes[0]), None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if first_odd is None:
            assert sum(b.shape[0] for b in make_source(images).batches(batch_size)) == len(sizes)
            return
        with pytest.raises(ValueError, match=f"image 0 is .*, image {first_odd} is "):
            list(make_source(images).batches(batch_size))


# ------------------------------------------------------------------ checkpoints of another model
MODELS = [("dcgan", 32), ("dcgan", 48), ("sngan", 32), ("wgan_gp", 32), ("lsgan", 32)]


@FEW
@given(saved=st.sampled_from(MODELS), loaded=st.sampled_from(MODELS), role=st.sampled_from(["netG", "netD"]),
       saved_width=st.sampled_from([8, 16]), loaded_width=st.sampled_from([8, 16]))
def test_a_checkpoint_of_another_model_is_refused_by_name(tmp_path_factory, saved, loaded, role, saved_width,
                                                          loaded_width):
    def build(model, width):
        pair = nets.create_model(*model, ngf=width, ndf=width)
        return pair.netG if role == "netG" else pair.netD

    torch.manual_seed(0)
    source, target = build(saved, saved_width), build(loaded, loaded_width)
    path = source.save_checkpoint(str(tmp_path_factory.mktemp("ckpt")), 1)
    before = {k: v.clone() for k, v in target.state_dict().items()}
    same_class = type(source).__name__ == type(target).__name__
    if same_class and saved_width == loaded_width:
        assert target.restore_checkpoint(path) == 1
        return
    with pytest.raises(CheckpointError) as err:
        target.restore_checkpoint(path)
    message = str(err.value)
    if not same_class:
        assert f"holds a {type(source).__module__}.{type(source).__qualname__}, not a " in message
    else:
        assert "shape mismatch in" in message and "saved (" in message
    assert all(torch.equal(before[k], v) for k, v in target.state_dict().items())  # nothing half-loaded
