"""The public register as open data: CSV for spreadsheets, JSON Lines for programs.

Both are streamed from one consistent snapshot of the register, a chunk of rows at a time, so
the server's memory stays flat whatever the size of the register. Both carry the log position
they reflect in the ``X-Registry-Position`` header and in the suggested file name. JSON Lines
also opens with a metadata line ``{"_meta": {...}}``; CSV has no metadata row, because Excel
and most CSV readers would take it for data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any

from starlette.concurrency import iterate_in_threadpool
from starlette.responses import StreamingResponse

from registry.projections.queries import PUBLIC_FIELDS, PublicRegisterSnapshot

POSITION_HEADER = "X-Registry-Position"
# Excel opens a UTF-8 CSV as UTF-8 (and so shows Chinese) only when it starts with a BOM.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet; such text is quoted with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
JSONL_MEDIA_TYPE = "application/jsonl; charset=utf-8"


def csv_cell(value: Any) -> str:
    """One CSV cell: lists joined with ``;``, booleans as true/false, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(snapshot: PublicRegisterSnapshot) -> Generator[str, None, None]:
    """The BOM and the header row, then one row per institution, a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PUBLIC_FIELDS)
    yield BOM + buffer.getvalue()
    for items in snapshot.chunks():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cell(item[k]) for k in PUBLIC_FIELDS] for item in items)
        yield buffer.getvalue()


def jsonl_chunks(snapshot: PublicRegisterSnapshot) -> Generator[str, None, None]:
    """A metadata line, then one JSON object per institution, a chunk of lines at a time."""
    meta: dict[str, Any] = {"registry_position": snapshot.position}
    if snapshot.as_of is not None:
        meta["as_of"] = snapshot.as_of.isoformat()
    meta["fields"] = list(PUBLIC_FIELDS)
    yield json.dumps({"_meta": meta}, ensure_ascii=False) + "\n"
    for items in snapshot.chunks():
        yield "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def _closing(
    snapshot: PublicRegisterSnapshot, chunks: Generator[str, None, None]
) -> AsyncIterator[bytes]:
    """The chunks, each read in a worker thread; the snapshot's connection is given back
    however the stream ends, a client that goes away included."""

    async def stream() -> AsyncIterator[bytes]:
        try:
            async for chunk in iterate_in_threadpool(chunks):
                yield chunk.encode("utf-8")
        finally:
            chunks.close()
            snapshot.close()

    return stream()


def download(
    snapshot: PublicRegisterSnapshot,
    encode: Callable[[PublicRegisterSnapshot], Generator[str, None, None]],
    media_type: str,
    extension: str,
) -> StreamingResponse:
    """The snapshot streamed in ``encode``'s format, with its position in the headers."""
    dated = f"-as-of-{snapshot.as_of.isoformat()}" if snapshot.as_of else ""
    filename = f"public-register-{snapshot.position}{dated}.{extension}"
    headers = {
        POSITION_HEADER: str(snapshot.position),
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-cache",
    }
    return StreamingResponse(
        _closing(snapshot, encode(snapshot)), media_type=media_type, headers=headers
    )


def register_csv(snapshot: PublicRegisterSnapshot) -> StreamingResponse:
    return download(snapshot, csv_chunks, CSV_MEDIA_TYPE, "csv")


def register_jsonl(snapshot: PublicRegisterSnapshot) -> StreamingResponse:
    return download(snapshot, jsonl_chunks, JSONL_MEDIA_TYPE, "jsonl")
