"""The Inception network and its weights: architecture equal to pytorch-fid's, state dicts with and
without the classifier, TorchScript extractors, weight resolution (keyword > env > download) and errors."""
import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import torch

from helpers.metrics import random_inception_file, random_inception_state_dict, smooth_images, tiny_torchscript_file
from torch_gan_zoo import hub
from torch_gan_zoo.metrics import FIDInceptionV3, TorchScriptPool3, compute_fid, compute_is, compute_metrics
from torch_gan_zoo.metrics import weights as weights_mod
from torch_gan_zoo.metrics.inception import load_inception_file
from torch_gan_zoo.metrics.weights import get_inception, resolve_weights_path
from torch_gan_zoo.utils.io import CheckpointError


@pytest.fixture(scope="module")
def state_dict():
    return random_inception_state_dict(seed=3)


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return random_inception_file(str(tmp_path_factory.mktemp("weights")))


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_GAN_ZOO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TORCH_GAN_ZOO_INCEPTION_WEIGHTS", raising=False)
    monkeypatch.delenv("TORCH_GAN_ZOO_OFFLINE", raising=False)


def test_architecture_equals_pytorch_fid(state_dict, monkeypatch):
    import pytorch_fid.inception as pfi

    monkeypatch.setattr(pfi, "load_state_dict_from_url", lambda *a, **k: state_dict)
    reference = pfi.InceptionV3([3], resize_input=False, normalize_input=False).eval()
    ours = FIDInceptionV3.from_state_dict(state_dict)
    assert ours.has_logits and not ours.training
    x = torch.rand(2, 3, 299, 299) * 2 - 1
    with torch.no_grad():
        expected = reference(x)[0].flatten(1)
        got = ours(x)
    assert got.shape == (2, 2048) and torch.equal(got, expected)
    assert torch.allclose(ours.logits(got), got @ state_dict["fc.weight"].t())  # no bias, as the IS code


def test_state_dict_without_classifier_serves_fid_but_not_is(state_dict, tmp_path):
    path = str(tmp_path / "pool3only.pth")
    torch.save({k: v for k, v in state_dict.items() if not k.startswith("fc.")}, path)
    net = load_inception_file(path)
    assert isinstance(net, FIDInceptionV3) and not net.has_logits
    with pytest.raises(RuntimeError, match="no classifier"):
        net.logits(torch.zeros(1, 2048))
    real, fake = smooth_images(3, 0, size=8), smooth_images(3, 1, size=8)
    assert compute_fid(real, fake, inception_weights=path, device="cpu") > 0
    with pytest.raises(ValueError, match="Inception Score needs the classifier logits.*FID, KID and PRDC only"):
        compute_is(fake, inception_weights=path, device="cpu")
    with pytest.raises(ValueError, match="Inception Score needs the classifier logits"):
        compute_metrics(real, fake, metrics=["fid", "is"], inception_weights=path, device="cpu")


def test_module_prefix_is_accepted(state_dict):
    net = FIDInceptionV3.from_state_dict({"module." + k: v for k, v in state_dict.items()})
    assert torch.equal(net.Conv2d_1a_3x3.conv.weight, state_dict["Conv2d_1a_3x3.conv.weight"])


def test_bad_weight_files_are_named(state_dict, tmp_path):
    missing = dict(state_dict)
    del missing["Mixed_7c.branch_pool.conv.weight"]
    with pytest.raises(CheckpointError, match=r"1 missing keys \['Mixed_7c.branch_pool.conv.weight'\]"):
        FIDInceptionV3.from_state_dict(missing)
    extra = dict(state_dict, **{"AuxLogits.fc.weight": torch.zeros(1)})
    with pytest.raises(CheckpointError, match="1 unexpected keys"):
        FIDInceptionV3.from_state_dict(extra)
    wrong = dict(state_dict, **{"fc.weight": torch.zeros(1000, 2048)})
    with pytest.raises(CheckpointError, match=r"wrong tensor shapes for \['fc.weight'\]"):
        FIDInceptionV3.from_state_dict(wrong)
    with pytest.raises(CheckpointError, match="not a state dict"):
        FIDInceptionV3.from_state_dict([1, 2])
    (tmp_path / "garbage.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="corrupt"):
        load_inception_file(str(tmp_path / "garbage.pth"))
    with pytest.raises(CheckpointError, match="not found"):
        load_inception_file(str(tmp_path / "nope.pth"))


def test_torchscript_extractor(tmp_path):
    path = tiny_torchscript_file(str(tmp_path))
    net = load_inception_file(path)
    assert isinstance(net, TorchScriptPool3) and not net.has_logits
    assert net(torch.zeros(2, 3, 299, 299)).shape == (2, 2048)
    with pytest.raises(RuntimeError, match="no logits"):
        net.logits(torch.zeros(1, 2048))
    handle = get_inception(path, "cpu")
    assert handle.kind == "torchscript" and not handle.channels_last
    with pytest.raises(ValueError, match="Inception Score needs the classifier logits"):
        compute_is(smooth_images(4, 0), inception_weights=path, device="cpu")

    class WrongShape(torch.nn.Module):
        def forward(self, x):
            return x.mean(dim=(2, 3))

    bad = str(tmp_path / "wrong.pt")
    torch.jit.save(torch.jit.script(WrongShape()), bad)
    with pytest.raises(RuntimeError, match=r"returned shape \(2, 3\), expected \(2, 2048\)"):
        load_inception_file(bad)(torch.zeros(2, 3, 299, 299))


def test_fast_network_matches_the_exact_one(weights):
    exact = get_inception(weights, "cpu", fast=False)
    fast = get_inception(weights, "cpu", fast=True)
    assert fast.channels_last and not exact.channels_last and fast.sha256 == exact.sha256
    x = torch.rand(2, 3, 299, 299) * 2 - 1
    with torch.inference_mode():
        a = exact.net(x)
        b = fast.net(x.contiguous(memory_format=torch.channels_last))
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-5 * a.abs().max())
        la, lb = exact.net.logits(a), fast.net.logits(b)
        assert torch.allclose(la, lb, rtol=1e-4, atol=1e-5 * la.abs().max())
    assert get_inception(weights, "cpu", fast=True) is fast  # loaded once per process
    with open(weights, "rb") as f:
        assert fast.sha256 == hashlib.sha256(f.read()).hexdigest()


