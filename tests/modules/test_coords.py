"""AddCoords (CoordConv) and the coordinate option of the up-sampling blocks."""
import pytest
import torch

from torch_gan_zoo.modules import AddCoords, UpConvBlock, UpsampleConvBlock


def test_add_coords_appends_x_then_y_over_pixel_centres_symmetric_about_zero():
    x = torch.randn(3, 5, 4, 6)
    out = AddCoords()(x)
    assert out.shape == (3, 7, 4, 6) and torch.equal(out[:, :5], x)
    xs = torch.tensor([-5, -3, -1, 1, 3, 5]) / 6
    ys = torch.tensor([-3, -1, 1, 3]) / 4
    assert torch.allclose(out[1, 5], xs.expand(4, 6)) and torch.allclose(out[2, 6], ys[:, None].expand(4, 6))
    assert torch.allclose(out[:, 5:].sum(dim=(2, 3)), torch.zeros(3, 2), atol=1e-6)


def test_add_coords_keeps_dtype_memory_format_and_gradients():
    x = torch.randn(2, 3, 5, 5, dtype=torch.float64, requires_grad=True)
    out = AddCoords()(x)
    assert out.dtype == torch.float64
    out.sum().backward()
    assert torch.equal(x.grad, torch.ones_like(x))
    last = AddCoords()(torch.randn(2, 8, 4, 4).contiguous(memory_format=torch.channels_last))
    assert last.is_contiguous(memory_format=torch.channels_last)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert AddCoords()(torch.randn(1, 2, 3, 3).bfloat16()).dtype == torch.bfloat16


def test_add_coords_refuses_anything_but_feature_maps():
    with pytest.raises(ValueError, match=r"AddCoords expects \(N, C, H, W\).*\(2, 3\)"):
        AddCoords()(torch.randn(2, 3))


@pytest.mark.parametrize("block", [UpsampleConvBlock, UpConvBlock])
def test_blocks_with_coords_see_two_more_input_channels_and_keep_their_layout_without(block):
    plain, coords = block(8, 4), block(8, 4, coords=True)
    # without coords the layer indices (so the state-dict keys of saved checkpoints) are unchanged
    assert list(plain.state_dict())[0] == ("1.weight" if block is UpsampleConvBlock else "0.weight")
    convs = [m for m in coords.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert convs[0].in_channels == 10 and any(isinstance(m, AddCoords) for m in coords)
    assert not any(isinstance(m, AddCoords) for m in plain)
    assert coords(torch.randn(2, 8, 3, 3)).shape == plain(torch.randn(2, 8, 3, 3)).shape == (2, 4, 6, 6)


def test_a_coordinate_conv_draws_a_sharp_edge_at_any_angle_which_a_plain_conv_cannot():
    """The reason for the option: weights on the x/y channels alone give the half-plane a*x + b*y + c > 0."""
    conv = torch.nn.Conv2d(1 + 2, 1, 1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 1], conv.weight[0, 2], conv.bias[0] = 1.0, -2.0, 0.25
    edge = torch.tanh(50 * conv(AddCoords()(torch.zeros(1, 1, 16, 16))))[0, 0]
    assert edge.max() > 0.99 and edge.min() < -0.99  # both sides of the line, from a constant input
    plain = torch.nn.Conv2d(1, 1, 1)
    assert plain(torch.zeros(1, 1, 16, 16)).unique().numel() == 1  # translation-invariant: no edge at all
