"""The workbook's zip read defensively: its directory, an entry's info and bytes, a part
inflated straight from the file, and every kind of damage turned into a `BadWorkbookError`
whose message names the file and says what to do.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from utils.errors import BadWorkbookError

_CHUNK = 1 << 22  # inflate 4 MB of XML at a time


def file_identity(st: os.stat_result) -> tuple:
    """What tells one file from another that replaced it at the same path."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def open_zip(path: Path, fh, size: int) -> zipfile.ZipFile:
    """The workbook's zip directory, or a `BadWorkbookError` saying what kind of file it is."""
    if size == 0:
        raise BadWorkbookError("store.workbook_empty", path=str(path))
    try:
        return zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        fh.seek(0)
        head = fh.read(8)
        if not head.startswith(b"PK"):
            raise BadWorkbookError("store.workbook_not_xlsx", path=str(path)) from exc
        raise BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc)) from exc
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc)) from exc


def damaged_error(path: Path, exc: BaseException) -> BadWorkbookError:
    return BadWorkbookError("store.workbook_damaged", path=str(path), detail=str(exc) or repr(exc))


def read_part(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise damaged_error(path, exc) from exc
    except RuntimeError as exc:  # an encrypted entry
        raise damaged_error(path, exc) from exc


def entry_info(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return zf.getinfo(name)
    except KeyError:
        return None


def inflate_part(fh, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """The part's bytes, inflated straight from the file (no CRC check: calamine checks it), as
    (buffer, end) pairs: `buffer[:end]` ends before a `<`, so no tag is split between two."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ValueError("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise NotImplementedError(f"compression {info.compress_type}")
    carry = b""
    produced = 0
    while True:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        elif left > 0:
            raw = fh.read(min(left, 1 << 20))
            if not raw:
                raise EOFError("the part is cut short")
            left -= len(raw)
            data = raw if inflater is None else inflater.decompress(raw, _CHUNK)
        elif inflater is not None:
            data = inflater.flush()
            inflater = None
            if not data:
                break
        else:
            break
        produced += len(data)
        if produced > info.file_size + 1:
            raise ValueError("the part is longer than its zip entry says")
        buf = carry + data if carry else data
        cut = buf.rfind(b"<")
        if cut <= 0:
            carry = buf
            continue
        carry = buf[cut:]
        yield buf, cut
    if carry:
        yield carry, len(carry)
