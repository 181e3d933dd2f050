"""Helpers for bench/bench_browser.py: a `streamlit run` server on a free port, its memory, a
headless Chromium tab on it, the one sign-in function, the polled "done" condition, and a count
of what the server ships to the browser (decoded from the websocket's ForwardMsg frames).
"""

from __future__ import annotations

import math
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 120_000
POLL_MS = 20  # how often the "done" condition is checked in the page

# "Done": the app is idle (stApp's data-test-script-state is notRunning), no skeleton or spinner
# is left, the visible h1 is the expected title, and the action's own sign — `must`: a selector,
# and the text one of its matches has, e.g. the period the dashboard now shows — is there.
# Checked in the page every POLL_MS by Playwright's wait_for_function: polled, never a fixed
# sleep. Every timed action must change the title or its sign (checked before it starts), so
# the page before the click never counts as done: the new title or sign comes in the script run
# the click starts, after the "running" state, so with "notRunning" it means that run ended. (A
# "running" state seen after the click is no such sign: on a loaded machine the frontend can
# take "running" and "notRunning" in one render, and the attribute never changes.)
DONE_JS = """([title, must, text]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton'], [data-testid='stSpinner']")) return false;
  if (must && ![...document.querySelectorAll(must)].some(
    e => text === null || e.innerText.trim() === text)) return false;
  const h1 = [...document.querySelectorAll('h1')].find(h => h.offsetParent !== null);
  if (!h1) return false;
  return title === null || h1.innerText.trim() === title;
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary(values: list[float]) -> dict:
    """Median, p90 (nearest rank), min, max and count of a list of seconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": p90,
        "min": ordered[0],
        "max": ordered[-1],
    }


# --- the server -----------------------------------------------------------------------------


