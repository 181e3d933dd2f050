"""The complaint's progress log (处理记录): one line per action, written by the app in the
workbook's language, read back in either language (and as older versions wrote it).

    2026-11-23 10:05 王芳 escalate→department: the client asked for the manager
    2026-11-23 10:05 王芳 升级→部门负责人：客户要求找经理
    2026-11-23 10:05 「Mary Ann」 assign→「Li Na」: …

A name with a space, a colon or an arrow in it is written in 「」 so the columns stay apart.
People may add lines by hand in any form: a line that does not read as the app's is kept whole
as its detail. Pure: no streamlit, no store.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sheets_schema import choices as ch
from sheets_schema.parse import CellError, parse_choice

# action code → its word in the sheet, per language
VERBS: dict[str, dict[str, str]] = {
    "receive": {"en": "receive", "zh": "受理"},
    "assign": {"en": "assign", "zh": "指派"},
    "escalate": {"en": "escalate", "zh": "升级"},
    "progress": {"en": "progress", "zh": "处理进展"},
    "resolve": {"en": "resolve", "zh": "解决"},
    "feedback": {"en": "feedback", "zh": "反馈客户"},
    "close": {"en": "close", "zh": "结案"},
    "reopen": {"en": "reopen", "zh": "重新打开"},
    "edit": {"en": "edit", "zh": "修改"},
    "unreachable": {"en": "unreachable", "zh": "联系不上"},
    "revisit": {"en": "revisit", "zh": "回访"},
    "deadline": {"en": "deadline", "zh": "修改时限"},
    "handover": {"en": "handover", "zh": "移交"},
    "auto_escalate": {"en": "auto-escalate", "zh": "系统升级"},
}
_CODE_OF = {word: code for code, words in VERBS.items() for word in words.values()}
_QUOTE = re.compile(r"[\s:：→「」]")
_SEPARATOR = {"en": ": ", "zh": "："}
_NAME = r"(?:「[^」]*」|[^\s「」]+?)"
_LINE = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2})\s+"
    rf"({_NAME})\s+"
    rf"({'|'.join(sorted(map(re.escape, _CODE_OF), key=len, reverse=True))})"
    r"(?:→(「[^」]*」|[^\s:：]+))?"
    r"(?:\s*[:：]\s?(.*))?\s*$"
)


@dataclass(frozen=True)
class Entry:
    at: dt.datetime | None  # None for a line typed by hand in another form
    by: str
    action: str  # an action code (VERBS), "" for a hand-typed line
    target: str  # escalate: a level code; assign / handover: a name
    detail: str


def _name(text: str) -> str:
    text = " ".join(str(text or "").split()).replace("「", "").replace("」", "")
    return f"「{text}」" if _QUOTE.search(text) else text or "?"


def _unquote(text: str) -> str:
    return text[1:-1] if text.startswith("「") and text.endswith("」") else text


def line(
    now: dt.datetime,
    actor: str,
    action: str,
    detail: str = "",
    *,
    target: str = "",
    lang: str = "en",
) -> str:
    """One line of the log, in `lang`: newlines in the detail folded into spaces; an escalation
    target (a level code) written as that level's label in a Chinese sheet."""
    verb = VERBS[action][lang if lang in ("en", "zh") else "en"]
    if target:
        shown = ch.LEVEL.label(target, "zh") if action == "escalate" and lang == "zh" else target
        verb = f"{verb}→{_name(shown)}"
    text = f"{now:%Y-%m-%d %H:%M} {_name(actor)} {verb}"
    detail = " ".join(str(detail or "").split())
    return f"{text}{_SEPARATOR.get(lang, ': ')}{detail}" if detail else text


def append(progress_log: object, new_line: str) -> str:
    """The log with `new_line` added at the end; existing (also hand-typed) lines are kept."""
    existing = str(progress_log).rstrip() if progress_log and str(progress_log).strip() else ""
    return f"{existing}\n{new_line}" if existing else new_line


def parse(progress_log: object) -> list[Entry]:
    """The log's lines in the order written. A line the app wrote, in either language, is
    split into its parts; any other line is kept whole as a detail."""
    out = []
    text = "" if progress_log is None else str(progress_log)
    for raw in text.splitlines():
        if not raw.strip():
            continue
        m = _LINE.match(raw)
        if m is None:
            out.append(Entry(None, "", "", "", raw.strip()))
            continue
        at = _moment(m.group(1))
        action = _CODE_OF[m.group(3)]
        target = _unquote(m.group(4) or "")
        if action == "escalate" and target:
            target = _level(target)
        out.append(Entry(at, _unquote(m.group(2)), action, target, (m.group(5) or "").strip()))
    return out


def _level(text: str) -> str:
    try:
        return parse_choice(text, ch.LEVEL) or text
    except CellError:
        return text


def _moment(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(" ".join(text.replace("T", " ").split()), "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def translate(progress_log: object, lang: str) -> str:
    """The log with every line the app wrote re-written in `lang` (verbs, escalation levels,
    separators); hand-typed lines stay as they are. Idempotent."""
    lines = []
    text = "" if progress_log is None else str(progress_log)
    for raw in text.splitlines():
        m = _LINE.match(raw) if raw.strip() else None
        entry = parse(raw)[0] if m else None
        if entry is None or entry.at is None:
            lines.append(raw)
            continue
        lines.append(
            line(entry.at, entry.by, entry.action, entry.detail, target=entry.target, lang=lang)
        )
    return "\n".join(lines)
