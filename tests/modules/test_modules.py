import shutil

import pytest
import torch
import torch.nn as nn

from torch_gan_zoo.modules import (
    ConditionalBatchNorm2d,
    DBlock,
    DBlockOptimized,
    DownConvBlock,
    GBlock,
    SNConv2d,
    SNEmbedding,
    SNLinear,
    SpectralNorm,
    UpConvBlock,
    UpsampleConvBlock,
    maybe_spectral_norm,
)


def _largest_singular_value(weight):
    return torch.linalg.matrix_norm(weight.reshape(weight.shape[0], -1), ord=2).item()


def test_spectral_norm_layers_converge_to_unit_spectral_norm():
    torch.manual_seed(0)
    for layer, x in ((SNLinear(16, 8), torch.randn(4, 16)), (SNConv2d(3, 8, 3, padding=1), torch.randn(2, 3, 8, 8))):
        for _ in range(50):  # power iterations run in training-mode forwards
            layer(x)
        layer.eval()
        assert _largest_singular_value(layer.weight) == pytest.approx(1.0, rel=1e-2)
    emb = SNEmbedding(10, 4)
    assert emb(torch.tensor([1, 2])).shape == (2, 4)


def test_spectral_norm_state_is_saved():
    layer = SNLinear(4, 3)
    keys = set(layer.state_dict())
    assert "parametrizations.weight.original" in keys and "parametrizations.weight.0._u" in keys
    plain = maybe_spectral_norm(nn.Linear(4, 3), enabled=False)
    assert "weight" in plain.state_dict()


def test_gblock_shapes_and_conditional_requirement():
    x = torch.randn(2, 8, 4, 4)
    assert GBlock(8, 8)(x).shape == (2, 8, 4, 4)
    assert GBlock(8, 4, upsample=True)(x).shape == (2, 4, 8, 8)
    cond = GBlock(8, 4, upsample=True, num_classes=3, spectral_norm=True)
    assert cond(x, torch.tensor([0, 2])).shape == (2, 4, 8, 8)
    with pytest.raises(ValueError, match="class-conditional"):
        cond(x)


def test_dblocks_shapes():
    x = torch.randn(2, 3, 16, 16)
    assert DBlockOptimized(3, 8)(x).shape == (2, 8, 8, 8)
    h = torch.randn(2, 8, 8, 8)
    assert DBlock(8, 16, downsample=True)(h).shape == (2, 16, 4, 4)
    assert DBlock(8, 8)(h).shape == (2, 8, 8, 8)
    assert DBlock(8, 8, spectral_norm=False).c1.weight.shape == (8, 8, 3, 3)


def _sn_pair(use_torch):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 1), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(8 * 4 * 4, 1), torch.nn.ConvTranspose2d(1, 2, 1))
    for layer in (net[0], net[3]):
        (torch.nn.utils.parametrizations.spectral_norm if use_torch else maybe_spectral_norm)(layer)
    return net[:4], net[4]


def _two_forwards_then_backward(net, x, y):
    loss = net(x).mean() - net(y).mean()
    loss.backward()
    return [loss.detach()] + [p.grad.clone() for p in net.parameters()] + [b.clone() for b in net.buffers()]


def test_spectral_norm_is_torchs_bit_for_bit_in_eager_mode():
    x, y = torch.randn(4, 3, 4, 4), torch.randn(4, 3, 4, 4)
    (ours, ours_t), (theirs, theirs_t) = _sn_pair(False), _sn_pair(True)
    assert isinstance(ours[0].parametrizations.weight[0], SpectralNorm)
    assert list(ours.state_dict()) == list(theirs.state_dict())  # checkpoints keep torch's keys
    for _ in range(2):
        for a, b in zip(_two_forwards_then_backward(ours, x, y), _two_forwards_then_backward(theirs, x, y)):
            assert torch.equal(a, b)
    ours.eval(), theirs.eval()
    assert torch.equal(ours(x), theirs(x))
    maybe_spectral_norm(ours_t), torch.nn.utils.parametrizations.spectral_norm(theirs_t)  # dim=1 for a deconv
    assert torch.equal(ours_t.parametrizations.weight[0]._u, theirs_t.parametrizations.weight[0]._u)
    with pytest.raises(ValueError, match="has no weight"):
        maybe_spectral_norm(torch.nn.ReLU())


@pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("cc") is None,
                    reason="torch.compile's CPU backend needs a C compiler")
def test_spectral_norm_survives_torch_compile_with_two_forward_passes_before_backward():
    # torch's own parametrisation fails here ("modified by an inplace operation"): the compiled graph keeps the
    # stored singular vectors for its backward pass and the second forward pass updates them in place.
    x, y = torch.randn(4, 3, 4, 4), torch.randn(4, 3, 4, 4)
    eager, compiled = _sn_pair(False)[0], _sn_pair(False)[0]
    compiled.compile()
    for _ in range(2):
        for a, b in zip(_two_forwards_then_backward(eager, x, y), _two_forwards_then_backward(compiled, x, y)):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_conv_blocks_shapes():
    x = torch.randn(2, 8, 4, 4)
    assert UpConvBlock(8, 4)(x).shape == (2, 4, 8, 8)
    assert UpConvBlock(8, 4, batch_norm=False)[0].bias is not None
    assert DownConvBlock(8, 16)(x).shape == (2, 16, 2, 2)
    assert DownConvBlock(8, 16, 3, 1, spectral_norm=True)(x).shape == (2, 16, 4, 4)


