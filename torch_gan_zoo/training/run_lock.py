"""``RunLock``: one training run at a time per run directory.

Two processes training into one ``log_dir`` would write every ``train.log`` line twice and overwrite
each other's checkpoints. The Trainer therefore holds an exclusive lock on ``log_dir/.run.lock``
while it trains:

* the lock itself is an OS lock (``fcntl.flock``) on that file, which the kernel releases when the
  holding process exits, however it exits (SIGKILL included): a killed run never blocks its resume;
* the file also records who holds it (PID, host, user, start time, command line) as JSON, so a
  refused run can say which process to wait for or stop;
* where ``flock`` is unavailable (or not supported by the filesystem), the record alone decides: a
  record from this host whose PID no longer runs is stale and is taken over.

The lock file stays in place after the run (deleting it would race with a process about to lock
it); an empty file means "not held".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import datetime
import json
import os
import socket
import sys

__all__ = ["RunLock", "RunLockedError", "LOCK_FILE_NAME"]

#: Name of the lock file inside the run directory.
LOCK_FILE_NAME = ".run.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - non-POSIX platforms
    fcntl = None


class RunLockedError(RuntimeError):
    """Another process holds the run directory's lock (its PID, host and start time are named).

    Attributes:
        holder (dict): The holder's record (``pid``, ``host``, ``started``, ...); may be empty
            when the record could not be read.
    """

    def __init__(self, log_dir: str | os.PathLike[str], holder: Mapping[str, Any] | None) -> None:
        self.holder = dict(holder or {})
        if self.holder:
            who = (f"PID {self.holder.get('pid', '?')} on host {self.holder.get('host', '?')}, "
                   f"started {self.holder.get('started', '?')}")
            if self.holder.get("command"):
                who += f" ({self.holder['command']})"
        else:
            who = "a process whose record could not be read"
        super().__init__(
            f"{log_dir} is in use by another training run: {who}. Two runs in one log_dir would overwrite "
            f"each other's checkpoints; wait for it to finish, stop it, or choose another log_dir."
        )


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:  # pragma: no cover
        return True
    return True


def _read_record(fd):
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = b""
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        return json.loads(data.decode("utf-8")) if data.strip() else {}
    except (OSError, ValueError):
        return {}


class RunLock:
    """Exclusive lock on a run directory, held by one process while it trains.

    Use as a context manager (``with RunLock(log_dir): ...``) or call :meth:`acquire` and
    :meth:`release`. Re-acquiring a lock this object already holds is a no-op; two ``RunLock``
    objects (in one process or in two) exclude each other.

    Args:
        log_dir (str): The run directory (created if missing).

    Raises:
        RunLockedError: From :meth:`acquire`, when another live process holds the lock.
    """

    def __init__(self, log_dir: str | os.PathLike[str]) -> None:
        self.log_dir = os.fspath(log_dir)
        self.path = os.path.join(self.log_dir, LOCK_FILE_NAME)
        self._fd = None
        #: The record of a previous holder that had died without releasing (set by :meth:`acquire`).
        self.taken_over = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def record(self) -> dict[str, Any]:
        """What this process writes into the lock file (JSON values)."""
        return {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": os.environ.get("USER") or os.environ.get("USERNAME") or "",
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv)[:500],
        }

    def holder(self) -> dict[str, Any]:
        """The current holder's record read from the lock file (``{}`` when free or unreadable)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return {}
        try:
            return _read_record(fd)
        finally:
            os.close(fd)

    def acquire(self) -> RunLock:
        """Take the lock, or raise :class:`RunLockedError` naming the holder. Returns ``self``."""
        if self._fd is not None:
            return self
        os.makedirs(self.log_dir, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            previous = _read_record(fd)
            if not self._lock_fd(fd, previous):
                raise RunLockedError(self.log_dir, previous)
            self.taken_over = previous or None
            data = json.dumps(self.record(), sort_keys=True).encode("utf-8") + b"\n"
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _lock_fd(self, fd, previous):
        """OS lock on ``fd``; False if another process holds it."""
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False
            except OSError:  # filesystem without flock support (some network filesystems): use the record
                pass
        if not previous:
            return True
        same_host = previous.get("host") == socket.gethostname()
        pid = previous.get("pid")
        if same_host and isinstance(pid, int) and (pid == os.getpid() or not _pid_alive(pid)):
            return True  # stale record of a process that is gone (or our own)
        return False

    def release(self) -> None:
        """Give the lock up (clears the record); a no-op if not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                except OSError:  # pragma: no cover
                    pass
        finally:
            os.close(fd)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()
        return False

    def __del__(self):  # pragma: no cover - safety net; the kernel also releases on exit
        try:
            self.release()
        except Exception:
            pass
