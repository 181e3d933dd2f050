"""Checks of the seeds' duties over a whole tab, reported like the other data problems: a
complaint's level (处理层级) typed by hand that the progress log does not explain.

Complaints go up one level at a time (层级上报), and each step is a line in the progress log
(`utils.progress_log`): who, when, why. A level above frontline with no escalate line to it,
or a log that jumps over a level, is a warning on the level cell — the data still works, a
person can see what to put right. The store adds these to the snapshot's problems beside the
reference checks (`sheets_schema.validate.check_references`). Pure: no streamlit, no store.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

import numpy as np
import pandas as pd

from sheets_schema import choices as ch
from sheets_schema.parse import CellError, parse_choice
from sheets_schema.problems import WARNING, Problem
from utils import progress_log as plog

LEVELS: tuple[str, ...] = ch.LEVEL.values  # frontline, department, management, executive
ESCALATIONS = ("escalate", "auto_escalate")  # progress-log actions that move a level up
# a cheap first pass: only logs with an escalation verb (either language) are parsed
_VERBS = re.compile(
    "|".join(re.escape(plog.VERBS[a][lang]) for a in ESCALATIONS for lang in ("en", "zh"))
)


_STAMP = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?=\s)")
_SOME_MOMENT = "2000-01-01 00:00"


class Where(Protocol):
    """Where a column is in the sheet (`sheets_schema.validate.Layout`)."""

    def letter(self, fname: str) -> str | None: ...
    def header(self, fname: str) -> str | None: ...


@functools.lru_cache(maxsize=1024)
def _level(text: str) -> int | None:
    """The index in LEVELS of an escalation target (a code or either label), None if unknown."""
    try:
        code = parse_choice(text, ch.LEVEL) or ""
    except CellError:
        return None
    return LEVELS.index(code) if code in LEVELS else None


@functools.lru_cache(maxsize=4096)
def _step(line: str) -> int | None:
    """The level one log line escalates to (None: not an escalation), read by
    `progress_log.parse`."""
    for entry in plog.parse(line):
        if entry.action in ESCALATIONS and entry.target:
            return _level(entry.target)
    return None


def _steps(log: object) -> list[int]:
    """The levels the log escalates to, in the order written. Only lines with an escalation
    verb are read, each with its moment set aside (the same words on another day read the
    same: cached)."""
    text = "" if log is None else str(log)
    if not _VERBS.search(text):
        return []
    out = []
    for line in text.splitlines():
        if _VERBS.search(line):
            level = _step(_STAMP.sub(_SOME_MOMENT, line, count=1))
            if level is not None:
                out.append(level)
    return out


def level_findings(level: str, log: object) -> list[tuple[str, dict]]:
    """For one complaint: (catalogue key, params) of what is wrong with its level — a step in
    the log that skips a level, and a level above frontline no escalate line leads to."""
    found: list[tuple[str, dict]] = []
    now = LEVELS.index(level) if level in LEVELS else 0
    steps = _steps(log)
    before = 0
    for step in steps:
        if step > before + 1:
            found.append(("problem.level_skipped", _pair("from", before) | _pair("to", step)))
            break
        before = max(before, step)
    if now > 0 and now not in steps:
        found.append(("problem.level_unexplained", _pair("level", now)))
    return found


def _pair(name: str, index: int) -> dict[str, str]:
    code = LEVELS[index]
    return {
        f"{name}_en": ch.LEVEL.label(code, "en"),
        f"{name}_zh": ch.LEVEL.label(code, "zh"),
        f"{name}_code": code,
    }


def level_problems(complaints: pd.DataFrame, layout: Where | None = None) -> list[Problem]:
    """Warnings on the level cells of complaints whose level the progress log does not
    explain (`level_findings`), with the spreadsheet's row numbers (`_row`) and, given the
    tab's `layout`, the column letter and header. Only rows above frontline are read (a
    frontline complaint has nothing to explain)."""
    if complaints is None or complaints.empty or "level" not in complaints.columns:
        return []
    levels = complaints["level"].to_numpy(dtype=object)  # the contract: "" when blank
    raised = np.flatnonzero(np.isin(levels, LEVELS[1:]))
    if not len(raised):
        return []
    logs = complaints["progress_log"].to_numpy(dtype=object)[raised]
    has_rows = "_row" in complaints.columns
    numbers = (
        complaints["_row"].to_numpy(dtype=object)[raised] if has_rows else [None] * len(raised)
    )
    letter = layout.letter("level") if layout is not None else None
    header = layout.header("level") if layout is not None else None
    out: list[Problem] = []
    for level, log, row in zip(levels[raised], logs, numbers, strict=True):
        for key, params in level_findings(level, log):
            out.append(
                Problem(
                    WARNING,
                    "complaints",
                    None if pd.isna(row) else int(row),
                    "level",
                    key,
                    params,
                    letter,
                    header,
                )
            )
    return out
