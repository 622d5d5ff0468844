"""Small training helpers shared by the tests: optimisers for a pair, state-dict equality, a tiny Trainer."""
import torch
from torch.utils.data import DataLoader

from torch_gan_zoo import nets
from torch_gan_zoo.datasets import ShapesDataset
from torch_gan_zoo.training import Trainer
from torch_gan_zoo.utils import seed_everything


def adam_pair(netG, netD, lr=2e-4, betas=(0.0, 0.9)):
    """Adam optimisers for both networks."""
    return (torch.optim.Adam(netG.parameters(), lr, betas=betas), torch.optim.Adam(netD.parameters(), lr, betas=betas))


def state_equal(a, b):
    """Whether two state dicts hold bit-identical tensors under the same keys."""
    if a.keys() != b.keys():
        return False
    return all(torch.equal(a[k], b[k]) if torch.is_tensor(a[k]) else a[k] == b[k] for k in a)


def make_trainer(log_dir, num_steps, seed=0, model="dcgan", n_dis=2, lr=2e-4, batch_size=8, data=None, **kwargs):
    """Build tiny models (seeded) and a Trainer over 64 shapes images."""
    seed_everything(seed)
    netG, netD = nets.create_model(model, 32, ngf=16, ndf=16)
    optG, optD = adam_pair(netG, netD, lr=lr)
    data = data if data is not None else DataLoader(ShapesDataset(num_images=64), batch_size=batch_size, shuffle=True)
    options = dict(n_dis=n_dis, log_dir=str(log_dir), seed=seed, lr_decay="linear", log_steps=2, vis_steps=3,
                   save_steps=3, progress=False)
    options.update(kwargs)
    return Trainer(netD, netG, optD, optG, data, num_steps, **options)
