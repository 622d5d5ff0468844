"""The generator step with the mode-seeking regulariser: halves with equal labels and independent noise in one
forward pass, the weighted term logged in group ``regularizer``, gradients reaching G, weight 0 bit-identical to
the plain step of before, determinism, odd and too-small batches, bf16 autocast, and rebuilding from checkpoints."""
import math

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.losses import ModeSeekingRegularizer, mode_seeking_loss
from torch_gan_zoo.nets.gan import _with_regularizer_terms, split_batch, total_loss
from torch_gan_zoo.training import MetricLog
from helpers.training import state_equal

MODELS = [("cdcgan", 28, {"num_classes": 4}), ("dcgan", 32, {})]


def make(model="cdcgan", seed=0, weight=None):
    name, resolution, kwargs = next(m for m in MODELS if m[0] == model)
    torch.manual_seed(seed)
    netG, netD = nets.create_model(name, resolution, ngf=8, ndf=8, **kwargs)
    if weight is not None:
        netG.add_regularizer(ModeSeekingRegularizer(weight))
    return netG, netD


def real_batch(netG, n=6, seed=2):
    rng = torch.Generator().manual_seed(seed)
    images = torch.rand(n, netG.nc, netG.resolution, netG.resolution, generator=rng) * 2 - 1
    return images, torch.randint(0, getattr(netG, "num_classes", 1), (n,), generator=rng)


class ForwardSpy:
    """Records the inputs and outputs of every ``netG.forward`` call."""

    def __init__(self, netG):
        self.calls, self.forward = [], netG.forward
        netG.forward = self

    def __call__(self, *args):
        out = self.forward(*args)
        self.calls.append(([a.detach().clone() for a in args], out.detach().clone()))
        return out


def plain_step_of_before(netG, batch, netD, optG, log_data):
    """BaseGenerator.train_step as it was before mode seeking (fp32, no scaler), kept to compare against."""
    images, _ = split_batch(batch)
    optG.zero_grad(set_to_none=True)
    with netD.frozen(), netG.forward_autocast(None), netD.forward_autocast(None):
        fake_images, fake_labels = netG.generate_batch(images.shape[0])
        terms = netG.compute_generator_losses(fake_images, fake_labels, netD)
        terms = _with_regularizer_terms(terms, netG.compute_weight_regularizers())
        netG.optimize(total_loss(terms), optG, None)
    for name, term in terms.items():
        log_data.add_metric(name, term.value.detach(), group=term.group)


def train(netG, netD, steps=3, n=6, g_step=None):
    optG, optD = (torch.optim.Adam(net.parameters(), 1e-3, betas=(0.5, 0.999)) for net in (netG, netD))
    log = MetricLog()
    for step in range(steps):
        batch = real_batch(netG, n, seed=step)
        netD.train_step(batch, netG, optD, log)
        (g_step or netG.train_step)(batch, netD, optG, log)
    return log


@pytest.mark.parametrize("model", ["cdcgan", "dcgan"])
def test_weight_zero_is_bit_identical_to_the_plain_step_of_before(model):
    before_G, before_D = make(model)
    train(before_G, before_D, g_step=lambda *a: plain_step_of_before(before_G, *a))
    for weight in (None, 0.0):
        netG, netD = make(model, weight=weight)
        log = train(netG, netD)
        assert state_equal(netG.state_dict(), before_G.state_dict())
        assert state_equal(netD.state_dict(), before_D.state_dict())
        assert "mode_seeking" not in log.names()


@pytest.mark.parametrize("n", [6, 7])
def test_halves_share_labels_and_differ_in_noise_in_one_forward_pass(n):
    netG, netD = make("cdcgan", weight=1.0)
    optG = torch.optim.Adam(netG.parameters(), 1e-3)
    spy = ForwardSpy(netG)
    log = MetricLog()
    netG.train_step(real_batch(netG, n), netD, optG, log)
    assert len(spy.calls) == 1  # no extra generator compute
    (z, labels), images = spy.calls[0]
    half = n // 2
    assert z.shape == (n, netG.nz) and labels.shape == (n,) and images.shape[0] == n
    assert torch.equal(labels[:half], labels[half:2 * half])
    assert not torch.equal(z[:half], z[half:2 * half])
    # the logged term is the weighted loss of the two halves (the odd image gets no pair)
    expected = mode_seeking_loss(images[:half], images[half:2 * half], z[:half], z[half:2 * half])
    assert log.get_group_name("mode_seeking") == "regularizer"
    assert log.means()["mode_seeking"] == pytest.approx(expected.item(), rel=1e-5)
    assert log.get_group_name("errG") == "loss" and math.isfinite(log.means()["errG"])


