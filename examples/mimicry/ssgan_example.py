"""Mimicry's SSGAN example, adapted to run in seconds on ``fake_data`` (a few steps, small widths).
Only the import lines differ from the torch-mimicry version."""
import torch
import torch.optim as optim

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import ssgan

if __name__ == "__main__":
    device = torch.device('cuda:0' if torch.cuda.is_available() else "cpu")
    dataset = mmc.datasets.load_dataset(root='./datasets', name='fake_data', size=64)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True, num_workers=0)

    netG = ssgan.SSGANGenerator32(ngf=16).to(device)
    netD = ssgan.SSGANDiscriminator32(ndf=16).to(device)
    optD = optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    optG = optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))

    trainer = mmc.training.Trainer(netD=netD, netG=netG, optD=optD, optG=optG, n_dis=2, num_steps=2,
                                   dataloader=dataloader, log_dir='./log/ssgan_example', device=device)
    trainer.train()
