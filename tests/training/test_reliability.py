"""Runs that never lose work and files that cannot run code (issue 14): checkpoints never choose
what is imported, one run per log_dir, disk-full errors without partial files, checksummed
checkpoints with fallback, leftovers of killed saves cleaned, atomic file helpers."""
import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest
import torch

from torch_gan_zoo.nets import BaseModel, BaseGenerator
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.training.run_lock import LOCK_FILE_NAME, RunLock, RunLockedError
from torch_gan_zoo.utils import CheckpointError, DiskFullError, atomic_write, atomic_write_bytes, save_torch_file
from torch_gan_zoo.utils import io as tgz_io

from helpers.training import make_trainer
from helpers.paths import REPO, TESTS


def _files(root):
    return sorted(os.path.relpath(os.path.join(r, f), root) for r, _, files in os.walk(root) for f in files)


# ------------------------------------------------------------------ defect 2: a file never chooses the code
def _forge(tmp_path, netG, class_name):
    path = netG.save_checkpoint(str(tmp_path / "ckpt"), 1)
    ckpt = torch.load(path, weights_only=True)
    ckpt["model_config"]["class"] = class_name
    forged = tmp_path / f"forged_{class_name.replace('.', '_')}.pth"
    torch.save(ckpt, forged)
    return str(forged)


