"""MetricLog, MetricWindow, DataStream, CheckpointManager, hparams diffing and LR schedules."""
import json
import os

import pytest
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from torch_gan_zoo.training import (
    CheckpointManager,
    DataStream,
    Logger,
    MetricLog,
    MetricWindow,
    NonFiniteLossError,
    ResumableSampler,
    make_lr_scheduler,
)
from torch_gan_zoo.training.hparams import (
    HyperparameterMismatchError,
    check_resume,
    dataset_hparams,
    diff_hparams,
    load_hparams,
    optimizer_hparams,
)
from torch_gan_zoo.utils import CheckpointError

from helpers.training import adam_pair
from helpers.values import assert_refuses_bad_ints


# ---------------------------------------------------------------------- metrics
def test_metric_log_averages_every_discriminator_step():
    log = MetricLog()
    for value in (1.0, 2.0, torch.tensor(6.0)):
        log.add_metric("errD", value, group="loss")
    log.add_metric("errG", torch.tensor(0.5), group="loss")
    log.add_metric("lr", 0.1)
    assert log.means() == {"errD": 3.0, "errG": 0.5, "lr": 0.1}
    assert log["errD"] == 6.0  # Mimicry: the latest value
    assert log.get_group_name("errD") == "loss" and log.get_group_name("lr") == "lr"
    assert "errG" in log and len(log) == 3 and log.names() == ["errD", "errG", "lr"]
    with pytest.raises(ValueError, match="scalar"):
        log.add_metric("x", torch.ones(2))
    with pytest.raises(TypeError, match="number"):
        log.add_metric("x", "high")


def test_metric_window_averages_steps_and_raises_on_nan():
    window = MetricWindow()
    for v in (1.0, 3.0):
        log = MetricLog()
        log.add_metric("errD", torch.tensor(v), group="loss")
        log.add_metric("D(x)", torch.tensor(float("nan")), group="prob")  # NaN probabilities don't stop training
        window.update(log)
    assert len(window) == 2
    assert window.summary()["errD"] == 2.0
    assert len(window) == 0
    bad = MetricLog()
    bad.add_metric("errG", torch.tensor(float("inf")), group="loss")
    window.update(bad)
    with pytest.raises(NonFiniteLossError, match="by step 12: errG=inf"):
        window.summary(global_step=12)


# ---------------------------------------------------------------------- data
def _indexed(n):
    return TensorDataset(torch.arange(n).float().view(n, 1, 1, 1), torch.arange(n))


def _labels(stream, k):
    return [stream.next()[1].tolist() for _ in range(k)]


def test_data_stream_is_seeded_covers_epochs_and_resumes_exactly():
    loader = DataLoader(_indexed(10), batch_size=3, shuffle=True)
    a = DataStream(loader, seed=4)
    batches = _labels(a, 7)
    assert [len(b) for b in batches] == [3, 3, 3, 1, 3, 3, 3]  # drop_last=False is kept: 10 = 3+3+3+1
    assert sorted(sum(batches[:4], [])) == list(range(10))  # every sample once per epoch
    assert batches[:3] != batches[4:7]  # reshuffled in epoch 1
    assert a.epoch == 1
    assert _labels(DataStream(loader, seed=4), 7) == batches  # same seed, same order
    assert _labels(DataStream(loader, seed=5), 7) != batches
    resumed = DataStream(loader, seed=0)
    b = DataStream(loader, seed=4)
    _labels(b, 2)
    resumed.load_state_dict(b.state_dict())
    assert resumed.seed == 4
    assert _labels(resumed, 5) == batches[2:]


def test_data_stream_does_not_consume_the_global_rng():
    loader = DataLoader(_indexed(8), batch_size=4, shuffle=True)
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    stream = DataStream(loader, seed=1)
    _labels(stream, 5)
    assert torch.equal(torch.rand(1), expected)


def test_data_stream_from_dataset_and_errors():
    stream = DataStream(_indexed(9), seed=0, batch_size=4)
    assert stream.batch_size == 4 and stream.loader.drop_last
    assert all(len(b) == 4 for b in _labels(stream, 5))
    with pytest.raises(ValueError, match="batch_size"):
        DataStream(_indexed(4), seed=0)
    with pytest.raises(TypeError, match="DataLoader or a Dataset"):
        DataStream([1, 2, 3])
    empty = DataStream(_indexed(3), seed=0, batch_size=4)
    with pytest.raises(ValueError, match="yields no batch"):
        empty.next()


def test_data_stream_with_workers_resumes_exactly():
    loader = DataLoader(_indexed(12), batch_size=4, shuffle=True, num_workers=1)
    full = _labels(DataStream(loader, seed=3), 5)
    part = DataStream(loader, seed=3)
    _labels(part, 2)
    resumed = DataStream(loader, seed=3)
    resumed.load_state_dict(part.state_dict())
    assert _labels(resumed, 3) == full[2:]


