"""Helpers shared by the tests, imported as ``helpers.<module>`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``; a ``tests`` package name would clash with one that torch-fidelity installs).

- :mod:`helpers.training`: ``adam_pair``, ``state_equal``.
- :mod:`helpers.metrics`: tiny and random-weight Inception files, smooth test images.
- :mod:`helpers.mimicry_stub`: importing torch-mimicry on torch 2.
"""
