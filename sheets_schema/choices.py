"""Choice lists: every value with its English and Chinese label.

The value is what the app writes to the sheet; a person may type the value, the English label
or the Chinese label in any case, and it is read as the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class Choice:
    value: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Choices:
    name: str
    options: tuple[Choice, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.options)

    def label(self, value: str, lang: str) -> str:
        for c in self.options:
            if c.value == value:
                return c.label(lang)
        return value

    def labels(self, lang: str) -> dict[str, str]:
        return {c.value: c.label(lang) for c in self.options}


def _c(name: str, values: object, *options: tuple[str, ...]) -> Choices:
    """A choice list from its options (value, English, Chinese, aliases …). `values` is the
    list's `Literal` type — what the models declare for the column — and must name the same
    values in the same order (checked here, on import)."""
    choices = Choices(name, tuple(Choice(o[0], o[1], o[2], tuple(o[3:])) for o in options))
    if get_args(values) != choices.values:
        raise TypeError(f"choice list {name}: its Literal type and its options differ")
    return choices


# the values of each list as a type, for the models' fields (`_c` checks they agree)
ClientTypeValue = Literal["individual", "company"]
GradeValue = Literal["A", "B", "C", "D"]
SourceValue = Literal["hotline", "walk_in", "web", "referral", "sales", "other"]
ClientStatusValue = Literal["active", "dormant", "lost"]
ChannelValue = Literal["phone", "walk_in", "email", "web", "letter", "media", "other"]
CategoryValue = Literal[
    "attitude", "service_quality", "product", "process", "billing", "facilities", "other"
]
SeverityValue = Literal["normal", "serious", "critical"]
LevelValue = Literal["frontline", "department", "management", "executive"]
ComplaintStatusValue = Literal["received", "in_progress", "resolved", "closed"]
YesNoValue = Literal["yes", "no"]
RevisitKindValue = Literal["complaint_followup", "routine", "key_client"]
MethodValue = Literal["phone", "sms", "email", "visit", "in_store"]
AttitudeValue = Literal["satisfied", "average", "unsatisfied"]


CLIENT_TYPE = _c(
    "client_type",
    ClientTypeValue,
    ("individual", "Individual", "个人"),
    ("company", "Company", "企业"),
)
GRADE = _c(
    "grade",
    GradeValue,
    ("A", "A – key client", "A 重点客户", "key client", "重点客户", "A类"),
    ("B", "B – regular", "B 普通客户", "regular", "普通客户", "B类"),
    ("C", "C – occasional", "C 一般客户", "occasional", "一般客户", "C类"),
    ("D", "D – potential", "D 潜在客户", "potential", "潜在客户", "D类"),
)
CLIENT_SOURCE = _c(
    "source",
    SourceValue,
    ("hotline", "Hotline", "热线"),
    ("walk_in", "Walk-in", "来访"),
    ("web", "Website", "网站"),
    ("referral", "Referral", "转介绍"),
    ("sales", "Sales", "销售"),
    ("other", "Other", "其他"),
)
CLIENT_STATUS = _c(
    "client_status",
    ClientStatusValue,
    ("active", "Active", "活跃"),
    ("dormant", "Dormant", "不活跃"),
    ("lost", "Lost", "流失"),
)
CHANNEL = _c(
    "channel",
    ChannelValue,
    ("phone", "Phone", "电话"),
    ("walk_in", "Walk-in", "现场"),
    ("email", "Email", "邮件"),
    ("web", "Website", "网站"),
    ("letter", "Letter", "信函"),
    ("media", "Media", "媒体"),
    ("other", "Other", "其他"),
)
CATEGORY = _c(
    "category",
    CategoryValue,
    ("attitude", "Staff attitude", "服务态度"),
    ("service_quality", "Service quality", "服务质量"),
    ("product", "Product quality", "产品质量"),
    ("process", "Business process", "业务流程"),
    ("billing", "Billing", "收费"),
    ("facilities", "Facilities", "环境设施"),
    ("other", "Other", "其他"),
)
SEVERITY = _c(
    "severity",
    SeverityValue,
    ("normal", "Normal", "一般"),
    ("serious", "Serious", "严重"),
    ("critical", "Critical", "重大"),
)
LEVEL = _c(
    "level",
    LevelValue,
    ("frontline", "Frontline", "一线"),
    ("department", "Department head", "部门负责人"),
    ("management", "Management", "分管领导"),
    ("executive", "General manager", "总经理"),
)
COMPLAINT_STATUS = _c(
    "complaint_status",
    ComplaintStatusValue,
    ("received", "Received", "已受理"),
    ("in_progress", "In progress", "处理中"),
    ("resolved", "Resolved", "已解决"),
    ("closed", "Closed", "已结案"),
)
YES_NO = _c(
    "yes_no",
    YesNoValue,
    ("yes", "Yes", "是", "y", "true", "1", "✓", "√", "对", "有", "已解决", "联系上"),
    ("no", "No", "否", "n", "false", "0", "✗", "×", "不是", "没有", "无", "未解决", "未联系上"),
)
REVISIT_KIND = _c(
    "revisit_kind",
    RevisitKindValue,
    ("complaint_followup", "Complaint follow-up", "投诉回访"),
    ("routine", "Routine", "例行回访"),
    ("key_client", "Key client", "重点客户回访"),
)
METHOD = _c(
    "method",
    MethodValue,
    ("phone", "Phone", "电话"),
    ("sms", "SMS", "短信"),
    ("email", "Email", "邮件"),
    ("visit", "Visit", "上门"),
    ("in_store", "In store", "到店"),
)
ATTITUDE = _c(
    "attitude",
    AttitudeValue,
    ("satisfied", "Satisfied", "满意"),
    ("average", "Average", "一般"),
    ("unsatisfied", "Unsatisfied", "不满意"),
)
