"""Realistic demo data in Chinese: clients, complaints and revisits of a property-service desk.

Deterministic for a seed and a reference day. Distributions follow what a real desk sees: most
complaints resolved within the limit and closed after a follow-up; some late; a few open and
overdue; some reopened and escalated after an unsatisfied follow-up; revisit scores mostly 7–10.
Pure: returns records (dicts of field → value); the CLI hands them to a store.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from utils import clock
from utils.settings import Settings
from utils.workflow import compute_due_at

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红晓东海燕鹏辉玉兰丹萍斌浩宇欣怡子涵梓轩雨彤"
COMPANY_HEADS = [
    "华润",
    "恒通",
    "金鼎",
    "新宇",
    "东方",
    "瑞丰",
    "嘉和",
    "中泰",
    "锦程",
    "宏达",
    "天成",
    "博远",
]
COMPANY_TAILS = [
    "贸易有限公司",
    "科技有限公司",
    "餐饮管理有限公司",
    "商贸行",
    "文化传媒有限公司",
    "设计工作室",
]
REGIONS = ["城东区", "城西区", "高新区", "滨江区", "开发区", "老城区"]
STREETS = ["人民路", "解放路", "建设路", "中山路", "长江路", "和平街", "文化路", "新华路"]
STAFF = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
MANAGERS = ["周主任", "吴经理"]

DESCRIPTIONS = {
    "attitude": [
        "前台工作人员接待时态度冷淡，问题没有说完就被打断",
        "客服电话中语气生硬，没有耐心解释",
        "维修师傅上门时态度不好，还抱怨工作多",
    ],
    "service_quality": [
        "报修三天了还没有人上门处理",
        "保洁不到位，楼道垃圾两天没清理",
        "维修后问题复发，要求重新处理",
        "快递代收服务丢件，要求赔偿",
    ],
    "product": [
        "新交付房屋墙面出现裂缝",
        "热水器安装后频繁报故障",
        "门禁卡经常失灵，无法进入单元门",
    ],
    "process": [
        "办理车位登记手续繁琐，跑了三次还没办好",
        "装修申请审批时间太长",
        "投诉后没有任何人回电话跟进",
    ],
    "billing": [
        "物业费账单金额与合同不符，多收了费用",
        "停车费重复扣款",
        "水电公摊费用计算不透明，要求说明",
    ],
    "facilities": ["电梯经常停运，老人上下楼很不方便", "小区路灯坏了一周没修", "地下车库漏水严重"],
    "other": ["邻居装修噪音太大，影响休息", "小区内有人遛狗不牵绳", "宠物粪便无人清理"],
}
RESOLUTIONS = {
    "attitude": "已向客户当面致歉，并对相关员工进行批评教育",
    "service_quality": "已安排专人上门处理完毕，客户现场确认",
    "product": "已联系厂家更换配件，并延长保修期一年",
    "process": "已协助客户一次性办结手续，并优化办理流程",
    "billing": "经核实确有多收，已退还差额并致歉",
    "facilities": "已维修完毕并安排每日巡查",
    "other": "已上门协调，双方达成一致",
}
ROOT_CAUSES = {
    "attitude": "员工服务意识不足，缺少礼仪培训",
    "service_quality": "维修人员不足，派单不及时",
    "product": "供应商产品质量问题",
    "process": "办理流程环节过多，资料要求不清楚",
    "billing": "系统计费规则设置错误",
    "facilities": "设施老化，巡检不到位",
    "other": "小区管理规约宣传不够",
}
ACTIONS = {
    "attitude": "组织全员服务礼仪培训，纳入月度考核",
    "service_quality": "增加维修人员排班，报修 24 小时内响应",
    "product": "加强进场验收，更换合格供应商",
    "process": "制作办事指南，一次性告知所需材料",
    "billing": "修正计费规则，每月抽查账单",
    "facilities": "制定设施巡检表，每周检查",
    "other": "张贴文明公约，加强巡逻劝导",
}
SUGGESTIONS = [
    "希望以后响应再快一点",
    "服务很好，谢谢",
    "建议多开展业主活动",
    "",
    "",
    "",
    "希望加强小区安保",
    "处理及时，满意",
    "电话太难打通了",
]

CATEGORY_WEIGHTS = {
    "service_quality": 30,
    "facilities": 20,
    "billing": 15,
    "attitude": 12,
    "process": 10,
    "product": 8,
    "other": 5,
}
CHANNEL_WEIGHTS = {
    "phone": 45,
    "walk_in": 20,
    "web": 15,
    "email": 8,
    "letter": 4,
    "media": 3,
    "other": 5,
}
SEVERITY_WEIGHTS = {"normal": 75, "serious": 20, "critical": 5}
LEVELS = ["frontline", "department", "management", "executive"]


@dataclass
class DemoData:
    clients: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)
    revisits: list[dict] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice((0, 10, 20, 30, 45))))


def generate(
    clients: int = 200,
    complaints: int = 400,
    revisits: int = 500,
    *,
    seed: int = 1,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> DemoData:
    rng = random.Random(seed)
    today = today or clock.today()
    settings = settings or Settings()
    now = dt.datetime.combine(today, dt.time(9, 0))
    out = DemoData()
    for n in range(clients):
        company = rng.random() < 0.25
        registered = today - dt.timedelta(days=rng.randint(0, 3 * 365))
        name = (
            rng.choice(REGIONS)[:2] + rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TAILS)
            if company
            else _person(rng)
        )
        out.clients.append(
            {
                "client_id": f"KH-{registered:%Y%m%d}-{n:04d}",
                "name": name,
                "client_type": "company" if company else "individual",
                "grade": rng.choices("ABCD", weights=(10, 35, 40, 15))[0],
                "contact_person": _person(rng) if company else "",
                "phone": _phone(rng),
                "email": f"user{n}@example.cn" if rng.random() < 0.3 else "",
                "address": f"{rng.choice(REGIONS)}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                "region": rng.choice(REGIONS),
                "source": rng.choice(["hotline", "walk_in", "web", "referral", "sales", "other"]),
                "owner": rng.choice(STAFF),
                "status": rng.choices(["active", "dormant", "lost"], weights=(80, 15, 5))[0],
                "registered_on": registered,
                "notes": "",
                "updated_at": _office_time(rng, registered),
                "updated_by": rng.choice(STAFF),
            }
        )
    if not out.clients:
        return out
    revisit_budget = revisits
    for n in range(complaints):
        client = rng.choice(out.clients)
        age_days = int(rng.triangular(0, 365, 0))
        received = _office_time(rng, today - dt.timedelta(days=age_days))
        if received > now:
            received = now - dt.timedelta(hours=rng.randint(1, 8))
        category = _pick(rng, CATEGORY_WEIGHTS)
        severity = _pick(rng, SEVERITY_WEIGHTS)
        receiver = rng.choice(STAFF)
        handler = rng.choice(STAFF)
        due = compute_due_at(received, severity, settings)
        cid = f"TS-{received:%Y%m%d}-{n:04d}"
        log = [f"{received:%Y-%m-%d %H:%M} {receiver} receive: 登记投诉"]
        rec = {
            "complaint_id": cid,
            "client_id": client["client_id"],
            "received_at": received,
            "channel": _pick(rng, CHANNEL_WEIGHTS),
            "category": category,
            "severity": severity,
            "description": rng.choice(DESCRIPTIONS[category]),
            "first_receiver": receiver,
            "handler": handler,
            "level": "frontline",
            "status": "received",
            "due_at": due,
            "responsible_staff": rng.choice(STAFF) if category == "attitude" else "",
        }
        roll = rng.random()
        if due > now and roll < 0.5:  # recent and still being worked on
            if roll < 0.3:
                rec["status"] = "in_progress"
                log.append(
                    f"{received + dt.timedelta(hours=2):%Y-%m-%d %H:%M} {handler} "
                    "progress: 已联系客户了解情况"
                )
        elif roll < 0.05:  # open and overdue
            rec["status"] = "in_progress"
            rec["level"] = "department"
            log.append(f"{due:%Y-%m-%d %H:%M} {handler} escalate→department: 超出处理时限")
        else:
            late = rng.random() < 0.12
            span = (due - received) * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.1, 0.95))
            resolved = min(received + span, now - dt.timedelta(minutes=5))
            rec.update(
                status="resolved",
                resolved_at=resolved.replace(second=0, microsecond=0),
                resolution=RESOLUTIONS[category],
                root_cause=ROOT_CAUSES[category],
                corrective_action=ACTIONS[category] if rng.random() < 0.6 else "",
                feedback_at=resolved + dt.timedelta(hours=rng.randint(1, 20)),
                verified=rng.choice(["yes", "yes", "no", ""]),
            )
            log.append(f"{resolved:%Y-%m-%d %H:%M} {handler} resolve: {RESOLUTIONS[category]}")
            if revisit_budget > 0 and rec["feedback_at"] < now - dt.timedelta(days=1):
                revisit_budget -= _follow_up(rng, rec, client, out, log, now)
        rec["progress_log"] = "\n".join(log)
        rec["updated_at"] = max(
            [
                v
                for k, v in rec.items()
                if k.endswith("_at") and isinstance(v, dt.datetime) and v <= now
            ]
            or [received]
        )
        rec["updated_by"] = handler
        out.complaints.append(rec)
    # the rest of the revisit budget: routine and key-client revisits
    for _ in range(max(revisit_budget, 0)):
        client = rng.choice(out.clients)
        start = max(client["registered_on"], today - dt.timedelta(days=365))
        day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
        reached = rng.random() < 0.85
        out.revisits.append(
            _revisit(
                rng,
                len(out.revisits),
                client,
                None,
                "key_client" if client["grade"] == "A" and rng.random() < 0.5 else "routine",
                _office_time(rng, day),
                1,
                reached,
            )
        )
    return out


def _follow_up(rng, rec, client, out, log, now) -> int:
    """Follow-up revisits of one resolved complaint; updates the complaint. Returns how many
    revisits were recorded."""
    when = rec["feedback_at"] + dt.timedelta(days=rng.randint(1, 3))
    if when > now:
        return 0
    made = 0
    for attempt in (1, 2, 3):
        reached = rng.random() < 0.8
        unhappy = reached and rng.random() < 0.08
        visit = _revisit(
            rng,
            len(out.revisits),
            client,
            rec["complaint_id"],
            "complaint_followup",
            when,
            attempt,
            reached,
            unhappy,
        )
        out.revisits.append(visit)
        made += 1
        staff = visit["staff"]
        if reached and unhappy:
            rec["status"] = "in_progress"
            rec["level"] = "department"
            rec.pop("resolved_at", None)
            rec["resolution"] = rec["resolution"]
            log.append(f"{when:%Y-%m-%d %H:%M} {staff} reopen: 回访客户表示问题未解决")
            log.append(f"{when:%Y-%m-%d %H:%M} {staff} escalate→department: 回访不满意，升级处理")
            return made
        if reached:
            rec["status"] = "closed"
            rec["closed_at"] = when + dt.timedelta(minutes=10)
            log.append(f"{rec['closed_at']:%Y-%m-%d %H:%M} {staff} close: 回访确认已解决")
            return made
        log.append(f"{when:%Y-%m-%d %H:%M} {staff} revisit: 第{attempt}次回访未联系上")
        when += dt.timedelta(days=1)
        if when > now:
            return made
    return made


def _revisit(rng, n, client, complaint_id, kind, when, attempt, reached, unhappy=False):
    score = None
    attitude = solved = ""
    if reached:
        if unhappy:
            score, attitude, solved = rng.randint(2, 5), "unsatisfied", "no"
        else:
            score = rng.choices(range(1, 11), weights=(1, 1, 1, 2, 3, 5, 12, 25, 28, 22))[0]
            attitude = "satisfied" if score >= 7 else ("average" if score >= 5 else "unsatisfied")
            solved = "yes" if kind == "complaint_followup" else rng.choice(["yes", ""])
    return {
        "revisit_id": f"HF-{when:%Y%m%d}-{n:04d}",
        "client_id": client["client_id"],
        "complaint_id": complaint_id or "",
        "kind": kind,
        "done_at": when,
        "method": rng.choices(
            ["phone", "sms", "visit", "in_store", "email"], weights=(70, 10, 10, 5, 5)
        )[0],
        "staff": client["owner"] if rng.random() < 0.7 else rng.choice(STAFF),
        "attempt": attempt,
        "reached": "yes" if reached else "no",
        "solved": solved,
        "attitude": attitude,
        "charged": rng.choice(["no", "no", "no", "yes"]) if reached else "",
        "score": score,
        "suggestions": rng.choice(SUGGESTIONS) if reached else "",
        "next_revisit_on": None,
        "updated_at": when,
        "updated_by": client["owner"],
    }


def load_demo(
    store,
    *,
    clients: int = 200,
    complaints: int = 400,
    revisits: int = 500,
    seed: int = 1,
    today: dt.date | None = None,
    user: str = "demo",
) -> dict:
    """Generate demo data and append it through `store` (tabs created if missing). Returns
    {tab: rows added}."""
    data = generate(clients, complaints, revisits, seed=seed, today=today)
    counts = {}
    for tab in ("clients", "complaints", "revisits"):
        saved, refused = store.append_many(tab, getattr(data, tab), user=user)
        if refused:  # generated data is valid by construction: a refusal is a bug here
            raise ValueError(f"demo {tab} refused: {refused[0][1][0].message('en')}")
        counts[tab] = len(saved)
    return counts
