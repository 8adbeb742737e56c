"""Writing workbooks: the export of a subtree's records in the template's layout (so it can be
edited and imported again), and the error workbook of an import. openpyxl write-only: rows go
to temporary files as they come, so memory stays flat whatever the number of records.

No cell is ever a formula: text starting with = + - @ is written as a string with Excel's quote
prefix, so no spreadsheet runs it, and it reads back unchanged.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.records.model import Teacher
from services.records.reading import Sheet
from services.records.workbook import ERROR_HEADER, KEY_FIELDS, SheetLayout, shown
from tmis.codes import CodeTable

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 1024 * 1024
EXPORT_BATCH = 500
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BOLD = Font(bold=True)


def cell(ws: WriteOnlyWorksheet, value: Any, fill: PatternFill | None = None, font: Font | None = None) -> Cell:
    c = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith(RISKY_START):
        c.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        c.quotePrefix = True
    if fill is not None:
        c.fill = fill
    if font is not None:
        c.font = font
    return c


def _spool(wb: Workbook) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=16 * CHUNK_BYTES)
    wb.save(out)
    out.seek(0)
    return out


def chunks(out: IO[bytes]) -> Iterable[bytes]:
    with out:
        while piece := out.read(CHUNK_BYTES):
            yield piece


async def export(
    teachers: AsyncIterator[Teacher], sheets: list[SheetLayout], tables: Mapping[str, CodeTable]
) -> IO[bytes]:
    """The records, one sheet per info set; returns the finished .xlsx (a spooled file). Rows are
    written off the event loop, a batch at a time, as the cursor yields them."""
    wb = Workbook(write_only=True)
    out = {}
    for layout in sheets:
        ws = wb.create_sheet(layout.name)
        ws.append([cell(ws, c.header, font=BOLD) for c in layout.columns])
        out[layout.info_set.key] = (ws, layout)

    def write(batch: list[Teacher]) -> None:
        for teacher in batch:
            ws, layout = out["BASIC"]
            ws.append(
                [
                    cell(ws, shown(c.field, teacher.school_type, teacher.basic.get(c.field.key), tables))
                    for c in layout.columns
                ]
            )
            keys = {k: teacher.basic.get(k) for k in KEY_FIELDS}
            for entry in teacher.entries:
                if entry.set in out:
                    ws, layout = out[entry.set]
                    values = [keys[c.field.key] if c.key else entry.data.get(c.field.key) for c in layout.columns]
                    ws.append(
                        [
                            cell(ws, shown(c.field, teacher.school_type, v, tables))
                            for c, v in zip(layout.columns, values, strict=True)
                        ]
                    )

    batch: list[Teacher] = []
    async for teacher in teachers:
        batch.append(teacher)
        if len(batch) >= EXPORT_BATCH:
            await asyncio.to_thread(write, batch)
            batch = []
    await asyncio.to_thread(write, batch)
    return await asyncio.to_thread(_spool, wb)


def error_report(sheets: list[Sheet], errors: list[dict[str, Any]]) -> IO[bytes]:
    """The failed rows as submitted, a 错误信息 column, the bad cells highlighted."""
    by_row: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for e in errors:
        if e.get("row", 0) > 1:
            by_row.setdefault((e.get("sheet") or "", e["row"]), []).append(e)
    wb = Workbook(write_only=True)
    for sheet in sheets:
        if not any(s == sheet.name for s, _ in by_row):
            continue
        ws = wb.create_sheet(sheet.name)
        ws.append([cell(ws, h, font=BOLD) for h in [*sheet.headers, ERROR_HEADER]])
        position = {c.label: i for i, c in sheet.columns.items()}
        for number, cells in sheet.iter_rows():
            found = by_row.get((sheet.name, number))
            if not found:
                continue
            bad = {position[e["column"]] for e in found if e.get("column") in position}
            row: list[Cell | None] = [
                cell(ws, v if v != "" else None, BAD_FILL if i in bad else None) for i, v in enumerate(cells)
            ]
            row += [None] * (len(sheet.headers) - len(row))
            message = "；".join(
                f"第{number}行【{e['column']}】{e['message']}" if e.get("column") else f"第{number}行 {e['message']}"
                for e in found
            )
            ws.append([*row, cell(ws, message, BAD_FILL)])
    if not wb.worksheets:
        wb.create_sheet(ERROR_HEADER).append(["没有出错的行"])
    return _spool(wb)