def test_weights_resolution_order(weights, tmp_path, monkeypatch):
    other = str(tmp_path / "other.pth")
    with open(weights, "rb") as src, open(other, "wb") as dst:
        dst.write(src.read())
    monkeypatch.setenv("TORCH_GAN_ZOO_INCEPTION_WEIGHTS", other)
    assert resolve_weights_path(weights) == os.path.abspath(weights)  # keyword first
    assert resolve_weights_path() == other  # then the environment variable
    monkeypatch.setenv("TORCH_GAN_ZOO_INCEPTION_WEIGHTS", str(tmp_path / "missing.pth"))
    with pytest.raises(FileNotFoundError, match="TORCH_GAN_ZOO_INCEPTION_WEIGHTS not found"):
        resolve_weights_path()
    with pytest.raises(FileNotFoundError, match="inception_weights= not found"):
        resolve_weights_path(str(tmp_path / "missing.pth"))
    monkeypatch.delenv("TORCH_GAN_ZOO_INCEPTION_WEIGHTS")
    calls = []
    monkeypatch.setattr(hub, "cached_download", lambda *a, **k: calls.append((a, k)) or weights)
    assert resolve_weights_path() == weights  # then the cached default download
    (url, filename), kwargs = calls[0]
    assert url == weights_mod.DEFAULT_WEIGHTS_URL and filename == "pt_inception-2015-12-05-6726825d.pth"
    assert kwargs["sha256"] == weights_mod.DEFAULT_WEIGHTS_SHA256 and kwargs["subdir"] == "inception"


def test_default_weights_constants():
    sha = weights_mod.DEFAULT_WEIGHTS_SHA256
    assert len(sha) == 64 and int(sha, 16) >= 0
    # torch.hub's convention: the hex in the file name is the start of the file's sha256
    assert sha.startswith(weights_mod.DEFAULT_WEIGHTS_FILENAME.rsplit("-", 1)[1].split(".")[0])
    assert weights_mod.DEFAULT_WEIGHTS_URL.endswith("/" + weights_mod.DEFAULT_WEIGHTS_FILENAME)


def test_default_weights_are_downloaded_verified_and_cached(weights, monkeypatch):
    with open(weights, "rb") as f:
        body = f.read()

    class Handler(BaseHTTPRequestHandler):
        hits = 0

        def log_message(self, *args):
            pass

        def do_GET(self):
            Handler.hits += 1
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/pt_inception-2015-12-05-6726825d.pth"
        monkeypatch.setattr(weights_mod, "DEFAULT_WEIGHTS_URL", url)
        monkeypatch.setattr(weights_mod, "DEFAULT_WEIGHTS_SHA256", hashlib.sha256(body).hexdigest())
        path = resolve_weights_path(progress=False)
        assert path == os.path.join(hub.get_cache_dir(), "inception", "pt_inception-2015-12-05-6726825d.pth")
        assert resolve_weights_path(progress=False) == path and Handler.hits == 1
        assert get_inception(None, "cpu").path == path
        # a file that does not match the pinned digest is refused
        monkeypatch.setattr(weights_mod, "DEFAULT_WEIGHTS_SHA256", "0" * 64)
        with pytest.warns(RuntimeWarning, match="corrupt"), pytest.raises(hub.ChecksumError):
            resolve_weights_path(progress=False)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_offline_without_cached_weights_says_what_to_do(monkeypatch):
    monkeypatch.setenv("TORCH_GAN_ZOO_OFFLINE", "1")
    with pytest.raises(hub.DownloadError) as info:
        compute_fid(smooth_images(3, 0), smooth_images(3, 1), device="cpu")
    msg = str(info.value)
    assert "pt_inception-2015-12-05-6726825d.pth" in msg and "TORCH_GAN_ZOO_INCEPTION_WEIGHTS" in msg
    assert "inception_weights=PATH" in msg and weights_mod.DEFAULT_WEIGHTS_SHA256 in msg


def test_torchscript_tuple_outputs_and_corrupt_files(tmp_path, weights):
    class TupleOut(torch.nn.Module):
        def forward(self, x):
            return (torch.ones(x.shape[0], 2048, 1, 1), x)

    path = str(tmp_path / "tuple.pt")
    torch.jit.save(torch.jit.script(TupleOut()), path)
    assert load_inception_file(path)(torch.zeros(2, 3, 299, 299)).shape == (2, 2048)
    import zipfile

    broken = str(tmp_path / "broken.pt")
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("broken/constants.pkl", b"garbage")
    with pytest.raises(CheckpointError, match="could not load the TorchScript Inception file"):
        load_inception_file(broken)
    handle = get_inception(weights, "cpu")
    assert "kind=state_dict" in repr(handle) and handle.sha256[:12] in repr(handle)
