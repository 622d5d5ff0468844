"""``torch.hub`` entry points of torch_gan_zoo: one per registered pretrained model, plus ``pretrained``.

    netG = torch.hub.load("/path/to/torch_gan_zoo", "<name>", source="local")
    netG = torch.hub.load("/path/to/torch_gan_zoo", "pretrained", "path/to/folder", source="local")

Each entry takes the keyword arguments of :func:`torch_gan_zoo.zoo.load` (``part``, ``device``).
Names are looked up in the registry when asked for, so entries follow ``zoo.list_pretrained()``.
"""
dependencies = ["torch", "safetensors"]


def pretrained(source, part="G", device=None, sha256=None):
    """Load a registered name, a pretrained folder, a ``model.safetensors`` file or a URL (see ``zoo.load``)."""
    from torch_gan_zoo import zoo

    return zoo.load(source, part=part, device=device, sha256=sha256)


def _entry_point(name):
    def load_entry(part="G", device=None):
        from torch_gan_zoo import zoo

        return zoo.load(name, part=part, device=device)

    load_entry.__name__ = name
    load_entry.__doc__ = f"The pretrained model {name!r} of torch_gan_zoo (see ``zoo.get_pretrained({name!r})``)."
    return load_entry


def _registered():
    from torch_gan_zoo import zoo

    return [entry.name for entry in zoo.list_pretrained()]


def __getattr__(name):
    if not name.startswith("_") and name in _registered():
        return _entry_point(name)
    raise AttributeError(f"hubconf has no entry point {name!r}; registered pretrained models: {_registered()}")


def __dir__():
    return sorted(set(globals()) | set(_registered()))
