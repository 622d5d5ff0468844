"""A run directory written by Mimicry's own Trainer resumes under ``torch_gan_zoo.mimicry.training.Trainer``;
MetricLog, LRScheduler and Logger behave as Mimicry's."""
import os

import pytest
import torch

from helpers.mimicry_stub import require_mimicry

require_mimicry()

import torch_gan_zoo.mimicry as mmc  # noqa: E402


def _fake_loader(n=8):
    dataset = mmc.datasets.load_dataset("unused", "fake_data", size=n, image_size=(3, 32, 32), random_offset=3)
    return torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True)


def test_mimicry_run_directory_resumes_here(tmp_path):
    import torch_mimicry

    log_dir = str(tmp_path / "run")
    torch.manual_seed(0)
    netG = torch_mimicry.nets.sngan.SNGANGenerator32(ngf=8)
    netD = torch_mimicry.nets.sngan.SNGANDiscriminator32(ndf=8)
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    torch_mimicry.training.Trainer(netD=netD, netG=netG, optD=optD, optG=optG, dataloader=_fake_loader(),
                                   num_steps=2, log_dir=log_dir, device="cpu", save_steps=1, vis_steps=100,
                                   log_steps=100, print_steps=100).train()
    assert os.path.exists(os.path.join(log_dir, "checkpoints", "netG", "netG_2_steps.pth"))

    ourG = mmc.nets.sngan.SNGANGenerator32(ngf=8)
    ourD = mmc.nets.sngan.SNGANDiscriminator32(ndf=8)
    our_optG = torch.optim.Adam(ourG.parameters(), 2e-4, betas=(0.0, 0.9))
    our_optD = torch.optim.Adam(ourD.parameters(), 2e-4, betas=(0.0, 0.9))
    trainer = mmc.training.Trainer(netD=ourD, netG=ourG, optD=our_optD, optG=our_optG, dataloader=_fake_loader(),
                                   num_steps=4, log_dir=log_dir, device="cpu", save_steps=1, vis_steps=100,
                                   log_steps=100, print_steps=100)
    # before training: the trainer picked Mimicry's newest step
    assert trainer.netG_ckpt_file.endswith("netG_2_steps.pth")
    with pytest.warns(RuntimeWarning, match="explicit checkpoint"):
        result = trainer.train()
    assert result["global_step"] == 4
    # the resumed weights and optimiser moments were Mimicry's: step 3 started from them
    saved = torch.load(os.path.join(log_dir, "checkpoints", "netG", "netG_3_steps.pth"), weights_only=True)
    assert saved["global_step"] == 3
    ckpt2 = torch.load(os.path.join(log_dir, "checkpoints", "netG", "netG_2_steps.pth"), weights_only=True)
    assert int(ckpt2["optimizer_state_dict"]["state"][0]["step"]) == 2
    assert int(saved["optimizer_state_dict"]["state"][0]["step"]) == 3  # continued Mimicry's Adam state
    # a second call resumes this library's own complete checkpoint (no Mimicry fallback)
    again = mmc.training.Trainer(netD=ourD, netG=ourG, optD=our_optD, optG=our_optG, dataloader=_fake_loader(),
                                 num_steps=5, log_dir=log_dir, device="cpu", vis_steps=100)
    assert again.netG_ckpt_file is None
    assert again.train()["global_step"] == 5


def test_metric_log_has_mimicry_api():
    log = mmc.training.MetricLog()
    log.add_metric("errD", torch.tensor(0.123456), group="loss")
    log.add_metric("lr_D", 0.000123456, group="lr", precision=6)
    assert log["errD"] == 0.1235 and log["lr_D"] == 0.000123
    assert list(log.keys()) == ["errD", "lr_D"]
    assert dict(log.items())["lr_D"]["precision"] == 6
    assert log.get_group_name("errD") == "loss"


def test_lr_scheduler_decays_linearly():
    p = torch.nn.Parameter(torch.zeros(1))
    optD, optG = torch.optim.SGD([p], lr=1.0), torch.optim.SGD([p], lr=2.0)
    sched = mmc.training.LRScheduler("linear", optD, optG, num_steps=10)
    log = sched.step(mmc.training.MetricLog(), 5)
    assert optD.param_groups[0]["lr"] == pytest.approx(0.5) and log["lr_G"] == pytest.approx(1.0)
    with pytest.raises(NotImplementedError):
        mmc.training.LRScheduler("cosine", optD, optG, 10)


def test_logger_prints_and_saves_images(tmp_path, capsys):
    logger = mmc.training.Logger(str(tmp_path), num_steps=10, dataset_size=5, device="cpu")
    log = mmc.training.MetricLog()
    log.add_metric("errG", 1.5, group="loss")
    line = logger.print_log(3, log, 0.1)
    assert "errG: 1.5" in line and "Global Step: 3/10" in capsys.readouterr().out
    netG = mmc.nets.sngan.SNGANGenerator32(ngf=8)
    paths = logger.vis_images(netG, 3, num_images=4)
    assert all(os.path.getsize(p) > 0 for p in paths) and netG.training
    logger.write_summaries(log, 3)
    logger.close_writers()


VARIANTS = [
    ("dcgan", "DCGAN", {}, {"errD", "errG"}),
    ("wgan_gp", "WGANGP", {}, {"errD", "errD_GP", "errG"}),
    ("ssgan", "SSGAN", {}, {"errD", "errD_SS", "errG", "errG_SS"}),
    ("infomax_gan", "InfoMaxGAN", {"nrkhs": 8}, {"errD", "errD_IM", "errG", "errG_IM"}),
    ("cgan_pd", "CGANPD", {"num_classes": 3}, {"errD", "errG"}),
    ("sagan", "SAGAN", {"num_classes": 3}, {"errD", "errG"}),
]


@pytest.mark.parametrize("variant,prefix,d_kwargs,logged", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_variant_train_steps_update_both_networks(variant, prefix, d_kwargs, logged):
    module = getattr(mmc.nets, variant)
    g_kwargs = {"num_classes": 3} if "num_classes" in d_kwargs else {}
    torch.manual_seed(0)
    netG = getattr(module, f"{prefix}Generator32")(ngf=16, **g_kwargs)
    netD = getattr(module, f"{prefix}Discriminator32")(ndf=16, **d_kwargs)
    optG, optD = torch.optim.Adam(netG.parameters(), 1e-3), torch.optim.Adam(netD.parameters(), 1e-3)
    before_g = [p.detach().clone() for p in netG.parameters()]
    before_d = [p.detach().clone() for p in netD.parameters()]
    batch = (torch.rand(4, 3, 32, 32) * 2 - 1, torch.tensor([0, 1, 2, 0]))
    log = mmc.training.MetricLog()
    netD.train_step(batch, netG, optD, log, device="cpu")
    netG.train_step(batch, netD, optG, log, device="cpu")
    assert logged <= set(log.keys()) and all(log[k] == log[k] for k in logged)
    assert any(not torch.equal(a, b) for a, b in zip(before_g, netG.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(before_d, netD.parameters()))
