"""The downloader against a local HTTP server on 127.0.0.1: good file, wrong checksum, truncated body,
resume, server down, HTTP errors, offline mode, corrupt cache, concurrent downloads."""
import hashlib
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from torch_gan_zoo import hub

BODY = os.urandom(300_000)
SHA = hashlib.sha256(BODY).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    routes = {}
    log = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        route = self.routes.get(self.path)
        self.log.append((self.path, self.headers.get("Range")))
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route["count"] = route.get("count", 0) + 1
        time.sleep(route.get("delay", 0))
        body = route["body"]
        start = 0
        rng = self.headers.get("Range")
        if rng and route.get("range"):
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        payload = body[start:]
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        truncate = route.get("truncate")
        if truncate is not None and (not route.get("truncate_once") or route["count"] == 1):
            payload = payload[:truncate]
        try:
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


@pytest.fixture
def server():
    _Handler.routes = {}
    _Handler.log = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, _Handler.routes, _Handler.log
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TORCH_GAN_ZOO_OFFLINE", raising=False)


def _leftovers(directory):
    return [n for n in os.listdir(directory) if n.endswith(".part")] if os.path.isdir(directory) else []


def test_cache_dir_from_env_and_default(monkeypatch, tmp_path):
    assert hub.get_cache_dir() == str(tmp_path / "home")
    monkeypatch.delenv("TORCH_GAN_ZOO_HOME")
    assert hub.get_cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "torch_gan_zoo")


def test_offline_flag_values(monkeypatch):
    for value, expected in (("1", True), ("true", True), ("ON", True), ("0", False), ("", False)):
        monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", value)
        assert hub.is_offline() is expected


def test_good_download_is_verified_and_leaves_no_temp_file(server, tmp_path):
    base, routes, _ = server
    routes["/w.pth"] = {"body": BODY}
    dest = tmp_path / "d" / "w.pth"
    assert hub.download_file(base + "/w.pth", dest, sha256=SHA, progress=False) == str(dest)
    assert dest.read_bytes() == BODY
    assert _leftovers(dest.parent) == []
    # already there with the right hash: nothing is fetched again
    hub.download_file(base + "/w.pth", dest, sha256=SHA, progress=False)
    assert routes["/w.pth"]["count"] == 1


def test_hash_prefix_is_checked(server, tmp_path):
    base, routes, _ = server
    routes["/w"] = {"body": BODY}
    hub.download_file(base + "/w", tmp_path / "a", hash_prefix=SHA[:8], progress=True)
    assert (tmp_path / "a").read_bytes() == BODY
    with pytest.raises(hub.ChecksumError, match="checksum mismatch"):
        hub.download_file(base + "/w", tmp_path / "b", hash_prefix="00000000", progress=False)
    assert not (tmp_path / "b").exists()


def test_wrong_checksum_deletes_the_file_and_keeps_the_old_one(server, tmp_path):
    base, routes, _ = server
    routes["/w"] = {"body": b"not the weights" * 100}
    dest = tmp_path / "w.pth"
    dest.write_bytes(b"previous content")
    with pytest.raises(hub.ChecksumError) as info:
        hub.download_file(base + "/w", dest, sha256=SHA, progress=False)
    msg = str(info.value)
    assert "checksum mismatch" in msg and SHA in msg and "deleted" in msg and str(dest) in msg
    assert dest.read_bytes() == b"previous content"
    assert _leftovers(tmp_path) == []


def test_truncated_body_raises_and_never_writes_the_destination(server, tmp_path):
    base, routes, _ = server
    routes["/w"] = {"body": BODY, "truncate": 1000}  # no Range support: every attempt is truncated
    dest = tmp_path / "w.pth"
    with pytest.raises(hub.DownloadError, match="could not download w.pth from") as info:
        hub.download_file(base + "/w", dest, sha256=SHA, progress=False, retries=1)
    assert "IncompleteRead" in str(info.value) or "truncated" in str(info.value)
    assert not dest.exists()
    assert routes["/w"]["count"] == 2  # one retry


def test_truncated_body_is_resumed_with_range(server, tmp_path):
    base, routes, log = server
    routes["/w"] = {"body": BODY, "truncate": 120_000, "truncate_once": True, "range": True}
    dest = tmp_path / "w.pth"
    hub.download_file(base + "/w", dest, sha256=SHA, progress=False)
    assert dest.read_bytes() == BODY
    ranges = [r for p, r in log if p == "/w"]
    assert ranges[0] is None and ranges[1].startswith("bytes=") and int(ranges[1][6:-1]) > 0