class _Evens(torch.utils.data.Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(0, self.n, 2))

    def __len__(self):
        return self.n // 2


def test_custom_sampler_is_kept_and_replayed_on_resume():
    dataset = _indexed(10)
    loader = DataLoader(dataset, batch_size=2, sampler=_Evens(10))
    stream = DataStream(loader, seed=0)
    assert not stream.exact_resume
    first = _labels(stream, 4)
    resumed = DataStream(loader, seed=0)
    resumed.load_state_dict({"epoch": 0, "batches_in_epoch": 2, "seed": 0})
    assert _labels(resumed, 2) == first[2:]


def test_resumable_sampler_shards_and_skips():
    ranks = [list(ResumableSampler(range(10), num_replicas=2, rank=r, shuffle=True, seed=1)) for r in (0, 1)]
    assert len(ranks[0]) == len(ranks[1]) == 5 and set(ranks[0]) | set(ranks[1]) == set(range(10))
    sampler = ResumableSampler(range(10), shuffle=False)
    sampler.set_start_index(7)
    assert len(sampler) == 3 and list(sampler) == [7, 8, 9]
    assert list(sampler) == list(range(10))  # the skip applies once


# ---------------------------------------------------------------------- checkpoints
def _save_steps(manager, netG, netD, steps):
    optG, optD = adam_pair(netG, netD)
    for step in steps:
        manager.save(step, netG, netD, optG, optD, {"marker": step})
    return optG, optD


def test_checkpoint_manager_rotates_and_restores_latest(tiny_pair, tmp_path):
    netG, netD = tiny_pair("dcgan", 32)
    manager = CheckpointManager(str(tmp_path), keep_last=2)
    assert not manager.has_checkpoints() and manager.restore_latest(netG, netD, None, None) == (None, None)
    optG, optD = _save_steps(manager, netG, netD, [1, 2, 3])
    assert manager.complete_steps() == [2, 3]
    assert not os.path.exists(manager.path("netG", 1))
    step, state = manager.restore_latest(netG, netD, optG, optD)
    assert step == 3 and state["marker"] == 3
    with pytest.raises(ValueError):
        CheckpointManager(str(tmp_path), keep_last=0)
    keep_all = CheckpointManager(str(tmp_path / "all"), keep_last=None)
    _save_steps(keep_all, netG, netD, [1, 2, 3])
    assert keep_all.complete_steps() == [1, 2, 3]


def test_corrupt_newest_checkpoint_falls_back_without_deleting(tiny_pair, tmp_path):
    netG, netD = tiny_pair("dcgan", 32)
    manager = CheckpointManager(str(tmp_path), keep_last=3)
    optG, optD = _save_steps(manager, netG, netD, [1, 2])
    with open(manager.path("netG", 2), "wb") as f:
        f.write(b"garbage")
    with pytest.warns(RuntimeWarning, match="skipping unusable checkpoint of step 2"):
        step, _ = manager.restore_latest(netG, netD, optG, optD)
    assert step == 1 and os.path.exists(manager.path("netG", 2))
    with open(manager.path("netG", 1), "wb") as f:
        f.write(b"garbage")
    with pytest.warns(RuntimeWarning), pytest.raises(CheckpointError, match="no checkpoint .* could be loaded"):
        manager.restore_latest(netG, netD, optG, optD)


def test_mismatched_generator_and_discriminator_steps_are_refused(tiny_pair, tmp_path):
    netG, netD = tiny_pair("dcgan", 32)
    manager = CheckpointManager(str(tmp_path))
    optG, optD = _save_steps(manager, netG, netD, [4])
    netD.save_checkpoint(manager.directory("netD"), 5, optD, name=os.path.basename(manager.path("netD", 4)))
    os.remove(manager.path("checksums", 4))  # a step saved before checksums existed: the step check still applies
    with pytest.raises(CheckpointError, match="netG saved at step 4, netD at step 5"):
        manager.restore_latest(netG, netD, optG, optD)
    torch.save({"global_step": 9}, manager.path("trainer", 4))
    with pytest.raises(CheckpointError, match="not a trainer checkpoint"):
        manager.load_trainer_state(4)


# ---------------------------------------------------------------------- hparams
def test_diff_hparams_names_changed_keys_and_ignores_mutable_ones():
    saved = {"optD": {"param_groups": [{"lr": 2e-4, "betas": [0.0, 0.9]}]}, "batch_size": 64, "num_steps": 10,
             "versions": {"torch": "1"}, "n_dis": 5}
    current = json.loads(json.dumps(saved))
    current["optD"]["param_groups"][0]["lr"] = 1e-4
    current["batch_size"] = 32
    current["num_steps"] = 100
    current["versions"]["torch"] = "2"
    del current["n_dis"]
    diff = diff_hparams(saved, current)
    assert [d[0] for d in diff] == ["batch_size", "n_dis", "optD.param_groups.0.lr"]
    assert diff[1] == ("n_dis", 5, "<missing>")


