"""Where the data lives: one store interface, two backends (local workbook, Google Sheets).

`open_store()` picks the backend from the configuration; pages and the CLI receive the store
and never import a backend themselves.
"""

from __future__ import annotations

from utils.store.base import Store
from utils.store.config import StoreConfig, load_config, open_store
from utils.store.saves import SaveResult
from utils.store.snapshot import Snapshot

__all__ = ["SaveResult", "Snapshot", "Store", "StoreConfig", "load_config", "open_store"]
