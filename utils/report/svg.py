"""Charts as inline SVG for the report: rendered offline by vl-convert with the system's fonts
(CJK included: `register_fonts`), ids made unique so that several charts share one page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import altair as alt

CHART_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
_fonts_registered = False


def register_fonts(dirs: Iterable[str] = FONT_DIRS) -> None:
    """Make the system's fonts (CJK included) known to vl-convert. Called once, lazily."""
    global _fonts_registered
    if _fonts_registered:
        return
    import os

    import vl_convert as vlc

    for d in dirs:
        if os.path.isdir(d):
            try:
                vlc.register_font_directory(d)
            except (OSError, ValueError, RuntimeError):
                continue
    _fonts_registered = True


def _vl_version() -> str | None:
    import vl_convert as vlc

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def chart_svg(chart: Any, prefix: str = "c") -> str:
    """A chart as inline SVG: rendered offline (no URL may be fetched), namespace attributes
    dropped (inline SVG in HTML needs none) and element ids made unique with `prefix` so that
    several charts can share one page."""
    import vl_convert as vlc

    register_fonts()
    # Not validated against the Vega-Lite schema again here (a third of the spec's cost):
    # tests/test_charts.py validates these charts, at the report's fixed widths too.
    spec = chart.to_dict(validate=False)
    svg = vlc.vegalite_to_svg(
        spec, vl_version=_vl_version(), config={"font": CHART_FONT}, allowed_base_urls=[]
    )
    svg = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return svg
