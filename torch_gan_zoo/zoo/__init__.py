"""The model zoo: pretrained generators by name, shipped and verified, safe to load.

>>> from torch_gan_zoo import zoo
>>> zoo.list_pretrained()                      # registry rows (PretrainedEntry), with their FID protocol
>>> netG = zoo.load("path/to/folder")          # or a registered name, a model.safetensors, a URL + sha256
>>> zoo.save_pretrained(netG, "my_model", netD=netD, card={"dataset": "cifar10", "command": "..."})
>>> zoo.export_run("log/run", "my_model")      # the EMA generator a run evaluated, standing statistics

A pretrained model is a folder in the Hugging Face Hub layout (``config.json``,
``model.safetensors``, ``README.md``). Loading never unpickles and never imports a module named by
a file: networks are rebuilt only from classes registered in :mod:`torch_gan_zoo.nets`.
"""
from torch_gan_zoo.zoo.checkpoints import CHECKPOINT_FORMATS, import_checkpoint, load_checkpoint_model
from torch_gan_zoo.zoo.evaluation import evaluate_pretrained, fid_record
from torch_gan_zoo.zoo.export import STANDING_STATS, export_run, export_trainer
from torch_gan_zoo.zoo.loading import load
from torch_gan_zoo.zoo.pretrained import (
    PretrainedConfigError,
    read_config,
    save_pretrained,
    update_card,
)
from torch_gan_zoo.zoo.registry import (
    FIDRecord,
    PretrainedEntry,
    UnknownPretrainedError,
    get_pretrained,
    list_pretrained,
)
from torch_gan_zoo.zoo.safetensors_file import WeightsFileError

__all__ = [
    "CHECKPOINT_FORMATS",
    "STANDING_STATS",
    "FIDRecord",
    "PretrainedConfigError",
    "PretrainedEntry",
    "UnknownPretrainedError",
    "WeightsFileError",
    "evaluate_pretrained",
    "export_run",
    "export_trainer",
    "fid_record",
    "get_pretrained",
    "import_checkpoint",
    "list_pretrained",
    "load",
    "load_checkpoint_model",
    "read_config",
    "save_pretrained",
    "update_card",
]
