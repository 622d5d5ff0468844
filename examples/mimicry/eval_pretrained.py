"""Adapts torch-mimicry's ``examples/eval_pretrained.py``: FID, KID and IS of a restored generator,
first with a known dataset, then with a custom ``Dataset`` whose items are bare image tensors (with
``stats_file`` / ``feat_file`` caches), then through ``mmc.metrics.evaluate``.

The same calls with the same keywords; only the import lines, the paths and the sizes differ: the
checkpoint is the one ``sngan_example.py`` writes (2 steps, ``ngf=16``), ``fake_data`` stands in for
``cifar10``, and tens of samples stand in for 50,000.
"""
import torch

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.nets import sngan

# Metrics with a known dataset (written by sngan_example.py)
ckpt_file = "./log/example/checkpoints/netG/netG_2_steps.pth"

# Default variables
log_dir = './examples/example_log'
dataset = 'fake_data'
seed = 0
device = torch.device('cuda:0' if torch.cuda.is_available() else "cpu")

# Restore model
netG = sngan.SNGANGenerator32(ngf=16).to(device)
netG.restore_checkpoint(ckpt_file)

# Metrics with a known/popular dataset.
mmc.metrics.fid_score(num_real_samples=16,
                      num_fake_samples=16,
                      netG=netG,
                      seed=seed,
                      dataset=dataset,
                      log_dir=log_dir,
                      device=device)

mmc.metrics.kid_score(num_samples=16,
                      netG=netG,
                      seed=seed,
                      dataset=dataset,
                      log_dir=log_dir,
                      device=device)

mmc.metrics.inception_score(num_samples=10,
                            netG=netG,
                            seed=seed,
                            log_dir=log_dir,
                            device=device)


# Metrics with a custom dataset: items are image tensors (3, 32, 32), no labels.
class CustomDataset(torch.utils.data.Dataset):
    def __init__(self):
        super().__init__()
        self.data = torch.ones(16, 3, 32, 32)

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, idx):
        return self.data[idx]


custom_dataset = CustomDataset()

mmc.metrics.fid_score(num_real_samples=16,
                      num_fake_samples=16,
                      netG=netG,
                      seed=seed,
                      dataset=custom_dataset,
                      log_dir=log_dir,
                      device=device,
                      stats_file='./examples/example_log/fid_stats.npz')

mmc.metrics.kid_score(num_samples=16,
                      netG=netG,
                      seed=seed,
                      dataset=custom_dataset,
                      log_dir=log_dir,
                      device=device,
                      feat_file='./examples/example_log/kid_stats.npz')

# The evaluate API reads log_dir/checkpoints/netG/netG_<step>_steps.pth.
netG = sngan.SNGANGenerator32(ngf=16).to(device)
mmc.metrics.evaluate(metric='fid',
                     log_dir='./log/example/',
                     netG=netG,
                     dataset=custom_dataset,
                     num_real_samples=16,
                     num_fake_samples=16,
                     evaluate_step=2,
                     stats_file='./examples/example_log/fid_stats.npz',
                     device=device)
