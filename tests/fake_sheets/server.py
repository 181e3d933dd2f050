"""``FakeSheetsAPI``: an in-process fake of the Google Sheets v4 HTTP API that real gspread
(6.2.1) code talks to through a ``requests`` adapter — no network, ever.

Wiring::

    api = FakeSheetsAPI()
    sid = api.create_spreadsheet("Sheetdesk", tabs={"clients": [["id", "name"], ["C1", "Ann"]]})
    gc = make_client(api)                      # a real gspread.Client
    ws = gc.open_by_key(sid).worksheet("clients")

``make_client`` builds ``gspread.Client(auth=AnonymousCredentials(), session=AuthorizedSession)``
and mounts ``FakeSheetsAdapter`` on ``https://`` and ``http://`` of that session; to put the fake
under a client built elsewhere (``gspread.authorize(creds)``, ``gspread.service_account(...)``)
call ``attach(client, api)``. Any request to another host — or to an endpoint the fake does not
implement — raises ``FakeSheetsNetworkError`` (an AssertionError, so no retry loop swallows it).

Endpoints and the cassette (gspread repository, ``tests/cassettes/``) each answer's shape was
checked against:

* ``GET  /v4/spreadsheets/{id}`` (includeGridData, ranges, fields) — spreadsheets.get bodies in
  ``ClientTest.test_access_private_spreadsheet.json``; 404 body from
  ``ClientTest.test_access_non_existing_spreadsheet.json``.
* ``GET  …/values/{range}`` — ``WorksheetTest.test_update_and_get.json`` (``'D3'!A1:D4``, inner
  empty cells ``""``, an empty inner row ``[]``, trailing cells/rows trimmed) and
  ``WorksheetTest.test_batch_clear.json`` (no ``values`` key for an empty range).
* ``GET  …/values:batchGet`` — ``SpreadsheetTest.test_values_batch_get.json`` (``A:A`` echoed as
  ``A1:A10`` on a 10-row tab, quoted titles with spaces).
* ``PUT  …/values/{range}`` — ``WorksheetTest.test_update_and_get.json`` (updatedCells counts
  the ``""`` cells too).
* ``POST …/values/{range}:append`` — ``WorksheetTest.test_append_row_with_empty_value.json`` and
  ``…_and_table_range.json`` (``tableRange`` absent when no table was found; ``updates``).
* ``POST …/values:batchUpdate`` — ``WorksheetTest.test_batch_update.json`` (``totalUpdated*``
  and ``responses``).
* ``POST …/values:batchClear`` — ``WorksheetTest.test_batch_clear.json`` (``clearedRanges``).
* ``POST …/values/{range}:clear`` → ``{"spreadsheetId", "clearedRange"}``.
* ``POST /v4/spreadsheets/{id}:batchUpdate`` — see ``batch.py``.
* Drive ``GET /drive/v3/files/{id}`` and ``GET /drive/v3/files?q=name = "…"`` (only for
  ``Spreadsheet.get_lastUpdateTime`` / ``Client.open(title)``; ``open_by_key`` never uses Drive).

Request kinds for the counters: ``metadata`` (spreadsheets.get and Drive), ``read``
(values get/batchGet), ``write`` (everything that changes something, batchUpdate included).
Faulted requests are logged and counted too — they reached the server.
"""

from __future__ import annotations

import collections
import io
import json
import random
import re
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import gspread
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from gspread.http_client import HTTPClient
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from . import batch
from .a1 import WHOLE_SHEET, Bounds, col_letters, format_range, parse_a1, split_sheet
from .cells import SKIP, Cell, parse_input
from .errors import FakeSheetsNetworkError, SheetsError, bad_request, quota_exceeded
from .model import (
    FakeSheet,
    FakeSpreadsheet,
    apply_field_mask,
    check_grid,
    parse_field_mask,
)

SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOST = "www.googleapis.com"
FAULTS = (429, 500, 503, "timeout", "timeout_after_commit", "connection")

_VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
_DATETIME_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
_MAJOR = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
_INSERT = ("OVERWRITE", "INSERT_ROWS")
_ID_CHARS = string.ascii_letters + string.digits + "-_"


