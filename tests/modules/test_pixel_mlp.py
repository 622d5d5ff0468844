"""pixel_coordinates and ModulatedPixelMLP: the per-pixel coordinate MLP of the CPPN generator."""
import pytest
import torch

from torch_gan_zoo.modules import AddCoords, ModulatedPixelMLP, pixel_coordinates


@pytest.mark.parametrize("resolution", [1, 5, 28])
def test_pixel_coordinates_are_addcoords_channels_row_major(resolution):
    coords = pixel_coordinates(resolution)
    assert coords.shape == (resolution * resolution, 2) and coords.dtype == torch.float32
    channels = AddCoords()(torch.zeros(1, 0, resolution, resolution))[0]  # (2, R, R): x, y
    assert torch.allclose(coords, channels.flatten(1).T)
    assert torch.allclose(coords.mean(0), torch.zeros(2), atol=1e-6)  # symmetric about 0
    radial = pixel_coordinates(resolution, radial=True)
    assert radial.shape == (resolution * resolution, 3) and torch.equal(radial[:, :2], coords)
    assert torch.allclose(radial[:, 2], coords[:, 0] ** 2 + coords[:, 1] ** 2)


@pytest.mark.parametrize("bad", [0, -3, 2.0, True, "28"])
def test_pixel_coordinates_refuse_a_bad_resolution(bad):
    with pytest.raises(ValueError, match="resolution must be a positive int"):
        pixel_coordinates(bad)


def test_output_shape_range_and_gradients_reach_every_parameter():
    torch.manual_seed(0)
    mlp = ModulatedPixelMLP(style_dim=8, coord_features=3, hidden=16, num_layers=2, out_channels=3)
    style = torch.randn(4, 8)
    out = mlp(pixel_coordinates(6, radial=True), style)
    assert out.shape == (4, 3, 36) and out.min() >= -1 and out.max() <= 1
    out.square().mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in mlp.parameters())
    # each image depends on its own style only
    alone = mlp(pixel_coordinates(6, radial=True), style[1:2])
    assert torch.allclose(alone[0], out[1], atol=1e-6)


def test_the_first_layer_draws_a_half_plane_of_any_angle_per_image():
    mlp = ModulatedPixelMLP(style_dim=2, coord_features=2, hidden=1, num_layers=0, out_channels=1, gain=1.0)
    with torch.no_grad():
        for p in mlp.parameters():
            p.zero_()
        mlp.first.weight[:2] = torch.eye(2)  # unit 0's (a_x, a_y) is the style itself, its offset 0
        mlp.out.bias[0] = 8.0  # output tanh(8 * relu(a . c)): 0 on one side of the line, ~1 on the other
    coords = pixel_coordinates(8)
    out = mlp(coords, torch.tensor([[1.0, 0.0], [0.0, 1.0]]))[:, 0].view(2, 8, 8)
    vertical, horizontal = out[0], out[1]  # x > 0 (right half), then y > 0 (bottom half)
    assert torch.equal(vertical[:, :4], torch.zeros(8, 4)) and (vertical[:, 4:] > 0).all()
    assert torch.equal(horizontal[:4], torch.zeros(4, 8)) and (horizontal[4:] > 0).all()


def test_the_film_layers_start_with_scale_one_and_a_shift_of_the_style():
    torch.manual_seed(0)
    mlp = ModulatedPixelMLP(style_dim=4, coord_features=2, hidden=8, num_layers=1, out_channels=1)
    style = torch.randn(3, 4)
    assert torch.equal(mlp.scales[0](style), torch.ones(3, 8))
    assert torch.equal(mlp.shifts[0](torch.zeros(1, 4)), torch.zeros(1, 8))  # no bias
    shifts = mlp.shifts[0](style)
    assert (shifts[0] - shifts[1]).abs().max() > 0  # the style enters every hidden layer from the start


def test_bad_arguments_and_coordinates_get_a_clear_error():
    with pytest.raises(ValueError, match="hidden"):
        ModulatedPixelMLP(4, 2, 0, 1, 3)
    with pytest.raises(ValueError, match="num_layers must be an int >= 0"):
        ModulatedPixelMLP(4, 2, 8, -1, 3)
    with pytest.raises(ValueError, match="gain must be > 0"):
        ModulatedPixelMLP(4, 2, 8, 1, 3, gain=0.0)
    mlp = ModulatedPixelMLP(4, 3, 8, 1, 3)
    with pytest.raises(ValueError, match=r"coordinates of shape \(P, 3\), got \(16, 2\)"):
        mlp(pixel_coordinates(4), torch.zeros(2, 4))
