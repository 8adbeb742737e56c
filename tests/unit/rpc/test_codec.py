"""Record data across gRPC (tmis/rpc/codec.py): every registry field type comes back as it went,
with its Python type, through the real protobuf messages."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmis.plugins import build_registry, make_plugin_manager
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.registry import FIELD_TYPES, Field, InfoSet, Registry
from tmis.rpc.codec import DECODERS, decode, encode

# A stored value of each registry type, as records holds it (validation's output).
STORED: dict[str, Any] = {
    "text": "王五 “小名”\n备注",
    "code": "01",
    "codes": ["01", "13"],
    "date": "1980-02-29",
    "month": "2001-09",
    "year": 2020,
    "int": 7,
    "decimal": 1234.56,
    "bool": True,
}
EVERY_TYPE = InfoSet(
    "EVERY",
    "每种类型",
    tuple(
        Field(f"f_{kind}", kind, kind, code_table="GB/T 2261.1" if kind in ("code", "codes") else None)  # type: ignore[arg-type]
        for kind in FIELD_TYPES
    ),
)


def typed(values: dict[str, Any]) -> dict[str, tuple[type, Any]]:
    """Values with their types: 1 == 1.0 == True in Python, not on the wire."""
    return {key: (type(value), value) for key, value in values.items()}


def through_teacher(values: dict[str, Any], info_set: InfoSet | None) -> dict[str, Any]:
    """Encoded into a Teacher, serialised, parsed on the other side and decoded."""
    sent = pb.Teacher(
        id="t1", basic_json=encode(values), entries=[pb.Entry(id="e1", set="X", data_json=encode(values))]
    )
    got = pb.Teacher.FromString(sent.SerializeToString())
    assert decode(got.entries[0].data_json, info_set) == decode(got.basic_json, info_set)
    return decode(got.basic_json, info_set)


def test_every_registry_type_has_a_decoder_and_a_stored_example() -> None:
    assert set(DECODERS) == set(FIELD_TYPES) == set(STORED)


def test_every_field_type_round_trips_with_its_python_type() -> None:
    values = {f"f_{kind}": value for kind, value in STORED.items()}
    assert typed(through_teacher(values, EVERY_TYPE)) == typed(values)


def test_absent_values_stay_absent_and_null_stays_null() -> None:
    cleared = {f"f_{kind}": None for kind in FIELD_TYPES}
    assert typed(through_teacher(cleared, EVERY_TYPE)) == typed(cleared)
    assert through_teacher({}, EVERY_TYPE) == {}
    assert decode(b"", EVERY_TYPE) == {}  # an empty bytes field: a message that carries no data
    assert through_teacher({"f_int": 3}, EVERY_TYPE) == {"f_int": 3}  # no key added for the others


def test_numbers_take_the_registry_type_whatever_json_made_of_them() -> None:
    sent = {
        "f_year": 2020.0,  # a client's whole float
        "f_int": 12.0,
        "f_decimal": 5,  # a whole decimal, stored as an int
        "f_bool": False,  # never a number
    }
    assert typed(decode(encode(sent), EVERY_TYPE)) == typed(
        {"f_year": 2020, "f_int": 12, "f_decimal": 5.0, "f_bool": False}
    )


def test_values_of_another_shape_are_left_for_validation_to_refuse() -> None:
    sent = {"f_year": 2020.5, "f_int": "三", "f_decimal": True, "f_date": 19800101, "f_codes": "01"}
    assert typed(decode(encode(sent), EVERY_TYPE)) == typed(sent)


def test_unknown_sets_and_fields_are_as_sent() -> None:
    sent = {"gone": 3.0, "f_int": 3.0}
    assert typed(decode(encode(sent), None)) == typed(sent)
    assert typed(decode(encode(sent), EVERY_TYPE)) == typed({"gone": 3.0, "f_int": 3})


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"3", b"null", b"{not json", b"\xff\xfe{}"])
def test_bytes_that_are_not_an_object_are_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode(raw, EVERY_TYPE)


def test_every_field_of_the_registry_with_a_plugin_round_trips() -> None:
    for registry in (Registry(), build_registry(make_plugin_manager("gansu"))):
        for info_set in registry.sets.values():
            values = {f.key: STORED[f.type] for f in info_set.fields}
            assert typed(through_teacher(values, info_set)) == typed(values), info_set.key


@given(
    whole=st.integers(min_value=0, max_value=2**53),
    cents=st.integers(min_value=0, max_value=9_999_999_999),
    text=st.text(),
    codes=st.lists(st.text(max_size=4)),
)
def test_any_stored_value_round_trips(whole: int, cents: int, text: str, codes: list[str]) -> None:
    values = {"f_int": whole, "f_year": whole, "f_decimal": cents / 100, "f_text": text, "f_codes": codes}
    assert typed(decode(encode(values), EVERY_TYPE)) == typed(values)
