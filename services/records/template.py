"""The import template of a school type (.xlsx), generated from the registry (plugin fields
included): an instructions sheet, one sheet per info set with one header row (`*` before a
required column, the format of a date or month column), and a dropdown of "code-name" values on
every coded column, listed in a hidden 代码 sheet."""

from __future__ import annotations

import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from services.records.workbook import SheetLayout, code_choices, layouts
from tmis.codes import CodeTable
from tmis.registry import SCHOOL_TYPE_NAMES, Registry

CODES_SHEET = "代码"
INSTRUCTIONS_SHEET = "填写说明"
MAX_ROW = 200_001
NUMBER_FORMAT = {"date": "yyyy-mm-dd", "month": "yyyy-mm"}
INSTRUCTIONS = (
    "一、每个信息集一张工作表，第一行为表头，请勿修改表头、合并单元格或使用公式；从第二行起每行一条信息。",
    "二、表头带 * 的列必须填写。",
    "三、代码列请从下拉框选择“代码-名称”，也可只填代码或名称；可多选的列（如政治面貌）用顿号“、”分隔。",
    "四、日期列填 yyyy-MM-dd（如 1985-03-07），年月列填 yyyy-MM（如 2008-09）；"
    "也接受 Excel 日期、yyyyMM、yyyy/MM/dd、yyyy.MM。",
    "五、子表（学习经历等）每行以 身份证件类型 + 身份证件号 对应到已有或本次导入的教师，姓名用于核对。",
    "六、导入方式：追加（不删除已有数据追加）或替换（删除该教师该信息集已有数据再追加）；基本信息总是新增或更新，不会被导入删除。",
    "七、只有“未报送”和“审核未通过”的教师信息会被导入修改；出错的行可下载错误报告，改正后重新导入。",
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _codes_sheet(
    wb: Workbook, sheets: list[SheetLayout], school_type: str, tables: Mapping[str, CodeTable]
) -> dict[str, str]:
    """Writes every dropdown list once; returns {list name: absolute range}."""
    ws = wb.create_sheet(CODES_SHEET)
    ranges: dict[str, str] = {}
    for sheet in sheets:
        for col in sheet.columns:
            name = "bool" if col.field.type == "bool" else col.field.table_for(school_type) or ""
            if col.field.type not in ("code", "codes", "bool") or name in ranges:
                continue
            choices = code_choices(col.field, school_type, tables)
            if not choices:
                continue
            letter = get_column_letter(len(ranges) + 1)
            ws.cell(1, len(ranges) + 1, name)
            for row, choice in enumerate(choices, start=2):
                ws.cell(row, len(ranges) + 1, choice)
            ranges[name] = f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def build_template(registry: Registry, school_type: str, tables: Mapping[str, CodeTable]) -> bytes:
    sheets = layouts(registry, school_type)
    wb = Workbook()
    intro = wb.active
    assert isinstance(intro, Worksheet)  # a new workbook starts with one sheet, a worksheet
    intro.title = INSTRUCTIONS_SHEET
    intro.append([f"教师信息导入模板（{SCHOOL_TYPE_NAMES.get(school_type, school_type)}）"])
    intro["A1"].font = Font(bold=True, size=14)
    for line in INSTRUCTIONS:
        intro.append([line])
    intro.column_dimensions["A"].width = 120
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        ws.freeze_panes = "A2"
        for i, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(1, i)
            cell.font, cell.fill, cell.alignment = (
                Font(bold=True),
                HEADER_FILL,
                Alignment(wrap_text=True, vertical="center"),
            )
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(30, 2 * len(col.label) + 2))
            ws.column_dimensions[get_column_letter(i)].number_format = NUMBER_FORMAT.get(col.field.type, "@")
    ranges = _codes_sheet(wb, sheets, school_type, tables)
    for sheet in sheets:
        ws = wb[sheet.name]
        for i, col in enumerate(sheet.columns, start=1):
            name = "bool" if col.field.type == "bool" else col.field.table_for(school_type) or ""
            if name not in ranges:
                continue
            # a multi-select column takes several values joined by 、: the list helps, not forbids
            strict = col.field.type != "codes"
            dv = DataValidation(
                type="list",
                formula1=ranges[name],
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle="代码错误",
                error="请从下拉框选择",
            )
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{MAX_ROW}")
            ws.add_data_validation(dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
