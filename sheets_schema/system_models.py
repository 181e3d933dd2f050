"""The two tabs the app keeps about itself: the change history (变更记录) and the team's
settings (设置). Declared like the three data tables (`sheets_schema.models`): one pydantic
model per tab, one `Col` per column, choice lists with both languages' labels.

- `changes`: one row per field a save changed (old and new value as people read them), one
  "create" row per record the app added, one summary row per bulk load, one row per download
  or report taken out of the app. Written by the app in the same pending write as the save it
  describes; never edited by the app afterwards.
- `settings`: key / value / note rows (`time_limit.normal` = 3 …). Each value is checked by
  `utils.settings` for its key; the tab itself is validated like any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from sheets_schema.choices import Choice, Choices
from sheets_schema.columns import CHOICE, DATETIME, ID, Col
from sheets_schema.models import RowModel

Text = str | None


def _choices(name: str, *options: tuple[str, ...]) -> Choices:
    return Choices(name, tuple(Choice(o[0], o[1], o[2], tuple(o[3:])) for o in options))


ChangeTabValue = Literal["clients", "complaints", "revisits", "settings"]
ChangeKindValue = Literal["create", "update", "download", "export"]
CHANGE_TAB = _choices(
    "change_tab",
    ("clients", "Clients", "客户档案"),
    ("complaints", "Complaints", "投诉记录"),
    ("revisits", "Revisits", "回访记录"),
    ("settings", "Settings", "设置"),
)
CHANGE_KIND = _choices(
    "change_kind",
    ("create", "Created", "新建", "new", "added", "新增", "创建"),
    ("update", "Updated", "修改", "changed", "edit", "edited", "更新", "变更"),
    ("download", "Downloaded", "下载"),
    ("export", "Exported", "导出", "report", "报表"),
)


class Change(RowModel):
    """One line of the change history (see the module's docstring)."""

    change_id: Annotated[
        str, Col("变更编号", "Change ID", ID, True, aliases=("编号", "ID", "变更号"))
    ]
    at: Annotated[
        dt.datetime,
        Col("变更时间", "At", DATETIME, True, aliases=("时间", "日期", "time", "when", "date")),
    ]
    by: Annotated[Text, Col("操作人", "By", aliases=("修改人", "用户", "user", "who"))] = None
    tab: Annotated[
        ChangeTabValue | None,
        Col("数据表", "Table", CHOICE, choices=CHANGE_TAB, aliases=("表", "表格", "tab")),
    ] = None
    record_id: Annotated[Text, Col("记录编号", "Record ID", ID, aliases=("记录", "record"))] = None
    field: Annotated[Text, Col("字段", "Field", aliases=("列", "栏目", "column"))] = None
    old: Annotated[Text, Col("原值", "Old value", aliases=("旧值", "修改前", "old", "before"))] = (
        None
    )
    new: Annotated[Text, Col("新值", "New value", aliases=("修改后", "new", "after"))] = None
    kind: Annotated[
        ChangeKindValue,
        Col("变更类型", "Kind", CHOICE, True, choices=CHANGE_KIND, aliases=("类型", "type")),
    ]
    note: Annotated[Text, Col("说明", "Note", aliases=("备注", "notes", "remarks"))] = None


class Setting(RowModel):
    """One row of the settings tab: a key, its value as text, a note for people. A list
    setting (holidays …) may take one row per value, so a key may appear more than once."""

    key: Annotated[
        str,
        Col("设置项", "Key", ID, True, aliases=("键", "参数", "项目", "名称", "setting", "name")),
    ]
    value: Annotated[Text, Col("值", "Value", aliases=("设定值", "参数值", "数值", "取值"))] = None
    note: Annotated[Text, Col("说明", "Note", aliases=("备注", "notes", "description"))] = None
    updated_at: Annotated[
        dt.datetime | None, Col("更新时间", "Updated at", DATETIME, system=True)
    ] = None
    updated_by: Annotated[Text, Col("更新人", "Updated by", system=True)] = None
