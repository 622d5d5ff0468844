"""Generators and discriminators: the base classes, every GAN variant, and the model registry.

>>> from torch_gan_zoo import nets
>>> netG, netD = nets.create_model("sngan", 32)        # Mimicry's SNGAN 32x32 defaults
>>> nets.list_models("dcgan")
[('dcgan', 28), ('dcgan', 32), ('dcgan', 48), ('dcgan', 64)]
>>> netG = nets.sngan.SNGANGenerator(resolution=48)     # one class per variant, sized from its table
"""
from torch_gan_zoo.nets import (
    acgan,
    biggan,
    cdcgan,
    cgan_pd,
    contragan,
    cppn,
    dcgan,
    infomax_gan,
    lsgan,
    reacgan,
    sagan,
    sngan,
    ssgan,
    wgan_gp,
)
from torch_gan_zoo.nets.auxiliary import AuxiliaryDiscriminator, AuxiliaryLossGenerator
from torch_gan_zoo.nets.basemodel import BaseModel
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator, BaseConditionalGenerator
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator, LossTerm, StepLosses
from torch_gan_zoo.nets.registry import (
    GANPair,
    create_model,
    get_model_classes,
    list_models,
    model_info,
    register_discriminator,
    register_generator,
    register_variant,
)
from torch_gan_zoo.nets.table import FROM_TABLE

__all__ = [
    "BaseModel", "BaseGenerator", "BaseDiscriminator", "BaseConditionalGenerator", "BaseConditionalDiscriminator",
    "AuxiliaryDiscriminator", "AuxiliaryLossGenerator", "LossTerm", "StepLosses", "FROM_TABLE",
    "GANPair", "create_model", "get_model_classes", "list_models", "model_info",
    "register_generator", "register_discriminator", "register_variant",
    "dcgan", "sngan", "wgan_gp", "lsgan", "ssgan", "infomax_gan", "sagan",
    "cgan_pd", "cdcgan", "cppn", "acgan", "biggan", "contragan", "reacgan",
]
