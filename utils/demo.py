"""Realistic demo data in Chinese: clients, complaints and revisits of a property-service desk.

Deterministic for a seed and a reference day, and nothing happens after 09:00 that day.
Distributions follow what a real desk sees: most complaints resolved within the limit, fed back
and closed after a follow-up by a colleague; some resolved late; recent ones still being worked
on; a few stuck past their deadline (a few percent of all); some reopened and escalated after
an unsatisfied follow-up, then resolved again; revisit scores mostly 7–10.

`generate` is pure: records (dicts of field → value). `load_demo` hands them to a store and
records what it added in a manifest beside the workbook; `demo_rows` picks exactly those rows
again, for `remove_demo`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sheets_schema.tables import TABLES
from utils import clock
from utils import progress_log as plog
from utils.errors import StoreError
from utils.settings import Settings
from utils.workflow import compute_due_at

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红晓东海燕鹏辉玉兰丹萍斌浩宇欣怡子涵梓轩雨彤"
COMPANY_HEADS = ["华润", "恒通", "金鼎", "新宇", "东方", "瑞丰", "嘉和", "中泰", "锦程", "宏达"]
COMPANY_HEADS += ["天成", "博远"]
COMPANY_TAILS = ["贸易有限公司", "科技有限公司", "餐饮管理有限公司", "商贸行"]
COMPANY_TAILS += ["文化传媒有限公司", "设计工作室"]
REGIONS = ["城东区", "城西区", "高新区", "滨江区", "开发区", "老城区"]
STREETS = ["人民路", "解放路", "建设路", "中山路", "长江路", "和平街", "文化路", "新华路"]
STAFF = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]

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
CUTOFF_TIME = dt.time(9, 0)  # the demo desk's "now" on its reference day
LATE_SHARE = 0.12  # complaints resolved after their time limit
STUCK_RECENT = 0.10  # complaints of the last 30 days still open past their deadline
STUCK_OLD = 0.01  # older complaints still open past their deadline
FOLLOWUP_SHARE = 0.8  # of the revisits at most, for complaint follow-ups


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


def _office_time(rng: random.Random, day: dt.date, cutoff: dt.datetime) -> dt.datetime:
    """A moment in office hours on `day`; the day before when that would be after `cutoff`
    (nothing in the demo happens after it)."""
    hour, minute = rng.randint(8, 17), rng.choice((0, 10, 20, 30, 45))
    moment = dt.datetime.combine(day, dt.time(hour, minute))
    return moment if moment <= cutoff else moment - dt.timedelta(days=1)


def _cutoff(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The reference day and the moment nothing may happen after: 09:00 that day (or now, when
    no day is given and it is earlier)."""
    if today is not None:
        return today, dt.datetime.combine(today, CUTOFF_TIME)
    now = clock.now()
    return now.date(), min(now, dt.datetime.combine(now.date(), CUTOFF_TIME))


def generate(
    clients: int = 200,
    complaints: int = 400,
    revisits: int = 500,
    *,
    seed: int = 1,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> DemoData:
    """Demo records for a desk on `today` at 09:00 (`today` None: the clock's day): nothing
    received, resolved, closed, revisited, registered or updated after that moment."""
    rng = random.Random(seed)
    today, cutoff = _cutoff(today)
    settings = settings or Settings()
    out = DemoData()
    for n in range(clients):
        out.clients.append(_client(rng, n, today, cutoff))
    if not out.clients:
        return out
    stories = [_complaint(rng, n, out, today, cutoff, settings) for n in range(complaints)]
    # follow-ups, oldest complaints first (if the revisits run out, the recent ones wait), with
    # at most FOLLOWUP_SHARE of the revisits: the rest are routine and key-client revisits
    budget = [int(revisits * FOLLOWUP_SHARE)]
    for rec, log, client in sorted(stories, key=lambda story: story[0]["received_at"]):
        if rec["status"] == "resolved" and rec.get("feedback_at"):
            _follow_up(rng, rec, client, out, log, cutoff, budget, may_reopen=True)
    for rec, log, _ in stories:
        rec["progress_log"] = "\n".join(log)
        rec["updated_at"] = max(dt.datetime.strptime(line[:16], "%Y-%m-%d %H:%M") for line in log)
        out.complaints.append(rec)
    for _ in range(max(revisits - len(out.revisits), 0)):
        client = rng.choice(out.clients)
        start = max(client["registered_on"], today - dt.timedelta(days=365))
        day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
        when = max(_office_time(rng, day, cutoff), client["updated_at"])
        kind = "key_client" if client["grade"] == "A" and rng.random() < 0.5 else "routine"
        reached = rng.random() < 0.85
        out.revisits.append(_revisit(rng, len(out.revisits), client, None, kind, when, 1, reached))
    return out


def _client(rng: random.Random, n: int, today: dt.date, cutoff: dt.datetime) -> dict:
    company = rng.random() < 0.25
    registered_at = _office_time(rng, today - dt.timedelta(days=rng.randint(0, 3 * 365)), cutoff)
    registered = registered_at.date()
    name = (
        rng.choice(REGIONS)[:2] + rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TAILS)
        if company
        else _person(rng)
    )
    return {
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
        "updated_at": registered_at,
        "updated_by": rng.choice(STAFF),
    }


