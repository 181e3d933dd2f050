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
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import sys
from pathlib import Path

from utils import clock
from utils.errors import SheetdeskError
from utils.i18n import t

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILURE, EXIT_WAITING = 0, 1, 2, 3


def _lang(args: argparse.Namespace) -> str:
    import os

    from utils.i18n import normalise_lang

    given = getattr(args, "lang", None)
    return normalise_lang(given or os.environ.get("SHEETDESK_LANGUAGE") or "en")


def _store(args: argparse.Namespace):
    from utils.store import load_config, open_store

    config = load_config(workbook=getattr(args, "workbook", None))
    if getattr(args, "lang", None):
        from dataclasses import replace

        config = replace(config, lang=_lang(args), lang_configured=True)
    return open_store(config)


# ---- commands ----
def cmd_init(args: argparse.Namespace) -> int:
    store = _store(args)
    added = store.init(_lang(args))
    print(
        t(
            "cli.init_done",
            _lang(args),
            path=store.describe(),
            added=", ".join(added) or t("cli.init_nothing", _lang(args)),
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    lang = _lang(args)
    store = _store(args)
    if store.kind == "local" and not store.path.exists():  # nothing to check: say so (exit 2)
        print(t("cli.workbook_missing", lang, path=store.describe()), file=sys.stderr)
        return EXIT_FAILURE
    snapshot = store.read()  # an unreadable workbook raises BadWorkbookError: main() exits 2
    problems = snapshot.all_problems  # with the change history's: records deleted by hand
    if args.json:
        print(json.dumps([p.as_dict(lang) for p in problems], ensure_ascii=False, indent=1))
    else:
        for p in problems:
            print(p.line(lang))
        errors = sum(p.level == "error" for p in problems)
        if problems:
            print(t("cli.check_summary", lang, errors=errors, warnings=len(problems) - errors))
        else:
            print(
                t(
                    "cli.check_ok",
                    lang,
                    path=store.describe(),
                    **{k: len(v) for k, v in snapshot.frames.items()},
                )
            )
    return EXIT_PROBLEMS if any(p.level == "error" for p in problems) else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from utils.demo import load_demo

    store = _store(args)
    store.init(_lang(args))
    counts = load_demo(
        store,
        clients=args.clients,
        complaints=args.complaints,
        revisits=args.revisits,
        seed=args.seed,
        today=args.today,
    )
    print(t("cli.demo_done", _lang(args), path=store.describe(), **counts))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from sheets_schema.tables import TABLES, match_tab
    from sheets_schema.validate import validate_rows

    lang = _lang(args)
    tab = match_tab(args.tab)
    if tab is None:
        print(t("cli.unknown_tab", lang, tab=args.tab), file=sys.stderr)
        return EXIT_FAILURE
    path = Path(args.file)
    if not path.exists():
        print(t("cli.file_missing", lang, path=path), file=sys.stderr)
        return EXIT_FAILURE
    try:
        rows = read_table_file(path, tab)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(t("cli.file_unreadable", lang, path=path, detail=exc), file=sys.stderr)
        return EXIT_FAILURE
    rows = fill_missing_ids(tab, rows)
    result = validate_rows(tab, rows, path.name)
    rejected_rows = {p.row for p in result.problems if p.level == "error"}
    for p in result.problems:
        print(p.line(lang))
    if result.layout is None or (
        result.problems and not len(result.frame) and any(p.row is None for p in result.problems)
    ):
        return EXIT_PROBLEMS
    store = _store(args)
    existing = set(store.read().frames[tab][TABLES[tab].id_field])
    from utils.store.base import row_dict

    fields = [c.field for c in TABLES[tab].columns]
    records, skipped = [], 0
    for _, row in result.frame.iterrows():
        record = row_dict(row)
        if record[TABLES[tab].id_field] in existing:
            skipped += 1
            continue
        records.append({f: record[f] for f in fields if record.get(f) not in (None, "")})
    saved, refused = store.append_many(tab, records, user="import")
    for _, problems in refused:
        for p in problems:
            print(p.line(lang))
    rejected = len(rejected_rows) + len(refused)
    waiting_ops = [op for op in store.queue.ops() if op.tab == tab and op.record_id in set(saved)]
    written = len(saved) - len(waiting_ops)
    print(t("cli.import_done", lang, tab=tab, added=written, skipped=skipped, rejected=rejected))
    if waiting_ops:
        reason = next((op.error for op in waiting_ops if op.error), "")
        print(t("cli.import_waiting", lang, count=len(waiting_ops), reason=reason), file=sys.stderr)
        return EXIT_WAITING
    return EXIT_PROBLEMS if rejected else EXIT_OK


def cmd_translate(args: argparse.Namespace) -> int:
    """The spreadsheet's tab names, header cells, choice cells and progress-log verbs in the
    language `--to`, in place (`utils.store.translate`); nothing else is touched."""
    from utils.store.translate import translate_store

    lang = _lang(args)
    store = _store(args)
    result = translate_store(store, args.to)
    language = t(f"cli.language.{args.to}", lang)
    for why in result.skipped:
        print(t("cli.translate_skipped", lang, what=why), file=sys.stderr)
    if not result.changed:
        print(t("cli.translate_nothing", lang, path=store.describe(), language=language))
        return EXIT_OK
    print(
        t(
            "cli.translate_done",
            lang,
            path=store.describe(),
            language=language,
            tabs=len(result.tabs),
            headers=result.headers,
            choices=f"{result.choices:,}",
            logs=f"{result.logs:,}",
        )
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from utils.report import build_report
    from utils.settings import load_settings

    if getattr(args, "week", None):
        return _weekly_table(args)
    lang = _lang(args)
    snapshot = _store(args).read()
    html = build_report(
        snapshot.clients,
        snapshot.complaints,
        snapshot.revisits,
        month=args.month,
        lang=lang,
        settings=load_settings(None, snapshot.settings),
        now=clock.now(),
    )
    out = Path(args.out or f"sheetdesk-report-{args.month}.html")
    out.write_text(html, encoding="utf-8")
    print(t("cli.report_done", lang, path=out))
    return EXIT_OK


def _weekly_table(args: argparse.Namespace) -> int:
    """report --week: the week's complaints as CSV (UTF-8 with BOM, headers in --lang), to
    --out or to standard output."""
    from utils.report import weekly_csv, weekly_table
    from utils.settings import load_settings

    lang = _lang(args)
    snapshot = _store(args).read()
    settings = load_settings(None, snapshot.settings)
    data = weekly_csv(snapshot.complaints, snapshot.clients, args.week, lang, settings)
    if not args.out:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    Path(args.out).write_bytes(data)
    rows = len(weekly_table(snapshot.complaints, snapshot.clients, args.week, lang, settings))
    print(t("cli.week_done", lang, week=args.week, path=args.out, rows=rows))
    return EXIT_OK


def _week(text: str) -> str:
    from utils.metrics.periods import week_label, week_period

    try:
        return week_label(week_period(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO week (YYYY-Www, e.g. 2026-W48): {text}"
        ) from None


def cmd_calendar(args: argparse.Namespace) -> int:
    from utils.settings import load_settings

    lang = _lang(args)
    calendar = load_settings().work_calendar
    days = calendar.days_differing(args.year)
    notice = calendar.unknown_years_notice([args.year], lang)
    if args.json:
        rows = [{"date": d.isoformat(), "working": w, "source": s} for d, w, s in days]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        if notice:
            print(notice, file=sys.stderr)
        return EXIT_OK
    names = calendar.holiday_names(args.year, lang)
    weekdays = t("calendar.weekdays", lang).split(",")
    working = sum(w for _, w, _ in days)
    print(
        t(
            "cli.calendar_header",
            lang,
            year=args.year,
            calendar=calendar.label(lang),
            off=len(days) - working,
            working=working,
        )
    )
    for day, is_working, source in days:
        if is_working:
            name = t(
                "calendar.makeup_day" if source == "package" else "calendar.team_working_day", lang
            )
        elif day in names:
            name = names[day]
        else:
            name = t("calendar.weekend" if source == "package" else "calendar.team_day_off", lang)
        status = t("calendar.working_day" if is_working else "calendar.day_off", lang)
        print(
            t(
                "cli.calendar_line",
                lang,
                date=day.isoformat(),
                weekday=weekdays[day.weekday()],
                status=status,
                name=name,
                source=t(f"calendar.source.{source}", lang),
            )
        )
    if notice:
        print(notice)
    return EXIT_OK


def cmd_remind(args: argparse.Namespace) -> int:
    from utils.errors import ConfigError
    from utils.i18n import normalise_lang
    from utils.reminders.config import load, read_secrets, secrets_path
    from utils.reminders.run import run
    from utils.store import load_config, open_store
    from utils.store.local import LocalWorkbookStore

    secrets = read_secrets(args.secrets)
    setup = load(secrets)
    lang = normalise_lang(args.lang or setup.reminders.language)
    if not args.dry_run and not setup.notify.channels:
        raise ConfigError("reminders.config.no_channels", path=str(secrets_path(args.secrets)))
    store = open_store(load_config(secrets, workbook=args.workbook))
    if isinstance(store, LocalWorkbookStore) and not store.path.exists():
        print(t("cli.remind_workbook_missing", lang, path=store.describe()), file=sys.stderr)
        return EXIT_FAILURE
    report = run(store, setup, now=args.now or clock.now(), lang=lang, dry_run=args.dry_run)
    for line in report.lines(lang):
        print(line)
    return report.exit_code


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


# ---- helpers ----
def read_table_file(path: Path, tab: str) -> list[list[object]]:
    """The rows (header first) of a CSV or XLSX file: for a workbook, the sheet named like the
    table, else the first sheet. CSV: UTF-8 (with or without BOM), else GB18030."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        from sheets_schema.tables import match_tab

        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        name = next((n for n in names if match_tab(n) == tab), names[0])
        sheet = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return [list(row) for row in sheet]  # as list[object]: IDs may be added to the rows
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("not UTF-8 or GB18030 text")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def fill_missing_ids(tab: str, rows: list[list[object]]) -> list[list[object]]:
    """Legacy registers often have no IDs. A row without one gets an ID made from its content,
    so importing the same file twice finds the same IDs and adds nothing."""
    from sheets_schema.tables import TABLES, match_header

    if not rows:
        return rows
    table = TABLES[tab]
    header = list(rows[0])
    fields = [match_header(tab, h) for h in header]
    if table.id_field not in fields:
        header.append(table.by_field[table.id_field].label("en"))
        fields.append(table.id_field)
        rows = [header] + [[*r, None] for r in rows[1:]]
    i = fields.index(table.id_field)
    out = [rows[0]]
    for row in rows[1:]:
        row = list(row)
        if all(v in (None, "") for k, v in enumerate(row) if k != i):
            out.append(row)
            continue
        if row[i] in (None, ""):
            digest = hashlib.sha1(repr(row).encode("utf-8")).hexdigest()[:8].upper()
            row[i] = f"{table.id_prefix}-IMP-{digest}"
        out.append(row)
    return out


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


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Ask for a password twice (not shown as it is typed) and print its argon2 hash, for
    `password_hash` under [sheetdesk.accounts.LOGIN] in .streamlit/secrets.toml."""
    import getpass

    from utils.auth import hash_password

    lang = _lang(args)
    first = getpass.getpass(t("cli.password", lang))
    if len(first) < MIN_PASSWORD:
        print(t("cli.password_short", lang, n=MIN_PASSWORD), file=sys.stderr)
        return EXIT_FAILURE
    if getpass.getpass(t("cli.password_again", lang)) != first:
        print(t("cli.password_mismatch", lang), file=sys.stderr)
        return EXIT_FAILURE
    print(hash_password(first))
    return EXIT_OK


MIN_PASSWORD = 8


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SheetdeskError as exc:
        print(exc.message(_lang(args)), file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
