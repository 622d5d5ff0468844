"""Shared helpers for the metrics tests: random-but-informative Inception weights, a cheap TorchScript
feature extractor, small image sets and toy generators. Nothing here downloads anything."""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.metrics.inception import FIDInceptionV3
from torch_gan_zoo.metrics.preprocess import quantize_to_uint8, to_inception_input

_made = {}


def smooth_images(n, seed, noise=0.3, size=32, channels=3):
    """float ``(n, channels, size, size)`` in [-1, 1]: smooth random colour fields plus pixel noise."""
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(n, channels, 4, 4, generator=g) * 2 - 1
    x = F.interpolate(low, size=size, mode="bilinear", align_corners=False)
    x = x + noise * (torch.rand(n, channels, size, size, generator=g) * 2 - 1)
    return x.clamp(-1, 1)


def random_inception_state_dict(seed=0, with_fc=True):
    """A pytorch-fid-format state dict of the real architecture with random weights.

    Batch-norm statistics are calibrated on a few images (so activations keep a sane scale through
    the 90 layers and the features differ between images), and the classifier is scaled so the
    softmax is neither uniform nor one-hot (so the Inception Score is informative).
    """
    torch.manual_seed(seed)
    net = FIDInceptionV3()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
            m.reset_running_stats()
    net.train()
    with torch.no_grad():
        calibration = to_inception_input(quantize_to_uint8(smooth_images(6, seed + 1000)))
        net(calibration)
        net.eval()
        # Classifier rows orthogonal to the mean feature: logits then vary between images instead
        # of being dominated by one constant offset (which would make every softmax the same).
        feats = net(calibration)
        mean = feats.mean(0)
        w = torch.randn(net.fc.weight.shape)
        w -= (w @ mean)[:, None] * mean[None, :] / mean.dot(mean)
        w *= 3.0 / (feats - mean).matmul(w.t()).std()
        net.fc.weight.copy_(w)
        net.fc.bias.normal_(0, 1.0)
    sd = net.state_dict()
    if not with_fc:
        sd = {k: v for k, v in sd.items() if not k.startswith("fc.")}
    return sd


def random_inception_file(directory, seed=0, with_fc=True):
    """Save (once per process) a random pytorch-fid-format weight file and return its path."""
    key = (seed, with_fc)
    if key not in _made or not os.path.isfile(_made[key]):
        path = os.path.join(directory, f"random_inception_{seed}_{int(with_fc)}.pth")
        torch.save(random_inception_state_dict(seed, with_fc), path)
        _made[key] = path
    return _made[key]


class _TinyPool3(nn.Module):
    """(N, 3, 299, 299) in [-1, 1] -> (N, 2048): 8x8 average pooling, a fixed random projection, tanh."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(7)
        self.register_buffer("proj", torch.randn(3 * 8 * 8, 2048, generator=g) / 8)

    def forward(self, x):
        pooled = F.adaptive_avg_pool2d(x, 8).flatten(1)
        return torch.tanh(pooled @ self.proj) + 1


def tiny_torchscript_file(directory):
    """A cheap TorchScript pool3-like extractor (fast tests of the input plumbing)."""
    key = ("tiny",)
    if key not in _made or not os.path.isfile(_made[key]):
        path = os.path.join(directory, "tiny_pool3.pt")
        torch.jit.save(torch.jit.script(_TinyPool3().eval()), path)
        _made[key] = path
    return _made[key]


class ToyGenerator(nn.Module):
    """A BaseGenerator-like model: ``generate_images(num_images, device=None)`` -> float (N, 3, 16, 16) in [-1, 1].

    Has batch norm and dropout, so its train/eval mode matters, and records the modes it ran in.
    """

    nz = 8

    def __init__(self, channels=3, size=16):
        super().__init__()
        self.fc = nn.Linear(self.nz, channels * size * size)
        self.bn = nn.BatchNorm1d(channels * size * size)
        self.drop = nn.Dropout(0.5)
        self.shape = (channels, size, size)
        self.modes_seen = []

    def forward(self, z):
        self.modes_seen.append(self.training)
        return torch.tanh(self.drop(self.bn(self.fc(z)))).view(z.shape[0], *self.shape)

    def generate_images(self, num_images, device=None):
        z = torch.randn(num_images, self.nz, device=device)
        return self.forward(z)


class ToyConditionalGenerator(nn.Module):
    """``generate_images(num_images, c=None, device=None)`` with ``num_classes``; class k has mean brightness ~ k."""

    nz = 4

    def __init__(self, num_classes=3):
        super().__init__()
        self.num_classes = num_classes
        self.fc = nn.Linear(self.nz, 3 * 16 * 16)
        self.calls = []

    def generate_images(self, num_images, c=None, device=None):
        if c is None:
            c = torch.randint(0, self.num_classes, (num_images,))
        elif isinstance(c, int):
            c = torch.full((num_images,), c, dtype=torch.long)
        self.calls.append(c.clone())
        z = torch.randn(num_images, self.nz, device=device)
        base = (c.float() / max(1, self.num_classes - 1) * 1.6 - 0.8).view(-1, 1, 1, 1)
        return (base + 0.15 * torch.tanh(self.fc(z)).view(num_images, 3, 16, 16)).clamp(-1, 1)


class LabelledImages(torch.utils.data.Dataset):
    """(image, label) items: float (3, 16, 16) in [-1, 1]; class k has mean brightness ~ k
    (like ToyConditionalGenerator)."""

    def __init__(self, per_class=6, num_classes=3, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.labels = [k for k in range(num_classes) for _ in range(per_class)]
        self.images = []
        for k in self.labels:
            base = k / max(1, num_classes - 1) * 1.6 - 0.8
            self.images.append((base + 0.15 * (torch.rand(3, 16, 16, generator=g) * 2 - 1)).clamp(-1, 1))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]
