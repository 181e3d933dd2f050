"""The ledger: what was sent, so that the same reminder never goes out twice, and the lock that
lets runs overlap safely.

Where: a folder beside the data — `<workbook>.reminders/` for a local workbook, and beside the
pending-save queue for a Google Sheet (`data/gsheets-<key>.reminders/`, next to
`data/gsheets-<key>.pending/`): `state_folder(store)` finds it for any store. In it:

    sent.jsonl     one JSON object a line: {"key", "kind", "at", "results": {channel: status}}
                   (+ "item", the reminder itself, while some channel still owes it; + "escalated",
                   the level a case was raised to). Append-only; lines older than 60 days are
                   dropped once a day.
    run.lock       held (filelock) for a whole run: read, decide, escalate, send, record.
    last_run.json  the last run's summary, for the Data health and Settings pages (`status.py`).

Why a file beside the data and not a tab in the spreadsheet: a run every few minutes would write
to the shared sheet on every run — while people edit it by hand, and through the same queue
as their saves; on Google every run would cost write requests against the 60-a-minute quota
that the whole team's sessions share; a ledger tab would be hand-edited, sorted or deleted like
any other, and a reminder sent twice or never is worse than a missing row; and a run must be
able to record that it sent something even when the workbook is open in Excel and cannot be
written. A local append-only file is cheap, private to the machine that sends, and written
with fsync after every message, so a run that dies half-way leaves an exact record.

Never twice: a key is sent through a channel until that channel accepted it ("sent") or had
nobody to send it to ("skipped"); a failed or deferred channel is tried again on the next run
— only that channel, so the others do not repeat it. A channel added later does not replay
old reminders: a key that was already tried goes only to channels that still owe it.

Safe to overlap: the lock is taken before reading the ledger and released after the last
record, so two runs (cron firing while a slow run is still sending, two machines sharing the
folder, a person running `remind` by hand) never both send. The second waits a short time,
then gives up and says another run is in progress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

SENT_LOG = "sent.jsonl"
LOCK_FILE = "run.lock"
RETENTION = dt.timedelta(days=60)  # entries older than this are forgotten
DONE = ("sent", "skipped")  # a channel that answered so owes nothing more


class Busy(Exception):
    """Another run holds the lock."""


def state_folder(store: Any) -> Path:
    """The folder of the reminders' ledger and status for a store: `<workbook>.reminders`
    for a local workbook, else beside the store's pending-save queue (Google Sheets:
    `data/gsheets-<key>.reminders`). Duck-typed: no store module is imported."""
    path = getattr(store, "path", None)
    if getattr(store, "kind", "") == "local" and path is not None:
        return Path(f"{path}.reminders")
    queue = Path(store.queue.folder)
    name = queue.name[: -len(".pending")] if queue.name.endswith(".pending") else queue.name
    return queue.parent / f"{name}.reminders"


@dataclass
class KeyState:
    """What the ledger knows of one key."""

    ok: set[str] = field(default_factory=set)  # channels that took it (or had nobody)
    tried: set[str] = field(default_factory=set)  # channels it was sent through
    item: dict | None = None  # the reminder, kept while a channel still owes it
    escalated: str = ""  # the level the case was raised to, if the run did that
    first_at: str = ""

    def pending(self, channels: Sequence[str]) -> list[str]:
        """The configured `channels` that still owe this key. Never tried (or only
        recorded as escalated, not yet sent): all but those done; else only those tried
        and not done."""
        if not self.tried:
            return [c for c in channels if c not in self.ok]
        return [c for c in channels if c in self.tried and c not in self.ok]


def _parse_at(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


class Ledger:
    """The sent log of one state folder (see the module's docstring)."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.path = self.folder / SENT_LOG
        self.states: dict[str, KeyState] = {}
        self.bad_lines = 0
        self.oldest: dt.datetime | None = None
        self.lines = 0

    # ---- the lock ----
    @contextlib.contextmanager
    def locked(self, wait: float = 10.0) -> Iterator[None]:
        """Hold the run lock; raises `Busy` after `wait` seconds if another run holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.folder / LOCK_FILE), timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            raise Busy(str(self.folder)) from None
        try:
            yield
        finally:
            lock.release()

    # ---- reading ----
    def load(self) -> dict[str, KeyState]:
        """Read the whole log into per-key states (a line that cannot be read — a run killed
        mid-write, a hand edit — is skipped and counted in `bad_lines`)."""
        self.states, self.bad_lines, self.oldest, self.lines = {}, 0, None, 0
        try:
            handle = self.path.open(encoding="utf-8")
        except FileNotFoundError:
            return self.states
        with handle:
            for raw in handle:
                if not raw.strip():
                    continue
                try:
                    entry = json.loads(raw)
                    self._merge(entry)
                except (ValueError, TypeError, KeyError, AttributeError):
                    self.bad_lines += 1
        return self.states

    def _merge(self, entry: dict) -> None:
        key = str(entry["key"])
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = KeyState(first_at=str(entry.get("at", "")))
        results = entry.get("results") or {}
        for channel, status in results.items():
            state.tried.add(channel)
            if status in DONE:
                state.ok.add(channel)
        if entry.get("item") is not None:
            state.item = entry["item"]
        if entry.get("escalated"):
            state.escalated = str(entry["escalated"])
        self.lines += 1
        at = _parse_at(entry.get("at"))
        if at is not None and (self.oldest is None or at < self.oldest):
            self.oldest = at

    def known(self) -> set[str]:
        return set(self.states)

    def state(self, key: str) -> KeyState:
        return self.states.get(key) or KeyState()

    def unfinished(self, channels: Sequence[str]) -> list[dict]:
        """The reminders kept in the ledger that some configured channel still owes."""
        return [s.item for s in self.states.values() if s.item is not None and s.pending(channels)]

    # ---- writing ----
    def record(self, entries: Iterable[dict]) -> None:
        """Append entries and make them durable before returning (fsync)."""
        lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries]
        if not lines:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write("".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        for line in lines:
            self._merge(json.loads(line))

    def compact(self, now: dt.datetime) -> int:
        """Drop entries older than the retention period (at most once a day: only when the
        oldest is more than a day past it). Returns how many lines were dropped."""
        cutoff = now - RETENTION
        if self.oldest is None or self.oldest >= cutoff - dt.timedelta(days=1):
            return 0
        kept, dropped = [], 0
        with self.path.open(encoding="utf-8") as handle:
            for raw in handle:
                try:
                    at = _parse_at(json.loads(raw).get("at"))
                except (ValueError, AttributeError):
                    at = None
                if at is not None and at < cutoff:
                    dropped += 1
                else:
                    kept.append(raw if raw.endswith("\n") else raw + "\n")
        tmp = self.path.with_name(f".{SENT_LOG}.tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write("".join(kept))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        self.load()
        return dropped


def entry(
    key: str,
    kind: str,
    at: dt.datetime,
    results: dict[str, str],
    *,
    item: dict | None = None,
    escalated: str = "",
    reasons: dict[str, str] | None = None,
) -> dict:
    """One ledger line. `reasons`: why a channel failed (redacted text), for people reading
    the file."""
    out: dict[str, Any] = {"key": key, "kind": kind, "at": at.isoformat(), "results": results}
    if reasons:
        out["reasons"] = reasons
    if escalated:
        out["escalated"] = escalated
    if item is not None:
        out["item"] = item
    return out
