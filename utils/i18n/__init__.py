"""The language catalogue: every string a person sees, in Simplified Chinese and English.

`t(key, lang, **params)` looks a message up in the catalogue of `lang` (`zh` or `en`) and fills
in its `{placeholders}`. A key missing from a catalogue falls back to English, then to the key
itself, so a forgotten translation shows up as readable text rather than a crash; the test
suite checks that both catalogues have the same keys.
"""

from __future__ import annotations

import os

from utils.i18n import en, zh

LANGUAGES = ("zh", "en")
CATALOGUES: dict[str, dict[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}


def normalise_lang(lang: str | None) -> str:
    """`zh`, `zh-CN`, `zh_Hans` … → `zh`; anything else → `en`."""
    return "zh" if (lang or "").strip().lower().startswith("zh") else "en"


def default_lang(browser_locale: str | None = None) -> str:
    """SHEETDESK_LANGUAGE wins; else the browser's language; else English."""
    configured = os.environ.get("SHEETDESK_LANGUAGE")
    if configured:
        return normalise_lang(configured)
    return normalise_lang(browser_locale)


def t(key: str, lang: str = "en", /, **params: object) -> str:
    text = CATALOGUES.get(lang, en.MESSAGES).get(key) or en.MESSAGES.get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
