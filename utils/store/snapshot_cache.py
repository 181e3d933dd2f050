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
digest, dtypes) is ignored, and the workbook read in full. When in doubt: read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import struct
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, cast

import pandas as pd

from sheets_schema.problems import Problem
from sheets_schema.validate import Layout

MAGIC = b"SHEETDESK-SNAPSHOT-2\n"
FILE = "snapshot.bin"
STALE_TEMP_SECONDS = 600.0
_ROOT = Path(__file__).resolve().parents[2]


class Unsupported(Exception):
    """Something this cache cannot hold exactly: no cache is written (nothing is lost)."""


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
    "utils/settings_sheet.py",
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


# ---- what is kept ----------------------------------------------------------------------------
@dataclass
class History:
    """The change history as a snapshot holds it: validated (`frame`, `problems`), or the
    inputs of its validation (`title`, `rows`, `present`, `skip`)."""

    frame: pd.DataFrame | None = None
    problems: list[Problem] | None = None
    title: str = ""
    rows: Sequence[Sequence[object]] = ()
    present: dict[str, object] | None = None
    skip: set[str] | None = None

    @property
    def validated(self) -> bool:
        return self.frame is not None


@dataclass
class Cached:
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]
    layouts: dict[str, Layout | None]
    history: History
    extra: dict[str, object] = field(default_factory=dict)  # the snapshot's other fields


# ---- cells, problems, layouts as JSON --------------------------------------------------------
def _cell_out(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return (
            value
            if value == value and value not in (float("inf"), float("-inf"))
            else [
                "f",
                repr(value),
            ]
        )
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, dt.timedelta):
        return ["td", value.days, value.seconds, value.microseconds]
    raise Unsupported(type(value).__name__)


def _cell_in(value: object) -> object:
    if not isinstance(value, list):
        return value
    tag = value[0]
    if tag == "dt":
        return dt.datetime.fromisoformat(value[1])
    if tag == "d":
        return dt.date.fromisoformat(value[1])
    if tag == "t":
        return dt.time.fromisoformat(value[1])
    if tag == "td":
        return dt.timedelta(days=value[1], seconds=value[2], microseconds=value[3])
    if tag == "f":
        return float(value[1])
    raise ValueError(f"unknown cell tag {tag!r}")


def _problem_out(p: Problem) -> list:
    return [
        p.level,
        p.tab,
        p.row,
        p.column,
        p.key,
        {k: _cell_out(v) for k, v in p.params.items()},
        p.letter,
        p.header,
    ]


def _problem_in(item: list) -> Problem:
    level, tab, row, column, key, params, letter, header = item
    params = {k: _cell_in(v) for k, v in params.items()}
    return Problem(level, tab, row, column, key, params, letter, header)


def _layout_out(layout: Layout | None) -> dict | None:
    if layout is None:
        return None
    return {"headers": layout.headers, "index": layout.index, "extra": layout.extra}


def _layout_in(data: dict | None) -> Layout | None:
    if data is None:
        return None
    return Layout(list(data["headers"]), dict(data["index"]), list(data["extra"]))


# ---- frames as Arrow -------------------------------------------------------------------------
def _frame_out(frame: pd.DataFrame) -> tuple[dict, bytes]:
    """A frame as Arrow IPC bytes and what restores it exactly: columns, their dtypes, the
    columns' own dtype. Only what a validated frame holds: text (object columns of str),
    datetime64[ns], Int64, int64, float64, bool; a RangeIndex from 0."""
    import pyarrow as pa

    index = frame.index
    if not isinstance(index, pd.RangeIndex) or index.start != 0 or index.step != 1:
        raise Unsupported("index")
    names, arrays, dtypes = [], [], []
    for name in frame.columns:
        if not isinstance(name, str) or name in names:
            raise Unsupported("column name")
        col = frame[name]
        dtype = str(col.dtype)
        if dtype == "object":
            arr = pa.array(col.to_numpy(), type=pa.large_string(), from_pandas=False)
            if arr.null_count:
                raise Unsupported(f"{name}: not only text")
        elif dtype == "datetime64[ns]":
            arr = pa.array(col.to_numpy(), type=pa.timestamp("ns"), from_pandas=True)
        elif dtype == "Int64":
            arr = pa.array(col.array, type=pa.int64())
        elif dtype in ("int64", "float64", "bool"):
            arr = pa.array(col.to_numpy(), from_pandas=False)
        else:
            raise Unsupported(f"{name}: {dtype}")
        names.append(name)
        arrays.append(arr)
        dtypes.append(dtype)
    table = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(names))])
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="lz4")  # a third of the size, fast
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    spec: dict[str, object] = {"columns": names, "dtypes": dtypes, "rows": len(frame)}
    spec["columns_dtype"] = str(frame.columns.dtype)
    return spec, sink.getvalue().to_pybytes()