def test_checkpoint_naming_a_module_next_to_it_does_not_import_it(tiny_pair, tmp_path, monkeypatch):
    marker = tmp_path / "marker.txt"
    (tmp_path / "gan_helpers.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    netG, _ = tiny_pair("dcgan", 32)
    forged = _forge(tmp_path, netG, "gan_helpers.X")
    with pytest.raises(CheckpointError, match="'gan_helpers.X', which is not a registered torch_gan_zoo model"):
        BaseModel.from_checkpoint(forged)
    assert not marker.exists() and "gan_helpers" not in sys.modules


def test_checkpoint_naming_a_standard_library_module_does_not_import_it(tiny_pair, tmp_path):
    assert "this" not in sys.modules  # `import this` prints the Zen of Python: an import with an effect
    netG, _ = tiny_pair("dcgan", 32)
    with pytest.raises(CheckpointError, match="allowed_classes"):
        BaseModel.from_checkpoint(_forge(tmp_path, netG, "this.Zen"))
    assert "this" not in sys.modules


class UnregisteredGenerator(BaseGenerator):
    """A user's own generator (1x8x8 images), not in the registry."""

    def __init__(self, nz=4, loss_type="ns"):
        super().__init__(nz=nz, ngf=1, bottom_width=1, loss_type=loss_type)
        self.fc = torch.nn.Linear(nz, 64)

    def forward(self, z):
        return torch.tanh(self.fc(z)).view(-1, 1, 8, 8)


def test_own_classes_are_rebuilt_only_when_the_caller_allows_them(tmp_path):
    torch.manual_seed(0)
    netG = UnregisteredGenerator(nz=5)
    path = netG.save_checkpoint(str(tmp_path), 2)
    with pytest.raises(CheckpointError, match="not a registered"):
        BaseModel.from_checkpoint(path)
    rebuilt = BaseModel.from_checkpoint(path, allowed_classes=[UnregisteredGenerator])
    assert type(rebuilt) is UnregisteredGenerator and rebuilt.nz == 5
    z = torch.randn(3, 5)
    assert torch.equal(rebuilt(z), netG(z))
    with pytest.raises(TypeError, match="BaseModel subclasses"):
        BaseModel.from_checkpoint(path, allowed_classes=[dict])


def test_registered_models_rebuild_without_being_allowed(tiny_pair, tmp_path):
    netG, netD = tiny_pair("sngan", 32)
    for net in (netG, netD):
        rebuilt = BaseModel.from_checkpoint(net.save_checkpoint(str(tmp_path / type(net).__name__), 1))
        assert type(rebuilt) is type(net)


# ------------------------------------------------------------------ defect 4: one run per log_dir
_HOLDER = textwrap.dedent("""
    import sys, time
    from helpers.training import make_trainer
    trainer = make_trainer(sys.argv[1], num_steps=10 ** 6, save_steps=10 ** 6, log_steps=10 ** 6, vis_steps=10 ** 6)
    trainer.train()
""")


def _lock_holder_pid(log_dir):
    try:
        return RunLock(log_dir).holder().get("pid")
    except OSError:
        return None


def test_second_run_on_a_log_dir_is_refused_while_the_first_runs_and_a_killed_run_does_not_block(tmp_path):
    log_dir = str(tmp_path / "run")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([REPO, TESTS]))
    first = subprocess.Popen([sys.executable, "-c", _HOLDER, log_dir], cwd=TESTS, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while _lock_holder_pid(log_dir) != first.pid:
            assert first.poll() is None, first.stderr.read().decode()
            assert time.time() < deadline, "the first run never took the lock"
            time.sleep(0.1)
        second = make_trainer(log_dir, num_steps=2)
        log_before = (tmp_path / "run" / "train.log").read_text() if (tmp_path / "run" / "train.log").exists() else ""
        with pytest.raises(RunLockedError) as err:
            second.train()
        message = str(err.value)
        assert f"PID {first.pid} on host {socket.gethostname()}, started 20" in message and log_dir in message
        assert err.value.holder["pid"] == first.pid
        assert not (tmp_path / "run" / "checkpoints").exists()
        after = (tmp_path / "run" / "train.log").read_text() if (tmp_path / "run" / "train.log").exists() else ""
        assert after == log_before  # the refused run wrote no line
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    assert RunLock(log_dir).holder()["pid"] == first.pid  # the dead run's record is still there ...
    resumed = make_trainer(log_dir, num_steps=2)
    assert resumed.train()["global_step"] == 2  # ... but does not block
    assert RunLock(log_dir).holder() == {}  # released: the record is cleared


def test_locks_exclude_each_other_in_one_process_and_release(tmp_path):
    with RunLock(str(tmp_path)) as lock:
        assert lock.held and lock.holder()["pid"] == os.getpid()
        with pytest.raises(RunLockedError, match=f"PID {os.getpid()}"):
            RunLock(str(tmp_path)).acquire()
        assert lock.acquire() is lock  # re-entrant for the holder
    assert not lock.held and RunLock(str(tmp_path)).holder() == {}
    with RunLock(str(tmp_path)):
        pass


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_without_flock_a_stale_record_of_this_host_is_taken_over(tmp_path, monkeypatch):
    from torch_gan_zoo.training import run_lock

    monkeypatch.setattr(run_lock, "fcntl", None)  # e.g. a filesystem without flock
    path = tmp_path / LOCK_FILE_NAME
    host = socket.gethostname()
    path.write_text(f'{{"pid": {_dead_pid()}, "host": "{host}", "started": "yesterday"}}')
    lock = RunLock(str(tmp_path)).acquire()
    assert lock.taken_over["started"] == "yesterday" and lock.holder()["pid"] == os.getpid()
    lock.release()
    path.write_text(f'{{"pid": {os.getppid()}, "host": "{host}", "started": "now"}}')  # alive
    with pytest.raises(RunLockedError, match=f"PID {os.getppid()} on host {host}, started now"):
        RunLock(str(tmp_path)).acquire()
    path.write_text('{"pid": 1, "host": "another-machine", "started": "now"}')  # cannot be checked from here
    with pytest.raises(RunLockedError, match="another-machine"):
        RunLock(str(tmp_path)).acquire()


# ------------------------------------------------------------------ defect 5: disk full
def _fail_fsync_of(monkeypatch, fragment):
    real_fsync = os.fsync

    def fsync(fd):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if fragment in target:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_disk_full_during_a_save_names_the_folder_and_keeps_the_last_checkpoint(tmp_path, monkeypatch):
    make_trainer(tmp_path, num_steps=1, save_steps=1).train()
    _fail_fsync_of(monkeypatch, "netG_2_steps")  # netD_2 is written, then netG_2 fails
    trainer = make_trainer(tmp_path, num_steps=3, save_steps=1)
    with pytest.raises(DiskFullError) as err:
        trainer.train()
    message = str(err.value)
    netG_dir = os.path.join(str(tmp_path), "checkpoints", "netG")
    assert message.startswith(f"no space left on {netG_dir}: need about ") and " MB" in message
    assert err.value.errno == errno.ENOSPC and err.value.needed_bytes > 0
    assert trainer.checkpoints.complete_steps() == [1]
    assert not [f for f in _files(tmp_path) if "_2_steps" in f or f.endswith(".tmp") or "unverified" in f]
    monkeypatch.undo()
    assert make_trainer(tmp_path, num_steps=3, save_steps=1).train()["global_step"] == 3


def test_disk_full_on_write_or_known_in_advance(tmp_path, monkeypatch):
    path = tmp_path / "state.pth"
    save_torch_file({"w": torch.zeros(3)}, path)
    good = path.read_bytes()
    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, f):
            self.f, self.written = f, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 2000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.f.write(data)

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.f.__exit__(*exc)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullFile(real_fdopen(*a, **k)))
    with pytest.raises(DiskFullError, match=f"no space left on {tmp_path}: need about 1 MB"):
        save_torch_file({"w": torch.zeros(10000)}, path)  # torch.save hides the OSError behind 'unexpected pos'
    monkeypatch.undo()
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["state.pth"]
    monkeypatch.setattr(tgz_io.shutil, "disk_usage", lambda d: type("U", (), {"free": 10_000})())
    with pytest.raises(DiskFullError, match=r"need about 5 MB, 0.0 MB free"):
        save_torch_file({"w": torch.zeros(1_200_000)}, path)  # 4.8 MB of tensors: refused before writing
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["state.pth"]


