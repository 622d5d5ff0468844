"""InfoMax-GAN: SNGAN plus an InfoNCE loss between the discriminator's local and global
features (Lee et al., WACV 2021).

SNGAN's networks; the discriminator's *local* features (the output of every block but the last) and
*global* features (the pooled output of the last block) are projected to ``nrkhs`` dimensions by two
small residual heads, and the InfoNCE loss (:func:`~torch_gan_zoo.losses.infonce_loss`) asks each
image's global feature to recognise its own local features among the batch's.

* Discriminator step: adversarial loss + ``infomax_weight`` (beta, paper: 0.2) x InfoNCE on real
  images (``errD_IM``); the real batch's logits and features come from one forward pass.
* Generator step: adversarial loss + ``infomax_weight`` (alpha, paper: 0.2) x InfoNCE on its images
  (``errG_IM``), again from the one forward pass that scores them.

The projection heads run inside ``forward`` so that a ``DistributedDataParallel`` wrapper sees them;
the InfoNCE loss is computed outside autocast, in float32, like every loss of the library.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from torch_gan_zoo.losses import infonce_loss
from torch_gan_zoo.modules import maybe_spectral_norm
from torch_gan_zoo.nets.backbones import init_weight_
from torch_gan_zoo.nets.gan import LossTerm, StepLosses
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan import SNGANDiscriminator, SNGANGenerator
from torch_gan_zoo.nets.table import FROM_TABLE

PAPER = ("Lee et al., InfoMax-GAN: Improved Adversarial Image Generation via Information Maximization and "
         "Contrastive Learning, WACV 2021")

__all__ = ["InfoMaxGANGenerator", "InfoMaxGANDiscriminator", "InfoMaxGANBaseGenerator", "InfoMaxGANBaseDiscriminator",
           "FeatureProjection", "PAPER"]


class FeatureProjection(nn.Module):
    """Residual projection head of InfoMax-GAN: ``b(relu(a(h))) + shortcut(h)``, all spectrally normalised.

    Args:
        in_channels (int): Feature channels C. out_channels (int): Projection dimension R.
        spatial (bool): 1x1 convolutions for local features (N, C, H, W); linear layers for global
            features (N, C).

    Shapes: (N, C, H, W) -> (N, R, H, W) if ``spatial``, else (N, C) -> (N, R).
    """

    def __init__(self, in_channels: int, out_channels: int, spatial: bool) -> None:
        super().__init__()

        def layer(c_in, c_out):
            module = nn.Conv2d(c_in, c_out, 1, 1, 0) if spatial else nn.Linear(c_in, c_out)
            module = maybe_spectral_norm(module)
            init_weight_(module, 1.0)
            return module

        self.a = layer(in_channels, in_channels)
        self.b = layer(in_channels, out_channels)
        self.shortcut = layer(in_channels, out_channels)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Project features ``h``; see the class docstring for shapes."""
        return self.b(torch.relu(self.a(h))) + self.shortcut(h)


class InfoMaxGANGenerator(SNGANGenerator):
    """SNGAN's ResNet generator trained with the adversarial loss plus InfoNCE on its images.

    Args:
        nz, ngf, bottom_width, nc, resolution: As in :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        infomax_weight (float): alpha, the weight of the InfoNCE loss (paper: 0.2).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz: int = 128, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE, nc: int = 3,
                 loss_type: str = "hinge", infomax_weight: float = 0.2, *, resolution: int | None = None):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type, resolution=resolution)
        self.infomax_weight = infomax_weight

    def compute_generator_losses(self, fake_images: torch.Tensor, fake_labels: torch.Tensor | None,
                                 netD: InfoMaxGANDiscriminator, amp_dtype: torch.dtype | None = None) -> StepLosses:
        """``errG`` plus ``errG_IM``: ``infomax_weight`` times the InfoNCE loss of ``netD``'s features of
        the generated images (logged weighted), from the one forward pass of ``netD`` (an
        :class:`InfoMaxGANDiscriminator`) that scores them. Arguments and return as in
        :meth:`~torch_gan_zoo.nets.BaseGenerator.compute_generator_losses`."""
        if not hasattr(netD, "discriminate_with_features"):
            raise TypeError(f"an InfoMax-GAN generator trains against an InfoMax-GAN discriminator, "
                            f"got {type(netD).__name__}")
        output, local_features, global_features = netD.discriminate_with_features(fake_images, fake_labels)
        errG_IM = self.infomax_weight * infonce_loss(local_features, global_features)
        return StepLosses({"errG": LossTerm(self.compute_gan_loss(output)), "errG_IM": LossTerm(errG_IM)},
                          output_fake=output)


class InfoMaxGANDiscriminator(SNGANDiscriminator):
    """SNGAN's discriminator with projection heads on its local and global features.

    Args:
        ndf, nc, resolution: As in :class:`~torch_gan_zoo.nets.sngan.SNGANDiscriminator`.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        nrkhs (int): Dimension R the features are projected to (paper: 1024).
        infomax_weight (float): beta, the weight of the InfoNCE loss on real images (paper: 0.2).

    ``forward(x)``: images (N, nc, H, W) -> logits (N, 1). ``forward(x, features=True)`` -> ``(logits
    (N, 1), projected local features (N, R, h, w), projected global features (N, R))``.
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", nrkhs: int = 1024,
                 infomax_weight: float = 0.2, *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution)
        self.nrkhs = nrkhs
        self.infomax_weight = infomax_weight
        self.local_projection = FeatureProjection(self.backbone.local_channels, nrkhs, spatial=True)
        self.global_projection = FeatureProjection(self.backbone.out_channels, nrkhs, spatial=False)

    def forward(self, x: torch.Tensor,
                features: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits (N, 1) of images ``x`` (N, nc, H, W); with ``features``, also the projected features."""
        local_features, global_features = self.backbone.features(x)
        output = self.l_out(global_features)
        if not features:
            return output
        return output, self.local_projection(local_features), self.global_projection(global_features)

    def discriminate_with_features(
            self, images: torch.Tensor, labels: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Like :meth:`discriminate` (applies :attr:`augment`), returning ``(logits, local, global)``
        as ``forward(x, features=True)`` does."""
        return self.discriminate(images, labels, features=True)

    def compute_discriminator_losses(self, real_images: torch.Tensor, real_labels: torch.Tensor | None,
                                     fake_images: torch.Tensor, fake_labels: torch.Tensor | None,
                                     amp_dtype: torch.dtype | None = None) -> StepLosses:
        """``errD`` plus ``errD_IM``: ``infomax_weight`` times the InfoNCE loss of the real images'
        features (logged weighted), from the one forward pass that also gives their logits. Arguments
        and return as in :meth:`~torch_gan_zoo.nets.BaseDiscriminator.compute_discriminator_losses`."""
        output_real, local_features, global_features = self.discriminate_with_features(real_images, real_labels)
        output_fake = self.discriminate(fake_images, fake_labels)
        errD = self.compute_gan_loss(output_real, output_fake)
        errD_IM = self.infomax_weight * infonce_loss(local_features, global_features)
        return StepLosses({"errD": LossTerm(errD), "errD_IM": LossTerm(errD_IM)}, output_real=output_real,
                          output_fake=output_fake)


InfoMaxGANBaseGenerator, InfoMaxGANBaseDiscriminator = InfoMaxGANGenerator, InfoMaxGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "infomax_gan", InfoMaxGANGenerator, InfoMaxGANDiscriminator, PAPER))
