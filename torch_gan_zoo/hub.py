"""The library's one downloader and its cache directory.

Everything torch_gan_zoo fetches from the network (the Inception weights used by the metrics,
pretrained checkpoints of the model zoo) goes through :func:`download_file` /
:func:`cached_download`:

* ``requests`` with separate connect and read timeouts;
* the body is streamed into a hidden ``.part`` file next to the destination; an interrupted
  download is resumed with an HTTP ``Range`` request when the server supports it;
* the SHA-256 of the whole file (or a prefix of it, torch.hub's convention) is verified *before*
  the file is moved into place with an atomic rename, so the destination is either absent, the
  previous good file, or the complete verified new file; never half-written;
* a lock file (``fcntl.flock`` on POSIX) keeps two processes from downloading the same file at once;
* offline mode (``TORCH_GAN_ZOO_OFFLINE=1``) never touches the network and only uses the cache;
* every failure raises :class:`DownloadError` (or :class:`ChecksumError`) naming the file, the URL,
  the cause and where to put the file by hand.

The cache directory is ``$TORCH_GAN_ZOO_HOME`` or, by default, ``~/.cache/torch_gan_zoo``.
"""

from __future__ import annotations
import contextlib
import hashlib
import os
import sys
import warnings

from torch_gan_zoo.utils.io import _fsync_dir

__all__ = [
    "DownloadError",
    "ChecksumError",
    "get_cache_dir",
    "is_offline",
    "sha256_file",
    "check_file_hash",
    "download_file",
    "cached_download",
]

ENV_HOME = "TORCH_GAN_ZOO_HOME"
ENV_OFFLINE = "TORCH_GAN_ZOO_OFFLINE"
DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds
_CHUNK = 1 << 20


class DownloadError(RuntimeError):
    """A file could not be downloaded (offline, connection refused, HTTP error, truncated body)."""


class ChecksumError(DownloadError):
    """A downloaded or cached file does not have the expected SHA-256."""


def get_cache_dir() -> str:
    """The library's cache directory: ``$TORCH_GAN_ZOO_HOME``, default ``~/.cache/torch_gan_zoo``.

    Returns:
        str: An absolute path (not created by this function).
    """
    path = os.environ.get(ENV_HOME) or os.path.join("~", ".cache", "torch_gan_zoo")
    return os.path.abspath(os.path.expanduser(path))


