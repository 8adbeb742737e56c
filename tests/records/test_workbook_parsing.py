"""The cell readers and the file checks, property-based: whatever a clerk types or uploads, the
answer is a value or a clear Chinese refusal, never a crash."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.records.reading import Limits, open_workbook
from services.records.workbook import CellError, layouts, normalise, reader
from tmis.codes import load_code_tables
from tmis.errors import DomainError
from tmis.registry import Registry

TABLES = load_code_tables()
REGISTRY = Registry()
BASIC = REGISTRY.sets["BASIC"]
CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


def read(key: str, value: object) -> object:
    return reader(BASIC.field(key), "PRIMARY_SECONDARY", TABLES)(value)


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("gender", "1-男", "1"),
        ("gender", "女", "2"),
        ("gender", 1.0, "1"),
        ("ethnicity", 1, "01"),
        ("ethnicity", "99-汉族", "01"),
        ("politicalStatus", "01-中共党员、13-群众", ["01", "13"]),
        ("inEstablishment", "0-否", False),
        ("inEstablishment", "是", True),
        ("mentalHealthTeacher", "0-否", "0"),
        ("staffStatus", "暂未在本单位任职-借出到机关", "201"),
        ("staffStatus", "201-暂未在本单位任职-借出到机关", "201"),
        ("birthDate", dt.datetime(1985, 3, 7), "1985-03-07"),
        ("birthDate", "1985/3/7", "1985-03-07"),
        ("birthDate", "19850307", "1985-03-07"),
        ("workStartMonth", "200809", "2008-09"),
        ("workStartMonth", "2008.9", "2008-09"),
        ("workStartMonth", "2008-09-01", "2008-09"),
        ("workStartMonth", dt.datetime(2008, 9, 1), "2008-09"),
        ("staffNumber", 0.0, "0"),
    ],
)
def test_what_clerks_type(key: str, typed: object, stored: object) -> None:
    assert read(key, typed) == stored


@pytest.mark.parametrize(
    ("key", "typed", "says"),
    [
        ("gender", "1-女", "不一致"),
        ("gender", "男性", "名称错误"),
        ("birthDate", "1985-03", "yyyy-MM-dd"),
        ("inEstablishment", "也许", "是"),
    ],
)
def test_what_is_refused(key: str, typed: object, says: str) -> None:
    with pytest.raises(CellError) as caught:
        read(key, typed)
    assert says in str(caught.value)


@given(key=st.sampled_from([f.key for f in BASIC.fields if not f.derived]), value=CELLS)
def test_a_reader_answers_a_value_or_a_cell_error(key: str, value: object) -> None:
    try:
        read(key, value)
    except CellError as err:
        assert str(err)


def test_headers_as_real_templates_write_them() -> None:
    layout = layouts(REGISTRY, "PRIMARY_SECONDARY")[0]
    found, extra = layout.find(
        ["*姓名", " * 出生日期\n(yyyy-MM-dd)", "是否心里健康教育教师", "是否属于免费(公费)师范生", "序号", "", "*姓名"]
    )
    assert [c.field.key for c in found.values()] == ["name", "birthDate", "mentalHealthTeacher", "fundedNormalStudent"]
    assert extra == ["序号", "*姓名"]  # a second 姓名 column is not taken twice
    assert normalise("＊出生日期（yyyy-MM-dd）") == "出生日期(yyyy-MM-dd)"


def _xlsx_with(sheet_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=500).map(_xlsx_with),
    )
)
def test_any_upload_is_read_or_refused(data: bytes) -> None:
    try:
        open_workbook(
            data,
            layouts(REGISTRY, "PRIMARY_SECONDARY"),
            Limits(max_bytes=10_000, max_uncompressed=100_000, max_rows=10),
        )
    except DomainError as err:
        assert err.code == "INVALID_INPUT" and err.message
