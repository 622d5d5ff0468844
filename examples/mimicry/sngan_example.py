"""Adapts torch-mimicry's ``examples/sngan_example.py``: train SNGAN, then evaluate FID, KID and IS
through ``mmc.metrics.evaluate``.

The same calls with the same keywords; only the import lines and the sizes differ (``fake_data``
instead of ``cifar10``, small widths, 2 steps, tens of samples) so that it runs offline in seconds.
"""
import torch
import torch.optim as optim

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import sngan

if __name__ == "__main__":
    # Data handling objects
    device = torch.device('cuda:0' if torch.cuda.is_available() else "cpu")
    dataset = mmc.datasets.load_dataset(root='./datasets', name='fake_data')
    dataloader = torch.utils.data.DataLoader(dataset,
                                             batch_size=8,
                                             shuffle=True,
                                             num_workers=0)

    # Define models and optimizers
    netG = sngan.SNGANGenerator32(ngf=16).to(device)
    netD = sngan.SNGANDiscriminator32(ndf=16).to(device)
    optD = optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    optG = optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))

    # Start training
    trainer = mmc.training.Trainer(netD=netD,
                                   netG=netG,
                                   optD=optD,
                                   optG=optG,
                                   n_dis=5,
                                   num_steps=2,
                                   lr_decay='linear',
                                   dataloader=dataloader,
                                   log_dir='./log/example',
                                   device=device)
    trainer.train()

    # Evaluate fid
    mmc.metrics.evaluate(metric='fid',
                         log_dir='./log/example',
                         netG=netG,
                         dataset_name='fake_data',
                         num_real_samples=16,
                         num_fake_samples=16,
                         evaluate_step=2,
                         device=device)

    # Evaluate kid
    mmc.metrics.evaluate(metric='kid',
                         log_dir='./log/example',
                         netG=netG,
                         dataset_name='fake_data',
                         num_subsets=2,
                         subset_size=8,
                         evaluate_step=2,
                         device=device)

    # Evaluate inception score
    mmc.metrics.evaluate(metric='inception_score',
                         log_dir='./log/example',
                         netG=netG,
                         num_samples=10,
                         evaluate_step=2,
                         device=device)
