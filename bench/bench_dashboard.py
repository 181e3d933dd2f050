"""Benchmark: dashboard figures, chart data and the monthly report on a large snapshot.

Generates a synthetic snapshot in memory (default 20,000 clients / 50,000 complaints / 50,000
revisits, numpy random, values following the store's data contract), then times
- all dashboard figures and chart data (`metrics.dashboard`), median of 5 runs — target < 0.3 s;
- building the Altair chart specs from those frames (informative);
- one month's report (`report.build_report`) — target < 5 s.

    .venv/bin/python bench/bench_dashboard.py [--clients N] [--complaints N] [--revisits N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from utils import charts, metrics, report
from utils.settings import Settings
from utils.workflow import due_series

NOW = pd.Timestamp("2026-11-23 10:30")
STAFF = np.array(
    [
        "王芳",
        "李娜",
        "张伟",
        "刘洋",
        "陈静",
        "杨磊",
        "赵敏",
        "黄强",
        "周杰",
        "吴敏",
        "徐丽",
        "孙涛",
        "马超",
        "朱婷",
        "胡军",
        "郭燕",
        "何平",
        "高峰",
        "林霞",
        "罗斌",
        "郑浩",
        "梁爽",
        "谢宇",
        "宋佳",
        "唐亮",
    ]
)
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"))
GIVEN = np.array(
    list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红晓东海燕鹏辉玉丹萍斌")
)
CATEGORIES = {
    "service_quality": 30,
    "facilities": 20,
    "billing": 15,
    "attitude": 12,
    "process": 10,
    "product": 8,
    "other": 5,
}
CHANNELS = {"phone": 45, "walk_in": 20, "web": 15, "email": 8, "letter": 4, "media": 3, "other": 5}
SEVERITIES = {"normal": 75, "serious": 20, "critical": 5}
ROOT_CAUSES = {
    "attitude": ["员工服务意识不足，缺少礼仪培训", "高峰期人手不足，接待仓促"],
    "service_quality": ["维修人员不足，派单不及时", "保洁排班不合理"],
    "product": ["供应商产品质量问题", "安装工艺不规范"],
    "process": ["办理流程环节过多，资料要求不清楚"],
    "billing": ["系统计费规则设置错误", "账单说明不清楚"],
    "facilities": ["设施老化，巡检不到位"],
    "other": ["小区管理规约宣传不够"],
}
ACTIONS = {
    "attitude": "组织全员服务礼仪培训",
    "service_quality": "增加维修人员排班",
    "product": "更换合格供应商",
    "process": "制作办事指南",
    "billing": "修正计费规则",
    "facilities": "制定设施巡检表",
    "other": "张贴文明公约",
}


def _pick(rng: np.random.Generator, weights: dict[str, int], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _office_times(rng: np.random.Generator, days: pd.Series) -> pd.Series:
    minutes = rng.integers(8 * 60, 18 * 60, size=len(days))
    return days + pd.to_timedelta(minutes, unit="min")


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    return (
        SURNAMES[rng.integers(0, len(SURNAMES), n)].astype(object)
        + GIVEN[rng.integers(0, len(GIVEN), n)].astype(object)
        + np.where(rng.random(n) < 0.6, GIVEN[rng.integers(0, len(GIVEN), n)], "")
    )


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}-{i:06d}" for i in range(n)], dtype=object)


def _text(values: np.ndarray | pd.Series) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object))


def _contract(df: pd.DataFrame) -> pd.DataFrame:
    """Column types as the store hands them over: text as Python str objects, date-times as
    datetime64[ns], attempt/score as Int64."""
    for c in df.columns:
        if str(df[c].dtype) == "Int64":
            continue
        if df[c].dtype.kind in "Mm":
            df[c] = df[c].astype("datetime64[ns]")
        else:
            df[c] = df[c].astype(object)
    return df


def synthetic_snapshot(
    n_clients: int = 20_000,
    n_complaints: int = 50_000,
    n_revisits: int = 50_000,
    *,
    seed: int = 7,
    now: pd.Timestamp = NOW,
    settings: Settings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(clients, complaints, revisits) following the data contract, realistic proportions."""
    settings = settings or Settings()
    rng = np.random.default_rng(seed)
    today = now.normalize()

    # --- clients
    cl = pd.DataFrame({"client_id": _ids("KH", n_clients)})
    cl["name"] = _names(rng, n_clients)
    cl["client_type"] = np.where(rng.random(n_clients) < 0.25, "company", "individual")
    cl["grade"] = _pick(rng, {"A": 10, "B": 35, "C": 40, "D": 15}, n_clients)
    cl["contact_person"] = ""
    cl["phone"] = _text(
        ["1" + str(x) for x in rng.integers(3_000_000_000, 9_999_999_999, n_clients)]
    )
    cl["email"] = ""
    cl["address"] = ""
    cl["region"] = _pick(rng, {"城东区": 1, "城西区": 1, "高新区": 1, "滨江区": 1}, n_clients)
    cl["source"] = _pick(
        rng,
        {"hotline": 3, "walk_in": 2, "web": 2, "referral": 1, "sales": 1, "other": 1},
        n_clients,
    )
    cl["owner"] = STAFF[rng.integers(0, len(STAFF), n_clients)].astype(object)
    cl["status"] = _pick(rng, {"active": 80, "dormant": 15, "lost": 5}, n_clients)
    cl["registered_on"] = today - pd.to_timedelta(rng.integers(0, 3 * 365, n_clients), unit="D")
    cl["notes"] = ""
    cl["updated_at"] = pd.Series(cl["registered_on"]) + pd.Timedelta(hours=9)
    cl["updated_by"] = cl["owner"]
    cl = _contract(cl)
    cl["_row"] = pd.array(np.arange(2, n_clients + 2), dtype="Int64")

    # --- complaints
    n = n_complaints
    age = np.floor(rng.triangular(0, 0, 730, n)).astype("int64")
    received = _office_times(rng, pd.Series(today - pd.to_timedelta(age, unit="D")))
    received = received.where(received < now, now - pd.Timedelta(hours=1))
    severity = _pick(rng, SEVERITIES, n)
    category = _pick(rng, CATEGORIES, n)
    due = due_series(received, pd.Series(severity), settings)
    receiver = STAFF[rng.integers(0, len(STAFF), n)].astype(object)
    handler = np.where(rng.random(n) < 0.1, "", STAFF[rng.integers(0, len(STAFF), n)])
    roll = rng.random(n)
    recent = (due > now).to_numpy()
    open_recent = recent & (roll < 0.5)
    stuck = ~recent & (roll < 0.04)  # open and overdue
    reopened = ~recent & ~stuck & (roll > 0.97)
    resolved = ~open_recent & ~stuck & ~reopened
    late = rng.random(n) < 0.12
    span = (due - received) * np.where(late, rng.uniform(1.1, 2.5, n), rng.uniform(0.1, 0.95, n))
    resolved_at = (received + span).where(resolved | reopened).dt.floor("min")
    resolved_at = resolved_at.where(resolved_at < now, now - pd.Timedelta(minutes=5))
    closed_at = resolved_at + pd.to_timedelta(rng.integers(24 * 60, 4 * 24 * 60, n), unit="min")
    closed = resolved & (rng.random(n) < 0.85) & (closed_at < now).to_numpy()
    status = np.select(
        [open_recent, stuck, reopened, closed, resolved],
        ["in_progress", "in_progress", "in_progress", "closed", "resolved"],
        default="received",
    )
    status = np.where(open_recent & (roll < 0.2), "received", status)
    level = np.where(stuck | reopened, "department", "frontline")
    rc_choice = rng.random(n)
    root = np.array(
        [
            ROOT_CAUSES[c][int(r * len(ROOT_CAUSES[c]))]
            for c, r in zip(category, rc_choice, strict=True)
        ],
        dtype=object,
    )
    done = resolved | reopened
    stamp = received.dt.strftime("%Y-%m-%d %H:%M")
    log = stamp + " " + _text(receiver) + " receive: 登记投诉"
    res_stamp = resolved_at.dt.strftime("%Y-%m-%d %H:%M").fillna("")
    log = log.where(~done, log + "\n" + res_stamp + " " + _text(handler) + " resolve: 已处理")
    log = log.where(~reopened, log + "\n" + res_stamp + " 周主任 reopen: 回访客户表示问题未解决")
    owner_client = cl["client_id"].to_numpy()[rng.integers(0, n_clients, n)]
    co = pd.DataFrame(
        {
            "complaint_id": _ids("TS", n),
            "client_id": owner_client,
            "received_at": received,
            "channel": _pick(rng, CHANNELS, n),
            "category": category,
            "severity": severity,
            "description": "客户反映问题",
            "first_receiver": receiver,
            "handler": handler,
            "level": level,
            "status": status,
            "due_at": due.where(rng.random(n) > 0.02),  # a few blank: computed by the figures
            "requested_due": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
            "resolved_at": resolved_at.where(resolved),
            "resolution": np.where(resolved, "已处理", ""),
            "root_cause": np.where(done, root, ""),
            "corrective_action": np.where(
                done & (rng.random(n) < 0.6), pd.Series(category).map(ACTIONS), ""
            ),
            "feedback_at": resolved_at.where(resolved) + pd.Timedelta(hours=3),
            "responsible_staff": "",
            "verified": np.where(resolved, "yes", ""),
            "closed_at": closed_at.where(closed),
            "progress_log": log,
            "updated_at": received,
            "updated_by": receiver,
        }
    )
    co = _contract(co)
    co["_row"] = pd.array(np.arange(2, n + 2), dtype="Int64")

    # --- revisits: 60 % follow-ups of resolved complaints, the rest routine / key-client
    m = n_revisits
    followup = rng.random(m) < 0.6
    done_idx = np.flatnonzero(resolved | reopened)
    pick = done_idx[rng.integers(0, max(len(done_idx), 1), m)] if len(done_idx) else None
    fu_ok = followup & (pick is not None)
    comp_id = (
        np.where(fu_ok, co["complaint_id"].to_numpy()[pick], "")
        if pick is not None
        else np.full(m, "", dtype=object)
    )
    comp_client = co["client_id"].to_numpy()[pick] if pick is not None else np.full(m, "")
    rand_client = cl["client_id"].to_numpy()[rng.integers(0, n_clients, m)]
    client_id = np.where(fu_ok, comp_client, rand_client)
    base = (
        co["resolved_at"].fillna(co["received_at"]).to_numpy()[pick]
        if pick is not None
        else np.full(m, np.datetime64(now))
    )
    fu_when = pd.Series(base) + pd.to_timedelta(rng.integers(24 * 60, 3 * 24 * 60, m), unit="min")
    routine_when = _office_times(
        rng, pd.Series(today - pd.to_timedelta(rng.integers(0, 365, m), unit="D"))
    )
    when = fu_when.where(fu_ok, routine_when)
    when = when.where(when < now, now - pd.Timedelta(hours=2))
    reached = rng.random(m) < 0.82
    scores = rng.choice(
        np.arange(1, 11), size=m, p=np.array([1, 1, 1, 2, 3, 5, 12, 25, 28, 22]) / 100
    )
    unhappy = reached & fu_ok & (rng.random(m) < 0.06)
    scores = np.where(unhappy, rng.integers(2, 6, m), scores)
    attitude = np.where(scores >= 7, "satisfied", np.where(scores >= 5, "average", "unsatisfied"))
    kind = np.where(
        fu_ok, "complaint_followup", np.where(rng.random(m) < 0.2, "key_client", "routine")
    )
    rv = pd.DataFrame(
        {
            "revisit_id": _ids("HF", m),
            "complaint_id": comp_id,
            "client_id": client_id,
            "kind": kind,
            "done_at": when.astype("datetime64[ns]"),
            "method": _pick(
                rng, {"phone": 70, "sms": 10, "visit": 10, "in_store": 5, "email": 5}, m
            ),
            "staff": STAFF[rng.integers(0, len(STAFF), m)],
            "attempt": pd.array(np.where(reached, 1, rng.integers(1, 4, m)), dtype="Int64"),
            "reached": np.where(reached, "yes", "no"),
            "solved": np.where(reached, np.where(unhappy, "no", "yes"), ""),
            "attitude": np.where(reached, np.where(unhappy, "unsatisfied", attitude), ""),
            "charged": np.where(reached, "no", ""),
            "score": pd.array(np.where(reached, scores, 0), dtype="Int64"),
            "suggestions": "",
            "next_revisit_on": pd.NaT,
            "updated_at": when,
            "updated_by": "",
        }
    )
    rv.loc[~reached, "score"] = pd.NA
    rv = _contract(rv)
    rv["_row"] = pd.array(np.arange(2, m + 2), dtype="Int64")
    return cl, co, rv


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20_000)
    ap.add_argument("--complaints", type=int, default=50_000)
    ap.add_argument("--revisits", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--out", help="also write the report to this file")
    args = ap.parse_args(argv)
    settings = Settings()
    t0 = time.perf_counter()
    cl, co, rv = synthetic_snapshot(args.clients, args.complaints, args.revisits, settings=settings)
    print(
        f"snapshot: {len(cl):,} clients, {len(co):,} complaints, {len(rv):,} revisits "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    period = metrics.this_month(NOW)
    plain = metrics.Filters.for_period(period)
    narrow = metrics.Filters.for_period(
        metrics.last_month(NOW), categories=("service_quality", "billing"), grades=("A", "B")
    )
    metrics.dashboard(cl, co, rv, plain, NOW, settings)  # warm-up (imports, caches)
    t_fig, d = _median_time(lambda: metrics.dashboard(cl, co, rv, plain, NOW, settings), args.runs)
    t_fig_f, _ = _median_time(
        lambda: metrics.dashboard(cl, co, rv, narrow, NOW, settings, freq="M"), args.runs
    )
    t_charts, specs = _median_time(
        lambda: {k: c.to_dict() for k, c in charts.dashboard_charts(d, args.lang).items()},
        args.runs,
    )
    rows = {k: sum(len(v) for v in s.get("datasets", {}).values()) for k, s in specs.items()}
    month = metrics.last_month(NOW).start.strftime("%Y-%m")
    t0 = time.perf_counter()
    html = report.build_report(cl, co, rv, month, args.lang, settings, NOW)
    t_report_first = time.perf_counter() - t0
    t_report, html = _median_time(
        lambda: report.build_report(cl, co, rv, month, args.lang, settings, NOW), 3
    )
    if args.out:
        Path(args.out).write_text(html, encoding="utf-8")

    print(f"\nperiod {period.label()} (now {NOW:%Y-%m-%d %H:%M}), median of {args.runs} runs")
    print(f"  dashboard figures + chart data       {t_fig * 1000:7.0f} ms   (target < 300 ms)")
    print(f"  same, last month + 2 filters, by month {t_fig_f * 1000:5.0f} ms")
    print(f"  Altair specs for {len(specs)} charts          {t_charts * 1000:7.0f} ms")
    print(
        f"  chart data rows: max {max(rows.values())} (limit {metrics.MAX_CHART_ROWS}), "
        f"total {sum(rows.values())}"
    )
    print(
        f"  monthly report {month} ({len(html) / 1024:.0f} KiB)  {t_report:7.2f} s "
        f"(first build {t_report_first:.2f} s; target < 5 s)"
    )
    print("\nKPIs (this month vs previous):")
    for k in d.kpis.values():
        print(
            f"  {k.key:16} {metrics.format_value(k.kind, k.value):>10} "
            f"{metrics.format_value(k.kind, k.previous):>10} "
            f"{metrics.format_change(k.kind, k.change):>10}"
        )
    if d.star:
        print(
            f"star of {d.star_month}: {d.star.staff} {d.star.avg_score:.2f} "
            f"({d.star.reached} reached)"
        )
    print(f"overdue list: {len(d.overdue)} · reopened in period: {len(d.reopened)}")
    ok = t_fig < 0.3 and t_report < 5 and max(rows.values()) <= metrics.MAX_CHART_ROWS
    print("\nOK" if ok else "\nSLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
