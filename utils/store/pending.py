"""The durable pending queue: saves that are not in the spreadsheet yet.

Every save is written here first (one small JSON file per save, written to a temporary name,
flushed to disk and renamed), then applied to the spreadsheet; the file is removed only after the
spreadsheet holds the change. If the spreadsheet cannot be written (Excel holds the workbook, no
network, quota), the file stays, reads include it, and the next attempt applies it. Applying is
idempotent — an append whose ID is already in the sheet, or an update whose new `updated_at` is
already in the row, is skipped — so a crash between "written" and "removed" never applies a save
twice. Shared by both backends.

A save's change-history rows (`utils.history`) travel in the same file as the save itself
(`PendingOp.history`): the backend writes them to the `changes` tab in the same write as the
record (local workbook) or right after it, before the file is removed (Google Sheets), and skips
a history row whose `change_id` is already in the tab — so a save and its history land together,
once. A file's layout:

    {"kind": "update", "tab": "complaints", "record_id": "TS-…", "values": {…},
     "expected": {…}, "op_id": "3f9c…", "history": [{"change_id": "BG-…-1", "at": {"$dt": …},
     "by": "王芳", "tab": "complaints", "record_id": "TS-…", "field": "status", "old": "已受理",
     "new": "处理中", "kind": "update"}, …], …}

A bulk load's file is a list of appends; the first carries the batch's one summary row, which
is written once the whole file is settled, whatever became of each record in it (`is_batch`).
A download or report register (`Store.record_export`) is a file holding one op of kind
"history" alone (tab "changes", no record to write).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
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
    kind: str  # "append", "update", or "history" (change-history rows alone)
    tab: str
    record_id: str
    values: dict  # append: the whole record; update: the changed fields (with stamps)
    expected_updated_at: dt.datetime | None = None  # update: the row's stamp when saved
    # update: the fields it writes as the person saw them (the cells must still hold these)
    expected: dict | None = None
    op_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: float = field(default_factory=time.time)
    error: str = ""  # why it could not be applied the last time, for people to read
    # the change-history rows of this save (`utils.history`), written with it, once
    history: list[dict] = field(default_factory=list)

    @property
    def created_text(self) -> str:
        return dt.datetime.fromtimestamp(self.created).strftime("%Y-%m-%d %H:%M")

    def to_json(self) -> str:
        # a shallow copy (not `asdict`, which deep-copies every value: bulk loads write tens
        # of thousands of these): the nested values are encoded into new dicts just below
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["values"] = {k: _encode(v) for k, v in self.values.items()}
        data["expected_updated_at"] = _encode(self.expected_updated_at)
        if self.expected is not None:
            data["expected"] = {k: _encode(v) for k, v in self.expected.items()}
        data["history"] = [{k: _encode(v) for k, v in row.items()} for row in self.history]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PendingOp:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data: dict) -> PendingOp:
        data = dict(data)
        data["values"] = {k: _decode(v) for k, v in data["values"].items()}
        data["expected_updated_at"] = _decode(data.get("expected_updated_at"))
        if data.get("expected") is not None:
            data["expected"] = {k: _decode(v) for k, v in data["expected"].items()}
        data["history"] = [
            {k: _decode(v) for k, v in row.items()} for row in data.get("history") or []
        ]
        return cls(**data)


def is_batch(path: Path) -> bool:
    """A bulk load's file (many appends, written and removed as one)."""
    return path.name.endswith("-batch.json")


def _load(text: str) -> list[PendingOp]:
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


MEMORY = Path("<memory>")  # where saves live that no folder would take


def default_fallback(folder: Path) -> Path:
    """Where saves go when the queue's own folder cannot be written: a folder of this user's
    own, one per queue."""
    digest = hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest()[:12]
    return Path.home() / ".sheetdesk" / "pending" / f"{folder.name}-{digest}"


@dataclass(frozen=True)
class Degraded:
    """Saves are not kept in the queue's folder: `where` is "fallback" (then `folder` says
    which) or "memory" (lost if the app is closed before they are written); `reason` why."""

    where: str
    folder: str
    reason: str