def is_offline() -> bool:
    """True when ``TORCH_GAN_ZOO_OFFLINE`` is set to ``1``/``true``/``yes``/``on``."""
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in ("1", "true", "yes", "on")


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex SHA-256 digest of the file at ``path`` (read in 1 MiB chunks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_hash_args(sha256, hash_prefix):
    for name, value in (("sha256", sha256), ("hash_prefix", hash_prefix)):
        if value is not None:
            value = value.lower()
            if not value or any(c not in "0123456789abcdef" for c in value) or len(value) > 64:
                raise ValueError(f"{name} must be a hex string of at most 64 digits, got {value!r}")
    if sha256 is not None and len(sha256) != 64:
        raise ValueError(f"sha256 must have 64 hex digits, got {len(sha256)}; use hash_prefix= for a prefix")


def check_file_hash(path: str | os.PathLike[str], sha256: str | None = None, hash_prefix: str | None = None) -> bool:
    """Whether the file's SHA-256 equals ``sha256`` and starts with ``hash_prefix``.

    With neither given, only checks that the file exists. Returns False for a missing file.
    """
    _check_hash_args(sha256, hash_prefix)
    if not os.path.isfile(path):
        return False
    if sha256 is None and hash_prefix is None:
        return True
    digest = sha256_file(path)
    if sha256 is not None and digest != sha256.lower():
        return False
    return hash_prefix is None or digest.startswith(hash_prefix.lower())


@contextlib.contextmanager
def _file_lock(lock_path):
    """Exclusive inter-process lock on ``lock_path`` (POSIX ``flock``; a no-op elsewhere)."""
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX platforms
        yield
        return
    with open(lock_path, "a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _manual_hint(dest_path, sha256, hash_prefix, hint):
    digest = sha256 or (hash_prefix and hash_prefix + "...")
    text = f"put the file at {dest_path}" + (f" (sha256 {digest})" if digest else "")
    if hint:
        text += f" or {hint}"
    return text


def _stream_once(url, part_path, timeout, progress, desc):
    """One HTTP request appending to ``part_path`` (resuming it with Range when possible).

    Returns the number of bytes the server announced for the whole file (or None if unknown).
    Raises requests exceptions or DownloadError on truncation.
    """
    import requests

    have = os.path.getsize(part_path) if os.path.exists(part_path) else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with requests.get(url, stream=True, timeout=timeout, headers=headers, allow_redirects=True) as r:
        if have and r.status_code == 416:  # our partial file is already >= the whole file: restart
            os.unlink(part_path)
            return _stream_once(url, part_path, timeout, progress, desc)
        r.raise_for_status()
        resumed = bool(have) and r.status_code == 206 and r.headers.get("Content-Range", "").startswith(
            f"bytes {have}-"
        )
        if not resumed:
            have = 0
        length = r.headers.get("Content-Length")
        expected_body = int(length) if length is not None and length.isdigit() else None
        total = None if expected_body is None else have + expected_body
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=total, initial=have, unit="B", unit_scale=True, desc=desc, file=sys.stderr, leave=False)
        received = 0
        try:
            with open(part_path, "ab" if resumed else "wb") as f:
                # decode_content=False: count and store the bytes exactly as sent (no gzip decoding)
                for chunk in r.raw.stream(_CHUNK, decode_content=False):
                    f.write(chunk)
                    received += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
                f.flush()
                os.fsync(f.fileno())
        finally:
            if bar is not None:
                bar.close()
        if expected_body is not None and received != expected_body:  # pragma: no cover - urllib3 >= 2 raises first
            # urllib3 2.x enforces Content-Length itself (ProtocolError); 1.x does not, hence this check.
            raise DownloadError(
                f"truncated body: the server announced {expected_body} bytes (Content-Length) but sent {received}"
            )
        return total


def download_file(
    url: str,
    dest_path: str | os.PathLike[str],
    sha256: str | None = None,
    hash_prefix: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
    retries: int = 2,
    hint: str | None = None,
) -> str:
    """Download ``url`` to ``dest_path`` safely (see the module docstring).

    If ``dest_path`` already holds a file with the expected hash (another process may just have
    downloaded it), nothing is fetched. Otherwise the body is streamed into a hidden ``.part`` file
    next to ``dest_path``, resumed with ``Range`` after an interruption (up to ``retries`` more
    attempts), verified, and renamed over ``dest_path``. A file failing verification is deleted and
    ``dest_path`` is left untouched.

    Args:
        url (str): http(s) address.
        dest_path (str): Final path; its directory is created.
        sha256 (str, optional): Expected full hex SHA-256 of the file.
        hash_prefix (str, optional): Expected leading hex digits of the SHA-256 (torch.hub style).
        timeout (float or (float, float)): ``requests`` (connect, read) timeouts in seconds.
        progress (bool): Show a tqdm progress bar on stderr.
        retries (int): Extra attempts after an interrupted transfer (each resumes the partial file).
        hint (str, optional): Extra advice appended to error messages, e.g. "set VAR=PATH".

    Returns:
        str: ``dest_path``.

    Raises:
        DownloadError: Offline mode, connection/timeout errors, HTTP errors, truncated bodies.
        ChecksumError: The downloaded file does not have the expected SHA-256.
    """
    _check_hash_args(sha256, hash_prefix)
    dest_path = os.path.abspath(os.fspath(dest_path))
    name = os.path.basename(dest_path)
    manual = _manual_hint(dest_path, sha256, hash_prefix, hint)
    if is_offline():
        raise DownloadError(
            f"could not download {name} from {url}: offline mode ({ENV_OFFLINE}=1) forbids network access; {manual}"
        )
    import requests

    directory = os.path.dirname(dest_path)
    os.makedirs(directory, exist_ok=True)
    part_path = os.path.join(directory, "." + name + ".part")
    with _file_lock(os.path.join(directory, "." + name + ".lock")):
        if (sha256 or hash_prefix) and check_file_hash(dest_path, sha256, hash_prefix):
            return dest_path
        import urllib3

        attempts_left = retries
        retried_from_scratch = False
        used_partial = False
        while True:
            used_partial = used_partial or (os.path.exists(part_path) and os.path.getsize(part_path) > 0)
            try:
                _stream_once(url, part_path, timeout, progress, name)
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else "?"
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(part_path)
                raise DownloadError(
                    f"could not download {name} from {url}: HTTP error {status} ({exc}); {manual}"
                ) from exc
            except (requests.RequestException, urllib3.exceptions.HTTPError, DownloadError) as exc:
                # Connection refused, timeouts, and bodies shorter than Content-Length (urllib3's
                # ProtocolError, or our own "truncated body" check) land here. The partial file is
                # kept so that the next attempt resumes it.
                if attempts_left > 0 and os.path.exists(part_path) and os.path.getsize(part_path) > 0:
                    attempts_left -= 1
                    continue
                raise DownloadError(f"could not download {name} from {url}: {exc}; {manual}") from exc
            if check_file_hash(part_path, sha256, hash_prefix):
                break
            digest = sha256_file(part_path)
            os.unlink(part_path)
            if used_partial and not retried_from_scratch:
                # a stale partial file from an earlier run may have been resumed: one clean retry
                retried_from_scratch = True
                used_partial = False
                continue
            expected = sha256 or f"{hash_prefix}..."
            raise ChecksumError(
                f"checksum mismatch for {name} downloaded from {url}: expected sha256 {expected}, got {digest}; "
                f"the bad file was deleted; {manual}"
            )
        os.replace(part_path, dest_path)
        _fsync_dir(directory)
    return dest_path


def cached_download(url: str, filename: str, sha256: str | None = None, subdir: str = "",
                    hash_prefix: str | None = None, progress: bool = True, hint: str | None = None,
                    timeout: float = DEFAULT_TIMEOUT) -> str:
    """Return the path of ``filename`` in the cache, downloading it from ``url`` if needed.

    The file lives at ``get_cache_dir()/subdir/filename``. A cached file whose hash does not match
    is reported with a warning and downloaded again (the corrupt copy is replaced only once a
    verified download succeeded). In offline mode a missing or corrupt file raises.

    Args:
        url (str): Where to download from.
        filename (str): File name inside the cache.
        sha256 (str, optional): Expected full hex SHA-256.
        subdir (str): Sub-directory of the cache dir.
        hash_prefix (str, optional): Expected leading hex digits of the SHA-256.
        progress (bool): Show a progress bar while downloading.
        hint (str, optional): Extra advice for error messages.
        timeout: ``requests`` (connect, read) timeouts.

    Returns:
        str: Absolute path of the verified cached file.
    """
    _check_hash_args(sha256, hash_prefix)
    path = os.path.join(get_cache_dir(), subdir, filename)
    if os.path.isfile(path):
        if check_file_hash(path, sha256, hash_prefix):
            return path
        warnings.warn(
            f"the cached file {path} is corrupt (its sha256 is {sha256_file(path)}, expected "
            f"{sha256 or str(hash_prefix) + '...'}); downloading it again",
            RuntimeWarning,
            stacklevel=2,
        )
    if is_offline():
        state = "corrupt" if os.path.isfile(path) else "not in the cache"
        raise DownloadError(
            f"could not download {filename} from {url}: offline mode ({ENV_OFFLINE}=1) and the file is {state}; "
            f"{_manual_hint(path, sha256, hash_prefix, hint)}"
        )
    return download_file(url, path, sha256=sha256, hash_prefix=hash_prefix, progress=progress, hint=hint,
                         timeout=timeout)
