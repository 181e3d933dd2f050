"""No untranslated text: every page, in both languages, on demo data — no catalogue key, no
`None`/`nan`/`NaT`, and no sentence of the other language's catalogue; the same for the CSV
downloads' headers and labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.rendered import rendered
from utils import downloads
from utils.auth import User
from utils.demo import load_demo
from utils.i18n import en, zh
from utils.store.local import LocalWorkbookStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "pages/home.py",
    "pages/my_work.py",
    "pages/clients.py",
    "pages/complaints.py",
    "pages/revisits.py",
    "pages/dashboard.py",
    "pages/health.py",
    "pages/settings.py",
]
KEYS = set(en.MESSAGES) | set(zh.MESSAGES)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _sentences(messages: dict[str, str]) -> set[str]:
    """Long fixed pieces of a catalogue's messages (placeholders cut out)."""
    out = set()
    for text in messages.values():
        for piece in _PLACEHOLDER.split(text):
            piece = piece.strip(" .,:;()“”\"'")
            if len(piece) >= 24 and " " in piece:
                out.add(piece)
    return out


ENGLISH = _sentences(en.MESSAGES)
CHINESE = {p for p in (s.strip() for t in zh.MESSAGES.values() for s in _PLACEHOLDER.split(t))}
CHINESE = {p for p in CHINESE if len(p) >= 8 and re.search(r"[\u4e00-\u9fff]{4}", p)}


WORDS = set(en.MESSAGES.values())  # "None." is an English message, not a leaked value


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("untranslated") / "demo.xlsx"
    load_demo(LocalWorkbookStore(path), clients=60, complaints=150, revisits=150)
    return path


def _page_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.error]
    parts += [str(getattr(w, "label", "")) for w in (*at.button, *at.selectbox, *at.text_input)]
    parts += [str(m.label) for m in at.metric]
    for df in at.dataframe:
        parts += [str(c) for c in df.value.columns]
    return rendered("\n".join(parts))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("SHEETDESK_WORKBOOK", str(demo_workbook))
    monkeypatch.delenv("SHEETDESK_SPREADSHEET", raising=False)
    streamlit.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["sheetdesk_lang"] = lang
        at.session_state["sheetdesk_user"] = User("周主任", "admin")
        at.run()
        for page in PAGES:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            text = _page_text(at)
            found_keys = [k for k in KEYS if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]
            assert not found_keys, (page, found_keys)
            values = "\n".join(line for line in text.splitlines() if line not in WORDS)
            bad = re.search(r"(?<!\w)(None|nan|NaT)(?!\w)(?! of)", values)
            assert not bad, (page, text[max(0, bad.start() - 200) : bad.end() + 50] if bad else "")
            other = ENGLISH if lang == "zh" else CHINESE
            leaked = [s for s in other if s in text]
            assert not leaked, (page, leaked[:5])
    finally:
        streamlit.cache_resource.clear()


def test_a_chinese_csv_download_has_chinese_headers_and_labels(demo_workbook: Path) -> None:
    snap = LocalWorkbookStore(demo_workbook).read()
    for tab in downloads.TABS:
        data = downloads.csv_bytes(tab, getattr(snap, tab), "zh").decode("utf-8-sig")
        header = data.splitlines()[0]
        assert re.search(r"[\u4e00-\u9fff]", header) and not re.search(r"[A-Za-z]{4}", header)
        body = "\n".join(data.splitlines()[1:])
        for code in ("in_progress", "walk_in", "complaint_followup", "satisfied", "None"):
            assert code not in body, (tab, code)
