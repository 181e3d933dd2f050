"""A problem found in the data: where it is (tab, spreadsheet row, column) and what to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from utils.i18n import t

ERROR, WARNING = "error", "warning"

# pydantic/our parser keys → catalogue keys
_KEYS = {
    "bad_date": "problem.bad_date",
    "bad_datetime": "problem.bad_datetime",
    "bad_int": "problem.bad_int",
    "bad_choice": "problem.bad_choice",
}


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    tab: str  # clients / complaints / revisits
    row: int | None  # the spreadsheet's own row number (header = 1); None for a whole tab
    column: str | None  # field name, None for a whole tab
    key: str  # catalogue key of the message
    params: dict = field(default_factory=dict, compare=False, hash=False)
    # where the column is in the sheet, for the message (None for a form field)
    letter: str | None = None
    header: str | None = None

    def _column(self):
        from sheets_schema.tables import TABLES  # late: tables imports models

        table = TABLES.get(self.tab)
        return table.by_field.get(self.column or "") if table else None

    def message(self, lang: str = "en") -> str:
        column = self._column()
        label = column.label(lang) if column else (self.column or "")
        extra: dict = {}
        if column is not None and column.choices is not None:
            extra["options"] = " / ".join(column.choices.labels(lang).values())
        if self.letter:
            column_ref = t("problem.column_ref", lang, letter=self.letter, header=self.header)
        else:
            column_ref = f"“{label}”"
        params = {"label": label, "column_ref": column_ref, **extra, **self.params}
        if "status" in self.params:  # shown as its label, not its value
            from sheets_schema.choices import COMPLAINT_STATUS

            params["status"] = COMPLAINT_STATUS.label(str(self.params["status"]), lang)
        text = t(self.key, lang, **params)
        if self.level == WARNING and self.params.get("ignored"):
            text += t("problem.ignored_cell", lang)
        return text

    def as_dict(self, lang: str = "en") -> dict:
        return {
            "level": self.level,
            "tab": self.tab,
            "row": self.row,
            "column": self.column,
            "message": self.message(lang),
        }

    def line(self, lang: str = "en") -> str:
        """`error clients!5 name: …` — one line for the command line."""
        where = f"{self.tab}!{self.row}" if self.row else self.tab
        col = f" {self.column}" if self.column else ""
        return f"{self.level} {where}{col}: {self.message(lang)}"


def parser_key(key: str) -> str:
    return _KEYS.get(key, "problem.bad_value")
