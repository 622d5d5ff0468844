"""The table of pretrained models the library ships or points at, with how each was measured.

A row is a :class:`PretrainedEntry`. Registering a model is two steps:

1. put its folder (written by :func:`torch_gan_zoo.zoo.save_pretrained` or
   ``benchmarks/build_zoo_model.py``) under ``torch_gan_zoo/zoo/pretrained/<name>/``
   (shipped as package data), or upload its ``model.safetensors`` somewhere permanent;
2. add its row to :data:`PRETRAINED_MODELS` below (``build_zoo_model.py`` prints the row).

Only files that exist and whose SHA-256 was checked may be registered.
"""
from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import os
import re

__all__ = [
    "PRETRAINED_DIR",
    "PRETRAINED_MODELS",
    "FIDRecord",
    "PretrainedEntry",
    "UnknownPretrainedError",
    "WITHDRAWN",
    "get_pretrained",
    "list_pretrained",
    "pretrained_table_rst",
]

#: Folder holding the shipped pretrained folders (package data).
PRETRAINED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pretrained")

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class UnknownPretrainedError(ValueError):
    """No pretrained model of that name is registered (the message lists the closest names)."""


@dataclasses.dataclass(frozen=True)
class FIDRecord:
    """An FID value together with everything that changes it.

    Attributes:
        value: The FID (lower is better).
        num_fake: Generated images.
        num_real: Reference images.
        reference: What the reference images were, e.g. ``'fashion_mnist test split'``.
        protocol: Preprocessing protocol of :mod:`torch_gan_zoo.metrics` (``'tf1'``, ...).
        inception_sha256: SHA-256 of the Inception weights file used.
        seed: Seed of the generated samples.
    """

    value: float
    num_fake: int
    num_real: int
    reference: str
    protocol: str
    inception_sha256: str
    seed: int = 0

    def as_dict(self) -> dict:
        """The record as plain JSON values."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class PretrainedEntry:
    """One row of the pretrained table.

    Attributes:
        name: Registry name (lower-case identifier, also the ``torch.hub`` entry point).
        model: Registered model name in :mod:`torch_gan_zoo.nets` (``'dcgan'``).
        resolution: Image size in pixels.
        dataset: What it was trained on (``'fashion_mnist'``).
        sha256: SHA-256 of ``model.safetensors``, checked on every load.
        fid: How good it is, with the protocol; ``None`` if not measured.
        parameters: Parameters of the generator.
        file_size: Bytes of ``model.safetensors``.
        license: License of the weights.
        command: The command that reproduces the weights.
        folder: Folder name under :data:`PRETRAINED_DIR` (shipped with the package), or
        url: Address of the ``model.safetensors`` file (downloaded once, then cached).
        num_classes: Classes of a class-conditional generator (``None``: unconditional).
        description: One line for tables.
    """

    name: str
    model: str
    resolution: int
    dataset: str
    sha256: str
    fid: FIDRecord | None
    parameters: int
    file_size: int
    license: str
    command: str
    folder: str | None = None
    url: str | None = None
    num_classes: int | None = None
    description: str = ""

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"pretrained name {self.name!r} must be a lower-case identifier ([a-z][a-z0-9_]*)")
        if not _HEX64.match(self.sha256):
            raise ValueError(f"{self.name}: sha256 must be 64 lower-case hex digits, got {self.sha256!r}")
        if (self.folder is None) == (self.url is None):
            raise ValueError(f"{self.name}: give exactly one of folder= (package data) or url=")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise ValueError(f"{self.name}: url must be an http(s) address, got {self.url!r}")

    @property
    def local_path(self) -> str | None:
        """The shipped folder's path, or ``None`` for a URL entry."""
        return None if self.folder is None else os.path.join(PRETRAINED_DIR, self.folder)

    def as_dict(self) -> dict:
        """The row as plain JSON values."""
        return dataclasses.asdict(self)


#: SHA-256 of the real ImageNet Inception-v3 pool3 weights every registered FID was measured with (pytorch-fid's
#: state-dict layout, as ``shared/tools/get-real-assets.sh`` writes it).
_REAL_INCEPTION = "8ff953b0f4c36fb3d76e33d9a16206bf6a666833a36ed8fe140967312887633d"
_FASHION_MNIST_TEST = "dataset fashion_mnist (split=test, resolution=28)"
_SHAPES_TEST = "dataset shapes (split=test, resolution=28)"