def _line(when: dt.datetime, who: str, text: str) -> str:
    return f"{when:%Y-%m-%d %H:%M} {who} {text}"


def _complaint(rng, n, out, today, cutoff, settings) -> tuple[dict, list[str], dict]:
    """One complaint and its story up to `cutoff` (before any follow-up): recent ones still
    being worked on; older ones resolved (mostly within the limit) and fed back; a few stuck
    past their deadline (`STUCK_RECENT` of the last month's, `STUCK_OLD` of older ones).
    Returns (record, progress-log lines, its client)."""
    client = rng.choice(out.clients)
    age_days = int(rng.triangular(0, 365, 0))
    day = max(today - dt.timedelta(days=age_days), client["registered_on"] + dt.timedelta(days=1))
    received = _office_time(rng, min(day, today), cutoff)
    if received < client["updated_at"]:  # never before its client: a client of this morning
        received = min(client["updated_at"] + dt.timedelta(minutes=10), cutoff)
    category = _pick(rng, CATEGORY_WEIGHTS)
    severity = _pick(rng, SEVERITY_WEIGHTS)
    receiver = rng.choice(STAFF)
    handler = rng.choice(STAFF)
    due = compute_due_at(received, severity, settings)
    log = [_line(received, receiver, "receive: 登记投诉")]
    rec = {
        "complaint_id": f"TS-{received:%Y%m%d}-{n:04d}",
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
    late = rng.random() < LATE_SHARE
    span = (due - received) * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.1, 0.95))
    resolved = _in_office_hours((received + span).replace(second=0, microsecond=0), received)
    recent = cutoff - received <= dt.timedelta(days=30)
    stuck = due < cutoff and rng.random() < (STUCK_RECENT if recent else STUCK_OLD)
    started = received + dt.timedelta(minutes=rng.randint(30, 240))
    if stuck or resolved > cutoff:  # still open
        if started <= cutoff and rng.random() < 0.85:
            rec["status"] = "in_progress"
            log.append(_line(started, handler, "progress: 已联系客户了解情况"))
        if stuck:
            rec.update(status="in_progress", level="department")
            log.append(_line(due, handler, "escalate→department: 超出处理时限"))
    else:
        _resolve(rng, rec, log, resolved, cutoff)
    rec["updated_by"] = handler
    return rec, log, client


def _in_office_hours(moment: dt.datetime, after: dt.datetime) -> dt.datetime:
    """Nobody resolves a complaint at 3 a.m.: a moment in the night (18:00–08:00) moves back
    to the same share of the office hours before it (08:00–18:00; earlier, so never past a
    deadline), but never earlier than ten minutes after `after`."""
    if not 8 <= moment.hour < 18:
        back = 1 if moment.hour < 8 else 0
        evening = moment.replace(hour=18, minute=0, second=0) - dt.timedelta(days=back)
        share = (moment - evening) / dt.timedelta(hours=14)
        moment = (evening - (1 - share) * dt.timedelta(hours=10)).replace(second=0, microsecond=0)
    return max(moment, after + dt.timedelta(minutes=10))


