"""Small helpers with no knowledge of GANs: atomic file writes, safe checkpoint I/O, RNG state, CPU features."""
from torch_gan_zoo.utils.cpu import cpu_bf16_is_native, cpu_capability
from torch_gan_zoo.utils.io import (
    CheckpointError,
    DiskFullError,
    atomic_write,
    atomic_write_bytes,
    atomic_write_json,
    load_torch_file,
    save_torch_file,
)
from torch_gan_zoo.utils.rng import get_rng_state, seed_everything, set_rng_state

__all__ = [
    "CheckpointError",
    "DiskFullError",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_json",
    "load_torch_file",
    "save_torch_file",
    "get_rng_state",
    "set_rng_state",
    "seed_everything",
    "cpu_bf16_is_native",
    "cpu_capability",
]
