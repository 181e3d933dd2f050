"""The one clock every page, rule call and stamp reads: `now()` to the second, `today()`.

`SHEETDESK_NOW=2026-11-23T10:05` (or a date) freezes it — for tests of pages that must not
depend on the day they run (a month boundary, midnight), for demos and for screenshots. Nothing
else in the code calls `datetime.now()` or `date.today()`.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "SHEETDESK_NOW"


def now() -> dt.datetime:
    """The current local time to the second (or the frozen one)."""
    frozen = os.environ.get(ENV, "").strip()
    if frozen:
        return dt.datetime.fromisoformat(frozen).replace(microsecond=0)
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()