def _frame_in(spec: dict, data: bytes | memoryview) -> pd.DataFrame:
    import pyarrow as pa

    table = pa.ipc.open_stream(data).read_all()
    n = int(spec["rows"])
    if table.num_rows != n or table.num_columns != len(spec["columns"]):
        raise ValueError("frame shape")
    index = pd.RangeIndex(n)
    series = {}
    for i, (name, dtype) in enumerate(zip(spec["columns"], spec["dtypes"], strict=True)):
        col = table.column(i)
        if dtype == "object":
            values = pd.Series(col.to_numpy(zero_copy_only=False), index=index, dtype=object)
        elif dtype == "Int64":
            values = col.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        else:
            values = col.to_pandas()
        values.index = index
        if str(values.dtype) != dtype:
            raise ValueError(f"{name}: {values.dtype} is not {dtype}")
        series[name] = values
    frame = pd.DataFrame(series, index=index)
    frame.columns = pd.Index(spec["columns"], dtype=spec["columns_dtype"])
    if [str(d) for d in frame.dtypes] != spec["dtypes"]:
        raise ValueError("dtypes")
    return frame


# ---- the file --------------------------------------------------------------------------------
def encode(key: str, cached: Cached) -> bytes:
    """The cache file's bytes: MAGIC, the header's length and JSON (key, digest, sections),
    then the sections. Raises Unsupported for what it cannot hold exactly."""
    sections: list[tuple[str, bytes]] = []
    frames = {}
    for tab, frame in cached.frames.items():
        spec, data = _frame_out(frame)
        frames[tab] = spec
        sections.append((f"frame:{tab}", data))
    history = cached.history
    meta: dict = {
        "frames": frames,
        "problems": [_problem_out(p) for p in cached.problems],
        "layouts": {tab: _layout_out(layout) for tab, layout in cached.layouts.items()},
        "extra": cached.extra,
    }
    if history.validated:
        assert history.frame is not None and history.problems is not None
        spec, data = _frame_out(history.frame)
        sections.append(("history:frame", data))
        meta["history"] = {
            "validated": True,
            "frame": spec,
            "problems": [_problem_out(p) for p in history.problems],
        }
    else:
        present = {}
        for tab, ids in (history.present or {}).items():
            if not isinstance(ids, Iterable):
                raise Unsupported("present IDs")
            values = list(ids)
            if not all(isinstance(v, str) for v in values):
                raise Unsupported("present IDs")
            present[tab] = {"set": isinstance(ids, set | frozenset), "ids": values}
        meta["history"] = {
            "validated": False,
            "title": history.title,
            "present": present,
            "skip": sorted(history.skip or ()),
        }
        cells = [[_cell_out(v) for v in row] for row in history.rows]
        sections.append(("history:cells", json.dumps(cells, ensure_ascii=False).encode()))
    sections.insert(0, ("meta", json.dumps(meta, ensure_ascii=False).encode()))
    body = b"".join(data for _, data in sections)
    header = {
        "key": key,
        "digest": hashlib.blake2b(body, digest_size=32).hexdigest(),
        "sections": [[name, len(data)] for name, data in sections],
    }
    head = json.dumps(header).encode()
    return MAGIC + struct.pack(">Q", len(head)) + head + body


def decode(data: bytes, key: str) -> Cached | None:
    """The snapshot in `data` when it is whole and its key is `key`; else None."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        return None
    at = len(MAGIC)
    (size,) = struct.unpack(">Q", data[at : at + 8])
    at += 8
    header = json.loads(data[at : at + size])
    if header.get("key") != key:
        return None
    body = memoryview(data)[at + size :]
    if hashlib.blake2b(body, digest_size=32).hexdigest() != header["digest"]:
        return None
    parts: dict[str, memoryview] = {}
    pos = 0
    for name, length in header["sections"]:
        parts[name] = body[pos : pos + length]
        pos += length
    if pos != len(body):
        return None
    meta = json.loads(bytes(parts["meta"]))
    frames = {tab: _frame_in(spec, parts[f"frame:{tab}"]) for tab, spec in meta["frames"].items()}
    h = meta["history"]
    if h["validated"]:
        history = History(
            frame=_frame_in(h["frame"], parts["history:frame"]),
            problems=[_problem_in(p) for p in h["problems"]],
        )
    else:
        present: dict[str, object] = {}
        for tab, item in h["present"].items():
            ids = item["ids"]
            present[tab] = set(ids) if item["set"] else pd.Series(ids, dtype=object)
        raw_cells = bytes(parts["history:cells"])
        history = History(
            title=h["title"],
            rows=_LazyCells(raw_cells),
            present=present,
            skip=set(h["skip"]),
        )
    return Cached(
        frames=frames,
        problems=[_problem_in(p) for p in meta["problems"]],
        layouts={tab: _layout_in(layout) for tab, layout in meta["layouts"].items()},
        history=history,
        extra=dict(meta.get("extra") or {}),
    )


class _LazyCells(Sequence):
    """The history tab's cells, decoded from JSON the first time they are used (the history
    is validated on first use, and many pages never use it)."""

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._rows: list | None = None
        self._lock = threading.Lock()

    def _get(self) -> list:
        with self._lock:
            if self._rows is None:
                assert self._data is not None
                self._rows = [[_cell_in(v) for v in row] for row in json.loads(self._data)]
                self._data = None
            return self._rows

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, i):
        return self._get()[i]

    def __iter__(self):
        return iter(self._get())

    def __bool__(self) -> bool:
        return bool(self._get())


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
        """`save` in a daemon thread (the read that made the snapshot does not wait)."""
        thread = threading.Thread(
            target=self.save, args=(key, make), daemon=True, name="sheetdesk-snapshot-cache"
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

    from utils.store.base import Snapshot, _pending_ids
    from utils.store.lazy_history import LazyHistory

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
        pending_ids=_pending_ids([]),
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
