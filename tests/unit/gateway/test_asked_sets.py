"""A page of teachers carries from records the entries of the sets its selection asks for, and only
those (gateway/records/queries.py `asked_sets`): the gateway's schema executed in process over an
in-memory records port that answers as records does."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from gateway.clients import TtlCache
from gateway.context import Context
from gateway.schema import build_schema
from tmis.auth import Caller, TokenSigner
from tmis.plugins import make_plugin_manager
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.registry import Registry
from tmis.rpc.codec import encode

READER = Caller("r", "reader", "620102", ("100000", "620000", "620100", "620102"), ("QUERY",))
ENTRIES = {
    "EDUCATION": {"institution": "西北师范大学"},
    "WORK": {"employer": "示范小学"},
    "TRAINING": {"project": "培训"},
}


class Records:
    """The records port: remembers the sets asked for, answers one teacher with those sets' entries."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    async def ListTeachers(self, request: pb.ListTeachersRequest, **_: Any) -> pb.TeacherPage:
        self.asked.append(list(request.sets))
        entries = [pb.Entry(id=s, set=s, data_json=encode(d)) for s, d in ENTRIES.items() if s in request.sets]
        teacher = pb.Teacher(id="t1", basic_json=encode({"name": "王五"}), entries=entries, school_type="KINDERGARTEN")
        return pb.TeacherPage(teachers=[teacher], total_count=1)


class Clients:
    def __init__(self) -> None:
        self.records = Records()
        self.code_tables = TtlCache(60.0)


async def page(query: str, variables: dict[str, Any] | None = None) -> tuple[list[list[str]], dict[str, Any]]:
    registry, clients = Registry(), Clients()
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""})
    signer = TokenSigner("x" * 40)
    ctx = Context(request, None, clients, make_plugin_manager(), READER, signer, registry, "x")  # type: ignore[arg-type]
    result = await build_schema(registry).execute(query, variable_values=variables, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    return clients.records.asked, result.data["teachers"]["edges"][0]["node"]


async def test_a_list_without_entries_asks_for_none() -> None:
    asked, node = await page('{ teachers(orgCode: "620102") { edges { node { id basic { name } } } } }')
    assert (asked, node) == ([[]], {"id": "t1", "basic": {"name": "王五"}})


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            '{ teachers(orgCode: "620102") { edges { node { id w: entries(set: WORK) { id } '
            "e: entries(set: EDUCATION) { id } } } } }",
            None,
        ),
        (
            'query($s: InfoSet!) { teachers(orgCode: "620102") { edges { node { id ...Rows '
            "entries(set: $s) { id } } } } } "
            "fragment Rows on Teacher { ... on Teacher { w: entries(set: WORK) { id } } }",
            {"s": "EDUCATION"},
        ),
    ],
)
async def test_aliases_fragments_and_variables_ask_for_their_sets(query: str, variables: dict[str, Any] | None) -> None:
    asked, node = await page(query, variables)
    assert asked == [["EDUCATION", "WORK"]]  # in the registry's order, TRAINING not carried
    assert sorted(entry["id"] for key, value in node.items() if key != "id" for entry in value) == ["EDUCATION", "WORK"]
