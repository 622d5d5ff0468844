"""Generators and discriminators: the base classes, every GAN variant, and the model registry.

>>> from torch_gan_zoo import nets
>>> netG, netD = nets.create_model("sngan", 32)        # Mimicry's SNGAN 32x32 defaults
>>> nets.list_models("dcgan")
[('dcgan', 28), ('dcgan', 32), ('dcgan', 48), ('dcgan', 64)]
"""
from torch_gan_zoo.nets import dcgan, sngan
from torch_gan_zoo.nets.basemodel import BaseModel
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator, BaseConditionalGenerator
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator
from torch_gan_zoo.nets.registry import (
    GANPair,
    create_model,
    get_model_classes,
    list_models,
    model_info,
    register_discriminator,
    register_generator,
)

__all__ = [
    "BaseModel",
    "BaseGenerator",
    "BaseDiscriminator",
    "BaseConditionalGenerator",
    "BaseConditionalDiscriminator",
    "GANPair",
    "create_model",
    "get_model_classes",
    "list_models",
    "model_info",
    "register_generator",
    "register_discriminator",
    "dcgan",
    "sngan",
]
