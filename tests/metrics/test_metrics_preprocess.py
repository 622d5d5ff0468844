"""Preprocessing protocols against the references' own code: quantisation as PNG saving, TF1-exact
bilinear resize (torch-fidelity), pytorch-fid's interpolate, clean-fid's PIL bicubic."""
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image

from torch_gan_zoo.metrics import preprocess
from torch_gan_zoo.metrics.preprocess import (
    quantize_to_uint8,
    resolve_protocol,
    tf1_bilinear_resize,
    to_inception_input,
)


def _png_roundtrip(x):
    buf = io.BytesIO()
    torchvision.utils.save_image(x, buf, format="png", normalize=True, value_range=(-1, 1))
    buf.seek(0)
    return torch.from_numpy(np.array(Image.open(buf).convert("RGB"))).permute(2, 0, 1)


def test_quantisation_equals_saving_to_png():
    torch.manual_seed(0)
    x = torch.rand(3, 3, 9, 7) * 2 - 1
    x[0, 0, 0, :4] = torch.tensor([-1.0, 1.0, 0.0, -1 + 1 / 255])  # edges and a rounding boundary
    q = quantize_to_uint8(x)
    assert q.dtype == torch.uint8
    for i in range(3):
        assert torch.equal(q[i], _png_roundtrip(x[i]))


def test_tf1_resize_is_bit_exact_with_torch_fidelity():
    from torch_fidelity.interpolate_compat_tensorflow import interpolate_bilinear_2d_like_tensorflow1x as ref

    torch.manual_seed(0)
    for h, w in ((28, 28), (32, 32), (17, 40), (299, 299), (512, 300)):
        x = (torch.rand(2, 3, h, w) * 255).round()
        ours = tf1_bilinear_resize(x, 299)
        theirs = ref(x, size=(299, 299), align_corners=False)
        assert torch.equal(ours, theirs), (h, w)


def test_tf1_resize_reproduces_constant_and_corner_values():
    x = torch.arange(16, dtype=torch.float32).view(1, 1, 4, 4)
    y = tf1_bilinear_resize(x, 8)
    assert y[0, 0, 0, 0] == 0  # TF1 (no half-pixel centres) keeps the top-left pixel
    assert y[0, 0, 1, 1] == (0 + 1 + 4 + 5) / 4  # halfway between the first four pixels
    assert torch.equal(tf1_bilinear_resize(torch.full((1, 3, 5, 5), 7.0), 299), torch.full((1, 3, 299, 299), 7.0))


def test_pytorch_fid_protocol_is_its_pipeline():
    torch.manual_seed(0)
    u8 = (torch.rand(2, 3, 32, 32) * 255).to(torch.uint8)
    expected = 2 * F.interpolate(u8.float() / 255, size=(299, 299), mode="bilinear", align_corners=False) - 1
    assert torch.equal(to_inception_input(u8, "pytorch-fid"), expected)


def test_clean_fid_protocol_is_its_resizer():
    make_resizer = pytest.importorskip("cleanfid.resize").make_resizer

    torch.manual_seed(0)
    u8 = (torch.rand(2, 3, 20, 24) * 255).to(torch.uint8)
    resize = make_resizer("PIL", False, "bicubic", (299, 299))
    expected = torch.stack([torch.from_numpy(resize(img.permute(1, 2, 0).numpy())).permute(2, 0, 1) for img in u8])
    assert torch.allclose(to_inception_input(u8, "clean-fid"), (expected - 128) / 128, atol=1e-6)


def test_tf1_protocol_normalisation_and_range():
    u8 = torch.tensor([0, 128, 255], dtype=torch.uint8).view(1, 1, 1, 3).expand(1, 3, 299, 3).contiguous()
    u8 = F.pad(u8, (0, 296)).contiguous()
    out = to_inception_input(u8, "tf1")
    assert out.shape == (1, 3, 299, 299) and out.dtype == torch.float32
    assert out[0, 0, 0, 0] == -1 and out[0, 0, 0, 1] == 0 and out[0, 0, 0, 2] == 127 / 128


def test_grayscale_is_repeated_to_three_channels():
    torch.manual_seed(0)
    gray = (torch.rand(2, 1, 28, 28) * 255).to(torch.uint8)
    for protocol in ("tf1", "pytorch-fid"):
        assert torch.equal(to_inception_input(gray, protocol), to_inception_input(gray.repeat(1, 3, 1, 1), protocol))


def test_unquantised_float_input_matches_uint8_on_integers():
    u8 = (torch.rand(1, 3, 10, 10) * 255).to(torch.uint8)
    assert torch.equal(to_inception_input(u8.float(), "tf1"), to_inception_input(u8, "tf1"))


def test_protocol_names_and_errors():
    assert resolve_protocol("torch-fidelity") == "tf1"
    assert resolve_protocol("TTUR") == "tf1"
    assert resolve_protocol("pytorch_fid") == "pytorch-fid"
    assert resolve_protocol("clean") == "clean-fid"
    assert set(preprocess.PROTOCOLS) == {"tf1", "pytorch-fid", "clean-fid"}
    with pytest.raises(ValueError, match="unknown preprocessing protocol 'bicubic'"):
        resolve_protocol("bicubic")
    with pytest.raises(ValueError, match=r"shape \(N, 1 or 3, H, W\)"):
        to_inception_input(torch.zeros(1, 4, 8, 8, dtype=torch.uint8))


def test_clean_fid_protocol_properties():
    flat = torch.full((1, 3, 10, 12), 77, dtype=torch.uint8)
    assert torch.allclose(to_inception_input(flat, "clean-fid"), torch.full((1, 3, 299, 299), (77 - 128) / 128))
    edges = torch.zeros(1, 1, 8, 8, dtype=torch.uint8)
    edges[..., ::2, :] = 255  # bicubic overshoots on stripes: clipped to [0, 255] like clean-fid
    out = to_inception_input(edges, "clean-fid")
    assert out.min() >= -1 and out.max() <= 127 / 128 and out.shape == (1, 3, 299, 299)
    same = (torch.rand(1, 3, 299, 299) * 255).to(torch.uint8)
    assert torch.equal(to_inception_input(same, "clean-fid"), (same.float() - 128) / 128)