# ------------------------------------------------------------------ defect 7: silent corruption
def _flip_tensor_bytes(path):
    """Overwrite 4 bytes inside the largest tensor record of a torch zip file with 3.4e38."""
    with zipfile.ZipFile(path) as z:
        info = max((i for i in z.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    with open(path, "r+b") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
        f.seek(info.header_offset + 30 + name_len + extra_len + 8)
        f.write(b"\xff\xff\x7f\x7f")


def test_corrupted_newest_checkpoint_falls_back_with_a_warning_in_train_log(tmp_path):
    make_trainer(tmp_path, num_steps=3, save_steps=1).train()
    manager = CheckpointManager(str(tmp_path))
    newest = manager.path("netG", 3)
    _flip_tensor_bytes(newest)
    torch.load(newest, weights_only=True)  # still a loadable file: only the checksum can tell
    resumed = make_trainer(tmp_path, num_steps=4, save_steps=1)
    with pytest.warns(RuntimeWarning, match="unusable checkpoint of step 3: .*netG_3_steps.pth does not match"):
        resumed.train()
    log = (tmp_path / "train.log").read_text()
    assert "warning: skipping unusable checkpoint of step 3" in log and "SHA-256" in log
    assert "resumed from step 2" in log
    assert all(p.abs().max() < 1e3 for p in resumed.netG.parameters())  # the 3.4e38 never came in
    assert manager.verify(3) is True  # step 3 was trained again and saved over the corrupt file


def test_checksum_record_catches_truncation_and_unreadable_records(tiny_pair, tmp_path):
    netG, netD = tiny_pair("dcgan", 32)
    optG, optD = torch.optim.Adam(netG.parameters()), torch.optim.Adam(netD.parameters())
    manager = CheckpointManager(str(tmp_path), keep_last=None)
    for step in (1, 2, 3):
        manager.save(step, netG, netD, optG, optD, {"marker": step})
    assert manager.verify(3) is True
    with open(manager.path("netD", 3), "ab") as f:
        f.write(b"\0")
    with pytest.raises(CheckpointError, match="netD_3_steps.pth has .* bytes but .* were written"):
        manager.verify(3)
    with open(manager.path("checksums", 2), "w") as f:
        f.write("{not json")
    with pytest.raises(CheckpointError, match="unreadable"):
        manager.verify(2)
    with pytest.warns(RuntimeWarning, match="step 3"):
        step, state = manager.restore_latest(netG, netD, optG, optD)
    assert step == 1 and state["marker"] == 1 and len(manager.pop_messages()) == 2


# ------------------------------------------------------------------ defect 9: leftovers of killed saves
def test_leftovers_of_a_killed_save_are_removed_on_the_next_start(tmp_path):
    make_trainer(tmp_path, num_steps=2, save_steps=1).train()
    ck = tmp_path / "checkpoints"
    ours = [ck / "netD" / "netD_3_steps.pth", ck / "netG" / ".netG_3_steps.pth.a1b2c3d4.tmp",
            ck / "trainer" / "trainer_3_steps.pth.unverified", ck / "checksums" / "checksums_3_steps.json",
            tmp_path / ".hparams.json.zz99yy88.tmp",
            tmp_path / "images" / ".fixed_samples_step_0000003.png.abcdefgh.tmp"]
    theirs = [ck / "notes.txt", ck / "netG" / "my_copy.pth", tmp_path / ".mine.json.abcdefgh.tmp",
              tmp_path / "images" / "poster.png"]
    for path in ours + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    trainer = make_trainer(tmp_path, num_steps=3, save_steps=1)
    with pytest.warns(RuntimeWarning, match=r"removed 6 leftover file\(s\) .*incomplete checkpoints of step 3"):
        assert trainer.train()["global_step"] == 3
    assert all(p.exists() for p in theirs)
    assert (ck / "netD" / "netD_3_steps.pth").read_bytes() != b"partial"  # rewritten by the resumed run
    assert not [f for f in _files(tmp_path) if f.endswith(".tmp") and "mine" not in f]
    assert "warning: removed 6 leftover file(s)" in (tmp_path / "train.log").read_text()


def test_rotation_deletes_the_checksum_record_last_and_a_killed_rotation_is_finished_on_the_next_start(
        tmp_path, monkeypatch):
    """A kill in the middle of rotating out an old step left its network files forever (found by the kill
    harness): the step no longer counted (trainer file gone) and the clean-up only looked above the newest
    complete step. The checksum record is now deleted last and marks the rest as ours."""
    make_trainer(tmp_path, num_steps=2, save_steps=1, keep_checkpoints=2).train()
    ck = tmp_path / "checkpoints"
    deleted = []
    real_remove = os.remove

    def remove(path):
        deleted.append(os.path.basename(os.path.dirname(path)))
        if len(deleted) == 3:  # killed after the trainer file and netG of step 1 are gone
            raise KeyboardInterrupt
        real_remove(path)

    monkeypatch.setattr(os, "remove", remove)
    with pytest.raises(KeyboardInterrupt):
        make_trainer(tmp_path, num_steps=3, save_steps=1, keep_checkpoints=2).train()
    monkeypatch.setattr(os, "remove", real_remove)
    assert deleted[:2] == ["trainer", "netG"]
    left = sorted(str(p.relative_to(ck)) for p in ck.rglob("*_1_steps.*"))
    assert left == ["checksums/checksums_1_steps.json", "netD/netD_1_steps.pth"]
    assert CheckpointManager(str(tmp_path)).complete_steps() == [2, 3]
    user_copy = ck / "netG" / "netG_0_steps.pth"  # an older network file a user keeps: no checksum record
    user_copy.write_bytes(b"kept by the user")
    trainer = make_trainer(tmp_path, num_steps=4, save_steps=1, keep_checkpoints=2)
    with pytest.warns(RuntimeWarning, match=r"removed 2 leftover file\(s\) of an interrupted save or rotation"):
        assert trainer.train()["global_step"] == 4
    assert not list(ck.rglob("*_1_steps.*")) and user_copy.read_bytes() == b"kept by the user"


def test_clean_up_never_deletes_checkpoints_copied_in_from_elsewhere(tmp_path):
    """Network files without trainer files are a killed save only at the newest step of a run
    directory this library made: a torch-mimicry run directory (no hparams.json), or older steps
    kept beside a run, are never deleted."""
    ck = tmp_path / "checkpoints"
    foreign = [ck / "netG" / "netG_2_steps.pth", ck / "netD" / "netD_2_steps.pth"]
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"weights from another library")
    manager = CheckpointManager(str(tmp_path))
    assert manager.remove_leftovers() == []  # not our run directory: nothing is touched
    assert all(p.read_bytes() == b"weights from another library" for p in foreign)

    make_trainer(tmp_path / "run", num_steps=3, save_steps=3).train()  # complete step 3, hparams.json
    older = tmp_path / "run" / "checkpoints" / "netG" / "netG_1_steps.pth"
    older.write_bytes(b"kept by the user")
    assert CheckpointManager(str(tmp_path / "run")).remove_leftovers() == []
    assert older.read_bytes() == b"kept by the user"


# ------------------------------------------------------------------ atomic-write helpers
def test_atomic_write_fsyncs_the_file_and_its_directory(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_bytes(tmp_path / "a.bin", b"x")
    assert synced == ["file", "dir"]


def test_atomic_write_leaves_no_temp_on_failure_and_detects_its_own_temp_names(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    target.write_text("old")
    seen = []
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(target, "w") as f:
            seen.extend(n for n in os.listdir(tmp_path) if n != "f.txt")
            f.write("new")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["f.txt"]
    assert tgz_io.is_temp_file(seen[0]) and not tgz_io.is_temp_file("f.txt")
    assert not tgz_io.is_temp_file(".f.txt.tmp") and not tgz_io.is_temp_file(".f.txt.ABCDEFGH.tmp")


def test_train_log_rotation_is_atomic_and_keeps_every_line(tmp_path, monkeypatch):
    from torch_gan_zoo.training.logger import Logger, rotate_log

    log = tmp_path / "train.log"
    log.write_text("old line\n" * 100)
    (tmp_path / "train.log.1").write_text("older\n")
    monkeypatch.setattr(Logger, "max_log_bytes", 500)
    logger = Logger(str(tmp_path), 3, progress=False)
    logger.start(0)
    logger.info("new run")
    logger.close()
    assert log.read_text().endswith("new run\n") and "old line" not in log.read_text()
    assert (tmp_path / "train.log.1").read_text() == "old line\n" * 100
    assert (tmp_path / "train.log.2").read_text() == "older\n"
    assert not rotate_log(str(log), 10 ** 6, 3)  # small enough: untouched
    assert sorted(os.listdir(tmp_path)) == ["train.log", "train.log.1", "train.log.2"]


def test_image_grids_are_written_atomically(tmp_path, monkeypatch):
    from PIL import Image

    path = tmp_path / "grid.png"
    tgz_io.atomic_save_image(torch.zeros(4, 3, 8, 8), path, normalize=True, value_range=(-1, 1))
    assert Image.open(path).size == (4 * 8 + 5 * 2, 8 + 2 * 2)  # one row of 4, padding 2
    before = path.read_bytes()
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(OSError):
        tgz_io.atomic_save_image(torch.ones(4, 3, 8, 8), path, normalize=True, value_range=(-1, 1))
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["grid.png"]


def test_the_command_line_reports_a_full_disk_in_one_line(tmp_path, monkeypatch, capsys):
    from torch_gan_zoo import cli

    _fail_fsync_of(monkeypatch, "netD_1_steps")
    log_dir = tmp_path / "qs"
    assert cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir)]) == 2
    err = capsys.readouterr().err
    assert f"error: no space left on {log_dir / 'checkpoints' / 'netD'}: need about" in err
    assert "Traceback" not in err and not (log_dir / "checkpoints" / "netD" / "netD_1_steps.pth").exists()
