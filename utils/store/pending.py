"""The durable pending queue: saves that are not in the spreadsheet yet.

Every save is written here first (one small JSON file per save, written to a temporary name,
flushed to disk and renamed), then applied to the spreadsheet; the file is removed only after the
spreadsheet holds the change. If the spreadsheet cannot be written (Excel holds the workbook, no
network, quota), the file stays, reads include it, and the next attempt applies it. Applying is
idempotent — an append whose ID is already in the sheet, or an update whose new `updated_at` is
already in the row, is skipped — so a crash between "written" and "removed" never applies a save
twice. Shared by both backends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path


def _encode(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
    return value


@dataclass
class PendingOp:
    kind: str  # "append" or "update"
    tab: str
    record_id: str
    values: dict  # append: the whole record; update: the changed fields (with stamps)
    expected_updated_at: dt.datetime | None = None  # update: the version the user edited
    op_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: float = field(default_factory=time.time)
    error: str = ""  # why it could not be applied the last time, for people to read

    @property
    def created_text(self) -> str:
        return dt.datetime.fromtimestamp(self.created).strftime("%Y-%m-%d %H:%M")

    def to_json(self) -> str:
        data = asdict(self)
        data["values"] = {k: _encode(v) for k, v in self.values.items()}
        data["expected_updated_at"] = _encode(self.expected_updated_at)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PendingOp:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data: dict) -> PendingOp:
        data = dict(data)
        data["values"] = {k: _decode(v) for k, v in data["values"].items()}
        data["expected_updated_at"] = _decode(data.get("expected_updated_at"))
        return cls(**data)


def _load(path: Path) -> list[PendingOp]:
    text = path.read_text(encoding="utf-8")
    if text.startswith("["):
        return [PendingOp.from_dict(item) for item in json.loads(text)]
    return [PendingOp.from_json(text)]


@dataclass(frozen=True)
class DamagedSave:
    """An unreadable pending-save file: its name, when it was written, why it cannot be read
    and what can still be read of it (tab, record ID and the start of its text)."""

    name: str
    created_text: str
    reason: str
    tab: str
    record_id: str
    excerpt: str

    @classmethod
    def of(cls, path: Path) -> DamagedSave:
        raw = path.read_bytes()[:4000].decode("utf-8", errors="replace")
        note = path.with_name(path.name + ".reason")
        reason = note.read_text(encoding="utf-8") if note.exists() else ""
        tab = re.search(r'"tab":\s*"([^"]*)"', raw)
        rid = re.search(r'"record_id":\s*"([^"]*)"', raw)
        micros = path.name.split("-", 1)[0]
        created = (
            dt.datetime.fromtimestamp(int(micros) / 1e6).strftime("%Y-%m-%d %H:%M")
            if micros.isdigit()
            else ""
        )
        return cls(
            name=path.name,
            created_text=created,
            reason=reason,
            tab=tab.group(1) if tab else "",
            record_id=rid.group(1) if rid else "",
            excerpt=" ".join(raw[:300].split()),
        )


class PendingQueue:
    """A folder of pending saves, oldest first. `conflicts/` holds saves that could not be
    applied because the row changed in the spreadsheet meanwhile; people decide about those."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def _files(self, sub: str = "") -> list[Path]:
        where = self.folder / sub if sub else self.folder
        if not where.is_dir():
            return []
        return sorted(p for p in where.iterdir() if p.suffix == ".json")

    def put(self, op: PendingOp) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{int(op.created * 1e6):020d}-{op.op_id}.json"
        _write_durably(self.folder / name, op.to_json())

    def put_many(self, ops: list[PendingOp]) -> None:
        """Many appends as one file (bulk loads): written, and later removed, as one."""
        if not ops:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{int(ops[0].created * 1e6):020d}-{ops[0].op_id}-batch.json"
        _write_durably(self.folder / name, "[" + ",".join(op.to_json() for op in ops) + "]")

    def __iter__(self) -> Iterator[tuple[Path, PendingOp]]:
        for path in self._files():
            try:
                ops = _load(path)
            except OSError:
                continue  # unreadable just now (another process is replacing it): next time
            except (ValueError, TypeError, KeyError) as err:
                self._set_damaged_aside(path, err)
                continue
            for op in ops:
                yield path, op

    def _set_damaged_aside(self, path: Path, err: Exception) -> None:
        """A save file that cannot be understood (cut short, edited by hand, bit flips): moved
        to `damaged/` so it is neither applied nor counted as waiting forever; Data health
        lists it with what can still be read of it."""
        (self.folder / "damaged").mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, self.folder / "damaged" / path.name)
        except FileNotFoundError:
            return  # another process moved or applied it meanwhile
        note = self.folder / "damaged" / (path.name + ".reason")
        note.write_text(f"{type(err).__name__}: {err}", encoding="utf-8")

    def damaged(self) -> list[DamagedSave]:
        """Save files set aside as unreadable, oldest first."""
        return [DamagedSave.of(path) for path in self._files("damaged")]

    def drop_damaged(self, name: str) -> None:
        for path in self._files("damaged"):
            if path.name == name:
                self.done(path)
                self.done(path.with_name(path.name + ".reason"))

    def ops(self) -> list[PendingOp]:
        return [op for _, op in self]

    def __len__(self) -> int:
        return len(self._files())

    def done(self, path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    def set_error(self, path: Path, op: PendingOp, error: str) -> None:
        """Note why a save is still waiting. A bulk file is rewritten whole: every save in it
        gets the note (it is written, or not, as one)."""
        op.error = error
        if path.name.endswith("-batch.json"):
            try:
                items = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return
            ops = [PendingOp.from_dict({**item, "error": error}) for item in items]
            _write_durably(path, "[" + ",".join(o.to_json() for o in ops) + "]")
            return
        _write_durably(path, op.to_json())

    def to_conflicts(self, path: Path, op: PendingOp, error: str) -> None:
        op.error = error
        (self.folder / "conflicts").mkdir(parents=True, exist_ok=True)
        _write_durably(self.folder / "conflicts" / path.name, op.to_json())
        self.done(path)

    def conflicts(self) -> list[PendingOp]:
        out = []
        for path in self._files("conflicts"):
            try:
                out.append(PendingOp.from_json(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
        return out

    def drop_conflict(self, op_id: str) -> None:
        for path in self._files("conflicts"):
            if path.stem.endswith(op_id):
                self.done(path)

    def state(self) -> tuple:
        """Cheap fingerprint of the queue, for the read cache."""
        return tuple(p.name for p in self._files())


def _write_durably(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
