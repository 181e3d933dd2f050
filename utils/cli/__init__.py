"""Sheetdesk's command line: `python -m utils.cli COMMAND`.

    init    [--workbook PATH] [--lang zh|en]      create or upgrade the tabs and headers
    check   [--workbook PATH] [--json]            validate everything; exit 1 on any error
    demo    [--workbook PATH] [--clients N] [--complaints N] [--revisits N] [--seed S]
    import  TAB FILE [--workbook PATH]            bulk-load a legacy register (CSV or XLSX)
    translate --to zh|en [--workbook PATH]         tab names, headers, choices, log verbs
    report  --month YYYY-MM [--out FILE.html] [--lang zh|en] [--workbook PATH]
    report  --week YYYY-Www [--out FILE.csv] [--lang zh|en]  the weekly complaint table (CSV)
    calendar --year YYYY [--json] [--lang zh|en]  days off and make-up working days in force
    remind  [--dry-run] [--now ISO] [--lang zh|en] [--secrets FILE]  send the reminders due

Without --workbook the configured store is used (SHEETDESK_SPREADSHEET for Google Sheets,
else SHEETDESK_WORKBOOK, else data/sheetdesk.xlsx). A thin layer over the library: it turns
arguments into calls and the library's errors into messages; it never imports streamlit.

This module parses the arguments (`build_parser`) and runs a command (`main`; `__main__` is
`python -m utils.cli`); the commands live in one module per group:

    common     exit codes; the language and the store the arguments ask for
    workbook   init, check, translate: the workbook's tabs, headers and health
    bulk_load  demo, import: many records at once (and reading a legacy register)
    reports    report (monthly HTML, weekly CSV), calendar
    remind     remind: send the reminders due
    accounts   hash-password

The store and the heavier libraries are imported by the commands that need them, so that
start-up stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from utils.cli.accounts import cmd_hash_password
from utils.cli.bulk_load import cmd_demo, cmd_import
from utils.cli.common import EXIT_FAILURE, lang_of
from utils.cli.remind import cmd_remind
from utils.cli.reports import cmd_calendar, cmd_report
from utils.cli.workbook import cmd_check, cmd_init, cmd_translate
from utils.errors import SheetdeskError


# ---- argument types ----
def _week(text: str) -> str:
    from utils.metrics.periods import week_label, week_period

    try:
        return week_label(week_period(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO week (YYYY-Www, e.g. 2026-W48): {text}"
        ) from None


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date-time (YYYY-MM-DDTHH:MM): {text}") from None
    # the data's times are local and naive: a time with an offset is taken as this machine's
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _year(text: str) -> int:
    year = int(text)
    if not 1 <= year <= 9998:
        raise argparse.ArgumentTypeError(f"not a year: {text}")
    return year


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m utils.cli",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--workbook", help="path of a local .xlsx workbook (default: configured)")
        p.add_argument("--lang", choices=["zh", "en"], help="language of messages and headers")

    p = sub.add_parser("init", help="create or upgrade the tabs and headers (never deletes)")
    common(p)
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("check", help="validate everything; exit status 1 on any error")
    common(p)
    p.add_argument("--json", action="store_true", help="print problems as a JSON list")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("demo", help="add realistic demo data in Chinese")
    common(p)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--complaints", type=int, default=400)
    p.add_argument("--revisits", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="reference day (YYYY-MM-DD; default today)",
    )
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("import", help="bulk-load a legacy register from CSV or XLSX")
    common(p)
    p.add_argument("tab", help="clients, complaints or revisits (or their labels)")
    p.add_argument("file", help="a .csv or .xlsx file; headers by field name or either label")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser(
        "translate",
        help="put the tab names, headers, choice cells and progress-log verbs in a language",
    )
    common(p)
    p.add_argument("--to", choices=["zh", "en"], required=True, help="the language to put it in")
    p.set_defaults(func=cmd_translate)
    p = sub.add_parser(
        "report", help="the monthly report (offline HTML) or the weekly complaint table (CSV)"
    )
    common(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", help="YYYY-MM: the monthly report")
    which.add_argument("--week", type=_week, help="YYYY-Www (ISO week): the complaint table")
    p.add_argument(
        "--out",
        help="output file (default sheetdesk-report-YYYY-MM.html; a week's table: stdout)",
    )
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("calendar", help="days off and make-up working days of a year")
    p.add_argument("--year", type=_year, required=True, help="YYYY")
    p.add_argument("--json", action="store_true", help="print the days as a JSON list")
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages")
    p.set_defaults(func=cmd_calendar)
    p = sub.add_parser("remind", help="send the reminders that are due (chat robots, e-mail)")
    common(p)
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    p.add_argument("--now", type=_moment, help="the moment to decide at (YYYY-MM-DDTHH:MM)")
    p.add_argument("--secrets", help="settings file (default .streamlit/secrets.toml)")
    p.set_defaults(func=cmd_remind)
    p = sub.add_parser("hash-password", help="make a password hash for [sheetdesk.accounts]")
    p.add_argument("--lang", choices=["zh", "en"], help="language of messages")
    p.set_defaults(func=cmd_hash_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SheetdeskError as exc:
        print(exc.message(lang_of(args)), file=sys.stderr)
        return EXIT_FAILURE


__all__ = [
    "build_parser",
    "cmd_calendar",
    "cmd_check",
    "cmd_demo",
    "cmd_hash_password",
    "cmd_import",
    "cmd_init",
    "cmd_remind",
    "cmd_report",
    "cmd_translate",
    "main",
]
