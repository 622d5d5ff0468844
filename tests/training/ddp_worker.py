"""Worker script for tests/training/test_distributed.py, started by torchrun (or directly for 1 process).

    python -m torch.distributed.run --standalone --nproc_per_node 2 tests/training/ddp_worker.py MODE LOG_DIR OUT STEPS
"""
import os
import sys

import torch
import torch.nn as nn
from torch.utils.data import TensorDataset

from torch_gan_zoo import losses as tgz_losses
from torch_gan_zoo import nets
from torch_gan_zoo.nets import BaseGenerator
from torch_gan_zoo.training import Trainer
from torch_gan_zoo.utils import seed_everything

GLOBAL_BATCH = 8


class MLPGenerator(BaseGenerator):
    """No batch norm: a sample's image doesn't depend on its batch (for the equivalence test)."""

    def __init__(self, nz=8):
        super().__init__(nz=nz, ngf=32, bottom_width=32, loss_type="ns")
        self.nc = 3
        self.net = nn.Sequential(nn.Linear(nz, 32), nn.ReLU(), nn.Linear(32, 3 * 32 * 32), nn.Tanh())
        self.calls = 0

    def sample_latent(self, num_images, device=None, generator=None, truncation=None):
        """The same global noise batch per call; each rank takes its slice of it."""
        self.calls += 1
        world = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        rng = torch.Generator().manual_seed(1000 + self.calls)
        z = torch.randn(num_images * world, self.nz, generator=rng)
        return z[rank * num_images:(rank + 1) * num_images].to(device or self.device)

    def forward(self, z):
        return self.net(z).view(-1, 3, 32, 32)


def main(mode, log_dir, out, steps):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    seed_everything(0)
    data = TensorDataset(torch.rand(64, 3, 32, 32) * 2 - 1, torch.zeros(64, dtype=torch.long))
    if mode == "equivalence":
        netG = MLPGenerator()
        netD = nets.create_model("dcgan", 32, ndf=16)[1]  # no batch norm in DCGAN discriminators
    elif mode == "regularized":  # double backward (gradient penalty, R1) through DDP
        netG, netD = nets.create_model("wgan_gp", 32, ngf=16, ndf=16)
        netD.add_regularizer(tgz_losses.R1Penalty(gamma=1.0))
    else:
        netG, netD = nets.create_model("dcgan", 32, ngf=16, ndf=16)
    optG = torch.optim.Adam(netG.parameters(), 1e-3, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), 1e-3, betas=(0.5, 0.999))
    evaluator = None
    if mode == "evaluate":  # 30 images in chunks of 4: rank 0 embeds 4 chunks, rank 1 embeds 4
        from torch_gan_zoo.training import Evaluator

        torch.manual_seed(0)
        real = torch.rand(64, 3, 32, 32) * 2 - 1
        evaluator = Evaluator(real, every=1000, num_samples=30, batch_size=4,
                              inception_weights=os.environ["TGZ_TEST_EVAL_WEIGHTS"])
    trainer = Trainer(netD, netG, optD, optG, data, num_steps=steps, batch_size=GLOBAL_BATCH // world,
                      log_dir=log_dir, n_dis=2, seed=0, progress=False, log_steps=1, vis_steps=2, save_steps=2,
                      device="cpu", evaluator=evaluator)
    trainer.train()
    rank = trainer.dist.rank
    assert trainer.logger.enabled == (rank == 0)
    torch.save({"G": {k: v.detach().clone() for k, v in netG.named_parameters()},
                "D": {k: v.detach().clone() for k, v in netD.named_parameters()},
                "optD": optD.state_dict()["state"], "world_size": trainer.dist.world_size,
                "epoch": trainer.data.epoch, "sampler_epoch": trainer.data.sampler.epoch,
                "evaluation": trainer.last_evaluation},
               os.path.join(out, f"rank{rank}.pt"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
