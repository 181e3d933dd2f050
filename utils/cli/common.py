"""What every command of `python -m utils.cli` shares: its exit codes, and the language and the
store its arguments ask for (`--lang`, else SHEETDESK_LANGUAGE, else English; `--workbook`,
else the configured store)."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

from utils.i18n import normalise_lang

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILURE, EXIT_WAITING = 0, 1, 2, 3


def lang_of(args: argparse.Namespace) -> str:
    """The language of the command's messages (and of the headers it writes)."""
    given = getattr(args, "lang", None)
    return normalise_lang(given or os.environ.get("SHEETDESK_LANGUAGE") or "en")


def store_for(args: argparse.Namespace):
    """The store the command works on: `--workbook`, else the configured one."""
    from utils.store import load_config, open_store

    config = load_config(workbook=getattr(args, "workbook", None))
    if getattr(args, "lang", None):
        config = replace(config, lang=lang_of(args), lang_configured=True)
    return open_store(config)


__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_WAITING", "lang_of", "store_for"]
