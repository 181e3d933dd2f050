"""A complaint's level: frontline → department → management → executive, one step at a time
(层级上报)."""

from __future__ import annotations

from sheets_schema import choices as ch
from utils.cells import clean_text

LEVELS: tuple[str, ...] = ch.LEVEL.values  # frontline, department, management, executive


def level_of(complaint: dict) -> str:
    """The complaint's level; blank (or unknown) counts as frontline."""
    level = clean_text(complaint.get("level"))
    return level if level in LEVELS else LEVELS[0]


def next_level(level: str) -> str | None:
    """One level up (blank = frontline), or None at the top."""
    i = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None