def _resolve(rng, rec, log, when: dt.datetime, cutoff: dt.datetime) -> None:
    category = rec["category"]
    feedback = when + dt.timedelta(hours=rng.randint(1, 20))
    rec.update(
        status="resolved",
        resolved_at=when,
        resolution=RESOLUTIONS[category],
        root_cause=ROOT_CAUSES[category],
        corrective_action=ACTIONS[category] if rng.random() < 0.6 else "",
        feedback_at=feedback if feedback <= cutoff else None,
        verified=rng.choice(["yes", "yes", "no", ""]),
    )
    log.append(_line(when, rec["handler"], f"resolve: {RESOLUTIONS[category]}"))
    if rec["feedback_at"]:
        log.append(_line(feedback, rec["handler"], "feedback: 已电话告知客户处理结果"))


def _follow_up(rng, rec, client, out, log, cutoff, budget, *, may_reopen: bool) -> None:
    """Follow-up calls for a resolved complaint, by someone other than its handler and first
    receiver: closed once the client is reached and satisfied; reopened and escalated when
    not — and then resolved again and followed up once more, if there was time."""
    when = rec["feedback_at"] + dt.timedelta(days=rng.randint(1, 3))
    for attempt in (1, 2, 3):
        if when > cutoff or budget[0] <= 0:
            return
        reached = rng.random() < 0.8
        unhappy = may_reopen and reached and rng.random() < 0.08
        others = [s for s in STAFF if s not in (rec["handler"], rec["first_receiver"])]
        call = (rec["complaint_id"], "complaint_followup", when, attempt, reached, unhappy)
        visit = _revisit(rng, len(out.revisits), client, *call, staff=rng.choice(others))
        out.revisits.append(visit)
        budget[0] -= 1
        staff = visit["staff"]
        if reached and unhappy:
            rec.update(status="in_progress", level="department")
            rec.pop("resolved_at", None)
            log.append(_line(when, staff, "reopen: 回访客户表示问题未解决"))
            log.append(_line(when, staff, "escalate→department: 回访不满意，升级处理"))
            again = (when + dt.timedelta(days=rng.uniform(1, 4))).replace(second=0, microsecond=0)
            again = _in_office_hours(again, when)
            if again + dt.timedelta(days=1) <= cutoff:
                _resolve(rng, rec, log, again, cutoff)
                if rec.get("feedback_at"):
                    _follow_up(rng, rec, client, out, log, cutoff, budget, may_reopen=False)
            return
        if reached:
            rec["status"] = "closed"
            rec["closed_at"] = min(when + dt.timedelta(minutes=10), cutoff)
            log.append(_line(rec["closed_at"], staff, "close: 回访确认已解决"))
            return
        log.append(_line(when, staff, f"revisit: 第{attempt}次回访未联系上"))
        when += dt.timedelta(days=1)


