"""Multi-process training set-up for ``torchrun`` (single node or many).

``torchrun --nproc_per_node N train.py`` sets ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``,
``MASTER_ADDR`` and ``MASTER_PORT``; :func:`init_distributed` reads them, starts the process group
(NCCL on CUDA, gloo on CPU) and picks this process's device. Single-process runs need nothing.
"""

from __future__ import annotations

from typing import Any

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

__all__ = ["DistributedContext", "init_distributed", "is_launched_distributed"]


def is_launched_distributed() -> bool:
    """Whether this process was started by ``torchrun`` (or similar) with ``WORLD_SIZE > 1``."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


@dataclass
class DistributedContext:
    """Where this process stands in a (possibly single-process) run.

    Attributes:
        rank (int): Global rank. local_rank (int): Rank on this node. world_size (int): Processes.
        device (torch.device): This process's device.
    """

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def enabled(self) -> bool:
        """More than one process."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that writes files."""
        return self.rank == 0

    def barrier(self) -> None:
        """Wait for every process (no-op when single-process)."""
        if self.enabled:
            dist.barrier()

    def all_reduce_mean(self, tensor: torch.Tensor) -> torch.Tensor:
        """Average ``tensor`` over processes, in place; returns it. A tensor on another device than the
        backend's (the logger's CPU scalars under NCCL) travels through the backend's device."""
        if self.enabled:
            comm = self._comm_device()
            moved = tensor if tensor.device == comm else tensor.to(comm)
            dist.all_reduce(moved, op=dist.ReduceOp.SUM)
            moved /= self.world_size
            if moved is not tensor:
                tensor.copy_(moved)
        return tensor

    def any(self, flag: bool) -> bool:
        """Whether ``flag`` (bool) is true on any process."""
        if not self.enabled:
            return bool(flag)
        t = torch.tensor([1.0 if flag else 0.0], device=self._comm_device())
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item())

    def all_gather_object(self, obj: Any) -> list[Any]:
        """A list with every process's ``obj`` (``[obj]`` when single-process)."""
        if not self.enabled:
            return [obj]
        gathered = [None] * self.world_size
        dist.all_gather_object(gathered, obj)
        return gathered

    def _comm_device(self):
        return self.device if dist.get_backend() == "nccl" else torch.device("cpu")


def init_distributed(device: str | torch.device | None = None, backend: str | None = None,
                     timeout_s: float = 1800) -> DistributedContext:
    """Join the process group ``torchrun`` describes, or describe a single-process run.

    Args:
        device: Force a device type (``'cpu'`` or ``'cuda'``); default CUDA when available.
            Under DDP with CUDA each process takes ``cuda:LOCAL_RANK``.
        backend (str, optional): ``'nccl'`` or ``'gloo'`` (default: NCCL on CUDA, gloo on CPU).

    Returns:
        DistributedContext
    """
    from datetime import timedelta

    requested = torch.device(device) if device is not None else None
    use_cuda = torch.cuda.is_available() if requested is None else requested.type == "cuda"
    if not is_launched_distributed() and not dist.is_initialized():
        if requested is not None:
            return DistributedContext(device=requested)
        return DistributedContext(device=torch.device("cuda" if use_cuda else "cpu"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if use_cuda:
        if local_rank >= torch.cuda.device_count():
            raise RuntimeError(f"LOCAL_RANK={local_rank} but only {torch.cuda.device_count()} CUDA devices are visible")
        torch.cuda.set_device(local_rank)
        dev = torch.device("cuda", local_rank)
    else:
        dev = torch.device("cpu")
    if not dist.is_initialized():
        dist.init_process_group(backend or ("nccl" if use_cuda else "gloo"), timeout=timedelta(seconds=timeout_s))
    return DistributedContext(rank=dist.get_rank(), local_rank=local_rank, world_size=dist.get_world_size(), device=dev)
