"""One cell: how a written value is stored (RAW vs USER_ENTERED) and how it reads back under
each ``valueRenderOption`` / ``dateTimeRenderOption``.

RAW stores what it is given: a JSON string stays text (``"0138"``, ``"=1+1"`` and
``"+33612345678"`` included), a JSON number stays a number, a bool a bool. ``""`` empties the
cell and ``null`` leaves it unchanged (as the API documents).

USER_ENTERED parses strings the way the Sheets UI does, approximately (en_US locale):

* ``=…``           → formula. Pure arithmetic (``=1+1``, ``=(2+3)*4``, ``=2^10``) is computed;
                     anything else (functions, cell references) reads back as
                     ``FORMULA_PLACEHOLDER``. The FORMULA render returns the formula text.
* ``'…``           → text, apostrophe dropped (``'0138`` stays ``0138``).
* numbers          → number: ``0138`` → 138, ``+33612345678`` → 33612345678, ``1,234.5``,
                     ``12%`` → 0.12, ``$1,234.50`` → 1234.5 (formatted read keeps the typed look
                     for ``,``/``%``/``$``).
* ``TRUE``/``FALSE`` (any case) → bool.
* dates            → ``2024-05-01``, ``2024/05/01``, ``5/1/2024``, optionally followed by
                     ``10:30`` or ``10:30:15``: stored as a serial number (days since
                     1899-12-30). FORMATTED_VALUE shows the text as typed; UNFORMATTED_VALUE gives
                     the serial, or the text with ``dateTimeRenderOption=FORMATTED_STRING``.
* anything else    → text.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import bad_request

FORMULA_PLACEHOLDER = "#FORMULA!"
"""What a formula the fake cannot compute reads back as (FORMATTED and UNFORMATTED)."""

SKIP = object()
"""Marker: a ``null`` in the written values — leave the cell as it is."""

_EPOCH = datetime(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass
class Cell:
    """``value`` is the effective value (str, bool, int or float). ``formula`` is set for a
    formula; ``display`` overrides the formatted text (typed dates, ``1,234``, ``12%``);
    ``is_datetime`` marks a serial number that is a date/time."""

    value: Any
    formula: str | None = None
    display: str | None = None
    is_datetime: bool = False

    def formatted(self) -> str:
        if self.display is None:
            self.display = format_value(self.value)  # cached: a Cell is never edited in place
        return self.display

    def render(self, value_render: str, datetime_render: str) -> Any:
        if value_render == "FORMULA" and self.formula is not None:
            return self.formula
        if type(self.value) is str:
            return self.value
        if value_render == "FORMATTED_VALUE":
            return self.formatted()
        if self.is_datetime and datetime_render == "FORMATTED_STRING":
            return self.formatted()
        return json_number(self.value) if _is_number(self.value) else self.value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def json_number(v: float | int) -> float | int:
    """Google serialises integral doubles without a fraction: 5.0 reads back as 5."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def format_value(v: Any) -> str:
    """Sheets' "Automatic" number format, roughly: 5 → "5", 1/3 → "0.3333333333"."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if _is_number(v):
        v = json_number(v)
        if isinstance(v, int):
            return str(v)
        text = f"{v:.10g}"
        return text.upper() if "e" in text else text
    return str(v)


def parse_input(raw: Any, user_entered: bool, where: str) -> Cell | object | None:
    """A JSON value from a request body → Cell, None (empty the cell) or SKIP (null)."""
    if raw is None:
        return SKIP
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, (int, float)):
        return Cell(raw)
    if not isinstance(raw, str):
        kind = "list_value" if isinstance(raw, list) else "struct_value"
        raise bad_request(f"Invalid values{where}: {kind} {raw!r}")
    if raw == "" or (user_entered and raw == "'"):
        return None
    if not user_entered:
        return Cell(raw)
    return _parse_user_entered(raw)


def _parse_user_entered(text: str) -> Cell:
    if text.startswith("'"):
        return Cell(text[1:])
    if text.startswith("=") and len(text) > 1:
        return Cell(evaluate_formula(text[1:]), formula=text)
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return Cell(stripped.upper() == "TRUE")
    number = _parse_number(stripped)
    if number is not None:
        return number
    when = _parse_datetime(stripped)
    if when is not None:
        delta = when - _EPOCH
        serial = delta.days + delta.seconds / 86400
        return Cell(serial, display=stripped, is_datetime=True)
    return Cell(text)


def _parse_number(text: str) -> Cell | None:
    body, percent, currency = text, False, False
    if body.endswith("%"):
        body, percent = body[:-1], True
    if body.startswith("$") or body.startswith("-$"):
        body, currency = body.replace("$", "", 1), True
    if not body or not _NUMBER.match(body) or not any(ch.isdigit() for ch in body):
        return None
    value: float | int = float(body.replace(",", ""))
    if percent:
        value = value / 100
    value = json_number(value)
    keep_look = percent or currency or "," in body
    return Cell(value, display=text if keep_look else None)


def _parse_datetime(text: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def evaluate_formula(expr: str) -> Any:
    """Compute pure arithmetic; anything else is FORMULA_PLACEHOLDER."""
    try:
        tree = ast.parse(expr.replace("^", "**"), mode="eval")
        return json_number(_eval(tree.body))
    except ZeroDivisionError:
        return "#DIV/0!"
    except (SyntaxError, ValueError, TypeError, OverflowError):
        return FORMULA_PLACEHOLDER


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    raise ValueError("not arithmetic")


def extended_value(v: Any) -> dict[str, Any]:
    """An ExtendedValue (grid data): {"stringValue"|"numberValue"|"boolValue": …}."""
    if isinstance(v, bool):
        return {"boolValue": v}
    if _is_number(v):
        return {"numberValue": json_number(v)}
    if isinstance(v, str) and v.startswith("#") and v.endswith(("!", "?")):
        return {"errorValue": {"type": "ERROR", "message": v}}
    return {"stringValue": v}


def cell_data(cell: Cell | None, validation: dict | None) -> dict[str, Any]:
    """CellData as ``spreadsheets.get(includeGridData=true)`` returns it."""
    out: dict[str, Any] = {}
    if cell is not None:
        entered = {"formulaValue": cell.formula} if cell.formula else extended_value(cell.value)
        out["userEnteredValue"] = entered
        out["effectiveValue"] = extended_value(cell.value)
        out["formattedValue"] = cell.formatted()
    if validation is not None:
        out["dataValidation"] = validation
    return out
