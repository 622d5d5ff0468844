"""Loading can never run code, and bad files get errors that name the problem.

safetensors files are crafted byte by byte here (8-byte little-endian header length, JSON header,
data), so each lie in a header is exactly the one under test. Pickles that would run code are
refused (the marker they would create never appears). Downloads are tested against a local HTTP
server on 127.0.0.1 that the test starts.
"""
import ast
import json
import os
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import torch

from torch_gan_zoo import cli, hub, nets, zoo
from torch_gan_zoo.utils.io import CheckpointError
from torch_gan_zoo.zoo import registry
from torch_gan_zoo.zoo.pretrained import WEIGHTS_NAME
from helpers.paths import REPO

_CODES = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16"}


def tensor_bytes(t):
    return t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""


def craft(path, tensors, edit=None, header_len=None, tail=b""):
    """Write a safetensors file from ``tensors`` by hand; ``edit(header)`` may lie in the header."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if edit is not None:
        edit(header)
    raw = json.dumps(header).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw) if header_len is None else header_len) + raw + b"".join(chunks) + tail)
    return path


@pytest.fixture
def folder(tmp_path):
    torch.manual_seed(0)
    netG, _ = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    path = zoo.save_pretrained(netG, tmp_path / "m", samples=False)
    tensors = {"netG." + k: v for k, v in netG.state_dict().items()}
    return path, tensors


FIRST = "netG.main.0.weight"  # (128, 128) float32


def test_hand_crafted_file_loads(folder):
    path, tensors = folder
    craft(os.path.join(path, WEIGHTS_NAME), tensors)
    loaded = zoo.load(path)
    assert torch.equal(loaded.state_dict()["main.0.weight"], tensors[FIRST])


@pytest.mark.parametrize("case, match", [
    ("shape_lie", f"tensor '{FIRST}': header says shape \\[64, 128\\]"),
    ("offsets_past_end", "lie outside the"),
    ("overlap", "overlap those of tensor"),
    ("gap", "unaccounted bytes"),
    ("unknown_dtype", f"tensor '{FIRST}': unsupported dtype 'F7'"),
    ("bad_shape", "shape must be a list of non-negative ints"),
    ("bad_entry", "must have exactly dtype, shape and data_offsets"),
    ("bad_metadata", "__metadata__ must map strings to strings"),
])
def test_lying_headers_are_refused_with_the_tensor_named(folder, case, match):
    path, tensors = folder
    names = list(tensors)

    def edit(h):
        if case == "shape_lie":
            h[FIRST]["shape"] = [64, 128]
        elif case == "offsets_past_end":
            last = h[names[-1]]["data_offsets"]
            h[names[-1]]["data_offsets"] = [last[0], last[1] + 4096]
        elif case == "overlap":
            h[names[1]]["data_offsets"] = list(h[names[0]]["data_offsets"])[:1] + [
                h[names[0]]["data_offsets"][0] + (h[names[1]]["data_offsets"][1] - h[names[1]]["data_offsets"][0])]
        elif case == "gap":
            del h[names[1]]
        elif case == "unknown_dtype":
            h[FIRST]["dtype"] = "F7"
        elif case == "bad_shape":
            h[FIRST]["shape"] = [128, -128]
        elif case == "bad_entry":
            h[FIRST]["extra"] = 1
        elif case == "bad_metadata":
            h["__metadata__"] = {"a": 1}

    craft(os.path.join(path, WEIGHTS_NAME), tensors, edit)
    with pytest.raises(zoo.WeightsFileError, match=match):
        zoo.load(path)


def test_tensors_that_do_not_fit_the_model_are_named(folder):
    path, tensors = folder
    weights = os.path.join(path, WEIGHTS_NAME)
    cases = [
        ({k: v for k, v in tensors.items() if k != FIRST}, f"missing tensor\\(s\\) \\['{FIRST}'\\]"),
        ({**tensors, "netG.extra.weight": torch.zeros(3)}, "unexpected tensor\\(s\\) \\['netG.extra.weight'\\]"),
        ({**tensors, FIRST: tensors[FIRST][:64]}, f"tensor '{FIRST}' has shape \\(64, 128\\), the model expects"),
        ({**tensors, FIRST: tensors[FIRST].half()}, f"tensor '{FIRST}' is F16 .* expected torch.float32"),
        ({**tensors, "evil.payload": torch.zeros(2)}, "belong to no network"),
    ]
    for content, match in cases:
        craft(weights, content)
        with pytest.raises(zoo.WeightsFileError, match=match):
            zoo.load(path)
    # an integer tensor where a float one belongs (same byte length: only the dtype is wrong)
    craft(weights, tensors, lambda h: h[FIRST].update(dtype="I32"))
    with pytest.raises(zoo.WeightsFileError, match=f"tensor '{FIRST}' is I32"):
        zoo.load(path)


def test_malformed_files_get_a_clear_error(folder):
    path, tensors = folder
    weights = os.path.join(path, WEIGHTS_NAME)
    craft(weights, tensors, header_len=10 ** 9)
    with pytest.raises(zoo.WeightsFileError, match="announce"):
        zoo.load(path)
    with open(weights, "wb") as f:
        f.write(struct.pack("<Q", 5) + b"{oops")
    with pytest.raises(zoo.WeightsFileError, match="not valid JSON"):
        zoo.load(path)
    with open(weights, "wb") as f:
        f.write(struct.pack("<Q", 2) + b"[]")
    with pytest.raises(zoo.WeightsFileError, match="must be a JSON object"):
        zoo.load(path)
    with open(weights, "wb") as f:
        f.write(b"abc")
    with pytest.raises(zoo.WeightsFileError, match="shorter than the 8-byte"):
        zoo.load(path)
    craft(weights, tensors, tail=b"junk")
    with pytest.raises(zoo.WeightsFileError, match="not described by the header"):
        zoo.load(path)
    craft(weights, tensors)
    data = open(weights, "rb").read()
    with open(weights, "wb") as f:  # a truncated download
        f.write(data[:-100])
    with pytest.raises(zoo.WeightsFileError, match="outside the"):
        zoo.load(path)


class _Payload:
    """Unpickling this creates the directory ``marker``: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def _evil_checkpoint(path, marker):
    torch.save({"model_state_dict": {"w": _Payload(str(marker))}, "global_step": 1,
                "model_config": {"class": "torch_gan_zoo.nets.dcgan.dcgan_32.DCGANGenerator32", "kwargs": {}}}, path)
    return path


