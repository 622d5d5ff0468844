"""Bad integer arguments, and the check that a constructor or function refuses each with a message naming the
argument and the value (the wording of :func:`torch_gan_zoo.config.validation.check_positive_int`)."""
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest

#: Not a positive int: zero, negative, a fraction (never truncated), a bool, a string of digits.
NOT_POSITIVE_INTS = (0, -1, 1.5, True, "3")
#: Not a non-negative int.
NOT_NON_NEGATIVE_INTS = (-1, 1.5, True, "3")


def assert_refuses_bad_ints(call: Callable[[Any], Any], name: str, positive: bool = True, or_none: bool = False,
                            bad: Iterable[Any] | None = None) -> None:
    """``call(value)`` raises ``ValueError("<name> must be a positive int, got <value>")`` for every bad value
    (``non-negative`` when not ``positive``; ``"... int or None, ..."`` when ``or_none``)."""
    kind = "a positive int" if positive else "a non-negative int"
    for value in bad if bad is not None else (NOT_POSITIVE_INTS if positive else NOT_NON_NEGATIVE_INTS):
        message = f"{name} must be {kind}{' or None' if or_none else ''}, got {value!r}"
        with pytest.raises(ValueError, match=re.escape(message)):
            call(value)