class PendingQueue:
    """A folder of pending saves, oldest first. `conflicts/` holds saves that could not be
    applied (the row changed in the spreadsheet meanwhile, or the save itself could not be
    written); people decide about those. `damaged/` holds save files that cannot be read back.

    When the folder cannot be written (read-only, disk full), saves go to a fallback folder of
    the user's own and, failing that, stay in memory; `degraded` says so, for people."""

    def __init__(
        self, folder: str | os.PathLike, fallback: str | os.PathLike | None = None
    ) -> None:
        self.folder = Path(folder)
        self.fallback = Path(fallback) if fallback is not None else default_fallback(self.folder)
        self._memory: dict[str, str] = {}  # "sub/name" → file text
        self._lock = threading.Lock()
        self.degraded: Degraded | None = None

    # --- where the files are ---
    def _files(self, sub: str = "") -> list[Path]:
        found = []
        for base in (self.folder, self.fallback):
            where = base / sub if sub else base
            if where.is_dir():
                found += [p for p in where.iterdir() if p.suffix == ".json"]
        memory = [MEMORY / key for key in list(self._memory) if Path(key).parent == Path(sub)]
        return sorted(found + memory, key=lambda p: p.name)

    def _read(self, path: Path) -> str:
        if path.parts[0] == MEMORY.name:
            return self._memory[str(path.relative_to(MEMORY))]
        return path.read_text(encoding="utf-8")

    def _write(self, name: str, text: str, sub: str = "") -> None:
        """Durably, in the folder; else in the fallback folder; else in memory."""
        reasons = []
        for base in (self.folder, self.fallback):
            try:
                (base / sub).mkdir(parents=True, exist_ok=True)
                _write_durably(base / sub / name, text)
            except OSError as exc:
                reasons.append(f"{base}: {exc.strerror or exc}")
                continue
            if base == self.fallback:
                self.degraded = Degraded("fallback", str(base), reasons[0])
            elif self.degraded is not None and not self._memory and not self._fallback_used():
                self.degraded = None
            return
        with self._lock:
            self._memory[str(Path(sub) / name)] = text
        self.degraded = Degraded("memory", "", "; ".join(reasons))

    def _fallback_used(self) -> bool:
        return self.fallback.is_dir() and any(self.fallback.glob("*.json"))

    def put(self, op: PendingOp) -> None:
        self._write(f"{int(op.created * 1e6):020d}-{op.op_id}.json", op.to_json())

    def put_many(self, ops: list[PendingOp]) -> None:
        """Many appends as one file (bulk loads): written, and later removed, as one."""
        if not ops:
            return
        name = f"{int(ops[0].created * 1e6):020d}-{ops[0].op_id}-batch.json"
        self._write(name, "[" + ",".join(op.to_json() for op in ops) + "]")

    def __iter__(self) -> Iterator[tuple[Path, PendingOp]]:
        for path in self._files():
            try:
                ops = _load(self._read(path))
            except (OSError, KeyError):
                continue  # unreadable just now (another process is replacing it): next time
            except (ValueError, TypeError) as err:
                self._set_damaged_aside(path, err)
                continue
            for op in ops:
                yield path, op

    def _set_damaged_aside(self, path: Path, err: Exception) -> None:
        """A save file that cannot be understood (cut short, edited by hand, bit flips): moved
        to `damaged/` so it is neither applied nor counted as waiting forever; Data health
        lists it with what can still be read of it."""
        if path.parts[0] == MEMORY.name:
            return  # written by this process: never damaged
        (path.parent / "damaged").mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, path.parent / "damaged" / path.name)
        except FileNotFoundError:
            return  # another process moved or applied it meanwhile
        note = path.parent / "damaged" / (path.name + ".reason")
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
        if path.parts[0] == MEMORY.name:
            with self._lock:
                self._memory.pop(str(path.relative_to(MEMORY)), None)
            if not self._memory and self.degraded is not None and self.degraded.where == "memory":
                self.degraded = None
            return
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    def _rewrite(self, path: Path, text: str) -> None:
        if path.parts[0] == MEMORY.name:
            with self._lock:
                self._memory[str(path.relative_to(MEMORY))] = text
            return
        try:
            _write_durably(path, text)
        except OSError:
            return  # only a note about the save: the save itself is unchanged

    def set_error(self, path: Path, op: PendingOp, error: str) -> None:
        """Note why a save is still waiting. A bulk file is rewritten whole: every save in it
        gets the note (it is written, or not, as one)."""
        op.error = error
        if path.name.endswith("-batch.json"):
            try:
                items = json.loads(self._read(path))
            except (OSError, KeyError, ValueError):
                return
            ops = [PendingOp.from_dict({**item, "error": error}) for item in items]
            self._rewrite(path, "[" + ",".join(o.to_json() for o in ops) + "]")
            return
        self._rewrite(path, op.to_json())

    def to_conflicts(self, path: Path, op: PendingOp, error: str) -> None:
        """Set one save aside, with why: it is not applied again until people decide."""
        op.error = error
        name = (
            path.name if not path.name.endswith("-batch.json") else f"{path.stem}-{op.op_id}.json"
        )
        self._write(name, op.to_json(), sub="conflicts")
        if path.name.endswith("-batch.json"):
            self._drop_from_batch(path, op)
        else:
            self.done(path)

    def _drop_from_batch(self, path: Path, op: PendingOp) -> None:
        try:
            items = json.loads(self._read(path))
        except (OSError, KeyError, ValueError):
            return
        rest = [item for item in items if item.get("op_id") != op.op_id]
        if rest:
            self._rewrite(path, json.dumps(rest, ensure_ascii=False))
        else:
            self.done(path)

    def conflicts(self) -> list[PendingOp]:
        out = []
        for path in self._files("conflicts"):
            try:
                out.append(PendingOp.from_json(self._read(path)))
            except (OSError, KeyError, ValueError, TypeError):
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
