"""The change history tab of a snapshot, validated when it is first used.

The `changes` tab grows with every save — one row per changed field — and soon holds more rows
than the three data tables together. Validating it (and finding the records deleted by hand)
on every read would make every page pay for what only a record's history, Data health and
`check` show. So a snapshot carries a `LazyHistory`: the tab's cells as read, the history rows
of the saves still waiting, and which record IDs the data tabs held; `result()` validates them
once (thread-safe) and keeps the frame and its problems. Measured on a 20,000 / 50,000 / 50,000
-row workbook with 220,000 history rows: 3.7 s (CPU) of validation and look-ups per read that
pages no longer wait for.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from sheets_schema.problems import Problem
from sheets_schema.tables import TABLES
from sheets_schema.validate import records_frame, validate_rows
from utils import history as hist

CHANGES = "changes"
Result = tuple[pd.DataFrame, list[Problem]]


class LazyHistory:
    """The change history frame and its problems (bad rows, records deleted by hand), made
    by `load` the first time they are asked for."""

    def __init__(self, load: Callable[[], Result]) -> None:
        self._load: Callable[[], Result] | None = load
        self._result: Result | None = None
        self._lock = threading.Lock()
        # what `of` was given, until the history is loaded (for the snapshot cache on disk:
        # `utils.store.snapshot_cache`); None when made otherwise
        self.parts: tuple[str, Sequence[Sequence[object]], Mapping, set[str]] | None = None

    @classmethod
    def of(
        cls,
        title: str,
        rows: Sequence[Sequence[object]],
        present: Mapping[str, object],
        skip: set[str],
        overlay: Callable[[list], list] | None = None,
    ) -> LazyHistory:
        """From the tab's cells (`rows`, header first; empty: no tab yet), the IDs each data
        tab holds (`present`) and the tabs not to judge (`skip`); `overlay` lays the waiting
        saves' history rows over the cells."""

        def load() -> Result:
            cells = list(rows) or [TABLES[CHANGES].header("en")]
            if overlay is not None:
                cells = overlay(cells)
            result = validate_rows(CHANGES, cells, title)
            gone = hist.deleted_records(result.frame, present, skip=skip)
            return result.frame, [*result.problems, *gone]

        made = cls(load)
        if overlay is None:
            made.parts = (title, rows, present, skip)
        return made

    @classmethod
    def empty(cls) -> LazyHistory:
        return cls(lambda: (records_frame(CHANGES, []), []))

    def result(self) -> Result:
        with self._lock:
            if self._result is None:
                assert self._load is not None
                enabled = gc.isenabled()
                gc.disable()  # as for a read: many small objects, none to collect
                try:
                    self._result = self._load()
                finally:
                    if enabled:
                        gc.enable()
                self._load = None  # the cells read are no longer needed
                self.parts = None
            return self._result

    @property
    def loaded(self) -> bool:
        return self._result is not None

    def plus(self, rows: list[dict]) -> LazyHistory:
        """This history with rows added at the end (our own saves, before a re-read): cheap
        when this one is loaded, and lazy still when it is not."""
        if not rows:
            return self
        parent = self

        def load() -> Result:
            frame, problems = parent.result()
            new = records_frame(CHANGES, rows)
            new["_row"] = pd.array([None] * len(new), dtype="Int64")
            return (pd.concat([frame, new], ignore_index=True) if len(frame) else new), problems

        return LazyHistory(load)


__all__ = ["LazyHistory"]
