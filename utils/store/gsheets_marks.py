"""The marks a flush of the Google backend leaves beside a queue file, so a retry after a
timeout, a 5xx or a crash never applies a save twice (see `gsheets_write`):

- `<queue file>.sent`: a request with the file's saves was sent (`mark_sent`, `was_sent`): the
  saves' IDs and rows are looked up before they are written again;
- `<queue file>.hsent`: its history rows were sent (`mark_history_sent`, `history_was_sent`):
  the change IDs already in the tab are left out of the next append;
- `<queue file>.landed`: what became of its saves, kept while its history waits
  (`write_landed`, `read_landed`), so a save that landed is never decided again.

`remove_marks` clears them once the queue file is done.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

Outcomes = dict[str, tuple[str, str]]  # op_id → ("done" | "conflict", reason)


def _sent(path: Path) -> Path:
    return path.with_name(path.name + ".sent")


def was_sent(path: Path) -> bool:
    return _sent(path).exists()


def mark_sent(path: Path) -> None:
    _mark(_sent(path))


def _hist_sent(path: Path) -> Path:
    return path.with_name(path.name + ".hsent")


def history_was_sent(path: Path) -> bool:
    return _hist_sent(path).exists()


def mark_history_sent(path: Path) -> None:
    _mark(_hist_sent(path))


def _landed(path: Path) -> Path:
    return path.with_name(path.name + ".landed")


def read_landed(path: Path) -> Outcomes:
    """What became of a queue file's saves, noted while its history waited ({} if nothing)."""
    try:
        data = json.loads(_landed(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def write_landed(path: Path, outcomes: Outcomes) -> None:
    marker = _landed(path)
    tmp = marker.with_name(f".{marker.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({k: list(v) for k, v in outcomes.items()}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, marker)
    except OSError:
        pass  # without the note the saves are decided again: as before, never lost


def remove_marks(path: Path) -> None:
    """The queue file is done: its marks go with it."""
    _sent(path).unlink(missing_ok=True)
    _hist_sent(path).unlink(missing_ok=True)
    _landed(path).unlink(missing_ok=True)


def _mark(marker: Path) -> None:
    if marker.exists():
        return
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write("sent\n")
        fh.flush()
        os.fsync(fh.fileno())
