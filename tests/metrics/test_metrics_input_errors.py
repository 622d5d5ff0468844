"""Metric inputs that used to give a number or an unhelpful error (issue 14, defect 8): mixed-size
folders (same error whatever the batch size), [0, 1] float images, corrupt image files,
channels-last tensors."""
import numpy as np
import pytest
import torch
from PIL import Image

from torch_gan_zoo.metrics import compute_fid
from torch_gan_zoo.metrics.inputs import make_source
from torch_gan_zoo.metrics.preprocess import to_inception_input

from helpers.metrics import smooth_images


def _png(path, size, seed=0, mode="RGB"):
    rng = np.random.default_rng(seed)
    shape = (size[0], size[1], 3) if mode == "RGB" else size
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(path)


def _consume(source, batch_size):
    return sum(b.shape[0] for b in source.batches(batch_size))


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for i in range(5):
        _png(folder / f"img_{i}.png", (20, 20) if i == 3 else (16, 16), seed=i)
    return folder


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 64])
def test_mixed_size_folder_gives_one_error_whatever_the_batch_size(mixed_folder, batch_size):
    expected = (f"images differ in size: image 0 ({mixed_folder / 'img_0.png'}) is 16x16 with 3 channels, "
                f"image 3 ({mixed_folder / 'img_3.png'}) is 20x20 with 3 channels")
    with pytest.raises(ValueError) as err:
        _consume(make_source(str(mixed_folder)), batch_size)
    assert expected in str(err.value)


def test_mixed_size_folder_through_compute_fid_and_grayscale_mixed_with_rgb(mixed_folder, tmp_path, tiny):
    with pytest.raises(ValueError, match="img_3.png.* is 20x20"):
        compute_fid(str(mixed_folder), smooth_images(4, seed=0, size=16), batch_size=1, inception_weights=tiny,
                    device="cpu")
    folder = tmp_path / "gray"
    folder.mkdir()
    _png(folder / "a.png", (16, 16))
    _png(folder / "b.png", (16, 16), mode="L")
    with pytest.raises(ValueError, match=r"b.png\) is 16x16 with 1 channel\."):
        _consume(make_source(str(folder)), 1)


def test_mixed_sizes_from_a_dataloader_give_the_same_kind_of_error():
    images = [torch.zeros(3, 8, 8)] * 3 + [torch.zeros(3, 9, 9)]
    loader = torch.utils.data.DataLoader(images, batch_size=1)
    for batch_size in (1, 4):
        with pytest.raises(ValueError, match="image 0 is 8x8 with 3 channels, image 3 is 9x9 with 3 channels"):
            _consume(make_source(loader), batch_size)


def test_float_images_in_zero_one_are_refused_not_misread(tiny):
    unit = torch.rand(8, 3, 16, 16, generator=torch.Generator().manual_seed(0))  # [0, 1], like ToTensor()
    with pytest.raises(ValueError, match=r"span \[0, 1\], so they are \[0, 1\] images: convert them with images \* 2"):
        compute_fid(unit, smooth_images(8, seed=1, size=16), inception_weights=tiny, device="cpu")
    with pytest.raises(ValueError, match=r"list of 8 images: all float values lie in \[.*span \[0, 1\]"):
        _consume(make_source(list(unit)), 3)  # a dataset: checked over all its images, whatever the batch size
    assert _consume(make_source(unit * 2 - 1), 3) == 8  # the same images, converted: fine


def test_bright_images_and_zero_one_generators_get_a_warning_not_an_error():
    bright = smooth_images(6, seed=2, size=16).abs() * 0.5 + 0.3  # legitimately all in [0.3, 0.8] of [-1, 1]
    with pytest.warns(RuntimeWarning, match="if these are \\[0, 1\\] images"):
        assert _consume(make_source(bright), 4) == 6

    class UnitGenerator(torch.nn.Module):
        nz = 4

        def forward(self, z):
            return torch.sigmoid(z[:, :1, None, None].expand(-1, 3, 8, 8) * 10)

    with pytest.warns(RuntimeWarning, match=r"generator UnitGenerator: all float values lie in \["):
        assert _consume(make_source(UnitGenerator(), num_samples=6), 4) == 6


def test_corrupt_and_fake_image_files_are_named(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for i in range(3):
        _png(folder / f"ok_{i}.png", (16, 16), seed=i)
    data = (folder / "ok_1.png").read_bytes()
    (folder / "ok_1.png").write_bytes(data[: len(data) // 2])  # truncated
    with pytest.raises(ValueError, match=f"cannot read image file {folder / 'ok_1.png'}: .*corrupt, truncated"):
        _consume(make_source(str(folder)), 2)
    (folder / "ok_1.png").write_bytes(data)
    (folder / "notes.png").write_text("not an image")
    with pytest.raises(ValueError, match=f"cannot read image file {folder / 'notes.png'}"):
        _consume(make_source(str(folder)), 2)


def test_channels_last_inputs_get_a_hint():
    nhwc = (smooth_images(4, seed=0, size=16)).permute(0, 2, 3, 1).contiguous()
    with pytest.raises(ValueError, match="channels-last: permute it to \\(N, C, H, W\\)"):
        _consume(make_source(nhwc), 2)

    class ChannelsLastGenerator(torch.nn.Module):
        nz = 4

        def forward(self, z):
            return torch.tanh(z[:, :1, None, None]).expand(-1, 8, 8, 3)

    with pytest.raises(ValueError, match=r"returned \(2, 8, 8, 3\).*channels-last \(N, H, W, C\): permute its output"):
        _consume(make_source(ChannelsLastGenerator(), num_samples=2), 2)
    with pytest.raises(ValueError, match="channels-last"):
        to_inception_input(torch.zeros(2, 16, 16, 3, dtype=torch.uint8))
