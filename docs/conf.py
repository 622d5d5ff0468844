"""Sphinx configuration of the torch_gan_zoo documentation (built in CI with -W)."""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

from torch_gan_zoo import __version__  # noqa: E402

project = "torch_gan_zoo"
author = "torch_gan_zoo developers"
copyright = "2026, torch_gan_zoo developers"
version = release = __version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "none"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
suppress_warnings = ["ref.python"]


def _insert_zoo_table(app, docname, source):
    """Replace the ``.. zoo-pretrained-table`` comment of zoo.rst with the registry's table."""
    if docname == "zoo":
        from torch_gan_zoo.zoo.registry import pretrained_table_rst

        table = pretrained_table_rst("../torch_gan_zoo/zoo/pretrained")
        source[0] = source[0].replace(".. zoo-pretrained-table", table)


def setup(app):
    app.connect("source-read", _insert_zoo_table)
