"""Column metadata carried by the models' type annotations, and header/tab name matching.

A column is declared once, in `sheets_schema.models`, as a model field annotated with a `Col`
(its Chinese and English labels, kind and choices). Everything else — header rows, header
aliases, parsing, forms, CSV exports — is derived from those declarations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sheets_schema.choices import Choices

# kinds of column; each has one tolerant parser in sheets_schema.parse
TEXT, ID, PHONE, EMAIL, CHOICE, DATE, DATETIME, INT = (
    "text",
    "id",
    "phone",
    "email",
    "choice",
    "date",
    "datetime",
    "int",
)


@dataclass(frozen=True)
class Col:
    zh: str
    en: str
    kind: str = TEXT
    required: bool = False
    choices: Choices | None = None
    aliases: tuple[str, ...] = ()
    system: bool = False  # written by the app (updated_at, updated_by, progress_log …)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Column:
    """A resolved column: its field name plus its metadata."""

    field: str
    col: Col

    @property
    def kind(self) -> str:
        return self.col.kind

    @property
    def required(self) -> bool:
        return self.col.required

    @property
    def choices(self) -> Choices | None:
        return self.col.choices

    def label(self, lang: str) -> str:
        return self.col.label(lang)

    def names(self) -> tuple[str, ...]:
        return (self.field, self.col.en, self.col.zh, *self.col.aliases)


_PUNCT = re.compile(r"[\s_\-–—·.,:;!?()\[\]{}<>/\\'\"“”‘’、，。：；！？（）【】《》]+")


def name_key(text: object) -> str:
    """Key for matching a header or tab name: NFKC (full-width → half-width), case-folded,
    with spaces, underscores and punctuation removed. `Client ID`, `client_id`, `ＣＬＩＥＮＴ ＩＤ`
    and `客户编号（ID）`-style variants of one name give one key."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return _PUNCT.sub("", s)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
