"""Helpers shared by the tests (importable as ``tests.helpers``)."""
