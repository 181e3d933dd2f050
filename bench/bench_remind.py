"""Benchmark of one `python -m utils.cli remind` pass over 20,000 clients / 50,000 complaints /
50,000 revisits, timing the whole process (start-up, reading and validating the workbook,
deciding, sending, recording), in two situations:

1. nothing due: every reminder the run would send is already in the ledger;
2. about 500 reminders due: the same ledger with ~500 of its keys taken out, sent through local
   stand-ins of WeCom, DingTalk, Feishu, a webhook and an SMTP server (tests/notify_standins.py).

    .venv/bin/python bench/bench_remind.py [--runs 3] [--due 500]

The workbook is `bench/out/remind.xlsx`, made on first use with
`python -m utils.cli demo --clients 20000 --complaints 50000 --revisits 50000 --today 2026-11-30`
(takes a minute or more). The run's moment is Monday 2026-11-30 10:00. Also prints the
in-process split: read + validate, decide, compose.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notify_standins import ChatStandIn, SMTPStandIn  # noqa: E402
from utils.reminders.config import ReminderConfig  # noqa: E402
from utils.reminders.due import decide  # noqa: E402
from utils.reminders.ledger import Ledger, entry, state_folder  # noqa: E402
from utils.reminders.messages import compose  # noqa: E402
from utils.reminders.status import write_last_run  # noqa: E402
from utils.settings import Settings  # noqa: E402
from utils.store.local import LocalWorkbookStore  # noqa: E402

WORKBOOK = ROOT / "bench" / "out" / "remind.xlsx"
NOW = dt.datetime(2026, 11, 30, 10, 0)
CHANNELS = ("wecom", "dingtalk", "feishu", "webhook", "email")
STAFF = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
MANAGERS = ["周主任", "吴经理"]


def ensure_workbook() -> None:
    if WORKBOOK.exists():
        return
    WORKBOOK.parent.mkdir(parents=True, exist_ok=True)
    print(f"making {WORKBOOK} (a minute or more) …", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.cli",
            "demo",
            "--workbook",
            str(WORKBOOK),
            "--clients",
            "20000",
            "--complaints",
            "50000",
            "--revisits",
            "50000",
            "--today",
            "2026-11-30",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def secrets(path: Path, chat: ChatStandIn, smtp: SMTPStandIn) -> Path:
    tables = {
        "wecom": {"webhook": chat.wecom_url},
        "dingtalk": {"webhook": chat.dingtalk_url, "secret": chat.dingtalk_secret},
        "feishu": {"webhook": chat.feishu_url, "secret": chat.feishu_secret},
        "webhook": {"url": chat.webhook_url, "secret": chat.webhook_secret},
        "email": {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "sender": "客服部 <desk@example.cn>",
        },
    }
    lines = [
        "[sheetdesk]",
        'language = "zh"',
        "[sheetdesk.reminders]",
        'app_url = "https://desk.example.cn"',
        f"managers = {toml(MANAGERS)}",
        "[sheetdesk.reminders.ladder]",
        'department = ["周主任", "吴经理"]',
        'management = ["陈总监"]',
        'executive = ["陈总"]',
    ]
    for kind, table in tables.items():
        lines.append(f"[sheetdesk.notify.{kind}]")
        lines += [f"{k} = {toml(v)}" for k, v in table.items()]
    for n, name in enumerate(STAFF + MANAGERS + ["陈总监", "陈总"]):
        lines.append(f'[sheetdesk.notify.people."{name}"]')
        lines.append(f'wecom = "user{n}"')
        lines.append(f'email = "user{n}@example.cn"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config() -> ReminderConfig:
    return ReminderConfig(
        app_url="https://desk.example.cn",
        managers=tuple(MANAGERS),
        ladder={
            "department": ("周主任", "吴经理"),
            "management": ("陈总监",),
            "executive": ("陈总",),
        },
    )


def prepare_ledger(store: LocalWorkbookStore, keys: list[str], kinds: dict[str, str]) -> None:
    folder = state_folder(store)
    shutil.rmtree(folder, ignore_errors=True)
    ledger = Ledger(folder)
    results = dict.fromkeys(CHANNELS, "sent")
    at = NOW - dt.timedelta(minutes=5)
    ledger.record(entry(k, kinds[k], at, results) for k in keys)
    write_last_run(folder, {"at": at.isoformat()})


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def remind(secrets_file: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """One whole `remind` process: (wall seconds, CPU seconds, its output)."""
    cpu = cpu_children()
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.cli",
            "remind",
            "--workbook",
            str(WORKBOOK),
            "--secrets",
            str(secrets_file),
            "--now",
            NOW.isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start, cpu_children() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--due", type=int, default=500)
    args = parser.parse_args()
    ensure_workbook()
    store = LocalWorkbookStore(WORKBOOK)
    settings = Settings()

    t0 = time.perf_counter()
    snapshot = store.read()
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    items = decide(snapshot.frames, settings, NOW, config(), since=NOW - dt.timedelta(minutes=5))
    decided = time.perf_counter() - t0
    t0 = time.perf_counter()
    messages = compose([(i, CHANNELS) for i in items], "zh", config())
    composed = time.perf_counter() - t0
    sizes = {k: len(v) for k, v in snapshot.frames.items()}
    print(f"workbook: {WORKBOOK.name}, {sizes}, {WORKBOOK.stat().st_size / 1e6:.1f} MB")
    print(
        f"in process: read + validate {read:.2f} s, decide {decided:.2f} s "
        f"({len(items)} reminders due on a first run), compose {composed:.2f} s "
        f"({len(messages)} messages)"
    )

    keys = [i.key for i in items]
    kinds = {i.key: i.kind for i in items}
    # the ~N left out: case reminders of whole cases, a spread of kinds, deterministic
    cases = [i for i in items if i.complaint_id]
    step = max(1, len(cases) // args.due)
    missing = {i.key for i in cases[::step][: args.due]}
    with tempfile.TemporaryDirectory() as tmp:
        times_none, times_due, cpu_none, cpu_due, last = [], [], [], [], None
        for _ in range(args.runs):
            with ChatStandIn() as chat, SMTPStandIn() as smtp:
                secrets_file = secrets(Path(tmp) / "secrets.toml", chat, smtp)
                prepare_ledger(store, keys, kinds)
                seconds, cpu, out = remind(secrets_file)
                assert out.returncode == 0, out.stderr
                assert not any(chat.received.values()) and not smtp.mails, "sent something"
                times_none.append(seconds)
                cpu_none.append(cpu)
            with ChatStandIn() as chat, SMTPStandIn() as smtp:
                secrets_file = secrets(Path(tmp) / "secrets.toml", chat, smtp)
                prepare_ledger(store, [k for k in keys if k not in missing], kinds)
                seconds, cpu, out = remind(secrets_file)
                assert out.returncode in (0, 1), out.stderr
                times_due.append(seconds)
                cpu_due.append(cpu)
                last = (out, {s: len(r) for s, r in chat.received.items()}, len(smtp.mails))
        shutil.rmtree(state_folder(store), ignore_errors=True)
    print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, wall, cpu in (
        (f"nothing due (all {len(keys)} recorded)", times_none, cpu_none),
        (f"{len(missing)} due", times_due, cpu_due),
    ):
        print(
            f"remind, {label}: median {statistics.median(wall):.2f} s wall "
            f"({statistics.median(cpu):.2f} s CPU) of {[round(t, 2) for t in wall]}"
        )
    out, received, mails = last
    print(f"  stand-ins received: {received}, e-mails {mails}")
    print("  the run's summary:")
    for line in out.stdout.strip().splitlines():
        print(f"    {line}")


if __name__ == "__main__":
    main()