def test_the_payload_really_runs_code_when_unpickled_unsafely(tmp_path):
    marker = tmp_path / "proof"
    path = _evil_checkpoint(tmp_path / "evil.pth", marker)
    torch.load(path, weights_only=False)  # what an unsafe loader would do
    assert marker.exists()


def test_crafted_pickles_are_refused_everywhere(tmp_path, capsys):
    marker = tmp_path / "marker"
    evil = str(_evil_checkpoint(tmp_path / "evil.pth", marker))
    # a pickle passed off as a safetensors file
    with pytest.raises(zoo.WeightsFileError, match="not a safetensors file"):
        zoo.load(evil)
    os.makedirs(tmp_path / "folder")
    with open(evil, "rb") as src, open(tmp_path / "folder" / WEIGHTS_NAME, "wb") as dst:
        dst.write(src.read())
    with pytest.raises(zoo.WeightsFileError):
        zoo.load(str(tmp_path / "folder" / WEIGHTS_NAME))
    # the CLI's checkpoint path
    assert cli.main(["sample", "--checkpoint", evil, "--out", str(tmp_path / "s.png")]) == 2
    assert "holds objects other than tensors" in capsys.readouterr().err
    # exporting a run whose EMA checkpoint is a crafted pickle
    log_dir = tmp_path / "run"
    for part in ("netG", "netD", "trainer", "netG_ema"):
        os.makedirs(log_dir / "checkpoints" / part)
        _evil_checkpoint(log_dir / "checkpoints" / part / f"{part}_1_steps.pth", marker)
    with pytest.raises(CheckpointError, match="could not load checkpoint"):
        zoo.export_run(str(log_dir), str(tmp_path / "out"))
    assert not marker.exists()
    assert not os.path.exists(tmp_path / "out")


def test_every_torch_load_in_the_library_is_weights_only():
    calls = []
    for root, _, files in os.walk(os.path.join(REPO, "torch_gan_zoo")):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "torch"):
                    flags = {k.arg: k.value for k in node.keywords}
                    ok = isinstance(flags.get("weights_only"), ast.Constant) and flags["weights_only"].value is True
                    calls.append((os.path.relpath(path, REPO), node.lineno, ok))
                if isinstance(node, ast.Attribute) and node.attr in ("loads", "load") and \
                        isinstance(node.value, ast.Name) and node.value.id == "pickle":
                    calls.append((os.path.relpath(path, REPO), node.lineno, False))
    assert calls, "the scan found no torch.load call at all"
    assert [c for c in calls if not c[2]] == []


