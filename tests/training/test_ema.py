import pytest
import torch

from torch_gan_zoo.training.ema import ExponentialMovingAverage
from helpers.values import assert_refuses_bad_ints


def test_ema_update_equals_its_formula(tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    ema = ExponentialMovingAverage(netG, decay=0.9, start_step=2)
    assert not ema.shadow.training and not any(p.requires_grad for p in ema.shadow.parameters())
    with torch.no_grad():
        for p in netG.parameters():
            p.add_(1.0)
    ema.update(netG, step=1)  # before start_step: a plain copy
    for s, p in zip(ema.shadow.parameters(), netG.parameters()):
        assert torch.equal(s, p)
    before = [s.clone() for s in ema.shadow.parameters()]
    with torch.no_grad():
        for p in netG.parameters():
            p.mul_(3.0)
    netG.train()
    netG.generate_images(4)  # changes BN running statistics
    ema.update(netG, step=2)
    for s, b, p in zip(ema.shadow.parameters(), before, netG.parameters()):
        assert torch.allclose(s, 0.9 * b + 0.1 * p, atol=1e-6)
    for s, b in zip(ema.shadow.buffers(), netG.buffers()):
        assert torch.equal(s, b)  # buffers are copied
    assert ema.to_config() == {"decay": 0.9, "start_step": 2}


def test_ema_state_round_trip_and_validation(tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    ema = ExponentialMovingAverage(netG, decay=0.5)
    other = ExponentialMovingAverage(tiny_pair("dcgan", 32, seed=1)[0], decay=0.5)
    other.load_state_dict(ema.state_dict())
    for a, b in zip(ema.shadow.parameters(), other.shadow.parameters()):
        assert torch.equal(a, b)
    with pytest.raises(ValueError, match="decay"):
        ExponentialMovingAverage(netG, decay=1.0)
    assert_refuses_bad_ints(lambda v: ExponentialMovingAverage(netG, start_step=v), "EMA start_step", positive=False)
    with pytest.raises(ValueError, match="no longer match"):
        ema.update(torch.nn.Linear(2, 2), step=0)


def test_ema_copy_does_not_use_the_originals_call_wrapper(tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    calls = []

    class Spy(torch.nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

        def forward(self, *args):
            calls.append(1)
            return self.module(*args)

    spy = Spy(netG)
    netG.set_call_wrapper(spy)
    ema = ExponentialMovingAverage(netG, decay=0.5)
    ema.shadow(torch.zeros(1, netG.nz))
    assert calls == [] and ema.shadow.call_wrapper is None


def test_standing_stats_reestimate_batch_norm_without_touching_global_rng(tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    ema = ExponentialMovingAverage(netG, decay=0.5)
    bn = next(m for m in ema.shadow.modules() if isinstance(m, torch.nn.BatchNorm2d))
    assert torch.equal(bn.running_mean, torch.zeros_like(bn.running_mean))
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    shadow = ema.standing_stats(num_batches=3, batch_size=8, seed=1)
    assert torch.equal(torch.rand(1), expected)
    assert not shadow.training and bn.momentum == 0.1
    assert bn.num_batches_tracked.item() == 3 and not torch.equal(bn.running_mean, torch.zeros_like(bn.running_mean))
    # cumulative average over the 3 batches: deterministic given the seed
    again = ExponentialMovingAverage(netG, decay=0.5).standing_stats(num_batches=3, batch_size=8, seed=1)
    bn2 = next(m for m in again.modules() if isinstance(m, torch.nn.BatchNorm2d))
    assert torch.equal(bn.running_mean, bn2.running_mean)
    plain = ExponentialMovingAverage(torch.nn.Linear(2, 2), decay=0.5)
    assert plain.standing_stats() is plain.shadow
