"""A real spreadsheet program reads what the store wrote, and the store reads what it saved.

Needs LibreOffice (`apt-get install -y libreoffice-calc-nogui`; .ci/run installs it). Skipped
without it, except under CI=true where a missing LibreOffice is a failure."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from utils.demo import load_demo
from utils.store.local import LocalWorkbookStore

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture
def soffice(tmp_path: Path) -> list[str]:
    if SOFFICE is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    profile = tmp_path / "lo-profile"
    return [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless"]


def convert(soffice: list[str], src: Path, target: str, outdir: Path) -> None:
    subprocess.run(
        [*soffice, "--convert-to", target, str(src), "--outdir", str(outdir)],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_libreoffice_reads_what_the_store_wrote(soffice: list[str], tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    store = LocalWorkbookStore(path, lang="zh")
    load_demo(store, clients=20, complaints=30, revisits=30)
    rid = store.append(
        "clients", {"name": "=1+1", "phone": "+86 0138 0000", "notes": "-5"}, user="王芳"
    ).record_id
    convert(soffice, path, CSV_FILTER, tmp_path / "csv")
    with open(tmp_path / "csv" / "demo-客户档案.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["客户编号", "客户名称", "客户类型"]
    assert len(rows) == 22
    mine = next(r for r in rows if r[0] == rid)
    assert mine[1] == "=1+1" and mine[5] == "+86 0138 0000" and mine[13] == "-5"
    assert mine[14].startswith(str(store.clock().year))  # updated_at is a date, shown as one


def test_store_reads_and_writes_a_workbook_libreoffice_saved(
    soffice: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.xlsx"
    load_demo(LocalWorkbookStore(path, lang="zh"), clients=20, complaints=30, revisits=30)
    convert(soffice, path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved")
    resaved = tmp_path / "resaved" / "demo.xlsx"
    before = LocalWorkbookStore(path).read()
    store = LocalWorkbookStore(resaved)
    after = store.read()
    assert after.problems == []
    for tab in before.frames:
        assert (
            before.frames[tab].drop(columns="_row").equals(after.frames[tab].drop(columns="_row"))
        ), tab
    rid = store.append(
        "complaints",
        {
            "client_id": after.clients.client_id.iloc[0],
            "received_at": "2026-11-23 10:00",
            "description": "保存后追加",
            "first_receiver": "王芳",
        },
        user="王芳",
    ).record_id
    client = after.record("clients", after.clients.client_id.iloc[1])
    store.update(
        "clients",
        client["client_id"],
        {"notes": "已更新"},
        seen=client,
        user="李娜",
    )
    again = LocalWorkbookStore(resaved).read()
    assert again.record("complaints", rid)["description"] == "保存后追加"
    assert again.record("clients", client["client_id"])["notes"] == "已更新"
    convert(soffice, resaved, CSV_FILTER, tmp_path / "csv2")  # still opens in LibreOffice
    assert "保存后追加" in (tmp_path / "csv2" / "demo-投诉记录.csv").read_text(encoding="utf-8")
