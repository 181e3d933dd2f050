"""Reminders written as messages, in the team's language: short, one line per case with its ID,
the client (contact details masked, see `utils.reminders.due`), what is due, and a link to the
record's page when `app_url` is configured. Pure: no streamlit, no store.

Case reminders for the same people and the same channels are put into one message (a person
with three overdue cases gets one message listing three, not three messages; the several
reasons of one case share its line), cut into parts that every service takes whole: a body of
at most `BODY_BUDGET` UTF-8 bytes fits WeCom's 2,048-byte text messages with the heading,
link and @-mentions around it, so no case is ever cut off by a channel's truncation. Each
digest is a message of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_schema import choices as ch
from utils.i18n import t
from utils.notify import Message
from utils.reminders.config import ReminderConfig
from utils.reminders.due import ESCALATE, MANAGER, REVISITS, Reminder

BODY_BUDGET = 1400  # bytes of body per message (see the module's docstring)
NAME_SEP = {"zh": "、", "en": ", "}


@dataclass
class Outgoing:
    """One message to send, the reminders it carries and the channels it goes through."""

    message: Message
    items: list[Reminder]
    channels: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.items]


def _names(names: Sequence[str], lang: str) -> str:
    return NAME_SEP[lang].join(names)


def _moment(iso: str) -> str:
    """`2026-11-23T10:00` → `11-23 10:00` (blank stays blank)."""
    return iso[5:16].replace("T", " ") if iso else ""


def _span(hours: float, lang: str) -> str:
    """Working time: hours under a day, else days with one decimal."""
    hours = float(hours or 0)
    if hours < 24:
        return t("reminders.span.hours", lang, n=f"{hours:g}")
    return t("reminders.span.days", lang, n=f"{round(hours / 24, 1):g}")


def _client(facts: Mapping[str, Any], lang: str) -> str:
    name, phone = facts.get("client") or "", facts.get("phone") or ""
    if name and phone:
        return t("reminders.client", lang, name=name, phone=phone)
    return name or phone


def reason(item: Reminder, lang: str) -> str:
    """What is due, for one reminder about a case."""
    f = item.facts
    due = _moment(f.get("due", ""))
    if item.kind == "assigned":
        by = f.get("by") or ""
        return t("reminders.reason.assigned_by" if by else "reminders.reason.assigned", lang, by=by)
    if item.kind == "due_soon":
        return t("reminders.reason.due_soon", lang, hours=f"{f.get('hours', 0):g}", due=due)
    if item.kind == "overdue":
        return t("reminders.reason.overdue", lang, span=_span(f.get("hours", 0), lang), due=due)
    if item.kind == "not_started":
        return t("reminders.reason.not_started", lang, days=f"{f.get('days', 1):g}")
    level = ch.LEVEL.label(f.get("level", ""), lang)
    target = ch.LEVEL.label(f.get("target", ""), lang)
    owner = f.get("handler") or f.get("first_receiver") or "?"
    key = "reminders.reason.escalated" if f.get("auto") else "reminders.reason.escalate"
    return t(
        key,
        lang,
        span=_span(f.get("hours", 0), lang),
        due=due,
        owner=owner,
        level=level,
        target=target,
    )


def case_lines(items: Sequence[Reminder], lang: str, config: ReminderConfig, links: bool) -> str:
    """The lines of one case: its ID, client, severity if not normal, every reason; then its
    link on a line of its own (when `links`)."""
    first = items[0]
    severity = first.facts.get("severity") or "normal"
    tag = "" if severity == "normal" else f"[{ch.SEVERITY.label(severity, lang)}] "
    client = _client(first.facts, lang)
    reasons = t("reminders.reason_sep", lang).join(reason(i, lang) for i in items)
    head = f"- {tag}{first.complaint_id}"
    line = t("reminders.case_line", lang, head=head, client=client, reasons=reasons)
    if not client:
        line = t("reminders.case_line_bare", lang, head=head, reasons=reasons)
    link = config.link("complaints", id=first.complaint_id) if links else None
    return f"{line}\n  {link}" if link else line


def _key(items: Sequence[Reminder]) -> str:
    if len(items) == 1:
        return items[0].key
    digest = hashlib.sha1("\n".join(sorted(i.key for i in items)).encode("utf-8")).hexdigest()
    return f"bundle:{digest[:16]}"


def _chunks(blocks: list[tuple[list[Reminder], str]]) -> list[list[tuple[list[Reminder], str]]]:
    """Blocks (one per case) grouped so that each group's text stays within BODY_BUDGET."""
    out: list[list[tuple[list[Reminder], str]]] = [[]]
    size = 0
    for block in blocks:
        n = len(block[1].encode("utf-8")) + 1
        if out[-1] and size + n > BODY_BUDGET:
            out.append([])
            size = 0
        out[-1].append(block)
        size += n
    return out