#: The registered pretrained models: ``benchmarks/build_zoo_model.py`` writes each folder and prints its row; the
#: FID is the one ``torch-gan-zoo eval`` printed from a fresh install (10,000 samples, seed 0, batch size 50).
PRETRAINED_MODELS: tuple[PretrainedEntry, ...] = (
    PretrainedEntry(
        name="dcgan_fashion_mnist_1h", model="dcgan", resolution=28, dataset="fashion_mnist",
        sha256="deb1d41530134911f9efffd3a0be74b1a71be8a24943bc9ad16247f99118a83a",
        fid=FIDRecord(value=16.242, num_fake=10000, num_real=10000, reference=_FASHION_MNIST_TEST, protocol="tf1",
                      inception_sha256=_REAL_INCEPTION, seed=0),
        parameters=6640129, file_size=13311986, license="MIT",
        command="python benchmarks/build_zoo_model.py --name dcgan_fashion_mnist_1h --bench dcgan_128_1h "
                "--no-time-limit --step best --half --no-discriminator --threads 2",
        folder="dcgan_fashion_mnist_1h",
        description="DCGAN (ngf=ndf=128), Fashion-MNIST 28 px grayscale, trained by the named preset "
                    "dcgan_fashion_mnist_1h (16,000 steps, the learning rate decaying linearly over the second "
                    "half; 56 minutes on 2 CPU threads), the in-training FID's best checkpoint, EMA generator "
                    "with standing batch-norm statistics, float16"),
    PretrainedEntry(
        name="dcgan_upsample_fashion_mnist_1h", model="dcgan", resolution=28, dataset="fashion_mnist",
        sha256="f188a63c035c14f65c2dc792e8bca43d4b801cb204bf5397f310ed1e61ccc931",
        fid=FIDRecord(value=15.2815, num_fake=10000, num_real=10000, reference=_FASHION_MNIST_TEST, protocol="tf1",
                      inception_sha256=_REAL_INCEPTION, seed=0),
        parameters=6600545, file_size=13233514, license="MIT",
        command="python benchmarks/build_zoo_model.py --name dcgan_upsample_fashion_mnist_1h --bench "
                "dcgan_upsample_1h --no-time-limit --half --no-discriminator --threads 2",
        folder="dcgan_upsample_fashion_mnist_1h",
        description="DCGAN with resize-convolutions in the generator (upsample=True, ngf=ndf=128), Fashion-MNIST "
                    "28 px grayscale, trained by the named preset dcgan_upsample_fashion_mnist_1h (6,000 steps, the "
                    "learning rate decaying linearly over the second half; 57 minutes on 2 CPU threads of a Zen 3), "
                    "last checkpoint, EMA generator with standing batch-norm statistics, float16"),
    PretrainedEntry(
        name="cdcgan_fashion_mnist", model="cdcgan", resolution=28, dataset="fashion_mnist",
        sha256="02265110f50efd28412ff24e797c1bd3e63060b07a05e3dbdae41e802c5ff4c0",
        fid=FIDRecord(value=25.3461, num_fake=10000, num_real=10000, reference=_FASHION_MNIST_TEST, protocol="tf1",
                      inception_sha256=_REAL_INCEPTION, seed=0),
        parameters=1690017, file_size=6688460, license="MIT",
        command="python benchmarks/build_zoo_model.py --name cdcgan_fashion_mnist --bench cdcgan_64 --half --threads 1",
        folder="cdcgan_fashion_mnist", num_classes=10,
        description="Class-conditional DCGAN (input concatenation, projection discriminator, mode seeking; "
                    "ngf=ndf=64), Fashion-MNIST 28 px grayscale, EMA generator with standing batch-norm "
                    "statistics, float16 weights"),
    PretrainedEntry(
        name="shapes_quickstart", model="cppn", resolution=28, dataset="shapes",
        sha256="473b2624507f53b6814c0140f12fd29c51e7b792f70edee46b8c87dcbdff9be2",
        fid=FIDRecord(value=95.8923, num_fake=10000, num_real=2000, reference=_SHAPES_TEST, protocol="tf1",
                      inception_sha256=_REAL_INCEPTION, seed=0),
        parameters=146963, file_size=296526, license="MIT",
        command="python benchmarks/build_zoo_model.py --name shapes_quickstart --quickstart shapes --half "
                "--no-discriminator --threads 2",
        folder="shapes_quickstart", num_classes=5,
        description="The quickstart's model (torch-gan-zoo quickstart): class-conditional CPPN GAN 28 px (cppn: a "
                    "per-pixel coordinate MLP generator whose first layer draws per-image half-planes and discs; the "
                    "cDCGAN projection discriminator, ndf=48, with an auxiliary classifier; TTUR 4e-4/8e-4, mode "
                    "seeking, batch 32, 2,200 steps), shapes RGB, 5 classes, EMA generator, float16 weights. All five "
                    "kinds recognisable (a shape classifier: 85.7 % of samples, 88.8 % of real images); the floor, "
                    "2,000 vs 2,000 real images, is 4.57"),
)


