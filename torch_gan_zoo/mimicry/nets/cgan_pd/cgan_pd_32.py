"""``torch_mimicry.nets.cgan_pd.cgan_pd_32``: cGAN-PD at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.cgan_pd import cgan_pd_base
from torch_gan_zoo.mimicry.modules import SNEmbedding, SNLinear
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["CGANPDGenerator32", "CGANPDDiscriminator32"]


class CGANPDGenerator32(cgan_pd_base.CGANPDBaseGenerator):
    """cGAN-PD generator for 32x32 images."""

    def __init__(self, num_classes, bottom_width=4, nz=128, ngf=256, **kwargs):
        super().__init__(num_classes=num_classes, bottom_width=bottom_width, nz=nz, ngf=ngf, **kwargs)
        _resnet.build_generator(self, 32, num_classes=self.num_classes)

    def forward(self, x, y=None):
        """Images (N, 3, 32, 32) in [-1, 1] from noise ``x`` (N, nz) and labels ``y`` (N,) long
        (random classes if ``None``)."""
        if y is None:
            y = torch.randint(low=0, high=self.num_classes, size=(x.shape[0],), device=x.device)
        return _resnet.run_generator(self, x, y)


class CGANPDDiscriminator32(cgan_pd_base.CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 32x32 images."""

    def __init__(self, num_classes, ndf=128, **kwargs):
        super().__init__(num_classes=num_classes, ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 32, "l5", head_layer=SNLinear)
        self.l_y = SNEmbedding(num_embeddings=self.num_classes, embedding_dim=widths[-1])
        init_weight_(self.l_y, 1.0)

    def forward(self, x, y=None):
        """Logits (N, 1) of images ``x`` (N, 3, 32, 32) of classes ``y`` (N,) long (projection)."""
        if y is None:
            raise ValueError("CGANPDDiscriminator32 is class-conditional: forward(x, y) needs labels y")
        h = _resnet.run_discriminator(self, x)
        return self.l5(h) + torch.sum(self.l_y(y) * h, dim=1, keepdim=True)