def case_messages(
    to: tuple[str, ...],
    items: Sequence[Reminder],
    channels: tuple[str, ...],
    lang: str,
    config: ReminderConfig,
) -> list[Outgoing]:
    """The message(s) carrying case reminders for the people `to`."""
    by_case: dict[str, list[Reminder]] = {}
    for item in items:
        by_case.setdefault(item.complaint_id, []).append(item)
    single = len(by_case) == 1
    blocks = [
        (group, case_lines(group, lang, config, links=not single)) for group in by_case.values()
    ]
    parts = _chunks(blocks)
    escalation = all(i.kind == ESCALATE for i in items)
    title_key = "reminders.title.escalate" if escalation else "reminders.title.cases"
    out = []
    for n, part in enumerate(parts, start=1):
        carried = [i for group, _ in part for i in group]
        cases = len(part)
        title = t(title_key, lang, names=_names(to, lang), n=cases)
        if len(parts) > 1:
            title += t("reminders.title.part", lang, part=n, parts=len(parts))
        first_id = part[0][0][0].complaint_id
        link = config.link("complaints", id=first_id) if cases == 1 else config.link("complaints")
        message = Message(
            title=title,
            body="\n".join(text for _, text in part),
            key=_key(carried),
            link=link,
            lang=lang,
            to_people=to,
        )
        out.append(Outgoing(message, carried, channels))
    return out


def revisits_message(item: Reminder, channels: tuple[str, ...], lang: str, config) -> Outgoing:
    f = item.facts
    name = item.to[0] if item.to else ""
    lines = []
    if f.get("followups"):
        lines.append(t("reminders.revisits.followups", lang, n=f["followups"]))
        for line in f.get("followup_lines", []):
            client = _client(line, lang)
            lines.append(
                t(
                    "reminders.revisits.followup_line",
                    lang,
                    id=line.get("complaint_id", ""),
                    client=client,
                    attempt=line.get("attempt", 1),
                )
            )
        more = f["followups"] - len(f.get("followup_lines", []))
        if more > 0:
            lines.append(t("reminders.revisits.more", lang, n=more))
    if f.get("routine"):
        lines.append(
            t(
                "reminders.revisits.routine",
                lang,
                n=f["routine"],
                late=f.get("routine_late", 0),
                week_end=f.get("week_end", "")[5:],
            )
        )
        for line in f.get("routine_lines", []):
            late = "routine_late" if line.get("late") else "routine_line"
            client = _client(line, lang) or line.get("client_id", "")
            due = str(line.get("due_on", ""))[5:]
            lines.append(t(f"reminders.revisits.{late}", lang, client=client, due=due))
        more = f["routine"] - len(f.get("routine_lines", []))
        if more > 0:
            lines.append(t("reminders.revisits.more", lang, n=more))
    title = t(
        "reminders.title.revisits",
        lang,
        name=name,
        followups=f.get("followups", 0),
        routine=f.get("routine", 0),
    )
    message = Message(
        title=title,
        body="\n".join(lines),
        key=item.key,
        link=config.link("revisits"),
        lang=lang,
        to_people=item.to,
    )
    return Outgoing(message, [item], channels)


def _share(value: Any) -> str:
    return "—" if value is None else f"{round(float(value) * 100):d}%"


def manager_message(item: Reminder, channels: tuple[str, ...], lang: str, config) -> Outgoing:
    f = item.facts
    body = t(
        "reminders.manager.body",
        lang,
        since=_moment(f.get("since", "")),
        new=f.get("new", 0),
        resolved=f.get("resolved", 0),
        reopened=f.get("reopened", 0),
        overdue=f.get("overdue", 0),
        open=f.get("open", 0),
        revisits=f.get("revisits", 0),
        reached=f.get("reached", 0),
        satisfied=_share(f.get("satisfied")),
        score="—" if f.get("score") is None else f"{f['score']:g}",
    )
    title = t("reminders.title.manager", lang, date=f.get("date", ""))
    message = Message(
        title=title,
        body=body,
        key=item.key,
        link=config.link("dashboard"),
        lang=lang,
        to_people=item.to,
    )
    return Outgoing(message, [item], channels)


def compose(
    planned: Sequence[tuple[Reminder, tuple[str, ...]]], lang: str, config: ReminderConfig
) -> list[Outgoing]:
    """Messages for reminders, each with the channels it still has to go through: case
    reminders bundled per (people, channels, escalation or not), digests one each."""
    out: list[Outgoing] = []
    groups: dict[tuple, list[Reminder]] = {}
    for item, channels in planned:
        if not channels:
            continue
        if item.kind == REVISITS:
            out.append(revisits_message(item, channels, lang, config))
        elif item.kind == MANAGER:
            out.append(manager_message(item, channels, lang, config))
        else:
            groups.setdefault((item.kind == ESCALATE, item.to, channels), []).append(item)
    cases = []
    for (_, to, channels), items in groups.items():
        cases += case_messages(to, items, channels, lang, config)
    return cases + out
