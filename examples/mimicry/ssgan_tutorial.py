"""Adapts torch-mimicry's ``examples/ssgan_tutorial.py``: a custom SSGAN written against Mimicry's base
classes (``gan.BaseGenerator`` / ``gan.BaseDiscriminator``, ``GBlock``, ``DBlock``,
``DBlockOptimized``, ``SNLinear``), trained by ``mmc.training.Trainer`` and evaluated by FID.

The same calls with the same keywords; only the import lines and the sizes differ (``fake_data``
instead of ``cifar10``, widths 16 instead of 256/128, 2 steps, 16 samples).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

import numpy as np

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import gan
from torch_gan_zoo.mimicry.modules import SNLinear
from torch_gan_zoo.mimicry.modules import GBlock, DBlock, DBlockOptimized


class SSGANGenerator(gan.BaseGenerator):
    """z (N, nz) -> images (N, 3, 32, 32) in [-1, 1]; its loss adds the rotation loss of fakes."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, loss_type='hinge', **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)
        self.ss_loss_scale = 0.2
        self.l1 = nn.Linear(self.nz, (self.bottom_width ** 2) * self.ngf)
        self.block2 = GBlock(self.ngf, self.ngf, upsample=True)
        self.block3 = GBlock(self.ngf, self.ngf, upsample=True)
        self.block4 = GBlock(self.ngf, self.ngf, upsample=True)
        self.b5 = nn.BatchNorm2d(self.ngf)
        self.c5 = nn.Conv2d(ngf, 3, 3, 1, padding=1)
        self.activation = nn.ReLU(True)
        nn.init.xavier_uniform_(self.l1.weight.data, 1.0)
        nn.init.xavier_uniform_(self.c5.weight.data, 1.0)

    def forward(self, x):
        h = self.l1(x).view(x.shape[0], -1, self.bottom_width, self.bottom_width)
        for block in (self.block2, self.block3, self.block4):
            h = block(h)
        return torch.tanh(self.c5(self.activation(self.b5(h))))

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, **kwargs):
        self.zero_grad()
        batch_size = real_batch[0].shape[0]
        fake_images = self.generate_images(num_images=batch_size, device=device)
        output, _ = netD(fake_images)
        errG = self.compute_gan_loss(output)
        errG_SS = netD.compute_ss_loss(images=fake_images, scale=self.ss_loss_scale)
        (errG + errG_SS).backward()
        optG.step()
        log_data.add_metric('errG', errG, group='loss')
        log_data.add_metric('errG_SS', errG_SS, group='loss_SS')
        return log_data


class SSGANDiscriminator(gan.BaseDiscriminator):
    """images (N, 3, 32, 32) -> (GAN logits (N, 1), rotation logits (N, 4))."""

    def __init__(self, ndf=128, loss_type='hinge', **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
        self.num_classes = 4
        self.ss_loss_scale = 1.0
        self.block1 = DBlockOptimized(3, self.ndf)
        self.block2 = DBlock(self.ndf, self.ndf, downsample=True)
        self.block3 = DBlock(self.ndf, self.ndf, downsample=False)
        self.block4 = DBlock(self.ndf, self.ndf, downsample=False)
        self.l5 = SNLinear(self.ndf, 1)
        self.activation = nn.ReLU(True)
        nn.init.xavier_uniform_(self.l5.weight.data, 1.0)
        self.l_y = SNLinear(self.ndf, self.num_classes)
        nn.init.xavier_uniform_(self.l_y.weight.data, 1.0)

    def forward(self, x):
        h = x
        for block in (self.block1, self.block2, self.block3, self.block4):
            h = block(h)
        h = torch.sum(self.activation(h), dim=(2, 3))  # global sum pooling
        return self.l5(h), self.l_y(h)

    def _rotate_batch(self, images):
        """Quarter k of the batch turned by k * 90 degrees; labels k, (N,) long."""
        n = images.shape[0]
        labels = np.array([i * 4 // n for i in range(n)])
        rotated = torch.stack([torch.rot90(img, int(k), dims=(1, 2)) for img, k in zip(images, labels)])
        return rotated, torch.from_numpy(labels).to(images.device)

    def compute_ss_loss(self, images, scale):
        images_rot, class_labels = self._rotate_batch(images=images)
        _, output_classes = self.forward(images_rot)
        return scale * F.cross_entropy(input=output_classes, target=class_labels)

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, **kwargs):
        self.zero_grad()
        real_images, _ = real_batch
        batch_size = real_images.shape[0]
        fake_images = netG.generate_images(num_images=batch_size, device=device).detach()
        output_real, _ = self.forward(real_images)
        output_fake, _ = self.forward(fake_images)
        errD = self.compute_gan_loss(output_real=output_real, output_fake=output_fake)
        errD_SS = self.compute_ss_loss(images=real_images, scale=self.ss_loss_scale)
        (errD + errD_SS).backward()
        optD.step()
        D_x, D_Gz = self.compute_probs(output_real=output_real, output_fake=output_fake)
        log_data.add_metric('errD', errD, group='loss')
        log_data.add_metric('errD_SS', errD_SS, group='loss_SS')
        log_data.add_metric('D(x)', D_x, group='prob')
        log_data.add_metric('D(G(z))', D_Gz, group='prob')
        return log_data


# Training
dataset_dir = './datasets'
log_dir = './log/ssgan'

device = torch.device('cuda:0' if torch.cuda.is_available() else "cpu")
dataset = mmc.datasets.load_dataset(root='./datasets', name='fake_data')
dataloader = torch.utils.data.DataLoader(dataset, batch_size=8, shuffle=True, num_workers=0)

netG = SSGANGenerator(ngf=16).to(device)
netD = SSGANDiscriminator(ndf=16).to(device)
optD = optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
optG = optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))

trainer = mmc.training.Trainer(netD=netD,
                               netG=netG,
                               optD=optD,
                               optG=optG,
                               n_dis=2,
                               num_steps=2,
                               dataloader=dataloader,
                               log_dir=log_dir,
                               device=device)
trainer.train()

# Evaluation
mmc.metrics.evaluate(metric='fid',
                     log_dir=log_dir,
                     netG=netG,
                     dataset_name='fake_data',
                     num_real_samples=16,
                     num_fake_samples=16,
                     evaluate_step=2,
                     device=device)
