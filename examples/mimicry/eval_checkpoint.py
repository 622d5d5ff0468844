"""Mimicry's "evaluate a pretrained checkpoint" example, adapted: restore a generator checkpoint and
save a grid of its images. Only the import lines differ from the torch-mimicry version."""
import sys

import torch

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import sngan

if __name__ == "__main__":
    ckpt_file = sys.argv[1] if len(sys.argv) > 1 else './log/example/checkpoints/netG/netG_3_steps.pth'
    netG = sngan.SNGANGenerator32(ngf=16)
    netG.restore_checkpoint(ckpt_file)
    netG.eval()
    with torch.no_grad():
        images = netG.generate_images(num_images=16)
    mmc.utils.save_tensor_image(images, './log/example/samples.png')