def _revisit(rng, n, client, complaint_id, kind, when, attempt, reached, unhappy=False, staff=""):
    score = None
    attitude = solved = ""
    if reached:
        if unhappy:
            score, attitude, solved = rng.randint(2, 5), "unsatisfied", "no"
        else:
            score = rng.choices(range(1, 11), weights=(1, 1, 1, 2, 3, 5, 12, 25, 28, 22))[0]
            attitude = "satisfied" if score >= 7 else ("average" if score >= 5 else "unsatisfied")
            solved = "yes" if kind == "complaint_followup" else rng.choice(["yes", ""])
    if not staff:
        staff = client["owner"] if rng.random() < 0.7 else rng.choice(STAFF)
    return {
        "revisit_id": f"HF-{when:%Y%m%d}-{n:04d}",
        "client_id": client["client_id"],
        "complaint_id": complaint_id or "",
        "kind": kind,
        "done_at": when,
        "method": rng.choices(
            ["phone", "sms", "visit", "in_store", "email"], weights=(70, 10, 10, 5, 5)
        )[0],
        "staff": staff,
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


# --- loading and removing: the manifest of what the demo added ------------------------------

MANIFEST_VERSION = 1
DEMO_TABS = ("clients", "complaints", "revisits")


def manifest_path(store) -> Path:
    """Where the demo manifest lives: beside the local workbook (`<workbook>.demo.json`), or
    beside a Google Sheet's pending folder."""
    path = getattr(store, "path", None)
    if path is not None:
        return Path(f"{path}.demo.json")
    folder = Path(store.queue.folder)
    return folder.with_name(f"{folder.name}.demo.json")


def read_manifest(path: Path) -> dict:
    """The manifest at `path`; an empty one ({"ids": {tab: []}}) when there is none."""
    empty = {"version": MANIFEST_VERSION, "ids": {tab: [] for tab in DEMO_TABS}, "loads": []}
    if not path.exists():
        return empty
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = data.get("ids") or {}
    return {**empty, **data, "ids": {tab: list(ids.get(tab) or []) for tab in DEMO_TABS}}


def _write_manifest(path: Path, manifest: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(part, path)


def record_loaded(manifest: dict, saved: dict[str, list[str]], **about: object) -> dict:
    """The manifest with a load's saved IDs added (a second load adds to the first)."""
    ids = {tab: list(manifest["ids"].get(tab, [])) for tab in DEMO_TABS}
    for tab, new in saved.items():
        known = set(ids[tab])
        ids[tab] += [i for i in new if i not in known]
    loads = [*manifest.get("loads", []), {**about, "counts": {t: len(v) for t, v in saved.items()}}]
    return {**manifest, "version": MANIFEST_VERSION, "ids": ids, "loads": loads}


def demo_rows(frames: dict[str, pd.DataFrame], manifest: dict) -> dict[str, pd.DataFrame]:
    """The rows the demo added, exactly: per tab, the rows whose ID the manifest lists —
    nothing guessed from names, dates or who saved them, so rows people typed themselves stay
    (even a revisit of a demo client). Rows already gone are simply not there."""
    out = {}
    for tab in DEMO_TABS:
        frame = frames[tab]
        ids = frame[TABLES[tab].id_field].fillna("").astype(str).str.strip()
        out[tab] = frame.loc[ids.isin(set(manifest["ids"].get(tab, [])))]
    return out


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
    """Generate demo data and append it through `store` (tabs created if missing); the IDs
    saved are recorded in the demo manifest beside the workbook (`manifest_path`), so that
    `remove_demo` takes out exactly these rows. Returns {tab: rows added}. The progress logs
    are written in the workbook's language (`Store.sheet_lang`: a new one, the store's)."""
    data = generate(clients, complaints, revisits, seed=seed, today=today)
    lang = store.sheet_lang() if hasattr(store, "sheet_lang") else "en"
    if lang != "en":
        for record in data.complaints:
            if record.get("progress_log"):
                record["progress_log"] = plog.translate(record["progress_log"], lang)
    saved = {}
    for tab in DEMO_TABS:
        ids, refused = store.append_many(tab, getattr(data, tab), user=user)
        if refused:  # generated data is valid by construction: a refusal is a bug here
            raise ValueError(f"demo {tab} refused: {refused[0][1][0].message('en')}")
        saved[tab] = list(ids)
    path = manifest_path(store)
    day = (today or clock.today()).isoformat()
    _write_manifest(path, record_loaded(read_manifest(path), saved, seed=seed, today=day))
    return {tab: len(ids) for tab, ids in saved.items()}


def remove_demo(store, user: str) -> dict:
    """Delete exactly the rows the demo added (`demo_rows` of the manifest) — revisits, then
    complaints, then clients — and then the manifest. Returns {tab: rows deleted}.

    Needs a store that can delete rows by ID (`store.delete_many(tab, ids, user=...)`, one
    batch per tab, returning the IDs deleted); the stores have none yet, so this raises a
    StoreError that says so and deletes nothing."""
    path = manifest_path(store)
    manifest = read_manifest(path)
    chosen = demo_rows(store.read(fresh=True).frames, manifest)
    delete = getattr(store, "delete_many", None)
    if delete is None:
        raise StoreError("demo.cannot_remove", source=store.display_name())
    counts = {}
    for tab in reversed(DEMO_TABS):
        ids = chosen[tab][TABLES[tab].id_field].astype(str).str.strip().tolist()
        counts[tab] = len(delete(tab, ids, user=user)) if ids else 0
    path.unlink(missing_ok=True)
    return counts
