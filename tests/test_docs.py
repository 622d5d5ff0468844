"""The Sphinx documentation builds with warnings as errors (as in CI)."""
import os

import pytest
from helpers.paths import REPO


@pytest.mark.slow
def test_sphinx_docs_build_without_warnings(tmp_path):
    sphinx = pytest.importorskip("sphinx.cmd.build")
    status = sphinx.build_main(["-W", "--keep-going", "-q", "-b", "html", os.path.join(REPO, "docs"), str(tmp_path)])
    assert status == 0
    assert (tmp_path / "index.html").exists() and (tmp_path / "tutorial_subclassing.html").exists()
