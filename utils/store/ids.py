"""Record IDs that people can read over the phone: `TS-20261123-7K3F`.

Prefix per table, the day, and four characters from Crockford's base32 alphabet (no I, L, O or U,
so nothing is misheard or misread). Uniqueness: the caller passes the IDs it knows are taken (the
snapshot, the pending queue, and — for the local workbook — the day's issued-ID register kept
under the workbook's lock), so two writers at the same moment cannot draw the same ID.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Container

from utils import clock

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str, taken: Container[str], today: dt.date | None = None) -> str:
    day = (today or clock.today()).strftime("%Y%m%d")
    for length in (4, 4, 4, 4, 5, 5, 6, 8):
        suffix = "".join(secrets.choice(ALPHABET) for _ in range(length))
        candidate = f"{prefix}-{day}-{suffix}"
        if candidate not in taken:
            return candidate
    raise RuntimeError("could not find a free ID")  # 32**8 tries of luck: not reachable
