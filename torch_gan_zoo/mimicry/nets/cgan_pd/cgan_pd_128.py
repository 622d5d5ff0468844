"""``torch_mimicry.nets.cgan_pd.cgan_pd_128``: cGAN-PD at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.cgan_pd import cgan_pd_base
from torch_gan_zoo.mimicry.modules.layers import SNEmbedding
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["CGANPDGenerator128", "CGANPDDiscriminator128"]


class CGANPDGenerator128(cgan_pd_base.CGANPDBaseGenerator):
    """cGAN-PD generator for 128x128 images."""

    def __init__(self, num_classes, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(num_classes=num_classes, nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128, num_classes=self.num_classes)

    def forward(self, x, y=None):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz) and labels ``y`` (N,) long
        (random classes if ``None``)."""
        if y is None:
            y = torch.randint(low=0, high=self.num_classes, size=(x.shape[0],), device=x.device)
        return _resnet.run_generator(self, x, y)


class CGANPDDiscriminator128(cgan_pd_base.CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 128x128 images."""

    def __init__(self, num_classes, ndf=128, **kwargs):
        super().__init__(num_classes=num_classes, ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 128, "l7")
        self.l_y = SNEmbedding(num_embeddings=self.num_classes, embedding_dim=widths[-1])
        init_weight_(self.l_y, 1.0)

    def forward(self, x, y=None):
        """Logits (N, 1) of images ``x`` (N, 3, 128, 128) of classes ``y`` (N,) long (projection)."""
        if y is None:
            raise ValueError("CGANPDDiscriminator128 is class-conditional: forward(x, y) needs labels y")
        h = _resnet.run_discriminator(self, x)
        return self.l7(h) + torch.sum(self.l_y(y) * h, dim=1, keepdim=True)