#: Names that earlier versions shipped and this one no longer does, with what to use instead. Loading one is an
#: :class:`UnknownPretrainedError` that says so (not a silent substitute: other weights give other samples).
WITHDRAWN: dict[str, str] = {
    "dcgan_fashion_mnist": (
        "it was withdrawn from the package to keep the shipped models within 40 MB when "
        "dcgan_upsample_fashion_mnist_1h (FID 15.28) was added; dcgan_fashion_mnist_1h has the same networks and "
        "a better FID (16.24 against its 16.39). To rebuild its exact weights: python benchmarks/build_zoo_model.py "
        "--name dcgan_fashion_mnist --bench dcgan_128_decay --half --no-discriminator --threads 1"),
}


def _table():
    names = [e.name for e in PRETRAINED_MODELS]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"pretrained names registered twice: {duplicates}")
    return {e.name: e for e in PRETRAINED_MODELS}


def list_pretrained(pattern: str = "*") -> list[PretrainedEntry]:
    """Registered pretrained models whose name matches the glob ``pattern``, sorted by name.

    Returns an empty list when nothing is registered.
    """
    return [e for name, e in sorted(_table().items()) if fnmatch.fnmatch(name, pattern)]


def get_pretrained(name: str) -> PretrainedEntry:
    """The registry row called ``name``.

    Raises:
        UnknownPretrainedError: Nothing of that name; the message lists the closest names (or
            says that no pretrained model is registered), or, for a name of :data:`WITHDRAWN`, what to use instead.
    """
    table = _table()
    if name in table:
        return table[name]
    if name in WITHDRAWN:
        raise UnknownPretrainedError(f"pretrained model {name!r} is no longer shipped: {WITHDRAWN[name]}")
    if not table:
        raise UnknownPretrainedError(
            f"unknown pretrained model {name!r}: no pretrained model is registered in this version of "
            "torch_gan_zoo; load a folder written by zoo.save_pretrained or a URL with sha256= instead")
    close = difflib.get_close_matches(name, list(table), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(map(repr, close))}? " if close else ""
    raise UnknownPretrainedError(f"unknown pretrained model {name!r}; {hint}registered: {', '.join(sorted(table))}")


def pretrained_table_rst(image_dir: str | None = None) -> str:
    """The registry as a reStructuredText table (what the docs' "Model zoo" page shows).

    Args:
        image_dir: Relative path from the document to :data:`PRETRAINED_DIR`; if given, each
            shipped model's ``samples.png`` is shown below the table.
    """
    entries = list_pretrained()
    if not entries:
        return "No pretrained model is registered in this version yet.\n"
    lines = [".. list-table::", "   :header-rows: 1", "",
             "   * - name", "     - model", "     - px", "     - dataset", "     - FID", "     - protocol",
             "     - G params", "     - file", "     - license"]
    for e in entries:
        fid = "n/a" if e.fid is None else f"{e.fid.value:.2f}"
        protocol = ("" if e.fid is None else
                    f"{e.fid.num_fake:,} generated vs {e.fid.num_real:,} {e.fid.reference}, {e.fid.protocol}, "
                    f"Inception {e.fid.inception_sha256[:12]}, seed {e.fid.seed}")
        where = "shipped" if e.folder else "download"
        lines += [f"   * - ``{e.name}``", f"     - {e.model}" + (" (conditional)" if e.num_classes else ""),
                  f"     - {e.resolution}", f"     - {e.dataset}", f"     - {fid}", f"     - {protocol}",
                  f"     - {e.parameters / 1e6:.2f} M", f"     - {e.file_size / 2 ** 20:.1f} MB, {where}",
                  f"     - {e.license}"]
    lines.append("")
    for e in entries:
        lines += [f"``{e.name}``: {e.description}" if e.description else f"``{e.name}``", "",
                  "   .. code-block:: bash", "", f"      {e.command}", ""]
        if image_dir is not None and e.folder is not None:
            lines += [f".. image:: {image_dir}/{e.folder}/samples.png", f"   :alt: samples of {e.name}",
                      "   :width: 320px", ""]
    return "\n".join(lines) + "\n"
