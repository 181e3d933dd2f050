"""`init`, `check` and `translate`: the workbook's tabs and headers created or upgraded, every
record validated, and the tab names, headers, choices and log verbs put in a language."""

from __future__ import annotations

import argparse
import json
import sys

from utils.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS, lang_of, store_for
from utils.i18n import t


def cmd_init(args: argparse.Namespace) -> int:
    store = store_for(args)
    added = store.init(lang_of(args))
    print(
        t(
            "cli.init_done",
            lang_of(args),
            path=store.describe(),
            added=", ".join(added) or t("cli.init_nothing", lang_of(args)),
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    store = store_for(args)
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


def cmd_translate(args: argparse.Namespace) -> int:
    """The spreadsheet's tab names, header cells, choice cells and progress-log verbs in the
    language `--to`, in place (`utils.store.translate`); nothing else is touched."""
    from utils.store.translate import translate_store

    lang = lang_of(args)
    store = store_for(args)
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


__all__ = ["cmd_check", "cmd_init", "cmd_translate"]
