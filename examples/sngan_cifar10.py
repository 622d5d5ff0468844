"""Train SNGAN on CIFAR-10 the Mimicry way: build the nets, optimisers and a Trainer yourself.

    python examples/sngan_cifar10.py --data-root ./data --log-dir ./log/sngan_cifar10

Defaults are the paper's (Miyato et al., 2018): ResNet SNGAN 32x32, hinge loss, n_dis=5, Adam(2e-4,
betas=(0, 0.9)), batch 64, 100k generator steps with linear LR decay. Re-running the same command
resumes from the newest checkpoint; Ctrl-C saves one first. ``--dataset shapes`` runs without a
download (useful to try the script).
"""
import argparse

import torch

import torch_gan_zoo as tgz
from torch_gan_zoo.nets import sngan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", default="./data")
    parser.add_argument("--dataset", default="cifar10")
    parser.add_argument("--log-dir", default="./log/sngan_cifar10")
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--ngf", type=int, default=256)
    parser.add_argument("--ndf", type=int, default=128)
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--num-workers", type=int, default=4)
    args = parser.parse_args(argv)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tgz.utils.seed_everything(args.seed)

    # Data: images in [-1, 1], labels unused by SNGAN.
    dataset = tgz.datasets.load_dataset(args.data_root, args.dataset, resolution=32, download=args.download)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=args.batch_size, shuffle=True,
                                             num_workers=args.num_workers, drop_last=True)

    # Networks and optimisers.
    netG = sngan.SNGANGenerator32(ngf=args.ngf).to(device)
    netD = sngan.SNGANDiscriminator32(ndf=args.ndf).to(device)
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))

    # Train.
    trainer = tgz.training.Trainer(
        netD=netD, netG=netG, optD=optD, optG=optG, dataloader=dataloader, num_steps=args.steps, n_dis=5,
        lr_decay="linear", device=device, log_dir=args.log_dir, seed=args.seed,
    )
    return trainer.train()


if __name__ == "__main__":
    main()