class Server:
    """`streamlit run SCRIPT` (cwd = the script's folder) headless on a free port."""

    def __init__(
        self, script: Path, env: dict[str, str], log: Path, args: list[str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script.name,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *(args or []),
            ],
            cwd=script.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_reachable(self, timeout_s: float = 120) -> float:
        """Seconds from the process start until /_stcore/health answers (polled every 0.1 s)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise SystemExit(f"streamlit did not answer:\n{self.log_path.read_text()[-3000:]}")

    def cpu_s(self) -> float:
        """CPU seconds (user + system) used so far by the server and its children."""
        ticks = 0
        for pid in _tree(self.proc.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, IndexError, ValueError):
                pass
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """Resident memory of the server and its child processes, from /proc (MB)."""
        return sum(_rss_kb(pid) for pid in _tree(self.proc.pid)) / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """The server's RSS (with children) every 0.25 s while it runs: `peak`, and `now()`."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server, self.peak = server, 0.0

    def run(self) -> None:
        while self.server.proc.poll() is None:
            self.peak = max(self.peak, self.server.rss_mb())
            time.sleep(0.25)

    def now(self) -> float:
        return self.server.rss_mb()


def timed_process(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall time, CPU time and peak memory of one whole process: from /usr/bin/time -v when
    installed, else from getrusage(RUSAGE_CHILDREN) before and after (its ru_maxrss is the
    largest child so far, so a peak below an earlier child's is reported as NaN)."""
    use_time = Path("/usr/bin/time").exists()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    run = subprocess.run(
        (["/usr/bin/time", "-v"] if use_time else []) + cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if run.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    found = {k: float(v) for k, v in re.findall(r"\t(.+?): ([\d.]+)$", run.stderr, re.M)}
    if "Maximum resident set size (kbytes)" in found:
        peak_kb, how = found["Maximum resident set size (kbytes)"], "/usr/bin/time -v"
        cpu = found["User time (seconds)"] + found["System time (seconds)"]
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        grew = after.ru_maxrss > before.ru_maxrss
        peak_kb, how = (after.ru_maxrss if grew else float("nan")), "getrusage(RUSAGE_CHILDREN)"
    return {"seconds": seconds, "cpu_s": cpu, "peak_mb": peak_kb / 1024, "how": how}


# --- what the browser receives ----------------------------------------------------------------


class Wire:
    """Counts the table rows and bytes the server sends to one tab: every websocket frame is one
    ForwardMsg; dataframe/table elements carry Arrow IPC bytes whose row count is read, a lazy
    dataframe counts the rows of its first chunk, a chart counts its datasets' rows. A message the
    browser already has is sent as a reference (`ref_hash`): counted as cached, not shipped."""

    def __init__(self, page: Any) -> None:
        self.rows = 0
        self.cached_rows = 0
        self.bytes = 0
        self.tables: list[int] = []
        self._frames: list[Any] = []  # decoded after the timed window, not while it runs
        self._by_hash: dict[str, int] = {}
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: self._frames.append(p)))

    def mark(self) -> None:
        """Start counting afresh (what came before is decoded first, for the cache refs)."""
        self.count()
        self.rows = self.cached_rows = self.bytes = 0
        self.tables = []

    def count(self) -> dict:
        """Rows, cached rows, tables and bytes received since the last mark()."""
        frames, self._frames[:] = list(self._frames), []
        for payload in frames:
            self._frame(payload)
        return {
            "rows": self.rows,
            "cached_rows": self.cached_rows,
            "tables": list(self.tables),
            "mb": self.bytes / 1e6,
        }

    def _frame(self, payload: Any) -> None:
        if isinstance(payload, str):
            self.bytes += len(payload.encode())
            return
        self.bytes += len(payload)
        from google.protobuf.message import DecodeError
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except DecodeError:  # not a ForwardMsg: only its bytes count
            return
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            self.cached_rows += self._by_hash.get(msg.ref_hash, 0)
            return
        n = 0
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            n = _element_rows(msg.delta.new_element)
        elif kind == "backend_operation_response":
            chunk = msg.backend_operation_response
            if chunk.HasField("dataframe_chunk"):
                n = _chunk_rows(chunk.dataframe_chunk)
        if n:
            self.rows += n
            self.tables.append(n)
            if msg.hash:
                self._by_hash[msg.hash] = n


def _arrow_rows(data: bytes) -> int:
    if not data:
        return 0
    import pyarrow as pa

    try:
        return pa.ipc.open_stream(data).read_all().num_rows
    except pa.ArrowInvalid:
        return 0


def _element_rows(el: Any) -> int:
    kind = el.WhichOneof("type")
    if kind == "dataframe":
        if el.dataframe.HasField("lazy_data"):
            return _arrow_rows(el.dataframe.lazy_data.initial_chunk.data)
        return _arrow_rows(el.dataframe.arrow_data.data)
    if kind == "table":
        return _arrow_rows(el.table.arrow_data.data)
    if kind == "vega_lite_chart":
        chart = el.vega_lite_chart
        n = _arrow_rows(chart.data.data.data) if chart.HasField("data") else 0
        return n + sum(_arrow_rows(d.data.data) for d in chart.datasets)
    return 0


def _chunk_rows(chunk: Any) -> int:
    for _field, value in chunk.ListFields():
        if hasattr(value, "data") and isinstance(value.data, bytes):
            return _arrow_rows(value.data)
    return 0


# --- the browser ----------------------------------------------------------------------------


class Tab:
    """One browser context + page on a server: timed actions (wall seconds, and the server's CPU
    seconds in `cpu`), and with `count` a Wire on its websocket."""

    def __init__(
        self,
        browser: Any,
        server: Server,
        *,
        count: bool = False,
        locale: str = "zh-CN",
    ) -> None:
        self.server = server
        self.url = server.url
        self.cpu = 0.0  # the server's CPU seconds during the last timed action
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        # Counting means every websocket frame travels to this process: only on untimed tabs.
        self.wire = Wire(self.page) if count else None

    def _mark(self) -> None:
        if self.wire is not None:
            self.wire.mark()

    def count(self) -> dict:
        return self.wire.count() if self.wire is not None else {}

    def done(self, title: str | None, must: str | None = None, text: str | None = None) -> bool:
        return self.page.evaluate(DONE_JS, [title, must, text])

    def wait_done(self, title: str | None, must: str | None = None, text: str | None = None):
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                DONE_JS, arg=[title, must, text], polling=POLL_MS, timeout=TIMEOUT_MS
            )
        except PlaywrightTimeout:
            state = self.page.evaluate(
                "() => [document.querySelector(\"[data-testid='stApp']\")"
                "?.getAttribute('data-test-script-state'),"
                " [...document.querySelectorAll('h1')].map(h => h.innerText)]"
            )
            raise RuntimeError(
                f"not done after {TIMEOUT_MS / 1000:.0f} s on {self.page.url}: waiting for "
                f"title={title!r} must={must!r} text={text!r}; script state and h1s: {state}"
            ) from None

    def goto(self, path: str, title: str | None) -> float:
        """Seconds from navigating to `path` until done (a new page: nothing to tell apart)."""
        return self._timed(lambda: self.page.goto(self.url + path, wait_until="commit"), title)

    def reload(self, title: str | None) -> float:
        return self._timed(lambda: self.page.reload(wait_until="commit"), title)

    def act(self, do: Any, title: str | None, must: str | None = None, text: str | None = None):
        """Seconds from `do()` (a click, a key press) until done: the page shows `title` and
        `must` (with `text`) when given — one of them must be new, or this refuses."""
        if self.done(title, must, text):
            raise ValueError(f"done before the action: {title=} {must=} {text=} tell nothing")
        return self._timed(do, title, must, text)

    def _timed(self, do: Any, title: str | None, must: str | None = None, text: str | None = None):
        self._mark()
        cpu0, t0 = self.server.cpu_s(), time.perf_counter()
        do()
        self.wait_done(title, must, text)
        seconds = time.perf_counter() - t0
        self.cpu = self.server.cpu_s() - cpu0
        return seconds

    def click(self, locator: Any, title: str | None, must: str | None = None, text=None):
        locator.wait_for(state="visible")
        return self.act(locator.click, title, must, text)

    def nav_link(self, label: str) -> Any:
        return self.page.locator("[data-testid='stSidebarNavLink']", has_text=label).first

    def close(self) -> None:
        self.context.close()


ACCOUNTS = {  # login → (name, role, password): the benchmark's accounts
    "zhou": ("周主任", "manager", "bench-manager-1"),
    "wangfang": ("王芳", "staff", "bench-staff-1"),
}


def write_secrets(path: Path) -> Path:
    """The benchmark's accounts (argon2-hashed passwords) as a secrets file for the server's
    `--secrets.files` — how the app signs people in (see tests/test_browser.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from utils.auth import hash_password

    path.write_text(
        "".join(
            f'[sheetdesk.accounts.{login}]\nname = "{name}"\nrole = "{role}"\n'
            f'password_hash = "{hash_password(password)}"\n'
            for login, (name, role, password) in ACCOUNTS.items()
        ),
        encoding="utf-8",
    )
    return path


def sign_in(tab: Tab, login: str, attempts: int = 3) -> tuple[float, int]:
    """THE sign-in step (change only this when sign-in changes): the page shows the sign-in
    form (login and password, in the main area); type them and press its button; done when the
    app is idle, the password box is gone and the sidebar shows the person's name. Returns
    (seconds of the press that worked, presses). A press can be lost — in the first session
    after a server start the form's widget IDs can change between its first and second run, so
    the press is ignored and the form comes back — and is then made again."""
    page = tab.page
    name, _role, password = ACCOUNTS[login]
    form = "[data-testid='stMain'] [data-testid='stForm']"
    signed_in = "[data-testid='stSidebar'] [data-testid='stMarkdownContainer'] strong"
    box = page.locator(f"{form} input[type='text']").first
    secret = page.locator(f"{form} input[type='password']").first
    for attempt in range(1, attempts + 1):
        box.wait_for(state="visible")
        box.fill(login)
        secret.fill(password)
        cpu0, t0 = tab.server.cpu_s(), time.perf_counter()
        page.locator(f"{form} [data-testid='stFormSubmitButton'] button").first.click()
        handle = page.wait_for_function(
            """([form, signedIn, name]) => {
              const app = document.querySelector("[data-testid='stApp']");
              if (app?.getAttribute('data-test-script-state') !== 'notRunning') return false;
              if (document.querySelector("[data-testid='stSkeleton'], [data-testid='stSpinner']"))
                return false;
              const pw = document.querySelector(form + " input[type='password']");
              if (pw === null && [...document.querySelectorAll(signedIn)].some(
                e => e.innerText === name)) return 'in';
              return pw !== null && pw.value === '' ? 'lost' : false;
            }""",
            arg=[form, signed_in, name],
            polling=POLL_MS,
            timeout=TIMEOUT_MS,
        )
        seconds = time.perf_counter() - t0
        tab.cpu = tab.server.cpu_s() - cpu0
        if handle.json_value() == "in":
            _wait_for_cookie(tab)
            return seconds, attempt
    raise RuntimeError(f"sign-in as {login} failed {attempts} times")


def _wait_for_cookie(tab: Tab, cookie: str = "sheetdesk_session", timeout_s: float = 15) -> None:
    """After a sign-in (untimed): the session cookie the page sets, so that a reload or a new
    tab of this browser stays signed in."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(c["name"] == cookie and c["value"] for c in tab.context.cookies()):
            return
        time.sleep(0.05)
    raise RuntimeError(f"signed in, but no {cookie} cookie after {timeout_s:.0f} s")
