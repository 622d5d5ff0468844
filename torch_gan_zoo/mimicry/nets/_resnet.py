"""Layer builders shared by the Mimicry-compatible ResNet networks.

They give each network Mimicry's module names (``l1``, ``block2`` ... ``b5``, ``c5`` in generators;
``block1`` ... and a linear head in discriminators), so its state dict has Mimicry's keys, built
from this library's blocks (:mod:`torch_gan_zoo.mimicry.modules.resblocks`) and channel tables
(:func:`torch_gan_zoo.nets.backbones.resnet_generator_channels` / ``resnet_discriminator_channels``).
"""
import torch
import torch.nn as nn

from torch_gan_zoo.mimicry.modules.layers import SelfAttention, SNConv2d, SNLinear
from torch_gan_zoo.mimicry.modules.resblocks import DBlock, DBlockOptimized, GBlock
from torch_gan_zoo.nets.backbones import init_weight_, resnet_discriminator_channels, resnet_generator_channels


def build_generator(net, resolution, num_classes=0, spectral_norm=False, attention_after=None, block=GBlock,
                    init_output=True):
    """Add ``l1``, ``block2``..., ``b<n>``, ``c<n>``, ``activation`` (and ``attn_block`` after
    ``attention_after`` blocks) to generator ``net`` (which has ``nz``, ``ngf``, ``bottom_width``)."""
    widths = resnet_generator_channels(resolution, net.ngf)
    linear = SNLinear if spectral_norm else nn.Linear
    net.l1 = linear(net.nz, net.bottom_width ** 2 * widths[0])
    for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:])):
        setattr(net, f"block{i + 2}", block(c_in, c_out, upsample=True, num_classes=num_classes,
                                              spectral_norm=spectral_norm))
    last = len(widths) + 1
    setattr(net, f"b{last}", nn.BatchNorm2d(widths[-1]))
    setattr(net, f"c{last}", SNConv2d(widths[-1], 3, 3, 1, padding=1) if spectral_norm
            else nn.Conv2d(widths[-1], 3, 3, 1, padding=1))
    net.activation = nn.ReLU(True)
    if attention_after is not None:
        net.attn_block = SelfAttention(widths[attention_after], spectral_norm=True)
    init_weight_(net.l1, 1.0)
    if init_output:
        init_weight_(getattr(net, f"c{last}"), 1.0)
    net._mimicry_layout = {"num_blocks": len(widths) - 1, "attention_after": attention_after}


def run_generator(net, x, y=None, output=torch.tanh):
    """Forward pass of a network built by :func:`build_generator`: noise ``x`` (N, nz) and labels
    ``y`` (N,) or ``None`` -> images (N, 3, H, W)."""
    layout = net._mimicry_layout
    h = net.l1(x).view(x.shape[0], -1, net.bottom_width, net.bottom_width)
    for i in range(layout["num_blocks"]):
        block = getattr(net, f"block{i + 2}")
        h = block(h) if y is None else block(h, y)
        if i + 1 == layout["attention_after"]:
            h = net.attn_block(h)
    last = layout["num_blocks"] + 2
    h = net.activation(getattr(net, f"b{last}")(h))
    return output(getattr(net, f"c{last}")(h))


def build_discriminator(net, resolution, head, spectral_norm=True, attention_after=None,
                        blocks=(DBlockOptimized, DBlock), out_features=1, head_layer=None):
    """Add ``block1``..., the linear ``head`` (name; a ``head_layer``, by default this library's
    spectrally normalised linear layer) and ``activation`` to discriminator ``net`` (which has
    ``ndf``); returns the block widths. With ``attention_after``, call
    :func:`add_discriminator_attention` next."""
    widths, downsample = resnet_discriminator_channels(resolution, net.ndf)
    optimized, dblock = blocks
    net.block1 = optimized(3, widths[0], spectral_norm=spectral_norm)
    for i, (c_in, c_out, down) in enumerate(zip(widths[:-1], widths[1:], downsample[1:])):
        setattr(net, f"block{i + 2}", dblock(c_in, c_out, downsample=down, spectral_norm=spectral_norm))
    if head_layer is None:
        head_layer = SNLinear if spectral_norm else nn.Linear
    setattr(net, head, head_layer(widths[-1], out_features))
    init_weight_(getattr(net, head), 1.0)
    net.activation = nn.ReLU(True)
    net._mimicry_layout = {"num_blocks": len(widths), "attention_after": attention_after, "head": head}
    return widths


def add_discriminator_attention(net, widths):
    """Add ``attn_block`` (SAGAN) after the block given as ``attention_after`` to
    :func:`build_discriminator`; a separate step so it is registered after the projection embedding."""
    net.attn_block = SelfAttention(widths[net._mimicry_layout["attention_after"] - 1], spectral_norm=True)


def run_discriminator(net, x, pooling="sum"):
    """Blocks, ReLU and global pooling of a network built by :func:`build_discriminator`: images
    (N, 3, H, W) -> features (N, C)."""
    layout = net._mimicry_layout
    h = x
    for i in range(layout["num_blocks"]):
        h = getattr(net, f"block{i + 1}")(h)
        if i + 1 == layout["attention_after"]:
            h = net.attn_block(h)
    h = net.activation(h)
    return h.sum(dim=(2, 3)) if pooling == "sum" else h.mean(dim=(2, 3))


def build_infomax_discriminator(net, resolution):
    """Add InfoMax-GAN's ``local_feat_blocks``, ``global_feat_blocks``, ``linear`` head and the
    ``local_nrkhs_*`` / ``global_nrkhs_*`` projections to ``net`` (which has ``ndf`` and ``nrkhs``)."""
    widths, downsample = resnet_discriminator_channels(resolution, net.ndf)
    net.activation = nn.ReLU(True)
    blocks = [DBlockOptimized(3, widths[0])]
    blocks += [DBlock(c_in, c_out, downsample=down)
               for c_in, c_out, down in zip(widths[:-1], widths[1:], downsample[1:])]
    net.local_feat_blocks = nn.Sequential(*blocks[:-1])
    net.global_feat_blocks = nn.Sequential(blocks[-1])
    net.linear = SNLinear(widths[-1], 1)
    local, glob = widths[-2], widths[-1]
    net.local_nrkhs_a = SNConv2d(local, local, 1, 1, 0)
    net.local_nrkhs_b = SNConv2d(local, net.nrkhs, 1, 1, 0)
    net.local_nrkhs_sc = SNConv2d(local, net.nrkhs, 1, 1, 0)
    net.global_nrkhs_a = SNLinear(glob, glob)
    net.global_nrkhs_b = SNLinear(glob, net.nrkhs)
    net.global_nrkhs_sc = SNLinear(glob, net.nrkhs)
    for name in ("linear", "local_nrkhs_a", "local_nrkhs_b", "local_nrkhs_sc", "global_nrkhs_a", "global_nrkhs_b",
                 "global_nrkhs_sc"):
        init_weight_(getattr(net, name), 1.0)


def run_infomax_discriminator(net, x):
    """``(logits (N, 1), local features (N, C_l, h, w), global features (N, C_g))`` of images ``x``.

    The local features are returned after a ReLU: Mimicry's next block applies its ReLU in place to
    them, so that is what its ``forward`` returns."""
    local_feat = net.local_feat_blocks(x)
    global_feat = net.activation(net.global_feat_blocks(local_feat)).sum(dim=(2, 3))
    return net.linear(global_feat), torch.relu(local_feat), global_feat
