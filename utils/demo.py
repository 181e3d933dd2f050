"""Realistic demo data in Chinese, loaded into a store and taken out again exactly.

The records are `utils.demo_generate`'s (`generate`, pure; re-exported here). `load_demo` hands
them to a store and records what it added in a manifest beside the workbook; `demo_rows` picks
exactly those rows again, for `remove_demo`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from sheets_schema.tables import TABLES
from utils import clock
from utils import progress_log as plog
from utils.demo_generate import CUTOFF_TIME, DemoData, generate
from utils.errors import StoreError

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


__all__ = [
    "CUTOFF_TIME",
    "DEMO_TABS",
    "MANIFEST_VERSION",
    "TABLES",
    "DemoData",
    "demo_rows",
    "generate",
    "load_demo",
    "manifest_path",
    "read_manifest",
    "record_loaded",
    "remove_demo",
]
