"""`hash-password`: a password asked for twice, not shown as it is typed, and its argon2 hash
printed for `password_hash` under [sheetdesk.accounts.LOGIN] in .streamlit/secrets.toml."""

from __future__ import annotations

import argparse
import sys

from utils.cli.common import EXIT_FAILURE, EXIT_OK, lang_of
from utils.i18n import t

MIN_PASSWORD = 8


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Ask for a password twice (not shown as it is typed) and print its argon2 hash, for
    `password_hash` under [sheetdesk.accounts.LOGIN] in .streamlit/secrets.toml."""
    import getpass

    from utils.auth import hash_password

    lang = lang_of(args)
    first = getpass.getpass(t("cli.password", lang))
    if len(first) < MIN_PASSWORD:
        print(t("cli.password_short", lang, n=MIN_PASSWORD), file=sys.stderr)
        return EXIT_FAILURE
    if getpass.getpass(t("cli.password_again", lang)) != first:
        print(t("cli.password_mismatch", lang), file=sys.stderr)
        return EXIT_FAILURE
    print(hash_password(first))
    return EXIT_OK


__all__ = ["MIN_PASSWORD", "cmd_hash_password"]
