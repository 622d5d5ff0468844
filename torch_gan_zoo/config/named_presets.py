"""Named presets: training recipes measured on one dataset, which anyone can run by name.

A paper preset (:mod:`torch_gan_zoo.config.presets`) is how a variant was trained in its paper. A named
preset is a complete run-configuration layer tuned and measured here for one model on one dataset: the
model, resolution, dataset, network sizes, optimisers, schedule, EMA and in-training evaluation, with the
figure it reached and how (``measured``). It is applied on top of its model's paper preset and below
everything the user gives (``--config``, flags, ``--set``)::

    torch-gan-zoo train --preset dcgan_fashion_mnist_1h --data-root /usr/share/datasets/fashion-mnist

Like the paper presets, this table is the only source (nothing registers a named preset as a side effect of
an import) and :func:`get_named_preset` returns a fresh copy, so no two runs share a dict.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["NAMED_PRESETS", "get_named_preset", "list_named_presets"]

#: Name -> ``{"description", "measured", "config"}``; ``config`` holds flat or nested run-configuration keys
#: and must name ``model`` and ``dataset``.
NAMED_PRESETS: dict[str, dict[str, Any]] = {
    # benchmarks/fashion_mnist.py trains it as "dcgan_128_1h" (with a one-hour cap and the assets' Inception
    # file for the in-training FID); tests/config/test_named_presets.py keeps the two equal.
    "dcgan_fashion_mnist_1h": {
        "description": "DCGAN at 28 px, ngf=ndf=128, on Fashion-MNIST: 16,000 steps of batch 64, the learning rate "
                       "constant for 8,000 steps and then decaying linearly to 0, an EMA generator (0.999 from "
                       "step 1,000), and an in-training FID (1,000 EMA samples against the test split, every "
                       "4,000 steps) that keeps the best checkpoint (checkpoints/best; export it with --step best)",
        "measured": "FID 16.17 (10,000 EMA samples vs the 10,000 test images, real Inception) after 16,000 steps "
                    "in 56.5 minutes on 2 CPU threads (benchmarks/fashion_mnist.py, dcgan_128_1h)",
        "config": {
            "model": "dcgan", "resolution": 28, "dataset": "fashion_mnist",
            "model_kwargs": {"ngf": 128, "ndf": 128},
            "num_steps": 16000, "batch_size": 64, "n_dis": 1, "lr_decay": "linear", "lr_decay_start": 8000,
            "trainer_kwargs": {"ema_decay": 0.999, "ema_start": 1000},
            "evaluation": {"metrics": ["fid"], "select": "fid", "every": 4000, "num_samples": 1000,
                           "batch_size": 100, "options": {"resolution": 28}},
        },
    },
    # benchmarks/fashion_mnist.py trains it as "dcgan_upsample_1h" (with a one-hour cap); the same test keeps the
    # two equal. Its step budget is what one hour buys on a 2-core AMD EPYC Zen 3 (AVX2) with 2 threads.
    "dcgan_upsample_fashion_mnist_1h": {
        "description": "DCGAN at 28 px, ngf=ndf=128, its generator doubling by resize-convolutions (upsample=True: "
                       "nearest x2 and a 3x3 convolution, plus a third 3x3 convolution at full size) on "
                       "Fashion-MNIST: 6,000 steps of batch 64, the learning rate constant for 3,000 steps and "
                       "then decaying linearly to 0, an EMA generator (0.999 from step 1,000); no in-training "
                       "evaluation (the final step is the run's result)",
        "measured": "FID 15.28 (10,000 EMA samples vs the 10,000 test images, real Inception) after 6,000 steps "
                    "in 56.7 minutes on 2 CPU threads of a 2-core AMD EPYC Zen 3 (benchmarks/fashion_mnist.py, "
                    "dcgan_upsample_1h); seeds 1 and 2 of the same recipe scored 16.71 and 15.14 (mean 15.71 "
                    "over three seeds)",
        "config": {
            "model": "dcgan", "resolution": 28, "dataset": "fashion_mnist",
            "model_kwargs": {"ngf": 128, "ndf": 128, "upsample": True},
            "num_steps": 6000, "batch_size": 64, "n_dis": 1, "lr_decay": "linear", "lr_decay_start": 3000,
            "trainer_kwargs": {"ema_decay": 0.999, "ema_start": 1000},
        },
    },
}


def list_named_presets() -> list[str]:
    """Names of the named presets, sorted."""
    return sorted(NAMED_PRESETS)


def get_named_preset(name: str) -> dict[str, Any]:
    """A fresh copy (a JSON round trip) of named preset ``name``: ``{"description", "measured", "config"}``.

    Raises:
        ValueError: No such named preset; the message lists those that exist.
    """
    if not isinstance(name, str) or name not in NAMED_PRESETS:
        raise ValueError(f"no named preset {name!r}; named presets: {', '.join(list_named_presets())}")
    return json.loads(json.dumps(NAMED_PRESETS[name]))