def test_check_resume_and_bad_json(tmp_path):
    path = tmp_path / "hparams.json"
    check_resume(str(path), {"a": 1})  # no file: nothing to compare
    path.write_text(json.dumps({"a": 1}))
    check_resume(str(path), {"a": 1})
    with pytest.raises(HyperparameterMismatchError, match="a: saved 1, now 2"):
        check_resume(str(path), {"a": 2})
    path.write_text("{not json")
    with pytest.raises(HyperparameterMismatchError, match="not valid JSON"):
        load_hparams(str(path))


def test_optimizer_and_dataset_hparams(tiny_pair):
    netG, netD = tiny_pair("dcgan", 32)
    opt = torch.optim.Adam(netG.parameters(), 1e-3, betas=(0.5, 0.99), fused=True)
    scheduler = make_lr_scheduler(opt, "linear", 10)
    opt.step()
    scheduler.step()
    info = optimizer_hparams(opt)
    group = info["param_groups"][0]
    assert info["class"] == "torch.optim.adam.Adam" and group["lr"] == 1e-3 and group["betas"] == [0.5, 0.99]
    assert "fused" not in group and group["num_params"] == netG.count_params()[0]

    class NoLen(Dataset):
        def __getitem__(self, i):
            return i

    assert dataset_hparams(NoLen()) == {"class": "NoLen", "size": None}


def test_linear_decay_reaches_zero():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = make_lr_scheduler(opt, "linear", 4)
    lrs = []
    for _ in range(4):
        opt.step()
        scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == pytest.approx([0.75, 0.5, 0.25, 0.0])
    assert make_lr_scheduler(opt, None, 4) is None and make_lr_scheduler(opt, "none", 4) is None
    with pytest.raises(ValueError, match="unknown lr_decay"):
        make_lr_scheduler(opt, "cosine", 4)


def test_linear_decay_can_start_late():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = make_lr_scheduler(opt, "linear", 6, start=2)
    lrs = []
    for _ in range(6):
        opt.step()
        scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == pytest.approx([1.0, 1.0, 0.75, 0.5, 0.25, 0.0])
    assert_refuses_bad_ints(lambda v: make_lr_scheduler(opt, "linear", 6, start=v), "lr_decay_start", positive=False)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    late = make_lr_scheduler(opt, "linear", 3, start=3)  # decay never begins within this run
    for _ in range(3):
        opt.step()
        late.step()
        assert opt.param_groups[0]["lr"] == 1.0


def test_snapshots_without_keys_added_later_read_as_their_defaults():
    current = {"lr_decay": "linear", "lr_decay_start": 0, "seed": 0}
    assert diff_hparams({"lr_decay": "linear", "seed": 0}, current) == []
    later_start = dict(current, lr_decay_start=5)
    assert diff_hparams({"lr_decay": "linear", "seed": 0}, later_start) == [("lr_decay_start", 0, 5)]
    assert diff_hparams({"lr_decay": "linear", "lr_decay_start": 3, "seed": 0}, current) == [("lr_decay_start", 3, 0)]


def test_checkpoint_manager_and_logger_refuse_bad_step_counts_naming_them(tmp_path):
    assert_refuses_bad_ints(lambda v: CheckpointManager(str(tmp_path), keep_last=v), "keep_last", or_none=True)
    assert CheckpointManager(str(tmp_path), keep_last=None).keep_last is None
    for name in ("print_steps", "log_steps", "vis_steps"):
        assert_refuses_bad_ints(lambda v, name=name: Logger(str(tmp_path), 3, progress=False, **{name: v}), name)
    assert not os.listdir(tmp_path)  # refused before anything was written


def test_a_network_argument_added_later_at_its_old_meaning_does_not_block_a_resume():
    # DCGANGenerator(upsample=) was added after runs had been saved without it: False is what they meant.
    old = {"netG": {"class": "x.DCGANGenerator", "kwargs": {"ngf": 8}}, "netD": {"class": "x.D", "kwargs": {}}}
    same = {"netG": {"class": "x.DCGANGenerator", "kwargs": {"ngf": 8, "upsample": False}},
            "netD": {"class": "x.D", "kwargs": {}}}
    assert diff_hparams(old, same) == []
    changed = {**same, "netG": {"class": "x.DCGANGenerator", "kwargs": {"ngf": 8, "upsample": True}}}
    assert diff_hparams(old, changed) == [("netG.kwargs.upsample", False, True)]
    other = {**old, "netG": {"class": "x.DCGANGenerator", "kwargs": {"ngf": 9}}}
    assert diff_hparams(other, same) == [("netG.kwargs.ngf", 9, 8)]  # other differences still count