# --------------------------------------------------------------------------- downloads
class _Handler(BaseHTTPRequestHandler):
    routes = {}
    hits = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        body = self.routes.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")


@pytest.fixture
def server(monkeypatch, tmp_path):
    monkeypatch.delenv("TORCH_GAN_ZOO_OFFLINE", raising=False)
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(tmp_path / "home"))
    _Handler.routes, _Handler.hits = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler
    httpd.shutdown()
    httpd.server_close()


def test_url_download_is_verified_cached_and_works_offline_afterwards(folder, server, monkeypatch, tmp_path):
    path, tensors = folder
    base, handler = server
    body = open(os.path.join(path, WEIGHTS_NAME), "rb").read()
    handler.routes["/m/model.safetensors"] = body
    url = base + "/m/model.safetensors"
    sha = hub.sha256_file(os.path.join(path, WEIGHTS_NAME))
    with pytest.raises(ValueError, match="needs sha256="):
        zoo.load(url)
    with pytest.raises(hub.ChecksumError, match="checksum mismatch"):
        zoo.load(url, sha256="0" * 64)
    netG = zoo.load(url, sha256=sha)
    assert not netG.training and torch.equal(netG.state_dict()["main.0.weight"], tensors[FIRST])
    cached = os.path.join(str(tmp_path / "home"), "zoo", f"{sha[:16]}-model.safetensors")
    assert os.path.isfile(cached)
    monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", "1")
    hits = len(handler.hits)
    zoo.load(url, sha256=sha)
    assert len(handler.hits) == hits  # served from the cache
    # a registered URL entry
    monkeypatch.delenv("TORCH_GAN_ZOO_OFFLINE")
    handler.routes["/other.safetensors"] = body
    entry = zoo.PretrainedEntry(name="remote_dcgan", model="dcgan", resolution=32, dataset="shapes", sha256=sha,
                                fid=None, parameters=1, file_size=len(body), license="MIT", command="n/a",
                                url=base + "/other.safetensors")
    monkeypatch.setattr(registry, "PRETRAINED_MODELS", (entry,))
    assert torch.equal(zoo.load("remote_dcgan").state_dict()["main.0.weight"], tensors[FIRST])


def test_offline_without_the_file_says_where_to_put_it(folder, tmp_path, monkeypatch):
    sha = hub.sha256_file(os.path.join(folder[0], WEIGHTS_NAME))
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", "1")
    expected = os.path.join(str(tmp_path / "home"), "zoo", f"{sha[:16]}-model.safetensors")
    with pytest.raises(hub.DownloadError, match="offline") as info:
        zoo.load("http://127.0.0.1:9/model.safetensors", sha256=sha)
    assert f"put the file at {expected}" in str(info.value)
    entry = zoo.PretrainedEntry(name="remote", model="dcgan", resolution=32, dataset="shapes", sha256=sha,
                                fid=None, parameters=1, file_size=1, license="MIT", command="n/a",
                                url="http://127.0.0.1:9/remote.safetensors")
    monkeypatch.setattr(registry, "PRETRAINED_MODELS", (entry,))
    with pytest.raises(hub.DownloadError, match="put the file at .*instead of 'remote'"):
        zoo.load("remote")
    # putting the file there is enough
    os.makedirs(os.path.dirname(expected), exist_ok=True)
    with open(os.path.join(folder[0], WEIGHTS_NAME), "rb") as src, open(expected, "wb") as dst:
        dst.write(src.read())
    assert not zoo.load("http://127.0.0.1:9/model.safetensors", sha256=sha).training


def test_pickle_module_is_not_used_by_the_zoo():
    # the zoo reads JSON and safetensors only
    for name in os.listdir(os.path.join(REPO, "torch_gan_zoo", "zoo")):
        if name.endswith(".py"):
            text = open(os.path.join(REPO, "torch_gan_zoo", "zoo", name), encoding="utf-8").read()
            assert "import pickle" not in text and "torch.load(" not in text, name
