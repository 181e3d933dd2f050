"""`remind`: the reminders due now (or at `--now`) sent through the configured channels, or,
with `--dry-run`, printed and not sent (`utils.reminders.run`)."""

from __future__ import annotations

import argparse
import sys

from utils import clock
from utils.cli.common import EXIT_FAILURE
from utils.errors import ConfigError
from utils.i18n import normalise_lang, t


def cmd_remind(args: argparse.Namespace) -> int:
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


__all__ = ["cmd_remind"]
