"""The tables: their models, ID columns and prefixes, tab names and aliases.

`TABLES` is derived from the models; `columns(tab)` is the one ordered column list every other
module uses (header rows, parsing, forms, exports). `TAB_NAMES` are the three data tables
(clients, complaints, revisits); `SYSTEM_TAB_NAMES` the two tabs the app keeps about itself
(the change history and the settings, `sheets_schema.system_models`), which a workbook may
lack (they are created by `init` or on the first write); `ALL_TAB_NAMES` all five.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel

from sheets_schema.columns import Col, Column, name_key
from sheets_schema.models import Client, Complaint, Revisit
from sheets_schema.system_models import Change, Setting


@dataclass(frozen=True)
class Table:
    name: str  # field name of the tab: clients / complaints / revisits
    model: type[BaseModel]
    id_field: str
    id_prefix: str
    zh: str
    en: str
    aliases: tuple[str, ...] = field(default=())
    unique_ids: bool = True  # False: an ID may repeat (a settings key with one row per value)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        out = []
        for fname, info in self.model.model_fields.items():
            col = next(m for m in info.metadata if isinstance(m, Col))
            out.append(Column(fname, col))
        return tuple(out)

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    @cached_property
    def header_keys(self) -> dict[str, str]:
        """name_key(header) → field, for the field name, both labels and the aliases.
        Field names and labels win over aliases when two columns share an alias."""
        keys: dict[str, str] = {}
        for c in self.columns:
            for alias in c.col.aliases:
                keys.setdefault(name_key(alias), c.field)
        for c in self.columns:
            for name in (c.field, c.col.en, c.col.zh):
                keys[name_key(name)] = c.field
        return keys

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)

    def header(self, lang: str) -> list[str]:
        return [c.label(lang) for c in self.columns]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "clients",
            Client,
            "client_id",
            "KH",
            "客户档案",
            "Clients",
            ("client register", "client", "customers", "customer", "客户", "客户信息"),
        ),
        Table(
            "complaints",
            Complaint,
            "complaint_id",
            "TS",
            "投诉记录",
            "Complaints",
            ("complaint log", "complaint", "投诉", "投诉登记", "客诉"),
        ),
        Table(
            "revisits",
            Revisit,
            "revisit_id",
            "HF",
            "回访记录",
            "Revisits",
            ("revisit", "follow-ups", "回访", "回访登记"),
        ),
        Table(
            "changes",
            Change,
            "change_id",
            "BG",
            "变更记录",
            "Changes",
            ("change log", "changelog", "change history", "变更", "变更日志", "修改记录"),
        ),
        Table(
            "settings",
            Setting,
            "key",
            "SZ",
            "设置",
            "Settings",
            ("setting", "配置", "系统设置", "参数设置"),
            unique_ids=False,
        ),
    )
}
TAB_NAMES = ("clients", "complaints", "revisits")  # the data tables
SYSTEM_TAB_NAMES = ("changes", "settings")  # the app's own tabs (optional in a workbook)
ALL_TAB_NAMES = TAB_NAMES + SYSTEM_TAB_NAMES


def columns(tab: str) -> tuple[Column, ...]:
    return TABLES[tab].columns


def match_tab(sheet_title: str) -> str | None:
    """The table a sheet title names (`clients`, `Clients`, `客户档案` …), or None."""
    key = name_key(sheet_title)
    for t in TABLES.values():
        if key in {name_key(n) for n in (t.name, t.en, t.zh, *t.aliases)}:
            return t.name
    return None


def match_header(tab: str, header: object) -> str | None:
    if header is None:
        return None
    return TABLES[tab].header_keys.get(name_key(header))


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def sheet_language(tabs: Mapping[str, tuple[str, Sequence[object]]]) -> str | None:
    """The language a spreadsheet speaks, from its tabs (table → (sheet title, header row)):
    "zh" when more of the header cells that name a column are in Chinese than not, "en" when
    fewer (a column or two of the team's own in the other language does not tip it); on a
    tie — headers all blank — the titles of the tabs decide; None when nothing does (no tab of
    ours, or a tie there too). Pure: the stores call it on what they read."""
    zh = en = 0
    for tab in ALL_TAB_NAMES:
        if tab not in tabs:
            continue
        for cell in tabs[tab][1]:
            if cell is None or not str(cell).strip() or match_header(tab, cell) is None:
                continue
            if _chinese(str(cell)):
                zh += 1
            else:
                en += 1
    if zh == en:
        titled = [str(tabs[t][0]) for t in ALL_TAB_NAMES if t in tabs]
        zh = sum(map(_chinese, titled))
        en = len(titled) - zh
    if zh == en:
        return None
    return "zh" if zh > en else "en"
