"""Folders the tests read from, computed once from this file's place (``tests/helpers/paths.py``).

- ``REPO``: the repository root (``docs/``, ``examples/``, ``benchmarks/`` live there).
- ``TESTS``: the ``tests/`` folder (the folder to put on ``sys.path`` for ``helpers``).
- ``FIXTURES``: ``tests/fixtures``, the committed fixture files.
"""
import os

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
