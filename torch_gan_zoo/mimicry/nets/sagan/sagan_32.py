"""``torch_mimicry.nets.sagan.sagan_32``: SAGAN (class-conditional, as in Mimicry) at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.sagan import sagan_base
from torch_gan_zoo.mimicry.modules.layers import SNEmbedding
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["SAGANGenerator32", "SAGANDiscriminator32"]


class SAGANGenerator32(sagan_base.SAGANBaseGenerator):
    """SAGAN (class-conditional, as in Mimicry) generator for 32x32 images."""

    def __init__(self, num_classes, bottom_width=4, nz=128, ngf=256, **kwargs):
        super().__init__(num_classes=num_classes, bottom_width=bottom_width, nz=nz, ngf=ngf, **kwargs)
        _resnet.build_generator(self, 32, num_classes=self.num_classes, spectral_norm=True, attention_after=2)

    def forward(self, x, y=None):
        """Images (N, 3, 32, 32) in [-1, 1] from noise ``x`` (N, nz) and labels ``y`` (N,) long
        (random classes if ``None``)."""
        if y is None:
            y = torch.randint(low=0, high=self.num_classes, size=(x.shape[0],), device=x.device)
        return _resnet.run_generator(self, x, y)


class SAGANDiscriminator32(sagan_base.SAGANBaseDiscriminator):
    """SAGAN (class-conditional, as in Mimicry) discriminator for 32x32 images."""

    def __init__(self, num_classes, ndf=128, **kwargs):
        super().__init__(num_classes=num_classes, ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 32, "l5", attention_after=2)
        self.l_y = SNEmbedding(num_embeddings=self.num_classes, embedding_dim=widths[-1])
        init_weight_(self.l_y, 1.0)
        _resnet.add_discriminator_attention(self, widths)

    def forward(self, x, y=None):
        """Logits (N, 1) of images ``x`` (N, 3, 32, 32) of classes ``y`` (N,) long (projection)."""
        if y is None:
            raise ValueError("SAGANDiscriminator32 is class-conditional: forward(x, y) needs labels y")
        h = _resnet.run_discriminator(self, x)
        return self.l5(h) + torch.sum(self.l_y(y) * h, dim=1, keepdim=True)
