"""Write your own GAN by subclassing: a tiny MLP GAN on the built-in `shapes` data.

Only the layers and ``forward`` are new; checkpoints, logging, resume, AMP and the train steps come
from the base classes (which ask for no convolutional sizes: no ``ngf`` or ``bottom_width`` here).
The discriminator overrides ``compute_gan_loss`` to add label smoothing, the one place its training
differs.

    python examples/custom_gan.py --steps 500
"""
import argparse

import torch
import torch.nn as nn

import torch_gan_zoo as tgz
from torch_gan_zoo.nets import BaseDiscriminator, BaseGenerator


class MLPGenerator(BaseGenerator):
    """z (N, nz) -> images (N, 3, 32, 32) in [-1, 1]."""

    def __init__(self, nz=64, hidden=256, loss_type="ns"):
        super().__init__(nz=nz, loss_type=loss_type)
        self.net = nn.Sequential(nn.Linear(nz, hidden), nn.ReLU(), nn.Linear(hidden, 3 * 32 * 32), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 3, 32, 32)


class MLPDiscriminator(BaseDiscriminator):
    """Images (N, 3, 32, 32) -> logits (N, 1), trained with one-sided label smoothing."""

    def __init__(self, hidden=256, loss_type="ns", smoothing=0.1):
        super().__init__(loss_type=loss_type)
        self.smoothing = smoothing
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)

    def compute_gan_loss(self, output_real, output_fake):
        real_target = torch.full_like(output_real, 1.0 - self.smoothing)
        return (nn.functional.binary_cross_entropy_with_logits(output_real, real_target)
                + nn.functional.binary_cross_entropy_with_logits(output_fake, torch.zeros_like(output_fake)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--log-dir", default="./log/custom_gan")
    parser.add_argument("--num-images", type=int, default=2000)
    args = parser.parse_args(argv)

    tgz.utils.seed_everything(0)
    netG, netD = MLPGenerator(), MLPDiscriminator()
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.5, 0.999))
    data = tgz.datasets.ShapesDataset(num_images=args.num_images)
    trainer = tgz.training.Trainer(netD, netG, optD, optG, data, num_steps=args.steps, batch_size=64,
                                   log_dir=args.log_dir, seed=0, vis_steps=250, save_steps=250)
    return trainer.train()


if __name__ == "__main__":
    main()
