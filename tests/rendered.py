"""What a person reads of Markdown the app produced: backslash escapes resolved."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def rendered(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)