def test_stale_partial_file_is_resumed_then_redone_from_scratch(server, tmp_path):
    base, routes, _ = server
    routes["/w"] = {"body": BODY, "range": True}
    dest = tmp_path / "w.pth"
    (tmp_path / ".w.pth.part").write_bytes(b"x" * 5000)  # garbage from an earlier, different download
    hub.download_file(base + "/w", dest, sha256=SHA, progress=False)
    assert dest.read_bytes() == BODY
    assert routes["/w"]["count"] == 2


def test_partial_file_longer_than_the_body_restarts(server, tmp_path):
    base, routes, _ = server
    routes["/w"] = {"body": BODY, "range": True}
    (tmp_path / ".w.pth.part").write_bytes(b"x" * (len(BODY) + 10))
    hub.download_file(base + "/w", tmp_path / "w.pth", sha256=SHA, progress=False)
    assert (tmp_path / "w.pth").read_bytes() == BODY


def test_server_down_gives_a_clear_error(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    dest = tmp_path / "w.pth"
    with pytest.raises(hub.DownloadError) as info:
        hub.download_file(f"http://127.0.0.1:{port}/w.pth", dest, sha256=SHA, progress=False, hint="set MY_VAR=PATH")
    msg = str(info.value)
    assert f"could not download w.pth from http://127.0.0.1:{port}/w.pth" in msg
    assert f"put the file at {dest}" in msg and SHA in msg and "set MY_VAR=PATH" in msg
    assert not dest.exists()


def test_http_error_status(server, tmp_path):
    base, _, _ = server
    with pytest.raises(hub.DownloadError, match="HTTP error 404"):
        hub.download_file(base + "/missing", tmp_path / "m", progress=False)
    assert _leftovers(tmp_path) == []


def test_read_timeout(server, tmp_path):
    base, routes, _ = server
    routes["/slow"] = {"body": BODY, "delay": 1.0}
    with pytest.raises(hub.DownloadError, match="could not download"):
        hub.download_file(base + "/slow", tmp_path / "s", timeout=(2, 0.2), progress=False, retries=0)


def test_offline_mode_uses_only_the_cache(server, tmp_path, monkeypatch):
    base, routes, _ = server
    routes["/w"] = {"body": BODY}
    monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", "1")
    with pytest.raises(hub.DownloadError, match="offline mode .*not in the cache.*put the file at"):
        hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="x")
    with pytest.raises(hub.DownloadError, match="offline mode"):
        hub.download_file(base + "/w", tmp_path / "w", progress=False)
    assert routes["/w"].get("count", 0) == 0
    cached = os.path.join(hub.get_cache_dir(), "x", "w.pth")
    os.makedirs(os.path.dirname(cached))
    with open(cached, "wb") as f:
        f.write(BODY)
    assert hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="x") == cached
    with open(cached, "wb") as f:
        f.write(b"corrupt")
    with pytest.warns(RuntimeWarning, match="corrupt"), pytest.raises(hub.DownloadError, match="file is corrupt"):
        hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="x")
    assert routes["/w"].get("count", 0) == 0


def test_corrupt_cached_file_is_downloaded_again(server):
    base, routes, _ = server
    routes["/w"] = {"body": BODY}
    path = hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="inception", progress=False)
    assert path == os.path.join(hub.get_cache_dir(), "inception", "w.pth")
    with open(path, "r+b") as f:
        f.write(b"\0" * 10)
    with pytest.warns(RuntimeWarning, match="corrupt"):
        assert hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="inception", progress=False) == path
    with open(path, "rb") as f:
        assert f.read() == BODY
    assert routes["/w"]["count"] == 2
    # a good cached file is used as is
    hub.cached_download(base + "/w", "w.pth", sha256=SHA, subdir="inception", progress=False)
    assert routes["/w"]["count"] == 2


def test_failed_redownload_does_not_clobber_the_cached_file(server):
    base, routes, _ = server
    routes["/bad"] = {"body": b"wrong"}
    path = os.path.join(hub.get_cache_dir(), "w.pth")
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as f:
        f.write(b"old")
    with pytest.warns(RuntimeWarning), pytest.raises(hub.ChecksumError):
        hub.cached_download(base + "/bad", "w.pth", sha256=SHA, progress=False)
    with open(path, "rb") as f:
        assert f.read() == b"old"


def test_concurrent_downloads_fetch_once(server):
    base, routes, _ = server
    routes["/w"] = {"body": BODY, "delay": 0.3}
    results, errors = [], []

    def fetch():
        try:
            results.append(hub.cached_download(base + "/w", "w.pth", sha256=SHA, progress=False))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert routes["/w"]["count"] == 1


def test_bad_hash_arguments():
    with pytest.raises(ValueError, match="hex"):
        hub.check_file_hash(__file__, sha256="xyz")
    with pytest.raises(ValueError, match="64 hex digits"):
        hub.check_file_hash(__file__, sha256="abcd")
    assert hub.check_file_hash(__file__)
    assert not hub.check_file_hash(__file__ + ".missing")
