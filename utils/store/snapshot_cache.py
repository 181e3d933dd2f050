"""A local workbook's validated snapshot kept on disk, so that a new process — the app after a
restart, a command — starts in a fraction of a full read.

After a full read and validation with no save waiting, what the read produced — the validated
frames (Arrow IPC), the problems and layouts (JSON), and the change history (its validated
frame if it was loaded already, else its cells as read, as typed JSON) — is written to
`<workbook>.cache/snapshot.bin` by a background thread (a temporary file, then a rename; the
file gets the workbook's permission bits). It is served only when its key equals the
workbook's key now:

- the file's size and modification time, and the name, CRC-32 and sizes of every part in its
  zip directory (read from the central directory: cheap), so any edit — by hand, by another
  program, by the app's own writer — changes it;
- a fingerprint of the code that reads and validates (the source of every module of ours the
  local store imports, and the versions of Python, pandas, pyarrow and python-calamine), so a
  new rule or column never meets an old cache.

The key is taken before the workbook is read and again after; the cache is written only when
both agree. A cache file that is cut, damaged or of another format (magic, lengths, BLAKE2
digest, dtypes: `utils.store.snapshot_format`) is ignored, and the workbook read in full. When
in doubt: read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, cast

import pandas as pd

from utils.store.lazy_history import LazyHistory
from utils.store.raw_tabs import pending_ids
from utils.store.snapshot import Snapshot
from utils.store.snapshot_format import Cached, History, Unsupported, decode, encode

FILE = "snapshot.bin"
STALE_TEMP_SECONDS = 600.0
_ROOT = Path(__file__).resolve().parents[2]


# ---- the key ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code a snapshot depends on — the source of every module of ours that
    the local store imports, directly or through others (found in their syntax trees) — and
    of the versions of Python, pandas, pyarrow and python-calamine. Computed once per
    process."""
    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    import pyarrow
    import python_calamine

    for package in (pd, pyarrow, python_calamine):
        h.update(f"{package.__name__}={getattr(package, '__version__', '?')}".encode())
        for part in sorted(Path(str(package.__file__)).parent.glob("*.so")):  # (no version)
            st = part.stat()
            h.update(f"{part.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for path in fingerprinted_files():
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# The modules a snapshot depends on: all that `utils.store.local` imports, directly or through
# others (`tests/test_snapshot_cache.py` checks this list against their syntax trees).
FINGERPRINTED = (
    "sheets_schema/*.py",
    "utils/__init__.py",
    "utils/store/*.py",
    "utils/i18n/*.py",
    "utils/cells.py",
    "utils/clock.py",
    "utils/errors.py",
    "utils/forms.py",
    "utils/history.py",
    "utils/policy_checks.py",
    "utils/progress_log.py",
    "utils/settings.py",
    "utils/settings_keys.py",
    "utils/settings_sheet.py",
    "utils/settings_values.py",
    "utils/workdays.py",
)


def fingerprinted_files() -> list[Path]:
    return sorted({path for pattern in FINGERPRINTED for path in _ROOT.glob(pattern)})


def workbook_key(path: Path) -> str | None:
    """The workbook's key now (see the module docstring), or None when it cannot be had."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            with zipfile.ZipFile(fh) as zf:
                parts = [(i.filename, i.CRC, i.compress_size, i.file_size) for i in zf.infolist()]
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None
    text = json.dumps([st.st_size, st.st_mtime_ns, parts, code_fingerprint()])
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


# ---- the cache file of one workbook ----------------------------------------------------------
class SnapshotCache:
    """The cache of one workbook (`<workbook>.cache/snapshot.bin`)."""

    def __init__(self, workbook: Path) -> None:
        self.workbook = Path(workbook)
        self.folder = Path(f"{self.workbook}.cache")
        self.path = self.folder / FILE
        self._writing = threading.Lock()

    def key(self) -> str | None:
        return workbook_key(self.workbook)

    def load(self, key: str | None = None) -> Cached | None:
        """The cached snapshot if it is whole and its key is the workbook's now, else None
        (never an exception: a cache that cannot be used is simply not used)."""
        key = key or self.key()
        if key is None:
            return None
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(4096)
                if key.encode() not in head:  # another workbook's: not worth reading
                    return None
                data = head + fh.read()
        except OSError:
            return None
        try:
            return decode(data, key)
        except Exception:  # noqa: BLE001 — damaged in any way: read the workbook instead
            return None

    def save(self, key: str, make: Callable[[], Cached]) -> bool:
        """Write the cache (`make()` gives what to keep) for `key`, unless the workbook's key
        has changed meanwhile. Returns whether it was written."""
        with self._writing:
            try:
                data = encode(key, make())
            except Exception:  # noqa: BLE001 — what it cannot hold exactly: no cache at all
                self.remove()
                return False
            if self.key() != key:  # changed while this was made: never keep a stale one
                return False
            try:
                self.folder.mkdir(exist_ok=True)
                self._remove_stale_temps()
                tmp = self.folder / f".{FILE}.{uuid.uuid4().hex[:8]}.tmp"
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self._mode())
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                    if self.key() != key:
                        return False
                    os.replace(tmp, self.path)
                finally:
                    tmp.unlink(missing_ok=True)
            except OSError:
                return False  # a read-only folder, a full disk: no cache, nothing else
            return True

    def save_in_background(self, key: str, make: Callable[[], Cached]) -> threading.Thread:
        """`save` in a thread of its own (the read that made the snapshot does not wait). Not
        a daemon: a process that ends meanwhile (a CLI command) waits for it, as a daemon
        thread stopped inside pyarrow's C++ aborts the process ("terminate called without an
        active exception", exit status -6) instead of exiting with the command's status."""
        thread = threading.Thread(
            target=self.save, args=(key, make), daemon=False, name="sheetdesk-snapshot-cache"
        )
        thread.start()
        return thread

    def lookup(self, store) -> tuple[str | None, object | None]:
        """See `lookup`: (key, snapshot or None) before a full read."""
        return lookup(store, self)

    def keep(self, key: str, snapshot) -> threading.Thread:
        """See `keep`: write the snapshot of a full read in the background."""
        return keep(self, key, snapshot)

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _mode(self) -> int:
        try:
            return self.workbook.stat().st_mode & 0o666
        except OSError:
            return 0o600

    def _remove_stale_temps(self) -> None:
        now = time.time()
        for old in self.folder.glob(f".{FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                if now - old.stat().st_mtime > STALE_TEMP_SECONDS:
                    old.unlink()


# ---- the store's side -----------------------------------------------------------------------
_QUEUE_FIELDS = ("pending", "pending_ids", "conflicts", "damaged", "read_at", "source")
_KEPT_FIELDS = ("frames", "problems", "layouts", "history")


def lookup(store, cache: SnapshotCache) -> tuple[str | None, object | None]:
    """Before a full read: (the workbook's key, or None when nothing is to be cached — saves
    are waiting, laid over the cells; the snapshot served from the cache, or None)."""
    if store.queue.ops():
        return None, None
    key = cache.key()
    if key is None:
        return None, None
    cached = cache.load(key)
    if cached is None:
        return key, None
    return key, _snapshot_of(store, cached)


def keep(cache: SnapshotCache, key: str, snapshot) -> threading.Thread:
    """After a full read that `lookup` gave `key` for: write the snapshot in the background."""
    return cache.save_in_background(key, lambda: _cached_of(snapshot))


def _snapshot_of(store, cached: Cached):
    history = cached.history
    if history.validated:
        result = (history.frame, history.problems)
        lazy = LazyHistory(lambda: result)  # type: ignore[arg-type, return-value]
        lazy.result()  # nothing left to do: loaded
    else:
        lazy = LazyHistory.of(
            history.title, history.rows, history.present or {}, history.skip or set()
        )
    names = {f.name for f in fields(Snapshot)}
    extra = cached.extra
    if not set(extra) <= names:
        return None
    return Snapshot(
        frames=cached.frames,
        problems=cached.problems,
        read_at=store.clock(),
        source=store.describe(),
        pending=0,
        pending_ids=pending_ids([]),
        conflicts=[op for op in store.queue.conflicts() if op.kind != "history"],
        damaged=store.queue.damaged(),
        layouts=cached.layouts,
        history=lazy,
        **cast(dict[str, Any], extra),  # checked against Snapshot's fields above
    )


def _cached_of(snapshot) -> Cached:
    extra: dict[str, object] = {}
    for f in fields(snapshot):
        if f.name in _QUEUE_FIELDS or f.name in _KEPT_FIELDS:
            continue
        value = getattr(snapshot, f.name)
        if value is not None and not isinstance(value, str | bool | int | float):
            raise Unsupported(f.name)
        extra[f.name] = value
    lazy = snapshot.history
    parts = lazy.parts
    if parts is not None:
        title, rows, present, skip = parts
        history = History(title=title, rows=rows, present=dict(present), skip=set(skip))
    elif lazy.loaded:
        frame, problems = lazy.result()
        history = History(frame=frame, problems=list(problems))
    else:
        raise Unsupported("history")
    return Cached(
        frames=dict(snapshot.frames),
        problems=list(snapshot.problems),
        layouts=dict(snapshot.layouts),
        history=history,
        extra=extra,
    )


__all__ = ["Cached", "History", "SnapshotCache", "code_fingerprint", "workbook_key"]
