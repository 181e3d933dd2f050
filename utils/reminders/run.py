"""One reminder run: read the store, decide what is due, escalate where configured, address,
send through every channel, record, summarise. What `python -m utils.cli remind` calls.

    report = run(store, setup, now=clock.now())          # setup = config.load(secrets)
    print("\\n".join(report.lines(lang)))
    sys.exit(report.exit_code)                           # 0 delivered, 1 some sends failed

- Any store (local workbook or Google Sheet), passed in: this module imports none.
- The run holds the ledger's lock throughout (`utils.reminders.ledger`): a second run started
  meanwhile waits `lock_wait` seconds, then returns a report with `busy` set (exit 0).
- Sending goes through `utils.notify.Dispatcher`: each channel on its own, a dead one never
  blocks the others, retries and rate limits are the dispatcher's; nothing here raises for a
  channel's failure. A channel that failed or deferred is tried again on the next run.
- Auto-escalation (`auto_escalate = true`): before its first message, an escalation moves the
  case one level up through `store.update(..., seen=<the record as read>)` with a progress-log
  line by "Sheetdesk" saying why. A `ConflictError` means someone acted on the case meanwhile:
  it is left alone this run (the next run decides again on what they did).
- `dry_run`: decides, addresses and returns the messages it would send (`report.preview`);
  nothing is sent, escalated or recorded, and no lock is taken.

The report never holds a secret: channel names and redacted details only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from utils import clock
from utils import progress_log as plog
from utils.errors import ConflictError, SheetdeskError
from utils.i18n import normalise_lang, t
from utils.notify import DEFERRED, FAILED, Dispatcher, address
from utils.reminders.config import Setup
from utils.reminders.due import (
    DIGEST_KINDS,
    ESCALATE,
    KINDS,
    STICKY,
    Reminder,
    decide,
    still_due,
)
from utils.reminders.ledger import DONE, Busy, Ledger, entry, state_folder
from utils.reminders.messages import Outgoing, compose
from utils.reminders.status import last_run_at, write_last_run
from utils.settings import load_settings
from utils.workflow import level_of, next_level

ACTOR = "Sheetdesk"  # who the progress log says escalated a case automatically
NO_CHANNEL = "-"  # a dry run with no channel configured still shows its messages


@dataclass
class RunReport:
    """What a run did (or, dry, would do)."""

    at: dt.datetime
    dry_run: bool = False
    busy: bool = False
    folder: str = ""
    reminders: Counter = field(default_factory=Counter)  # kind → reminders carried
    preview: list[Outgoing] = field(default_factory=list)  # the messages (dry run: unsent)
    messages: int = 0
    channels: dict[str, Counter] = field(default_factory=dict)  # channel → status → messages
    failures: list[dict] = field(default_factory=list)  # {channel, reason, detail, result, count}
    escalated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    escalation_errors: list[tuple[str, SheetdeskError]] = field(default_factory=list)
    unknown_people: set[str] = field(default_factory=set)
    bad_lines: int = 0
    error: str = ""

    @property
    def failed(self) -> int:
        return sum(c.get(FAILED, 0) for c in self.channels.values())

    @property
    def deferred(self) -> int:
        return sum(c.get(DEFERRED, 0) for c in self.channels.values())

    @property
    def exit_code(self) -> int:
        """0: everything went out (or waits for a rate limit) · 1: some sends failed."""
        return 1 if self.failed else 0

    def status(
        self, finished_at: dt.datetime | None = None, decided_at: dt.datetime | None = None
    ) -> dict:
        """The summary kept in `last_run.json` (see `utils.reminders.status`). `decided_at`:
        the moment up to which reminders were decided (this run's, unless it failed)."""
        return {
            "at": self.at.isoformat(),
            "decided_at": (decided_at or self.at).isoformat(),
            "finished_at": (finished_at or clock.now()).isoformat(),
            "exit": self.exit_code if not self.error else 2,
            "reminders": dict(self.reminders),
            "messages": self.messages,
            "channels": {name: dict(c) for name, c in self.channels.items()},
            "failing": [
                {"channel": f["channel"], "reason": f["reason"], "detail": f["detail"]}
                for f in self.failures
            ],
            "deferred": self.deferred,
            "escalated": list(self.escalated),
            "conflicts": list(self.conflicts),
            "escalation_errors": [[cid, err.message("en")] for cid, err in self.escalation_errors],
            "unknown_people": sorted(self.unknown_people),
            "error": self.error,
        }

    # ---- what the command line prints ----
    def lines(self, lang: str = "en") -> list[str]:
        if self.busy:
            return [t("reminders.run.busy", lang, folder=self.folder)]
        out = []
        if self.dry_run:
            out += self.preview_lines(lang)
        total = sum(self.reminders.values())
        if not total:
            out.append(t("reminders.run.nothing", lang))
        else:
            key = "reminders.run.would" if self.dry_run else "reminders.run.done"
            out.append(t(key, lang, reminders=total, messages=self.messages))
            kinds = [
                t("reminders.run.kind_count", lang, kind=t(f"reminders.kind.{k}", lang), n=n)
                for k, n in sorted(self.reminders.items(), key=lambda kv: KINDS.index(kv[0]))
            ]
            out.append("  " + t("reminders.list_sep", lang).join(kinds))
        for name, counts in self.channels.items():
            parts = [
                t(f"reminders.run.status.{status}", lang, n=n)
                for status, n in sorted(counts.items())
                if n
            ]
            out.append(f"  {name}: " + t("reminders.list_sep", lang).join(parts))
        for failure in self.failures:
            times = f" ×{failure['count']}" if failure["count"] > 1 else ""
            out.append(f"  ✗ {failure['result'].message(lang)}{times}")
        if self.deferred:
            out.append(t("reminders.run.deferred", lang, n=self.deferred))
        if self.failed:
            out.append(t("reminders.run.failed", lang, n=self.failed))
        sep = t("reminders.list_sep", lang)
        if self.escalated:
            key = "reminders.run.would_escalate" if self.dry_run else "reminders.run.escalated"
            out.append(t(key, lang, ids=sep.join(self.escalated)))
        if self.conflicts:
            out.append(t("reminders.run.conflicts", lang, ids=sep.join(self.conflicts)))
        for cid, err in self.escalation_errors:
            detail = err.message(lang)
            out.append(t("reminders.run.escalation_error", lang, id=cid, detail=detail))
        if self.unknown_people:
            names = sep.join(sorted(self.unknown_people))
            out.append(t("reminders.run.unknown_people", lang, names=names))
        if self.bad_lines:
            out.append(t("reminders.run.bad_lines", lang, n=self.bad_lines))
        return out

    def preview_lines(self, lang: str) -> list[str]:
        out = []
        for outgoing in self.preview:
            message = outgoing.message
            out.append(
                t(
                    "reminders.run.preview_head",
                    lang,
                    channels=", ".join(outgoing.channels),
                    to=t("reminders.list_sep", lang).join(message.to_people),
                )
            )
            out.append(f"  {message.title}")
            out += [f"  {line}" for line in message.body.split("\n") if line]
            if message.safe_link:
                out.append(f"  {message.link_label}: {message.safe_link}")
            out.append("")
        return out


# ---- auto-escalation ------------------------------------------------------------------------


def escalate_case(
    store: Any,
    seen: Mapping[str, Any] | None,
    item: Reminder,
    now: dt.datetime,
    log_lang: str,
) -> str:
    """Move the case one level up as the reminder says, with a progress-log line by
    "Sheetdesk". Returns "escalated" or "conflict" (someone acted meanwhile: the record
    changed or is gone); raises `SheetdeskError` when the save is refused otherwise."""
    if seen is None:
        return "conflict"
    seen = {k: v for k, v in seen.items() if k != "_row"}
    target = item.facts.get("target", "")
    if level_of(seen) != item.facts.get("level") or next_level(level_of(seen)) != target:
        return "conflict"
    reason = t(
        "reminders.log.auto_escalate",
        log_lang,
        hours=f"{float(item.facts.get('limit', 0)):g}",
        due=str(item.facts.get("due", "")).replace("T", " "),
    )
    line = plog.line(now, ACTOR, "auto_escalate", reason, target=target, lang=log_lang)
    changes = {"level": target, "progress_log": plog.append(seen.get("progress_log"), line)}
    try:
        store.update("complaints", item.complaint_id, changes, seen=seen, user=ACTOR)
    except ConflictError:
        return "conflict"
    return "escalated"


# ---- the run ----------------------------------------------------------------------------------


def run(
    store: Any,
    setup: Setup,
    *,
    now: dt.datetime | None = None,
    lang: str | None = None,
    dry_run: bool = False,
    dispatcher: Dispatcher | None = None,
    lock_wait: float = 10.0,
    finished: Callable[[], dt.datetime] = clock.now,
) -> RunReport:
    """One run (see the module's docstring). Raises `SheetdeskError` only when the store
    cannot be read; a real run records that in `last_run.json` first."""
    now = (now or clock.now()).replace(microsecond=0)
    lang = normalise_lang(lang or setup.reminders.language)
    folder = state_folder(store)
    ledger = Ledger(folder)
    report = RunReport(at=now, dry_run=dry_run, folder=str(folder))
    if dry_run:
        _run(store, setup, ledger, report, now, lang, dispatcher)
        return report
    try:
        with ledger.locked(lock_wait):
            try:
                _run(store, setup, ledger, report, now, lang, dispatcher)
            except SheetdeskError as err:
                # the next run decides again from the last moment that was decided
                report.error = err.message("en")
                before = last_run_at(folder)
                write_last_run(folder, report.status(finished(), decided_at=before or now))
                raise
            write_last_run(folder, report.status(finished()))
    except Busy:
        report.busy = True
    return report


def _run(
    store: Any,
    setup: Setup,
    ledger: Ledger,
    report: RunReport,
    now: dt.datetime,
    lang: str,
    dispatcher: Dispatcher | None,
) -> None:
    config, settings = setup.reminders, setup.settings
    channels = [c.name for c in setup.notify.channels]
    ledger.load()
    report.bad_lines = ledger.bad_lines
    if not report.dry_run:  # by the clock, not `now`: a run "as if" later forgets nothing
        ledger.compact(min(now, clock.now()))
    since = last_run_at(ledger.folder)
    if since is None or since > now:
        since = now - dt.timedelta(days=1)

    snapshot = store.read()
    frames = snapshot.frames
    if len(snapshot.settings):  # the settings tab, under the secrets and the environment
        overrides = dict(setup.secrets.get("sheetdesk") or {})
        overrides = {k: v for k, v in overrides.items() if k not in ("reminders", "notify")}
        settings = load_settings(overrides, snapshot.settings)
    items = {
        item.key: item
        for item in decide(frames, settings, now, config, since=since, known=ledger.known())
    }
    today = now.date().isoformat()
    for data in ledger.unfinished(channels):  # failed or deferred last time: again
        try:
            item = Reminder.from_dict(data)
        except (KeyError, TypeError, ValueError):
            continue
        kept = items.get(item.key)
        if kept is not None:
            if item.facts.get("auto"):  # the case was raised already: say so again
                items[item.key] = kept.with_facts(auto=True)
            continue
        sticky = item.kind in STICKY and still_due(item, frames["complaints"])
        if sticky or (item.kind in DIGEST_KINDS and item.facts.get("date") == today):
            items[item.key] = item

    planned: list[tuple[Reminder, tuple[str, ...]]] = []
    for item in items.values():
        pending = tuple(ledger.state(item.key).pending(channels))
        if not channels and report.dry_run:
            pending = (NO_CHANNEL,)
        if pending:
            planned.append((item, pending))

    if config.auto_escalate:
        # the log line is written in the sheet's language (the messages: the team's)
        log_lang = store.sheet_lang() if hasattr(store, "sheet_lang") else config.language
        planned = _auto_escalate(store, snapshot, ledger, report, planned, now, log_lang)

    outgoing = compose(planned, lang, config)
    people = setup.notify.people
    for out in outgoing:
        out.message = address(out.message, people, on_unknown=report.unknown_people.add)
    report.preview = outgoing
    report.messages = len(outgoing)
    report.reminders = Counter(i.kind for out in outgoing for i in out.items)
    if report.dry_run:
        return
    dispatcher = dispatcher or Dispatcher(setup.notify.channels)
    failures: dict[tuple, dict] = {}
    for out in outgoing:
        results = dispatcher.send(out.message, only=out.channels)
        statuses = {name: r.status for name, r in results.items()}
        reasons = {name: r.detail or r.reason for name, r in results.items() if not r.ok}
        for name, result in results.items():
            report.channels.setdefault(name, Counter())[result.status] += 1
            if result.status == FAILED:
                key = (name, result.reason, result.detail)
                if key in failures:
                    failures[key]["count"] += 1
                else:
                    failures[key] = {
                        "channel": name,
                        "reason": result.reason,
                        "detail": result.detail,
                        "result": result,
                        "count": 1,
                    }
        owed = any(s not in DONE for s in statuses.values())
        ledger.record(
            entry(
                i.key,
                i.kind,
                now,
                statuses,
                item=i.to_dict() if owed and (i.kind in STICKY or i.kind in DIGEST_KINDS) else None,
                reasons=reasons,
            )
            for i in out.items
        )
    report.failures = list(failures.values())


def _auto_escalate(
    store: Any,
    snapshot: Any,
    ledger: Ledger,
    report: RunReport,
    planned: list[tuple[Reminder, tuple[str, ...]]],
    now: dt.datetime,
    log_lang: str,
) -> list[tuple[Reminder, tuple[str, ...]]]:
    """Escalate the cases of escalation reminders the ledger has never seen; the reminder
    then says the system did it. A conflict drops the reminder for this run."""
    out = []
    for item, pending in planned:
        fresh = item.kind == ESCALATE and item.key not in ledger.states
        if not fresh or item.facts.get("auto"):
            out.append((item, pending))
            continue
        if report.dry_run:
            report.escalated.append(item.complaint_id)
            out.append((item.with_facts(auto=True), pending))
            continue
        seen = snapshot.record("complaints", item.complaint_id)
        try:
            outcome = escalate_case(store, seen, item, now, log_lang)
        except SheetdeskError as err:  # refused: tell the level above anyway, unescalated
            report.escalation_errors.append((item.complaint_id, err))
            out.append((item, pending))
            continue
        if outcome == "conflict":
            report.conflicts.append(item.complaint_id)
            continue
        item = item.with_facts(auto=True)
        report.escalated.append(item.complaint_id)
        # recorded before sending: a run that dies now still sends the news next time
        target = item.facts["target"]
        ledger.record([entry(item.key, item.kind, now, {}, item=item.to_dict(), escalated=target)])
        out.append((item, pending))
    return out
