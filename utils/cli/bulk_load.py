"""`demo` and `import`: many records at once — realistic demo data, or a legacy register read
from CSV or XLSX (rows without an ID get one made from their content, so a second import of
the same file adds nothing)."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

from utils.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_WAITING,
    lang_of,
    store_for,
)
from utils.i18n import t


def cmd_demo(args: argparse.Namespace) -> int:
    from utils.demo import load_demo

    store = store_for(args)
    store.init(lang_of(args))
    counts = load_demo(
        store,
        clients=args.clients,
        complaints=args.complaints,
        revisits=args.revisits,
        seed=args.seed,
        today=args.today,
    )
    print(t("cli.demo_done", lang_of(args), path=store.describe(), **counts))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from sheets_schema.tables import TABLES, match_tab
    from sheets_schema.validate import validate_rows

    lang = lang_of(args)
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
    store = store_for(args)
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


__all__ = ["cmd_demo", "cmd_import", "fill_missing_ids", "read_table_file"]
