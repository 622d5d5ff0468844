"""Helpers shared by the tests, imported as ``helpers.<module>`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``; a ``tests`` package name would clash with one that torch-fidelity installs).

Test modules live in folders named after the package they test (``tests/nets/``, ``tests/training/``, ...); module
basenames stay unique across folders (pytest's default import mode, no ``__init__.py`` in test folders), and a test
module never imports another test module: what two of them share lives here.

- :mod:`helpers.paths`: ``REPO``, ``TESTS``, ``FIXTURES`` (use them, not ``__file__`` arithmetic).
- :mod:`helpers.training`: ``adam_pair``, ``state_equal``, ``make_trainer`` (a tiny seeded Trainer).
- :mod:`helpers.distributed`: ``run_worker`` (``tests/training/ddp_worker.py`` in 1 or 2 processes).
- :mod:`helpers.metrics`: tiny and random-weight Inception files, smooth test images.
- :mod:`helpers.mimicry_stub`: importing torch-mimicry on torch 2.
- :mod:`helpers.values`: bad integer arguments and ``assert_refuses_bad_ints``.
- :mod:`helpers.cuda`: ``CUDA_MARKS`` (the ``cuda`` marker and skip), ``DEVICE`` and ``report`` for ``tests/cuda/``.
"""
