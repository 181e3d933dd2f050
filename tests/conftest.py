"""Shared fixtures: fresh temporary workbooks and stores (sqlite-utils' `fresh_db` idea)."""

from __future__ import annotations

import datetime as dt
import os
import socket

import pytest

from utils.store.local import LocalWorkbookStore


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the internet: any outgoing connection except loopback fails."""
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise OSError(f"test tried to reach the network: {address!r}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def workbook_path(tmp_path):
    return tmp_path / "sheetdesk.xlsx"


class Clock:
    """A clock the test moves: every call returns a second later than the last."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 23, 9, 0)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fresh_store(workbook_path, clock):
    store = LocalWorkbookStore(workbook_path, clock=clock)
    store.init("en")
    return store


@pytest.fixture
def ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
