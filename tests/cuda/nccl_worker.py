"""Worker of ``tests/cuda/test_cuda_training.py``: DDP over NCCL in one process on one GPU.

    python tests/cuda/nccl_worker.py LOG_DIR OUT_FILE

With one process the Trainer would not wrap anything (``DistributedContext.enabled`` is ``world_size > 1``),
so this worker joins a one-rank NCCL process group and hands the Trainer a context that reports itself
enabled: the DDP wrappers, NCCL all-reduces of the logged scalars, the stop flag, the gathered RNG states
and barriers then all run for real, with the gradient penalty and R1 (double backward) under bf16 autocast.
"""
import os
import socket
import sys

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

import torch_gan_zoo.training.trainer as trainer_module
from torch_gan_zoo import losses, nets
from torch_gan_zoo.datasets import ShapesDataset
from torch_gan_zoo.training import Trainer
from torch_gan_zoo.training.distributed import DistributedContext
from torch_gan_zoo.utils import seed_everything


class OneRankDDP(DistributedContext):
    """A one-process context that still takes every distributed code path."""

    @property
    def enabled(self):
        return True


def main(log_dir, out):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK="0", LOCAL_RANK="0", WORLD_SIZE="1")
    torch.cuda.set_device(0)
    dist.init_process_group("nccl", rank=0, world_size=1)
    real_init = trainer_module.init_distributed

    def init_distributed(device):
        ctx = real_init(device)
        return OneRankDDP(rank=ctx.rank, local_rank=ctx.local_rank, world_size=ctx.world_size, device=ctx.device)

    trainer_module.init_distributed = init_distributed
    seed_everything(0)
    netG, netD = nets.create_model("wgan_gp", 32, ngf=16, ndf=16)
    netD.add_regularizer(losses.R1Penalty(gamma=1.0))
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    data = DataLoader(ShapesDataset(num_images=64, resolution=32, seed=0), batch_size=8, shuffle=True)
    trainer = Trainer(netD, netG, optD, optG, data, 3, log_dir=log_dir, n_dis=2, seed=0, progress=False,
                      log_steps=1, vis_steps=1000, save_steps=2, device="cuda", amp=True, amp_dtype="bfloat16")
    wrapped = []
    original_wrap = trainer._wrap_networks

    def wrap():
        original_wrap()
        wrapped.extend(sorted(name for name, w in trainer._wrappers.items()
                              if isinstance(w, torch.nn.parallel.DistributedDataParallel)))

    trainer._wrap_networks = wrap
    result = trainer.train()
    torch.save({"backend": dist.get_backend(), "wrapped": wrapped, "global_step": result["global_step"],
                "metrics": {k: float(v) for k, v in result["metrics"].items()}}, out)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
