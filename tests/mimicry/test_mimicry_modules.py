"""The block options Mimicry's numerics need (defaults unchanged), and ``mmc.modules`` against Mimicry's."""
import pytest
import torch
import torch.nn.functional as F

from torch_gan_zoo.modules import DBlock, GBlock


def _gblock_reference(block, x, mode):
    h = F.relu(block.b1(x))
    h = F.interpolate(h, scale_factor=2, mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    h = block.c2(F.relu(block.b2(block.c1(h))))
    sc = F.interpolate(x, scale_factor=2, mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    return h + block.c_sc(sc)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_gblock_upsample_mode(mode):
    torch.manual_seed(0)
    block = GBlock(4, 6, upsample=True, **({} if mode == "nearest" else {"upsample_mode": mode})).eval()
    assert block.upsample_mode == mode  # the default is nearest
    x = torch.randn(2, 4, 5, 5)
    with torch.no_grad():
        assert torch.allclose(block(x), _gblock_reference(block, x, mode), atol=1e-5)
    with pytest.raises(ValueError, match="upsample_mode"):
        GBlock(4, 6, upsample=True, upsample_mode="bicubic")


def test_dblock_shortcut_sees_relu():
    torch.manual_seed(0)
    block = DBlock(4, 6, downsample=True, spectral_norm=False)
    assert block.shortcut_sees_relu is False
    x = torch.randn(2, 4, 8, 8)
    with torch.no_grad():
        plain = block(x)
        residual = F.avg_pool2d(block.c2(F.relu(block.c1(F.relu(x)))), 2)
        assert torch.allclose(plain, residual + F.avg_pool2d(block.c_sc(x), 2), atol=1e-5)
        block.shortcut_sees_relu = True
        relu_sc = block(x)
        assert torch.allclose(relu_sc, residual + F.avg_pool2d(block.c_sc(F.relu(x)), 2), atol=1e-5)
        assert not torch.allclose(plain, relu_sc)


def test_losses_and_own_spectral_norm_match_mimicry():
    from helpers.mimicry_stub import require_mimicry

    require_mimicry()
    import torch_mimicry.modules.losses as theirs
    import torch_mimicry.modules.spectral_norm as their_sn

    import torch_gan_zoo.mimicry as mmc

    torch.manual_seed(0)
    real, fake = torch.randn(8, 1), torch.randn(8, 1)
    for name in ("minimax_loss_dis", "hinge_loss_dis"):
        assert torch.allclose(getattr(mmc.modules.losses, name)(fake, real), getattr(theirs, name)(fake, real))
    assert torch.allclose(mmc.modules.losses.wasserstein_loss_dis(real, fake), theirs.wasserstein_loss_dis(real, fake))
    for name in ("minimax_loss_gen", "ns_loss_gen", "hinge_loss_gen", "wasserstein_loss_gen"):
        assert torch.allclose(getattr(mmc.modules.losses, name)(fake), getattr(theirs, name)(fake), atol=1e-6)
    assert torch.allclose(mmc.modules.losses.minimax_loss_gen(fake, real_label_val=0.9),
                          theirs.minimax_loss_gen(fake, real_label_val=0.9))
    a, b = their_sn.SNConv2d(3, 5, 3, 1, 1), mmc.modules.spectral_norm.SNConv2d(3, 5, 3, 1, 1)
    b.load_state_dict(a.state_dict())
    x = torch.randn(2, 3, 6, 6)
    for mode in ("train", "eval"):
        getattr(a, mode)(), getattr(b, mode)()
        assert torch.allclose(a(x), b(x), atol=1e-6)
    assert torch.allclose(a.sn_u, b.sn_u)