class RequestRecord(NamedTuple):
    """One entry of ``FakeSheetsAPI.requests``: ``(method, path, kind)``."""

    method: str
    path: str  # percent-decoded, without the query string
    kind: str  # "read" | "write" | "metadata"


@dataclass
class Call:
    """The full record of one request (``FakeSheetsAPI.history``); fault matchers get it too.

    ``op`` is one of: spreadsheets.get, values.get, values.batchGet, values.update,
    values.append, values.clear, values.batchUpdate, values.batchClear, batchUpdate,
    drive.get, drive.list."""

    method: str
    path: str
    kind: str
    op: str
    params: dict[str, list[str]]
    body: Any
    spreadsheet_id: str | None
    status: int | None = None
    outcome: str = ""  # "ok", "error", "fault:429", "timeout", "timeout_after_commit", …

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[0] if values else default


@dataclass
class Fault:
    """An injected failure; ``remaining`` counts down as it fires."""

    fault: int | str
    remaining: int
    match: str | Callable[[Call], bool] | None = None
    kind: str | None = None
    fired: int = 0

    def matches(self, call: Call) -> bool:
        if self.remaining <= 0 or (self.kind is not None and call.kind != self.kind):
            return False
        if self.match is None:
            return True
        if callable(self.match):
            return bool(self.match(call))
        return self.match in f"{call.method} {call.path}"


@dataclass
class _Route:
    kind: str
    op: str
    spreadsheet_id: str | None = None
    range: str | None = None
    handler: Callable[..., dict[str, Any]] | None = field(default=None, repr=False)


