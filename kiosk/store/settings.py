"""The ``[store]`` section of keepsake.toml, and opening the store it describes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR_ENV = "KEEPSAKE_DATA_DIR"


@dataclass(frozen=True)
class StoreSettings:
    """Where portraits live and how long they are kept (see keepsake.toml)."""

    data_dir: str = "/var/lib/keepsake/store"
    key_dir: str = ""
    retention_days: int = 7
    max_retention_days: int = 30

    def resolved_data_dir(self) -> Path:
        return Path(os.environ.get(DATA_DIR_ENV) or self.data_dir)

    def resolved_key_dir(self) -> Path | None:
        return Path(self.key_dir) if self.key_dir else None


def store_settings(config: dict[str, Any]) -> StoreSettings:
    from engine_edge.config import section

    return section(config, "store", StoreSettings)


def open_store(config: dict[str, Any], **kwargs: Any):  # type: ignore[no-untyped-def]
    """Open the store the configuration (and $KEEPSAKE_DATA_DIR) points at."""
    from kiosk.store.store import Store

    s = store_settings(config)
    return Store(
        s.resolved_data_dir(),
        retention_days=s.retention_days,
        max_retention_days=s.max_retention_days,
        key_dir=s.resolved_key_dir(),
        **kwargs,
    )
