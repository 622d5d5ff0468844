"""An endless, resumable stream of training batches.

The Trainer rebuilds the user's ``DataLoader`` around :class:`ResumableSampler` (a
``DistributedSampler`` that can start mid-epoch) and a private ``torch.Generator``, so that

* the data order depends only on the seed and the epoch, never on the global RNG,
* a resumed run continues with exactly the batch an uninterrupted run would have seen next,
* under DDP each rank reads its own shard and the epoch advances for every rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import signal
import warnings

import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler
from torch.utils.data.distributed import DistributedSampler

__all__ = ["ResumableSampler", "DataStream"]


class ResumableSampler(DistributedSampler):
    """``DistributedSampler`` (seeded shuffle per epoch, a shard per rank) that can skip the first
    ``start_index`` indices of the next epoch it yields. Works without a process group when
    ``num_replicas`` and ``rank`` are given."""

    def __init__(self, dataset: Dataset, num_replicas: int = 1, rank: int = 0, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False) -> None:
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=shuffle, seed=seed,
                         drop_last=drop_last)
        self.start_index = 0

    def set_start_index(self, start_index: int) -> None:
        """Skip this many indices at the start of the next iteration (once)."""
        self.start_index = int(start_index)

    def __iter__(self):
        indices = list(super().__iter__())
        start, self.start_index = self.start_index, 0
        return iter(indices[start:])

    def __len__(self):
        return self.num_samples - self.start_index


def _ignore_sigint_then(user_init):
    """Worker initialiser: workers ignore Ctrl-C (the main process handles it and checkpoints)."""

    def init(worker_id):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if user_init is not None:
            user_init(worker_id)

    return init


class DataStream:
    """Yields batches forever, epoch after epoch, and can save and restore its position.

    Args:
        data (DataLoader or Dataset): A ``DataLoader`` with a random or sequential sampler is rebuilt
            with the same settings around a :class:`ResumableSampler`; a ``Dataset`` gets a loader
            with ``batch_size`` (shuffled, ``drop_last=True``). Loaders with custom samplers and
            iterable datasets are used as they are; resuming then replays the epoch's first batches.
        seed (int): Seed of the data order.
        rank (int), world_size (int): This process's shard under DDP.
        batch_size (int, optional): Needed when ``data`` is a Dataset.
        num_workers (int): Loader workers when ``data`` is a Dataset.
        pin_memory (bool): Pin host memory when ``data`` is a Dataset (speeds up copies to a GPU).
    """

    def __init__(self, data: Dataset | DataLoader, seed: int = 0, rank: int = 0, world_size: int = 1,
                 batch_size: int | None = None, num_workers: int = 0, pin_memory: bool = False) -> None:
        self.seed = int(seed)
        self.epoch = 0
        self.batches_in_epoch = 0
        self._iter = None
        self._generator = torch.Generator()
        self.exact_resume = True
        if isinstance(data, DataLoader):
            self.loader = self._rebuild(data, rank, world_size)
        elif isinstance(data, Dataset):
            if batch_size is None:
                raise ValueError("pass batch_size when giving the Trainer a Dataset instead of a DataLoader")
            sampler = ResumableSampler(data, world_size, rank, shuffle=True, seed=self.seed, drop_last=True)
            self.loader = DataLoader(
                data, batch_size=batch_size, sampler=sampler, drop_last=True, num_workers=num_workers,
                pin_memory=pin_memory, persistent_workers=num_workers > 0, generator=self._generator,
                worker_init_fn=_ignore_sigint_then(None),
            )
        else:
            raise TypeError(f"expected a DataLoader or a Dataset, got {type(data).__name__}")
        self.sampler = self.loader.sampler if isinstance(self.loader.sampler, ResumableSampler) else None

    def _rebuild(self, loader, rank, world_size):
        if isinstance(loader.dataset, IterableDataset) or loader.batch_size is None or not isinstance(
            loader.sampler, (RandomSampler, SequentialSampler)
        ):
            if world_size > 1:
                warnings.warn("the DataLoader's custom sampler is not sharded across ranks", RuntimeWarning,
                              stacklevel=3)
            self.exact_resume = False
            return loader
        shuffle = isinstance(loader.sampler, RandomSampler)
        sampler = ResumableSampler(loader.dataset, world_size, rank, shuffle=shuffle, seed=self.seed,
                                   drop_last=loader.drop_last)
        kwargs = dict(
            batch_size=loader.batch_size, sampler=sampler, num_workers=loader.num_workers,
            collate_fn=loader.collate_fn, pin_memory=loader.pin_memory, drop_last=loader.drop_last,
            timeout=loader.timeout, worker_init_fn=_ignore_sigint_then(loader.worker_init_fn),
            multiprocessing_context=loader.multiprocessing_context, generator=self._generator,
            persistent_workers=loader.persistent_workers, pin_memory_device=loader.pin_memory_device,
        )
        if loader.num_workers > 0:
            kwargs["prefetch_factor"] = loader.prefetch_factor
        return DataLoader(loader.dataset, **kwargs)

    @property
    def batch_size(self) -> int | None:
        """Batch size per process."""
        return self.loader.batch_size

    @property
    def dataset(self) -> Dataset:
        """The underlying dataset."""
        return self.loader.dataset

    def _start_epoch(self):
        skip = self.batches_in_epoch
        if self.sampler is not None:
            self.sampler.set_epoch(self.epoch)
            self.sampler.set_start_index(skip * self.loader.batch_size)
            skip = 0
        self._generator.manual_seed(self.seed * 100003 + self.epoch)
        self._iter = iter(self.loader)
        for _ in range(skip):  # loaders we could not rebuild: replay
            next(self._iter)

    def next(self) -> Any:
        """The next batch; starts a new epoch when one ends.

        Raises:
            ValueError: The data yields no batch at all (e.g. fewer samples than a batch with
                ``drop_last``).
        """
        if self._iter is None:
            self._start_epoch()
        try:
            batch = next(self._iter)
        except StopIteration:
            self.epoch += 1
            self.batches_in_epoch = 0
            self._start_epoch()
            try:
                batch = next(self._iter)
            except StopIteration:
                size = len(self.dataset) if hasattr(self.dataset, "__len__") else "?"
                raise ValueError(
                    f"the training data yields no batch: {size} "
                    f"samples for a batch size of {self.batch_size} (drop_last={self.loader.drop_last})"
                ) from None
        self.batches_in_epoch += 1
        return batch

    __next__ = next

    def __iter__(self):
        return self

    def state_dict(self) -> dict[str, int]:
        """The position: ``{'epoch', 'batches_in_epoch', 'seed'}``."""
        return {"epoch": self.epoch, "batches_in_epoch": self.batches_in_epoch, "seed": self.seed}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Continue from a position saved by :meth:`state_dict` (the next batch is the one after it).

        The saved seed is adopted, so a run started without a seed resumes with its own data order."""
        self.seed = int(state.get("seed", self.seed))
        if self.sampler is not None:
            self.sampler.seed = self.seed
        self.epoch = int(state["epoch"])
        self.batches_in_epoch = int(state["batches_in_epoch"])
        self._iter = None
