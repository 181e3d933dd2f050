"""`report` and `calendar`: the monthly report (offline HTML) or a week's complaint table (CSV),
and the days off and make-up working days of a year."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from utils import clock
from utils.cli.common import EXIT_OK, lang_of, store_for
from utils.i18n import t


def cmd_report(args: argparse.Namespace) -> int:
    from utils.report import build_report
    from utils.settings import load_settings

    if getattr(args, "week", None):
        return weekly_report(args)
    lang = lang_of(args)
    snapshot = store_for(args).read()
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


def weekly_report(args: argparse.Namespace) -> int:
    """report --week: the week's complaints as CSV (UTF-8 with BOM, headers in --lang), to
    --out or to standard output."""
    from utils.report import weekly_csv, weekly_table
    from utils.settings import load_settings

    lang = lang_of(args)
    snapshot = store_for(args).read()
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


def cmd_calendar(args: argparse.Namespace) -> int:
    from utils.settings import load_settings

    lang = lang_of(args)
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


__all__ = ["cmd_calendar", "cmd_report", "weekly_report"]