class FakeSheetsAPI:
    """Spreadsheets in memory plus the HTTP surface gspread uses. Thread-safe: each request
    is applied atomically (the latency sleep happens outside the lock, so concurrent clients
    interleave between requests, as they would against Google)."""

    def __init__(self, *, latency: float = 0.0, seed: int = 0) -> None:
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.latency = latency
        self.requests: list[RequestRecord] = []
        self.history: list[Call] = []
        self.ignored_requests: list[tuple[str, dict[str, Any]]] = []
        self.blocked: list[str] = []
        self._faults: list[Fault] = []
        self._quota: dict[str, int] = {}
        self._quota_hits: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._rng = random.Random(seed)
        self._lock = threading.RLock()

    # ==== convenience for tests ================================================================
    def create_spreadsheet(
        self,
        title: str,
        tabs: dict[str, list[list[Any]]] | None = None,
        *,
        shared: bool = True,
        spreadsheet_id: str | None = None,
        rows: int = 1000,
        cols: int = 26,
        value_input_option: str = "RAW",
    ) -> str:
        """Create a spreadsheet whose tabs hold the given rows (written RAW by default: a
        Python str stays text, numbers stay numbers, None/"" is an empty cell). The first tab
        gets sheetId 0 as in a new Google spreadsheet. ``shared=False`` makes every API call
        on it answer 403 PERMISSION_DENIED."""
        with self._lock:
            sid = spreadsheet_id or "1" + "".join(self._rng.choice(_ID_CHARS) for _ in range(43))
            if sid in self.spreadsheets:
                raise ValueError(f"spreadsheet {sid} exists")
            ss = FakeSpreadsheet(sid, title, shared=shared)
            self.spreadsheets[sid] = ss
            for title_, values in (tabs or {"Sheet1": []}).items():
                self.add_tab(
                    sid, title_, values, rows=rows, cols=cols, value_input_option=value_input_option
                )
            return sid

    def add_tab(
        self,
        spreadsheet_id: str,
        title: str,
        values: list[list[Any]] | None = None,
        *,
        rows: int = 1000,
        cols: int = 26,
        value_input_option: str = "RAW",
    ) -> int:
        """Add a tab (as a person would in the browser); returns its sheetId."""
        with self._lock:
            ss = self.spreadsheet(spreadsheet_id)
            if ss.sheet(title) is not None:
                raise ValueError(f"tab {title!r} exists")
            taken = {sh.sheet_id for sh in ss.sheets}
            sheet_id = 0 if not ss.sheets else self._new_id(taken)
            values = values or []
            width = max((len(r) for r in values), default=0)
            sheet = FakeSheet(
                sheet_id,
                title,
                index=len(ss.sheets),
                row_count=max(rows, len(values)),
                col_count=max(cols, width),
            )
            ss.sheets.append(sheet)
            self._put_block(sheet, 0, 0, values, value_input_option == "USER_ENTERED")
            return sheet_id

    def set_values(
        self,
        spreadsheet_id: str,
        tab: str,
        values: list[list[Any]],
        start: str = "A1",
        *,
        value_input_option: str = "USER_ENTERED",
    ) -> None:
        """Simulate a person typing into the sheet in the browser (not logged or counted).
        USER_ENTERED by default, so "0138" becomes 138; the grid grows if needed."""
        with self._lock:
            sheet = self.sheet(spreadsheet_id, tab)
            anchor = parse_a1(start)
            height = anchor.r0 + len(values)
            width = anchor.c0 + max((len(r) for r in values), default=0)
            sheet.row_count = max(sheet.row_count, height)
            sheet.col_count = max(sheet.col_count, width)
            self._put_block(
                sheet, anchor.r0, anchor.c0, values, value_input_option == "USER_ENTERED"
            )
            self.spreadsheet(spreadsheet_id).touch()

    def insert_rows(self, spreadsheet_id: str, tab: str, row: int, count: int = 1) -> None:
        """A person inserts ``count`` empty rows before 1-based ``row`` (rows below move)."""
        with self._lock:
            self.sheet(spreadsheet_id, tab).insert("ROWS", row - 1, count)

    def delete_rows(self, spreadsheet_id: str, tab: str, row: int, count: int = 1) -> None:
        """A person deletes ``count`` rows starting at 1-based ``row`` (rows below move up)."""
        with self._lock:
            self.sheet(spreadsheet_id, tab).delete("ROWS", row - 1, row - 1 + count)

    def values(
        self,
        spreadsheet_id: str,
        tab: str,
        *,
        render: str = "UNFORMATTED_VALUE",
        datetime_render: str = "SERIAL_NUMBER",
    ) -> list[list[Any]]:
        """The tab's values as the API would return them for the whole tab (trimmed, inner
        empty cells ""); UNFORMATTED by default, so numbers are numbers."""
        with self._lock:
            sheet = self.sheet(spreadsheet_id, tab)
            whole = WHOLE_SHEET.clip(sheet.row_count, sheet.col_count)
            return sheet.read(whole, render, datetime_render)

    def set_shared(self, spreadsheet_id: str, shared: bool) -> None:
        self.spreadsheet(spreadsheet_id).shared = shared

    def spreadsheet(self, spreadsheet_id: str) -> FakeSpreadsheet:
        try:
            return self.spreadsheets[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the fake") from None

    def sheet(self, spreadsheet_id: str, tab: str) -> FakeSheet:
        """The tab's model: ``frozen_rows``, ``validations`` {(row, col): rule},
        ``protected_ranges``, ``row_count``… (0-based coordinates)."""
        sheet = self.spreadsheet(spreadsheet_id).sheet(tab)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in spreadsheet {spreadsheet_id!r}")
        return sheet

    # ==== faults, latency, quota, counters ======================================================
    def inject(
        self,
        fault: int | str,
        times: int = 1,
        match: str | Callable[[Call], bool] | None = None,
        *,
        kind: str | None = None,
    ) -> Fault:
        """Make the next ``times`` matching requests fail.

        ``fault``: an HTTP error status (429 → RESOURCE_EXHAUSTED quota body, 500, 503, any
        4xx/5xx) answered before anything is applied; ``"timeout"`` raises
        ``requests.exceptions.ReadTimeout`` before anything is applied;
        ``"timeout_after_commit"`` applies the request, then raises ReadTimeout (the client
        cannot tell whether its append landed); ``"connection"`` raises ConnectionError.
        ``match``: None (any request), a substring of ``"METHOD /decoded/path"`` such as
        ``":append"``, ``"values:batchGet"`` or ``"PUT"``, or a callable taking a ``Call``.
        ``kind``: only "read", "write" or "metadata" requests. Faults fire in injection order.
        """
        if not (isinstance(fault, int) and 400 <= fault <= 599) and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use an HTTP error status or {FAULTS}")
        handle = Fault(fault, times, match, kind)
        with self._lock:
            self._faults.append(handle)
        return handle

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_quota(
        self, read_per_minute: int | None = None, write_per_minute: int | None = None
    ) -> None:
        """Answer 429 once more than N read (metadata included) / write requests arrived in
        the last 60 s of wall-clock time — Google's per-user-per-minute quotas."""
        with self._lock:
            self._quota = {
                k: v
                for k, v in (("read", read_per_minute), ("write", write_per_minute))
                if v is not None
            }
            self._quota_hits.clear()

    def count(self, kind: str | None = None, *, op: str | None = None) -> int:
        """Requests received so far, optionally only one kind ("read"/"write"/"metadata")
        or one ``op`` (see ``Call``)."""
        with self._lock:
            return sum(
                1
                for c in self.history
                if (kind is None or c.kind == kind) and (op is None or c.op == op)
            )

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.history.clear()

    def adapter(self) -> FakeSheetsAdapter:
        return FakeSheetsAdapter(self)

    def client(self, *, http_client: type[HTTPClient] = HTTPClient) -> gspread.Client:
        return make_client(self, http_client=http_client)

    # ==== HTTP entry point ======================================================================
    def handle(
        self,
        request: requests.PreparedRequest,
        timeout: float | tuple[float | None, float | None] | None = None,
    ) -> requests.Response:
        """Answer one prepared request (called by FakeSheetsAdapter.send)."""
        method = (request.method or "GET").upper()
        url = request.url or ""
        split = urlsplit(url)
        raw_path = split.path
        params = parse_qs(split.query, keep_blank_values=True)
        body = _json_body(request.body)
        route = self._route(method, split.hostname or "", raw_path, url)
        call = Call(
            method, unquote(raw_path), route.kind, route.op, params, body, route.spreadsheet_id
        )
        with self._lock:
            self.requests.append(RequestRecord(call.method, call.path, call.kind))
            self.history.append(call)

        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        if self.latency > 0:
            if read_timeout is not None and self.latency > read_timeout:
                time.sleep(read_timeout)
                call.outcome = "timeout"
                raise requests.exceptions.ReadTimeout(_timeout_text(read_timeout), request=request)
            time.sleep(self.latency)

        with self._lock:
            fault = next((f for f in self._faults if f.matches(call)), None)
            if fault is not None:
                fault.remaining -= 1
                fault.fired += 1
            if isinstance(fault, Fault) and isinstance(fault.fault, int):
                call.outcome = f"fault:{fault.fault}"
                err = quota_exceeded(call.kind) if fault.fault == 429 else SheetsError(fault.fault)
                return self._respond(request, call, err.code, err.body())
            if fault is not None and fault.fault == "timeout":
                call.outcome = "timeout"
                raise requests.exceptions.ReadTimeout(_timeout_text(read_timeout), request=request)
            if fault is not None and fault.fault == "connection":
                call.outcome = "connection"
                raise requests.exceptions.ConnectionError(
                    "('Connection aborted.', RemoteDisconnected('Remote end closed connection "
                    "without response'))",
                    request=request,
                )
            target = self.spreadsheets.get(route.spreadsheet_id or "")
            snapshot = target.snapshot() if target is not None and call.kind == "write" else None
            try:
                self._check_quota(call)
                assert route.handler is not None
                status, payload = 200, route.handler(call, route)
                call.outcome = "ok"
            except SheetsError as err:  # a failed request changes nothing, as with Google
                if target is not None and snapshot is not None:
                    target.restore(snapshot)
                status, payload = err.code, err.body()
                call.outcome = "error"
            response = self._respond(request, call, status, payload)
        if fault is not None and fault.fault == "timeout_after_commit":
            call.outcome = "timeout_after_commit"
            raise requests.exceptions.ReadTimeout(_timeout_text(read_timeout), request=request)
        return response

    def _respond(
        self, request: requests.PreparedRequest, call: Call, status: int, payload: dict[str, Any]
    ) -> requests.Response:
        call.status = status
        resp = requests.Response()
        resp.status_code = status
        resp.reason = HTTPStatus(status).phrase
        resp.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8"})
        resp._content = (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode()
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        resp.raw = io.BytesIO(resp._content)
        return resp

    def _check_quota(self, call: Call) -> None:
        bucket = "write" if call.kind == "write" else "read"
        limit = self._quota.get(bucket)
        if limit is None:
            return
        now = time.monotonic()
        hits = self._quota_hits[bucket]
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= limit:
            raise quota_exceeded(bucket)
        hits.append(now)

    # ==== routing =================================================================================
    def _route(self, method: str, host: str, raw_path: str, url: str) -> _Route:
        if host == SHEETS_HOST and raw_path.startswith("/v4/spreadsheets/"):
            route = self._sheets_route(method, raw_path[len("/v4/spreadsheets/") :])
            if route is not None:
                return route
        if host == DRIVE_HOST and method == "GET":
            if raw_path == "/drive/v3/files":
                return _Route("metadata", "drive.list", handler=self._drive_list)
            m = re.fullmatch(r"/drive/v3/files/([^/]+)", raw_path)
            if m:
                return _Route("metadata", "drive.get", unquote(m.group(1)), handler=self._drive_get)
        self.blocked.append(f"{method} {url}")
        if host in (SHEETS_HOST, DRIVE_HOST):
            raise FakeSheetsNetworkError(f"the fake Sheets API does not implement {method} {url}")
        raise FakeSheetsNetworkError(f"blocked a real network call: {method} {url}")

    def _sheets_route(self, method: str, rest: str) -> _Route | None:
        m = re.fullmatch(r"([^/:]+)(.*)", rest)
        if not m:
            return None
        sid, tail = unquote(m.group(1)), m.group(2)
        table: dict[tuple[str, str], tuple[str, str, Callable[..., dict[str, Any]]]] = {
            ("GET", ""): ("metadata", "spreadsheets.get", self._get_spreadsheet),
            ("POST", ":batchUpdate"): ("write", "batchUpdate", self._batch_update),
            ("GET", "/values:batchGet"): ("read", "values.batchGet", self._values_batch_get),
            ("POST", "/values:batchUpdate"): (
                "write",
                "values.batchUpdate",
                self._values_batch_update,
            ),
            ("POST", "/values:batchClear"): (
                "write",
                "values.batchClear",
                self._values_batch_clear,
            ),
        }
        if (method, tail) in table:
            kind, op, handler = table[(method, tail)]
            return _Route(kind, op, sid, handler=handler)
        if not tail.startswith("/values/"):
            return None
        encoded = tail[len("/values/") :]
        suffix = ""
        for candidate in (":append", ":clear"):
            if encoded.endswith(candidate):
                encoded, suffix = encoded[: -len(candidate)], candidate
        per_range: dict[tuple[str, str], tuple[str, str, Callable[..., dict[str, Any]]]] = {
            ("GET", ""): ("read", "values.get", self._values_get),
            ("PUT", ""): ("write", "values.update", self._values_update),
            ("POST", ":append"): ("write", "values.append", self._values_append),
            ("POST", ":clear"): ("write", "values.clear", self._values_clear),
        }
        if (method, suffix) not in per_range:
            return None
        kind, op, handler = per_range[(method, suffix)]
        return _Route(kind, op, sid, unquote(encoded), handler)

    # ==== handlers: spreadsheet =================================================================
    def _open(self, route: _Route) -> FakeSpreadsheet:
        ss = self.spreadsheets.get(route.spreadsheet_id or "")
        if ss is None:
            raise SheetsError(404)
        if not ss.shared:
            raise SheetsError(403)
        return ss

    def _get_spreadsheet(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        fields = call.param("fields")
        mask = parse_field_mask(fields) if fields else {}
        wants_data = "data" in (mask.get("sheets") or {})
        grid_data = _flag(call.param("includeGridData")) or wants_data
        ranges = [ss.resolve(r) for r in call.params.get("ranges", [])]
        for sheet, b in ranges:
            check_grid(sheet, b)
        body = ss.metadata(grid_data=grid_data, ranges=ranges)
        return apply_field_mask(body, mask) if mask else body

    def _batch_update(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        body = call.body or {}
        replies = batch.apply_batch(
            ss, list(body.get("requests") or []), self._rng, self.ignored_requests
        )
        ss.touch()
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            out["updatedSpreadsheet"] = ss.metadata()
        return out

    # ==== handlers: values ======================================================================
    def _values_get(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        return self._read_range(ss, route.range or "", call.params)

    def _values_batch_get(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        ranges = call.params.get("ranges", [])
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
        if ranges:
            out["valueRanges"] = [self._read_range(ss, r, call.params) for r in ranges]
        return out

    def _read_range(
        self, ss: FakeSpreadsheet, text: str, params: dict[str, list[str]]
    ) -> dict[str, Any]:
        major = _enum(params, "majorDimension", _MAJOR, "ROWS", "Dimension")
        major = "ROWS" if major == "DIMENSION_UNSPECIFIED" else major
        render = _enum(
            params, "valueRenderOption", _VALUE_RENDER, "FORMATTED_VALUE", "ValueRenderOption"
        )
        dt_render = _enum(
            params,
            "dateTimeRenderOption",
            _DATETIME_RENDER,
            "SERIAL_NUMBER",
            "DateTimeRenderOption",
        )
        sheet, b = ss.resolve(text)
        closed = check_grid(sheet, b)
        out: dict[str, Any] = {"range": format_range(sheet.title, closed), "majorDimension": major}
        values = sheet.read(closed, render, dt_render, major)
        if values:
            out["values"] = values
        return out

    def _values_update(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        user_entered = _input_option(call.param("valueInputOption"))
        body = call.body or {}
        result = self._write(ss, route.range or "", body, user_entered, call.params)
        ss.touch()
        return result

    def _values_batch_update(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        body = call.body or {}
        user_entered = _input_option(body.get("valueInputOption"))
        data = list(body.get("data") or [])
        response_params = {
            k: [str(body[k])]
            for k in (
                "includeValuesInResponse",
                "responseValueRenderOption",
                "responseDateTimeRenderOption",
            )
            if body.get(k) is not None
        }
        for item in data:  # validate every range before writing anything (atomic)
            sheet, b = ss.resolve(item.get("range") or "")
            check_grid(sheet, b)
        responses = [
            self._write(ss, item.get("range") or "", item, user_entered, response_params)
            for item in data
        ]
        rows: set[tuple[str, int]] = set()
        cols: set[tuple[str, int]] = set()
        sheets: set[str] = set()
        for resp in responses:
            title, a1 = split_sheet(resp["updatedRange"])
            sheet = ss.sheet(title or "")
            if sheet is None or a1 is None or "updatedRows" not in resp:
                continue
            area = parse_a1(a1)
            assert area.r1 is not None and area.c1 is not None
            sheets.add(sheet.title)
            rows.update((sheet.title, r) for r in range(area.r0, area.r1))
            cols.update((sheet.title, c) for c in range(area.c0, area.c1))
        ss.touch()
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
        if responses:
            out.update(
                {
                    "totalUpdatedRows": len(rows),
                    "totalUpdatedColumns": len(cols),
                    "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                    "totalUpdatedSheets": len(sheets),
                    "responses": responses,
                }
            )
        return out

    def _write(
        self,
        ss: FakeSpreadsheet,
        text: str,
        body: dict[str, Any],
        user_entered: bool,
        params: dict[str, list[str]],
    ) -> dict[str, Any]:
        """values.update semantics: a one-cell range is an anchor the block grows from; a
        larger range must contain the block; the block must fit in the grid."""
        sheet, b = ss.resolve(text)
        closed = check_grid(sheet, b)
        rows = _rows(body.get("values"), body.get("majorDimension"))
        cells = _parse_rows(rows, user_entered)
        height, width = len(rows), max((len(r) for r in rows), default=0)
        if not height or not width:
            return {
                "spreadsheetId": ss.spreadsheet_id,
                "updatedRange": format_range(sheet.title, closed),
            }
        if not b.is_single_cell:
            if b.r1 is not None and b.r0 + height > b.r1:
                raise bad_request(
                    f"Requested writing within range [{text}], but tried "
                    f"writing to row [{b.r1 + 1}]"
                )
            if b.c1 is not None and b.c0 + width > b.c1:
                raise bad_request(
                    f"Requested writing within range [{text}], but tried "
                    f"writing to column [{col_letters(b.c1)}]"
                )
        area = Bounds(b.r0, b.c0, b.r0 + height, b.c0 + width)
        check_grid(sheet, area)
        return self._commit(ss, sheet, area, cells, params)

    def _values_append(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        user_entered = _input_option(call.param("valueInputOption"))
        insert = _enum(call.params, "insertDataOption", _INSERT, "OVERWRITE", "InsertDataOption")
        text = route.range or ""
        sheet, b = ss.resolve(text)
        check_grid(sheet, b)
        body = call.body or {}
        rows = _rows(body.get("values"), body.get("majorDimension"))
        cells = _parse_rows(rows, user_entered)
        table = sheet.find_table(b)
        start_row, start_col = (table.r1, table.c0) if table is not None else (b.r0, b.c0)
        assert start_row is not None
        height, width = len(rows), max((len(r) for r in rows), default=0)
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
        if table is not None:
            out["tableRange"] = format_range(sheet.title, table)
        if not height or not width:
            out["updates"] = {"spreadsheetId": ss.spreadsheet_id}
            return out
        if insert == "INSERT_ROWS":
            sheet.insert("ROWS", min(start_row, sheet.row_count), height)
            sheet.row_count = max(sheet.row_count, start_row + height)
        else:
            sheet.row_count = max(sheet.row_count, start_row + height)
        sheet.col_count = max(sheet.col_count, start_col + width)
        area = Bounds(start_row, start_col, start_row + height, start_col + width)
        out["updates"] = self._commit(ss, sheet, area, cells, call.params)
        ss.touch()
        return out

    def _commit(
        self,
        ss: FakeSpreadsheet,
        sheet: FakeSheet,
        area: Bounds,
        cells: list[list[Any]],
        params: dict[str, list[str]],
    ) -> dict[str, Any]:
        for i, row in enumerate(cells):
            for j, cell in enumerate(row):
                if cell is not SKIP:
                    sheet.put(area.r0 + i, area.c0 + j, cell)
        assert area.r1 is not None and area.c1 is not None
        updated = format_range(sheet.title, area)
        out: dict[str, Any] = {
            "spreadsheetId": ss.spreadsheet_id,
            "updatedRange": updated,
            "updatedRows": area.r1 - area.r0,
            "updatedColumns": area.c1 - area.c0,
            "updatedCells": sum(len(r) for r in cells),
        }
        if _flag(_first(params, "includeValuesInResponse")):
            render = _enum(
                params,
                "responseValueRenderOption",
                _VALUE_RENDER,
                "FORMATTED_VALUE",
                "ValueRenderOption",
            )
            dt_render = _enum(
                params,
                "responseDateTimeRenderOption",
                _DATETIME_RENDER,
                "SERIAL_NUMBER",
                "DateTimeRenderOption",
            )
            data: dict[str, Any] = {"range": updated, "majorDimension": "ROWS"}
            values = sheet.read(area, render, dt_render)
            if values:
                data["values"] = values
            out["updatedData"] = data
        return out

    def _values_clear(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        cleared = self._clear(ss, route.range or "")
        ss.touch()
        return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": cleared}

    def _values_batch_clear(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self._open(route)
        ranges = list((call.body or {}).get("ranges") or [])
        for text in ranges:  # all or nothing
            sheet, b = ss.resolve(text)
            check_grid(sheet, b)
        cleared = [self._clear(ss, text) for text in ranges]
        ss.touch()
        return {"spreadsheetId": ss.spreadsheet_id, "clearedRanges": cleared}

    def _clear(self, ss: FakeSpreadsheet, text: str) -> str:
        sheet, b = ss.resolve(text)
        closed = check_grid(sheet, b)
        sheet.clear(closed)
        return format_range(sheet.title, closed)

    # ==== handlers: Drive (metadata only) =======================================================
    def _drive_file(self, ss: FakeSpreadsheet) -> dict[str, Any]:
        return {
            "kind": "drive#file",
            "id": ss.spreadsheet_id,
            "name": ss.title,
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "createdTime": ss.created_time,
            "modifiedTime": ss.modified_time,
        }

    def _drive_get(self, call: Call, route: _Route) -> dict[str, Any]:
        ss = self.spreadsheets.get(route.spreadsheet_id or "")
        if ss is None or not ss.shared:  # Drive hides files you cannot open
            message = f"File not found: {route.spreadsheet_id}."
            raise SheetsError(
                404,
                message,
                extra={
                    "errors": [
                        {
                            "message": message,
                            "domain": "global",
                            "reason": "notFound",
                            "location": "fileId",
                            "locationType": "parameter",
                        }
                    ]
                },
            )
        body = self._drive_file(ss)
        fields = call.param("fields")
        return apply_field_mask(body, parse_field_mask(fields)) if fields else body

    def _drive_list(self, call: Call, route: _Route) -> dict[str, Any]:
        query = call.param("q", "") or ""
        m = re.search(r"name\s*=\s*[\"'](.*?)[\"']", query)
        files = [
            self._drive_file(ss)
            for ss in self.spreadsheets.values()
            if ss.shared and (m is None or ss.title == m.group(1))
        ]
        body = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
        fields = call.param("fields")
        return apply_field_mask(body, parse_field_mask(fields)) if fields else body

    # ==== helpers ===============================================================================
    def _new_id(self, taken: set[int]) -> int:
        while True:
            value = self._rng.randint(1, 2**31 - 1)
            if value not in taken:
                return value

    def _put_block(
        self, sheet: FakeSheet, r0: int, c0: int, values: list[list[Any]], user_entered: bool
    ) -> None:
        for i, row in enumerate(_parse_rows(values, user_entered)):
            for j, cell in enumerate(row):
                if cell is not SKIP:
                    sheet.put(r0 + i, c0 + j, cell)


class FakeSheetsAdapter(BaseAdapter):
    """A requests transport adapter that answers from a FakeSheetsAPI instead of the network."""

    def __init__(self, api: FakeSheetsAPI) -> None:
        super().__init__()
        self.api = api

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        return self.api.handle(request, timeout)

    def close(self) -> None:
        pass


def attach(
    target: gspread.Client | HTTPClient | requests.Session, api: FakeSheetsAPI
) -> FakeSheetsAdapter:
    """Route every request of an existing gspread Client / HTTPClient / requests Session to
    the fake (mounted on both ``https://`` and ``http://``, so nothing reaches the network)."""
    if isinstance(target, gspread.Client):
        target = target.http_client
    session = target.session if isinstance(target, HTTPClient) else target
    adapter = FakeSheetsAdapter(api)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return adapter


def make_client(
    api: FakeSheetsAPI, *, http_client: type[HTTPClient] = HTTPClient
) -> gspread.Client:
    """A real ``gspread.Client`` (optionally with ``http_client=BackOffHTTPClient``) whose
    requests are answered by ``api``. Same session class as production
    (google-auth's AuthorizedSession, with anonymous credentials)."""
    creds = AnonymousCredentials()
    session = AuthorizedSession(creds)
    attach(session, api)
    client = gspread.Client(auth=creds, session=session, http_client=http_client)
    client.http_client.auth = creds  # HTTPClient skips this when given a session
    return client


# ==== module helpers ==============================================================================
def _json_body(body: Any) -> Any:
    if body is None or body == b"" or body == "":
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        return json.loads(body)
    except ValueError:
        return body


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _enum(
    params: dict[str, list[str]], name: str, allowed: tuple[str, ...], default: str, type_name: str
) -> str:
    value = _first(params, name)
    if value is None or value == "":
        return default
    if value not in allowed:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
        raise bad_request(
            f"Invalid value at '{snake}' "
            f'(type.googleapis.com/google.apps.sheets.v4.{type_name}), "{value}"'
        )
    return value


def _input_option(value: Any) -> bool:
    """valueInputOption → user_entered? It is required on every write."""
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    if value not in ("RAW", "USER_ENTERED"):
        raise bad_request(
            f"Invalid value at 'value_input_option' "
            f"(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "
            f'"{value}"'
        )
    return value == "USER_ENTERED"


def _rows(values: Any, major: Any) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise bad_request("Invalid value at 'data.values': a list of lists is required")
    if major == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        return [[col[i] if i < len(col) else None for col in values] for i in range(height)]
    return values


def _parse_rows(rows: list[list[Any]], user_entered: bool) -> list[list[Cell | object | None]]:
    return [
        [parse_input(v, user_entered, f"[{i}][{j}]") for j, v in enumerate(row)]
        for i, row in enumerate(rows)
    ]


def _timeout_text(read_timeout: float | None) -> str:
    return (
        f"HTTPSConnectionPool(host='{SHEETS_HOST}', port=443): Read timed out. "
        f"(read timeout={read_timeout})"
    )
