"""Paper presets: each variant's published training recipe, as one table of plain JSON values.

Read it top to bottom to compare variants: the loss, the two optimisers, ``n_dis``, the batch size, the
step count and the learning-rate schedule of the paper (or of the reproduction it follows, named in
``paper``). Nothing registers a preset as a side effect of an import: this table is the only source.

Every row spells out its own ``optG`` and ``optD``: no dict is shared between two settings, so an
override of ``optD.lr`` can never change ``optG``. :func:`get_preset` returns a fresh copy each call.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["PRESETS", "PRESET_FIELDS", "get_preset", "list_presets", "register_preset"]

#: The fields every preset has. ``model_kwargs`` go to ``create_model``; ``trainer_kwargs`` are extra
#: Trainer options (``ema_decay``, ...); ``paper`` says where the numbers come from. A row may also name
#: ``regularizers`` (as the run configuration's field), e.g. cdcgan's mode seeking.
PRESET_FIELDS = ("paper", "loss_type", "optG", "optD", "n_dis", "batch_size", "num_steps", "lr_decay",
                 "model_kwargs", "trainer_kwargs")

# One row per variant. Columns: loss | optG | optD | n_dis | batch | steps | lr_decay | extras.
# Adam settings: "SNGAN" (lr 2e-4, betas 0, 0.9); "DCGAN" (2e-4, 0.5, 0.999); StudioGAN's default
# (2e-4, 0.5, 0.999, eps 1e-6).
PRESETS: dict[str, dict[str, Any]] = {
    "dcgan": {
        "paper": "Radford et al., ICLR 2016; the settings of Mimicry's DCGAN baseline",
        "loss_type": "ns",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "n_dis": 1, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "sngan": {
        "paper": "Miyato et al., ICLR 2018 (ResNet, hinge loss, n_dis=5, Adam(2e-4, 0, 0.9), linear decay)",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "wgan_gp": {
        "paper": "Gulrajani et al., NeurIPS 2017, CIFAR-10 ResNet: Wasserstein loss + gradient penalty lambda=10 "
                 "(model_kwargs.gp_weight), n_critic=5, Adam(2e-4, 0, 0.9), batch 64, 100k generator steps, LR "
                 "decayed linearly to 0; Mimicry's WGAN-GP baseline uses the same settings",
        "loss_type": "wasserstein",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "lsgan": {
        "paper": "Mao et al., ICCV 2017: least-squares loss (a, b, c) = (0, 1, 1), Adam(lr 2e-4, betas 0.5, 0.999), "
                 "batch 64, one D step per G step, no LR decay. The paper states no step count for these "
                 "networks; 100k generator steps is this library's choice, as is the ResNet trunk without "
                 "spectral normalisation",
        "loss_type": "ls",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "n_dis": 1, "batch_size": 64, "num_steps": 100000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "ssgan": {
        "paper": "Chen et al., CVPR 2019: rotation loss weights alpha=1 (D, real images) and beta=0.2 (G, fakes) "
                 "(set one with model_kwargs.d_kwargs.rotation_weight or model_kwargs.g_kwargs.rotation_weight; "
                 "model_kwargs.rotation_weight sets both); hinge loss, n_dis=5, "
                 "Adam(2e-4, 0, 0.9), batch 64, 100k steps, linear decay as in Mimicry's SSGAN reproduction "
                 "(the paper's own runs use the non-saturating loss: loss_type=ns)",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "infomax_gan": {
        "paper": "Lee et al., WACV 2021: InfoNCE weights alpha=beta=0.2 (model_kwargs.infomax_weight), RKHS "
                 "dimension 1024 (model_kwargs.nrkhs); hinge loss, n_dis=5, Adam(2e-4, 0, 0.9), batch 64, 100k "
                 "steps, linear decay (the paper trains with Mimicry's settings)",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "sagan": {
        "paper": "Zhang et al., ICML 2019 (ImageNet 128 px): hinge loss, spectral norm in G and D, TTUR "
                 "Adam(lr_G=1e-4, lr_D=4e-4, betas 0, 0.9), n_dis=1, batch 256, 1M iterations, no LR decay",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 1e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 4e-4, "betas": [0.0, 0.9]},
        "n_dis": 1, "batch_size": 256, "num_steps": 1000000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "cgan_pd": {
        "paper": "Miyato & Koyama, ICLR 2018; Mimicry's cGAN-PD baseline (hinge, n_dis=5, Adam(2e-4, 0, 0.9), "
                 "batch 64, 100k steps, linear decay)",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "cdcgan": {
        "paper": "Mirza & Osindero, 2014 (generator conditioned by concatenating a class embedding to z) and "
                 "Miyato & Koyama, ICLR 2018 (projection discriminator), on the DCGAN networks; DCGAN's "
                 "optimisation (Radford et al., ICLR 2016, as in the dcgan preset): ns loss, "
                 "Adam(2e-4, 0.5, 0.999), n_dis=1, batch 64, 100k steps, linear decay; plus the mode-seeking "
                 "regulariser of Mao et al., CVPR 2019 (MSGAN, weight 1): without it the generator learns to "
                 "ignore z and collapses within each class (Fashion-MNIST: intra-class pixel std 0.03 at step "
                 "500, 0.46 with it)",
        "loss_type": "ns",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
        "n_dis": 1, "batch_size": 64, "num_steps": 100000, "lr_decay": "linear",
        "model_kwargs": {}, "trainer_kwargs": {},
        "regularizers": [{"name": "mode_seeking", "weight": 1.0}],
    },
    "cppn": {
        "paper": "The quickstart's recipe (no paper trains this pair): the cdcgan preset's non-saturating loss and "
                 "Adam betas (0.5, 0.999) with TTUR (G 4e-4, D 8e-4: twice the earlier cDCGAN quickstart's), n_dis=1, "
                 "batch 32, "
                 "no decay; the auxiliary classifier at weight 1 (ACGAN, Odena et al., ICML 2017) and the "
                 "mode-seeking regulariser of Mao et al., CVPR 2019 (MSGAN, weight 1), without which the "
                 "quickstart's conditional models collapse to one image per class",
        "loss_type": "ns",
        "optG": {"name": "adam", "lr": 4e-4, "betas": [0.5, 0.999]},
        "optD": {"name": "adam", "lr": 8e-4, "betas": [0.5, 0.999]},
        "n_dis": 1, "batch_size": 32, "num_steps": 20000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {},
        "regularizers": [{"name": "mode_seeking", "weight": 1.0}],
    },
    "acgan": {
        "paper": "Odena et al., ICML 2017 (class loss on real and fake images, weight 1); optimisation of "
                 "StudioGAN's CIFAR-10 ACGAN-Mod: hinge, n_dis=5, Adam(2e-4, 0.5, 0.999, eps 1e-6), batch 64, "
                 "100k steps, constant learning rate",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {},
    },
    "biggan": {
        "paper": "Brock et al., ICLR 2019; StudioGAN's CIFAR-10 BigGAN: hinge, n_dis=5, Adam(2e-4, 0.5, 0.999, "
                 "eps 1e-6), batch 64, 100k steps, constant learning rate, G EMA 0.9999 from step 1000, no "
                 "orthogonal regularisation",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": None,
        "model_kwargs": {"ortho_reg_weight": 0.0}, "trainer_kwargs": {"ema_decay": 0.9999, "ema_start": 1000},
    },
    "contragan": {
        "paper": "Kang & Park, NeurIPS 2020; StudioGAN's CIFAR-10 ContraGAN: hinge, 2C loss (temperature 1, weight 1), "
                 "n_dis=5, Adam(2e-4, 0.5, 0.999, eps 1e-6), batch 64, 100k steps, constant learning rate, "
                 "G EMA 0.9999 from step 1000",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "optD": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "n_dis": 5, "batch_size": 64, "num_steps": 100000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {"ema_decay": 0.9999, "ema_start": 1000},
    },
    "reacgan": {
        "paper": "Kang et al., NeurIPS 2021; StudioGAN's CIFAR-10 ReACGAN: hinge, D2D-CE (temperature 0.5, m_p 0.98, "
                 "m_n 0.02, weight 0.5), n_dis=5, Adam(2.83e-4, 0.5, 0.999, eps 1e-6), batch 128, 100k steps, "
                 "constant learning rate, G EMA 0.9999 from step 1000",
        "loss_type": "hinge",
        "optG": {"name": "adam", "lr": 2.8284271e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "optD": {"name": "adam", "lr": 2.8284271e-4, "betas": [0.5, 0.999], "eps": 1e-6},
        "n_dis": 5, "batch_size": 128, "num_steps": 100000, "lr_decay": None,
        "model_kwargs": {}, "trainer_kwargs": {"ema_decay": 0.9999, "ema_start": 1000},
    },
}


def list_presets() -> list[str]:
    """Names of models with a preset, sorted."""
    return sorted(PRESETS)


def get_preset(name: str) -> dict[str, Any]:
    """A fresh copy of the preset of model ``name`` (a JSON round trip: no two keys share an object).

    Raises:
        ValueError: No preset for ``name``; the message lists those that exist.
    """
    if name not in PRESETS:
        raise ValueError(f"no preset for model {name!r}; presets exist for: {', '.join(list_presets())}")
    return json.loads(json.dumps(PRESETS[name]))


def register_preset(name: str, preset: dict[str, Any]) -> None:
    """Add or replace the preset of model ``name`` (for a user's own model); stored as a JSON copy.

    Raises:
        ValueError: A required field is missing. TypeError: the preset is not JSON-serialisable.
    """
    required = [f for f in PRESET_FIELDS if f not in ("paper", "model_kwargs", "trainer_kwargs")]
    missing = [k for k in required if k not in preset]
    if missing:
        raise ValueError(f"preset {name!r} lacks {missing}")
    PRESETS[name] = json.loads(json.dumps({"paper": None, "model_kwargs": {}, "trainer_kwargs": {}, **preset}))