def test_upsample_conv_block_is_nearest_resize_then_a_3x3_conv():
    torch.manual_seed(0)
    x = torch.randn(2, 8, 4, 4)
    block = UpsampleConvBlock(8, 4).eval()
    assert block(x).shape == (2, 4, 8, 8)
    assert block[1].bias is None and UpsampleConvBlock(8, 4, batch_norm=False)[1].bias is not None
    expected = torch.relu(block[2](torch.nn.functional.conv2d(x.repeat_interleave(2, 2).repeat_interleave(2, 3),
                                                              block[1].weight, padding=1)))
    torch.testing.assert_close(block(x), expected)
    # No checkerboard: a constant input gives a constant interior (a stride-2 deconvolution does not).
    plain = UpsampleConvBlock(8, 4, batch_norm=False)
    flat = plain[1](plain[0](torch.ones(1, 8, 4, 4)))[..., 1:-1, 1:-1]
    torch.testing.assert_close(flat, flat[..., :1, :1].expand_as(flat))


def test_conditional_batch_norm_is_plain_bn_at_init_and_class_specific_after():
    torch.manual_seed(0)
    cbn = ConditionalBatchNorm2d(4, num_classes=3)
    bn = nn.BatchNorm2d(4, affine=False)
    x = torch.randn(6, 4, 5, 5)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    assert torch.allclose(cbn(x, y), bn(x), atol=1e-6)
    with torch.no_grad():
        cbn.gamma.weight[1].fill_(2.0)
        cbn.beta.weight[2].fill_(-1.0)
    cbn.eval()
    bn.eval()
    out, ref = cbn(x, y), bn(x)
    assert torch.allclose(out[y == 0], ref[y == 0], atol=1e-6)
    assert torch.allclose(out[y == 1], 2 * ref[y == 1], atol=1e-6)
    assert torch.allclose(out[y == 2], ref[y == 2] - 1, atol=1e-6)


def test_fused_resampling_equals_the_two_step_computation_with_gradients():
    from torch_gan_zoo.modules.resampling import conv2d_avg_pool, upsample_conv2d
    import torch.nn.functional as F

    torch.manual_seed(0)
    x = torch.randn(2, 5, 6, 6, requires_grad=True)
    w = torch.randn(7, 5, 3, 3, requires_grad=True)
    b = torch.randn(7, requires_grad=True)
    for fused, naive in (
        (lambda: upsample_conv2d(x, w, b), lambda: F.conv2d(F.interpolate(x, scale_factor=2), w, b, padding=1)),
        (lambda: conv2d_avg_pool(x, w, b), lambda: F.avg_pool2d(F.conv2d(x, w, b, padding=1), 2)),
    ):
        out_f, out_n = fused(), naive()
        assert out_f.shape == out_n.shape and torch.allclose(out_f, out_n, atol=1e-5)
        grads_f = torch.autograd.grad(out_f.square().sum(), (x, w, b))
        grads_n = torch.autograd.grad(out_n.square().sum(), (x, w, b))
        for gf, gn in zip(grads_f, grads_n):
            assert torch.allclose(gf, gn, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="3x3"):
        upsample_conv2d(x, torch.randn(7, 5, 1, 1))
    with pytest.raises(ValueError, match="3x3"):
        conv2d_avg_pool(x, torch.randn(7, 5, 1, 1))


def test_blocks_compute_the_textbook_order():
    import torch.nn.functional as F

    torch.manual_seed(0)
    up = F.interpolate
    g = GBlock(4, 6, upsample=True).eval()
    x = torch.randn(2, 4, 5, 5)
    h = g.c1(up(F.relu(g.b1(x)), scale_factor=2))
    ref = g.c2(F.relu(g.b2(h))) + g.c_sc(up(x, scale_factor=2))
    assert torch.allclose(g(x), ref, atol=1e-5)
    d = DBlock(4, 6, downsample=True).eval()  # eval: spectral norm stops its power iteration
    x = torch.randn(2, 4, 8, 8)
    ref = F.avg_pool2d(d.c2(F.relu(d.c1(F.relu(x)))), 2) + F.avg_pool2d(d.c_sc(x), 2)
    assert torch.allclose(d(x), ref, atol=1e-5)
    o = DBlockOptimized(3, 6).eval()
    ref = F.avg_pool2d(o.c2(F.relu(o.c1(x[:, :3]))), 2) + o.c_sc(F.avg_pool2d(x[:, :3], 2))
    assert torch.allclose(o(x[:, :3]), ref, atol=1e-5)
