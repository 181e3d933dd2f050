"""The workbook-wide tables the careful reader looks every cell up in: the shared strings, and
the cell styles' number formats (which show a number as a date, a time or a duration, as
calamine decides). Both are read with expat, straight from the zip.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from utils.errors import BadWorkbookError
from utils.store.xlsx_archive import damaged_error, entry_info


@dataclass
class Styles:
    """Which cell styles show a number as a date, a time or a duration (as calamine decides)."""

    kinds: list[str] = field(default_factory=list)  # per cellXfs index: "", "date", "duration"

    _DATE_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
    _DURATION_IDS = frozenset([46])

    @classmethod
    def of(cls, zf: zipfile.ZipFile) -> Styles:
        info = entry_info(zf, "xl/styles.xml")
        if info is None or info.file_size > 64 << 20:
            return cls()
        try:
            xml = zf.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            return cls()
        formats: dict[int, str] = {}
        kinds: list[str] = []
        state = {"xfs": False}

        def start(name: str, attrs: dict) -> None:
            local = name.rpartition("}")[2]
            if local == "numFmt":
                try:
                    formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "cellXfs":
                state["xfs"] = True
            elif local == "xf" and state["xfs"]:
                try:
                    fid = int(attrs.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                kinds.append(cls._kind(fid, formats.get(fid)))

        def end(name: str) -> None:
            if name.rpartition("}")[2] == "cellXfs":
                state["xfs"] = False

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            parser.Parse(xml, True)
        except expat.ExpatError:
            pass  # what was read so far still helps
        return cls(kinds)

    @classmethod
    def _kind(cls, fid: int, code: str | None) -> str:
        if code is None:
            if fid in cls._DURATION_IDS:
                return "duration"
            return "date" if fid in cls._DATE_IDS else ""
        plain = re.sub(r'"[^"]*"|\\.|_.|\*.', "", code)
        if re.search(r"\[(?:h+|m+|s+)\]", plain, re.I):
            return "duration"
        plain = re.sub(r"\[[^\]]*\]", "", plain)
        return "date" if re.search(r"[dmyhs]", plain, re.I) else ""

    def kind(self, index: int) -> str:
        return self.kinds[index] if 0 <= index < len(self.kinds) else ""


def shared_strings(path: Path, zf: zipfile.ZipFile) -> list[str]:
    info = entry_info(zf, "xl/sharedStrings.xml")
    if info is None:
        return []
    out: list[str] = []
    parts: list[str] = []
    state = [0, 0]  # inside <si>, inside <rPh> (phonetic runs are not part of the text)
    collecting = [False]

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition("}")[2]
        if local == "si":
            state[0] = 1
            parts.clear()
        elif local == "rPh":
            state[1] += 1
        elif local == "t" and state[0] and not state[1]:
            collecting[0] = True

    def end(name: str) -> None:
        local = name.rpartition("}")[2]
        if local == "si":
            out.append("".join(parts))
            state[0] = 0
        elif local == "rPh":
            state[1] -= 1
        elif local == "t":
            collecting[0] = False

    def text(data: str) -> None:
        if collecting[0]:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with zf.open(info) as f:
            parser.ParseFile(f)
    except expat.ExpatError as exc:
        raise BadWorkbookError(
            "store.workbook_bad_xml", path=str(path), sheet="-", detail=f"shared strings: {exc}"
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise damaged_error(path, exc) from exc
    except RuntimeError as exc:  # an encrypted entry
        raise damaged_error(path, exc) from exc
    return out
