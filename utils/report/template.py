"""The report's Jinja2 template (utils/report/templates/report.html.j2, CSS in report.css.j2):
the environment (auto-escaping, StrictUndefined) and rendering with the catalogue as `t`."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from utils.i18n import t

TEMPLATE = "report.html.j2"


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report: templates from utils/report/templates/, every value
    HTML-escaped unless it is Markup, and a missing variable an error rather than blank."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("utils.report", "templates"),
        autoescape=jinja2.select_autoescape(default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(context: dict[str, Any], lang: str) -> str:
    """The report template rendered with `context`; `t(key, **params)` in the template is the
    catalogue in `lang`."""
    template = environment().get_template(TEMPLATE)
    return template.render(context, t=lambda key, **params: t(key, lang, **params))
