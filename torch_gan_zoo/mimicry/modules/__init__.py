"""``torch_mimicry.modules`` on this library's layers: spectral norm, residual blocks, attention, losses."""
from torch_gan_zoo.mimicry.modules.layers import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.modules.losses import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.modules.resblocks import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.modules.spectral_norm import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.modules import layers, losses, resblocks, spectral_norm  # noqa: F401