def test_unconditional_generators_pair_independent_noise():
    netG, netD = make("dcgan", weight=2.0)
    spy = ForwardSpy(netG)
    log = MetricLog()
    netG.train_step(real_batch(netG, 4), netD, torch.optim.Adam(netG.parameters()), log)
    ((z,), images), = spy.calls
    expected = 2.0 * mode_seeking_loss(images[:2], images[2:], z[:2], z[2:])
    assert log.means()["mode_seeking"] == pytest.approx(expected.item(), rel=1e-5)


def test_the_term_reaches_the_generators_gradients_and_is_scaled_by_its_weight():
    grads = {}
    for weight in (1.0, 1000.0):
        netG, netD = make("cdcgan", weight=weight)
        optG = torch.optim.SGD(netG.parameters(), lr=0.0)  # keep the gradients, change nothing
        netG.train_step(real_batch(netG), netD, optG, MetricLog())
        grads[weight] = {k: p.grad.clone() for k, p in netG.named_parameters()}
        assert all(p.grad is None or p.grad.abs().sum() == 0 for p in netD.parameters())
    # same seed, same batch: only the mode-seeking weight differs, so the z-dependent layers' gradients differ
    assert not torch.equal(grads[1.0]["embed.weight"], grads[1000.0]["embed.weight"])
    assert any(not torch.equal(grads[1.0][k], grads[1000.0][k]) for k in grads[1.0] if "embed" not in k)


def test_seeded_runs_are_identical_and_differ_from_the_plain_run():
    runs = []
    for _ in range(2):  # make() seeds the global RNG, which the steps draw labels and noise from
        runs.append(make("cdcgan", weight=1.0))
        train(*runs[-1])
    assert state_equal(runs[0][0].state_dict(), runs[1][0].state_dict())
    assert state_equal(runs[0][1].state_dict(), runs[1][1].state_dict())
    plain_G, plain_D = make("cdcgan")
    train(plain_G, plain_D)
    assert not state_equal(plain_G.state_dict(), runs[0][0].state_dict())


def test_a_batch_of_one_has_no_pair():
    netG, netD = make("cdcgan", weight=1.0)
    with pytest.raises(ValueError, match="at least 2"):
        netG.train_step(real_batch(netG, 1), netD, torch.optim.Adam(netG.parameters()), MetricLog())


def test_bf16_autocast_logs_a_float32_term():
    netG, netD = make("cdcgan", weight=1.0)
    log = MetricLog()
    netG.train_step(real_batch(netG), netD, torch.optim.Adam(netG.parameters()), log, amp_dtype=torch.bfloat16)
    value = log.values("mode_seeking")[0]
    assert value.dtype == torch.float32 and math.isfinite(value.item())


def test_checkpoints_record_and_restore_the_regularizer(tmp_path):
    netG, _ = make("cdcgan", weight=0.5)
    assert netG.hparams()["regularizers"] == [{"name": "mode_seeking", "weight": 0.5}]
    assert "regularizers" not in make("cdcgan")[0].hparams()  # nothing attached: the record of before
    rebuilt = nets.BaseModel.from_checkpoint(netG.save_checkpoint(str(tmp_path / "g"), 1))
    assert rebuilt.mode_seeking.to_config() == {"name": "mode_seeking", "weight": 0.5}
    assert rebuilt.hparams() == netG.hparams()


def test_a_generator_with_its_own_generate_batch_must_say_how_to_pair():
    netG, _ = make("cdcgan")

    class OwnBatches(type(netG)):
        def generate_batch(self, num_images, device=None):
            return self.generate_images_with_labels(num_images, c=0, device=device)

    torch.manual_seed(0)
    own = OwnBatches(**netG.hparams()["kwargs"])
    with pytest.raises(ValueError, match="overrides generate_batch but not generate_paired_batch"):
        own.add_regularizer(ModeSeekingRegularizer())

    class OwnPairs(OwnBatches):
        def generate_paired_batch(self, num_images, device=None):
            z = self.sample_latent(num_images, device)
            labels = torch.zeros(num_images, dtype=torch.long)
            return self(z, labels), labels, z

    OwnPairs(**netG.hparams()["kwargs"]).add_regularizer(ModeSeekingRegularizer())
