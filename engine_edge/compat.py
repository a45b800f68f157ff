"""The few Python 3.11 conveniences the code uses, written so Python 3.10 (JetPack 6) has them.

Import them from here, not from the standard library, so one module holds the difference.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

UTC = dt.timezone.utc


class StrEnum(str, Enum):
    """``enum.StrEnum`` of 3.11: members are their value, also in ``str()`` and f-strings."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
