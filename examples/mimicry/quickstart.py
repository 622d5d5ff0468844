"""Mimicry's README quick-start, adapted to run in seconds: SNGAN on ``fake_data`` for a few steps,
then FID of the last checkpoint. Only the import lines differ from the torch-mimicry version."""
import torch
import torch.optim as optim

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import sngan

# Data handling objects
device = torch.device('cuda:0' if torch.cuda.is_available() else "cpu")
dataset = mmc.datasets.load_dataset(root='./datasets', name='fake_data', size=64)
dataloader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True, num_workers=0)

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
                               n_dis=2,
                               num_steps=3,
                               lr_decay='linear',
                               dataloader=dataloader,
                               log_dir='./log/example',
                               device=device)
trainer.train()

# Evaluate fid
mmc.metrics.evaluate(metric='fid',
                     log_dir='./log/example',
                     netG=netG,
                     dataset=dataset,
                     num_real_samples=64,
                     num_fake_samples=64,
                     evaluate_step=3,
                     num_runs=1,
                     device=device)
