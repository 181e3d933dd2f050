"""The snapshot cache file's format: a validated snapshot's contents (`Cached`) as bytes, and
back, exactly or not at all.

The file is MAGIC, the header's length and JSON (the key, a BLAKE2 digest of the body, the
sections' names and lengths), then the sections: the validated frames as Arrow IPC (lz4), the
problems, layouts and the snapshot's other fields as JSON, and the change history — its
validated frame if it was loaded already, else its cells as read, as typed JSON, decoded only
when first used. What it cannot hold exactly raises `Unsupported` (no cache is written); a file
that is cut, damaged or of another format decodes to None or raises (the workbook is read).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema.problems import Problem
from sheets_schema.validate import Layout

MAGIC = b"SHEETDESK-SNAPSHOT-2\n"


class Unsupported(Exception):
    """Something this cache cannot hold exactly: no cache is written (nothing is lost)."""


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
            # one array (pyarrow < 13 has no ChunkedArray.to_numpy(zero_copy_only=…))
            whole = pa.concat_arrays(col.chunks) if col.num_chunks else pa.array([], col.type)
            values = pd.Series(whole.to_numpy(zero_copy_only=False), index=index, dtype=object)
        elif dtype == "Int64":
            values = col.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
            values = values.astype("Int64")  # pyarrow < 13 ignores the mapper without nulls
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
