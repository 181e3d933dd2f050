"""The three tables as pydantic v2 models: the one place that defines each column.

Each field is annotated with a `Col` (labels, kind, choices). The models describe *normalised*
values (choice values, `date`/`datetime` objects, ints); `sheets_schema.parse` turns what a person
typed (labels in either language, Excel numbers, Chinese dates) into those values first, and
`sheets_schema.validate` runs the models over whole tabs in one batch.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sheets_schema import choices as ch
from sheets_schema.columns import CHOICE, DATE, DATETIME, EMAIL, ID, INT, PHONE, Col

PHONE_PATTERN = r"^[0-9+\-() ]*[0-9][0-9+\-() ]*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

Text = str | None


class RowModel(BaseModel):
    """Base of the three table models. Unknown keys (extra columns) are ignored here; the
    store keeps them in the sheet untouched."""

    model_config = ConfigDict(extra="ignore", frozen=False, str_strip_whitespace=True)


class Client(RowModel):
    client_id: Annotated[str, Col("客户编号", "Client ID", ID, True, aliases=("编号", "ID"))]
    name: Annotated[
        str,
        Col(
            "客户名称",
            "Name",
            required=True,
            aliases=("客户姓名", "姓名", "名称", "client name", "客户"),
        ),
    ]
    client_type: Annotated[
        ch.ClientTypeValue | None,
        Col("客户类型", "Client type", CHOICE, choices=ch.CLIENT_TYPE, aliases=("type", "类型")),
    ] = None
    grade: Annotated[
        ch.GradeValue | None,
        Col("客户等级", "Grade", CHOICE, choices=ch.GRADE, aliases=("等级", "级别")),
    ] = None
    contact_person: Annotated[Text, Col("联系人", "Contact person", aliases=("contact",))] = None
    phone: Annotated[
        str,
        Field(pattern=PHONE_PATTERN),
        Col(
            "联系电话",
            "Phone",
            PHONE,
            True,
            aliases=("电话", "手机", "手机号", "telephone", "mobile", "tel"),
        ),
    ]
    email: Annotated[
        Text,
        Field(pattern=EMAIL_PATTERN),
        Col("电子邮箱", "Email", EMAIL, aliases=("邮箱", "e-mail", "mail")),
    ] = None
    address: Annotated[Text, Col("地址", "Address", aliases=("联系地址",))] = None
    region: Annotated[Text, Col("地区", "Region", aliases=("区域", "area"))] = None
    source: Annotated[
        ch.SourceValue | None,
        Col("客户来源", "Source", CHOICE, choices=ch.CLIENT_SOURCE, aliases=("来源",)),
    ] = None
    owner: Annotated[
        Text, Col("客服负责人", "Owner", aliases=("负责人", "客服", "account owner"))
    ] = None
    status: Annotated[
        ch.ClientStatusValue | None,
        Col("状态", "Status", CHOICE, choices=ch.CLIENT_STATUS, aliases=("客户状态",)),
    ] = None
    registered_on: Annotated[
        dt.date | None,
        Col(
            "登记日期",
            "Registered on",
            DATE,
            aliases=("登记时间", "registered", "registration date"),
        ),
    ] = None
    notes: Annotated[Text, Col("备注", "Notes", aliases=("note", "remarks", "说明"))] = None
    updated_at: Annotated[
        dt.datetime | None, Col("更新时间", "Updated at", DATETIME, system=True)
    ] = None
    updated_by: Annotated[Text, Col("更新人", "Updated by", system=True)] = None


class Complaint(RowModel):
    complaint_id: Annotated[str, Col("投诉编号", "Complaint ID", ID, True, aliases=("编号", "ID"))]
    client_id: Annotated[Text, Col("客户编号", "Client ID", ID)] = None
    received_at: Annotated[
        dt.datetime,
        Col(
            "受理时间", "Received at", DATETIME, True, aliases=("投诉时间", "received", "接收时间")
        ),
    ]
    channel: Annotated[
        ch.ChannelValue | None,
        Col("投诉渠道", "Channel", CHOICE, choices=ch.CHANNEL, aliases=("渠道",)),
    ] = None
    category: Annotated[
        ch.CategoryValue | None,
        Col("投诉类别", "Category", CHOICE, choices=ch.CATEGORY, aliases=("类别", "投诉类型")),
    ] = None
    severity: Annotated[
        ch.SeverityValue | None,
        Col("严重程度", "Severity", CHOICE, choices=ch.SEVERITY, aliases=("等级", "严重性")),
    ] = None
    description: Annotated[
        str, Col("投诉内容", "Description", required=True, aliases=("内容", "投诉事项", "details"))
    ]
    first_receiver: Annotated[
        str,
        Col(
            "首问责任人",
            "First receiver",
            required=True,
            aliases=("首问负责人", "受理人", "received by"),
        ),
    ]
    handler: Annotated[Text, Col("经办人", "Handler", aliases=("处理人", "负责人"))] = None
    level: Annotated[
        ch.LevelValue | None,
        Col("处理层级", "Level", CHOICE, choices=ch.LEVEL, aliases=("层级", "escalation level")),
    ] = None
    status: Annotated[
        ch.ComplaintStatusValue | None,
        Col("处理状态", "Status", CHOICE, choices=ch.COMPLAINT_STATUS, aliases=("状态",)),
    ] = None
    due_at: Annotated[
        dt.datetime | None, Col("处理时限", "Due at", DATETIME, aliases=("时限", "due", "deadline"))
    ] = None
    requested_due: Annotated[
        dt.datetime | None,
        Col(
            "客户要求时限",
            "Deadline the client asked for",
            DATETIME,
            aliases=("客户要求处理时间", "requested by", "client deadline"),
        ),
    ] = None
    resolved_at: Annotated[
        dt.datetime | None, Col("解决时间", "Resolved at", DATETIME, aliases=("resolved",))
    ] = None
    resolution: Annotated[Text, Col("处理结果", "Resolution", aliases=("结果", "处理意见"))] = None
    root_cause: Annotated[Text, Col("原因分析", "Root cause", aliases=("原因", "cause"))] = None
    corrective_action: Annotated[
        Text, Col("改进措施", "Corrective action", aliases=("整改措施", "纠正措施"))
    ] = None
    feedback_at: Annotated[
        dt.datetime | None,
        Col("反馈客户时间", "Feedback at", DATETIME, aliases=("反馈时间", "client informed at")),
    ] = None
    responsible_staff: Annotated[
        Text, Col("被投诉人员", "Responsible staff", aliases=("被投诉人", "staff complained about"))
    ] = None
    verified: Annotated[
        ch.YesNoValue | None,
        Col("查证属实", "Verified", CHOICE, choices=ch.YES_NO, aliases=("是否属实",)),
    ] = None
    closed_at: Annotated[
        dt.datetime | None, Col("结案时间", "Closed at", DATETIME, aliases=("closed",))
    ] = None
    progress_log: Annotated[
        Text, Col("处理记录", "Progress log", aliases=("处理过程", "log"), system=True)
    ] = None
    updated_at: Annotated[
        dt.datetime | None, Col("更新时间", "Updated at", DATETIME, system=True)
    ] = None
    updated_by: Annotated[Text, Col("更新人", "Updated by", system=True)] = None

    rule_fields: ClassVar[tuple[str, ...]] = ("status", "resolution", "resolved_at", "closed_at")

    @model_validator(mode="after")
    def _rules(self) -> Complaint:
        return complaint_rules(self)


class Revisit(RowModel):
    revisit_id: Annotated[str, Col("回访编号", "Revisit ID", ID, True, aliases=("编号", "ID"))]
    client_id: Annotated[str, Col("客户编号", "Client ID", ID, True)]
    complaint_id: Annotated[Text, Col("投诉编号", "Complaint ID", ID)] = None
    kind: Annotated[
        ch.RevisitKindValue | None,
        Col("回访类型", "Kind", CHOICE, choices=ch.REVISIT_KIND, aliases=("类型", "type")),
    ] = None
    done_at: Annotated[
        dt.datetime,
        Col("回访时间", "Done at", DATETIME, True, aliases=("时间", "revisit time", "date")),
    ]
    method: Annotated[
        ch.MethodValue | None,
        Col("回访方式", "Method", CHOICE, choices=ch.METHOD, aliases=("方式",)),
    ] = None
    staff: Annotated[
        str, Col("回访人", "Staff", required=True, aliases=("回访人员", "回访员", "revisited by"))
    ]
    attempt: Annotated[
        int | None,
        Field(ge=1, le=3),
        Col("第几次联系", "Attempt", INT, aliases=("联系次数", "次数", "attempt no")),
    ] = None
    reached: Annotated[
        ch.YesNoValue,
        Col("是否联系上", "Reached", CHOICE, True, choices=ch.YES_NO, aliases=("联系上", "接通")),
    ]
    solved: Annotated[
        ch.YesNoValue | None,
        Col("问题是否解决", "Solved", CHOICE, choices=ch.YES_NO, aliases=("是否解决", "已解决")),
    ] = None
    attitude: Annotated[
        ch.AttitudeValue | None,
        Col(
            "服务态度评价",
            "Attitude",
            CHOICE,
            choices=ch.ATTITUDE,
            aliases=("满意度", "服务态度", "satisfaction"),
        ),
    ] = None
    charged: Annotated[
        ch.YesNoValue | None,
        Col("是否收费", "Charged", CHOICE, choices=ch.YES_NO, aliases=("收费",)),
    ] = None
    score: Annotated[
        int | None,
        Field(ge=1, le=10),
        Col("服务评分", "Score", INT, aliases=("评分", "分数", "rating")),
    ] = None
    suggestions: Annotated[
        Text, Col("意见建议", "Suggestions", aliases=("意见", "建议", "comments"))
    ] = None
    next_revisit_on: Annotated[
        dt.date | None,
        Col("下次回访日期", "Next revisit on", DATE, aliases=("下次回访", "next revisit")),
    ] = None
    updated_at: Annotated[
        dt.datetime | None, Col("更新时间", "Updated at", DATETIME, system=True)
    ] = None
    updated_by: Annotated[Text, Col("更新人", "Updated by", system=True)] = None

    rule_fields: ClassVar[tuple[str, ...]] = ("kind", "complaint_id", "reached", "solved")

    @model_validator(mode="after")
    def _rules(self) -> Revisit:
        return revisit_rules(self)


class ComplaintRuleFields(Protocol):
    """What `complaint_rules` reads: `Complaint` has it, and so has the batch model
    `sheets_schema.validate` builds from the `rule_fields`."""

    @property
    def status(self) -> str | None: ...
    @property
    def resolution(self) -> str | None: ...
    @property
    def resolved_at(self) -> dt.datetime | None: ...
    @property
    def closed_at(self) -> dt.datetime | None: ...


class RevisitRuleFields(Protocol):
    """What `revisit_rules` reads (see `ComplaintRuleFields`)."""

    @property
    def kind(self) -> str | None: ...
    @property
    def complaint_id(self) -> str | None: ...
    @property
    def reached(self) -> str: ...
    @property
    def solved(self) -> str | None: ...


_C = TypeVar("_C", bound=ComplaintRuleFields)
_R = TypeVar("_R", bound=RevisitRuleFields)


def complaint_rules(row: _C) -> _C:
    """A resolved or closed complaint needs its resolution and resolved_at; closed needs
    closed_at. Raises ValueError("needs:field,field")."""
    missing: list[str] = []
    if row.status in ("resolved", "closed"):
        if not row.resolution:
            missing.append("resolution")
        if row.resolved_at is None:
            missing.append("resolved_at")
    if row.status == "closed" and row.closed_at is None:
        missing.append("closed_at")
    if missing:
        raise ValueError("needs:" + ",".join(missing))
    return row


def revisit_rules(row: _R) -> _R:
    """A complaint follow-up names its complaint and, when it reached the client, says
    whether the problem is solved."""
    missing: list[str] = []
    if row.kind == "complaint_followup":
        if not row.complaint_id:
            missing.append("complaint_id")
        if row.reached == "yes" and row.solved is None:
            missing.append("solved")
    if missing:
        raise ValueError("needs:" + ",".join(missing))
    return row


RULES = {"Complaint": complaint_rules, "Revisit": revisit_rules}
