"""``torch_mimicry.training.logger``: :class:`Logger` with Mimicry's methods.

Scalars go to TensorBoard when it is installed (one writer per metric group, as Mimicry), images to
``log_dir/images`` through torchvision; the Trainer itself logs with this library's Logger.
"""
import os

import torch

__all__ = ["Logger"]


class Logger:
    """Writes training summaries, prints progress and saves image grids.

    Args:
        log_dir (str): The run's folder. num_steps (int): Total steps (for printing).
        dataset_size (int): Batches per epoch (for printing). device: Where to generate images.
        flush_secs (int): TensorBoard flush interval.
    """

    def __init__(self, log_dir, num_steps, dataset_size, device, flush_secs=120, **kwargs):
        self.log_dir, self.num_steps, self.dataset_size = log_dir, num_steps, dataset_size
        self.device, self.flush_secs = device, flush_secs
        self.writers = {}
        self.num_epochs = max(1, num_steps // max(1, dataset_size))

    def _writer(self, group):
        if group not in self.writers:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:
                return None
            self.writers[group] = SummaryWriter(os.path.join(self.log_dir, "data", group), flush_secs=self.flush_secs)
        return self.writers[group]

    def write_summaries(self, log_data, global_step):
        """Write every metric of ``log_data`` (a MetricLog) at ``global_step`` to TensorBoard."""
        for name in log_data.keys():
            writer = self._writer(log_data.get_group_name(name) or "misc")
            if writer is not None:
                writer.add_scalar(name, log_data[name], global_step)

    def close_writers(self):
        """Flush and close the TensorBoard writers."""
        for writer in self.writers.values():
            writer.close()
        self.writers = {}

    def print_log(self, global_step, log_data, time_taken):
        """Print the step, epoch, metrics and seconds per step; returns the printed line."""
        parts = [f"{name}: {log_data[name]}" for name in sorted(log_data.keys())]
        line = (f"INFO: [Epoch {global_step // max(1, self.dataset_size) + 1}/{self.num_epochs}][Global Step: "
                f"{global_step}/{self.num_steps}] | " + " | ".join(parts) + f" ({time_taken:.4f} sec/idx)")
        print(line)
        return line

    def vis_images(self, netG, global_step, num_images=64):
        """Save a grid of ``num_images`` fake images (fixed noise, seed 0) and one of random noise to
        ``log_dir/images``; returns the two paths."""
        import torchvision.utils as vutils

        img_dir = os.path.join(self.log_dir, "images")
        os.makedirs(img_dir, exist_ok=True)
        device = self.device or netG.device
        was_training = netG.training
        netG.eval()
        try:
            with torch.no_grad():
                fixed = torch.randn(num_images, netG.nz, generator=torch.Generator().manual_seed(0)).to(device)
                paths = []
                for tag, noise in (("fixed", fixed), ("fake", torch.randn(num_images, netG.nz, device=device))):
                    images = netG(noise).detach().cpu()
                    path = os.path.join(img_dir, f"{tag}_samples_step_{global_step}.png")
                    vutils.save_image(images, path, normalize=True, value_range=(-1, 1))
                    paths.append(path)
        finally:
            netG.train(was_training)
        return paths
