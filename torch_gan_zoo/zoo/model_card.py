"""The model card (``README.md``) of a pretrained folder, rendered from its config.json."""
from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["render_model_card"]


def _fid_table(fid):
    if not fid:
        return "Not measured yet.\n"
    rows = [
        ("FID", f"{float(fid['value']):.3f}"),
        ("generated images", fid.get("num_fake")),
        ("reference images", f"{fid.get('num_real')} ({fid.get('reference')})"),
        ("preprocessing protocol", fid.get("protocol")),
        ("Inception weights sha256", f"`{fid.get('inception_sha256')}`"),
        ("sample seed", fid.get("seed")),
    ]
    lines = ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines) + "\n"


def render_model_card(folder, config: Mapping) -> str:
    """Markdown text of the model card for the pretrained folder ``folder`` with ``config``.

    It has a YAML front matter (license, library, tags, dataset: what the Hugging Face Hub reads),
    how to load it, the sample grid, the training command, the FID with its protocol, the files
    and the license.
    """
    arch, card = config["architecture"], config.get("card") or {}
    name = card.get("name") or os.path.basename(os.path.abspath(os.fspath(folder)))
    target = repr(card["name"]) if card.get("name") else "'path/to/this/folder'"
    dataset = card.get("dataset")
    license_ = card.get("license") or "MIT"
    kwargs = arch["netG"]["kwargs"]
    num_classes = kwargs.get("num_classes")
    front = ["---", f"license: {license_.lower()}", "library_name: torch_gan_zoo",
             "tags:", "- gan", "- image-generation", f"- {arch['model']}"]
    if dataset:
        front += ["datasets:", f"- {dataset}"]
    front.append("---")
    parts = ["\n".join(front), "", f"# {name}", ""]
    if card.get("description"):
        parts += [card["description"], ""]
    parts += [
        f"A `{arch['model']}` generator at {arch['resolution']}x{arch['resolution']} px"
        + (f", trained on `{dataset}`" if dataset else "")
        + (f", conditioned on {num_classes} classes" if num_classes else "") + ".",
        f"Weights stored as {arch['dtype']} in `model.safetensors` (no pickle: loading cannot run code)"
        + ("; the discriminator is included." if "netD" in arch else "."),
        "",
        "## Use",
        "",
        "```python",
        "from torch_gan_zoo import zoo",
        "",
        f"netG = zoo.load({target})  # eval mode",
        "images = netG.generate_images(16" + (", c=3" if num_classes else "") + ")  # (16, C, H, W) in [-1, 1]",
        "```",
        "",
        "```",
        f"torch-gan-zoo sample --pretrained {card.get('name') or 'path/to/this/folder'} --num 64 --out grid.png",
        "```",
        "",
    ]
    if os.path.isfile(os.path.join(os.fspath(folder), "samples.png")):
        parts += ["## Samples", "", "![samples](samples.png)", "",
                  "64 samples, seed 0" + (", classes in turn along each row" if num_classes else "") + ".", ""]
    parts += ["## Training", ""]
    parts += (["```", card["command"], "```", ""] if card.get("command") else ["Command not recorded.", ""])
    export = config.get("export") or {}
    if export:
        stats = export.get("standing_stats")
        parts += [f"Exported from step {export.get('step')} of the run ({export.get('source')} checkpoint)"
                  + (f"; batch-norm statistics re-estimated over {stats['num_batches']} batches of "
                     f"{stats['batch_size']} samples (seed {stats['seed']})" if stats else "") + ".", ""]
    parts += ["## Evaluation", "", _fid_table(card.get("fid")), ""]
    parts += ["## License", "", f"The weights are released under the {license_} license.", ""]
    return "\n".join(parts)
