"""Values that once crashed a resolver or were stored though they should not be: deep entry data,
invisible or bidi-controlled names."""

from __future__ import annotations

import pytest

from tests.support.gql import ADD, CREATE
from tests.support.world import World

TRAINING = {"year": 2024, "category": "2", "project": "国培计划", "mode": "1", "hours": 24}


def nested(levels: int) -> dict:
    value: object = "国培计划"
    for _ in range(levels):
        value = {"a": value}
    return {**TRAINING, "project": value}


def nested_literal(levels: int) -> str:
    """The same as GraphQL text (written without recursion)."""
    project = "{a: " * levels + '"国培计划"' + "}" * levels
    return '{year: 2024, category: "2", mode: "1", hours: 24, project: ' + project + "}"


async def test_deeply_nested_entry_data_is_refused(world: World) -> None:
    gql = world.suite.graphql
    teacher = (await gql(CREATE, {"s": world.school, "b": world.basic_input(1)}, world.clerk))["data"]["createTeacher"][
        "teacher"
    ]
    for levels in (1, 20):
        given = {"other": {"set": "TRAINING", "data": nested(levels)}}
        [error] = (await gql(ADD, {"t": teacher["id"], "v": 1, "e": given}, world.clerk))["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "$e" in error["message"], error
    for levels in (300, 3000):  # in the query text: refused while parsing or validating, never a crash
        query = "mutation($t: ID!) { addEntry(teacherId: $t, expectedVersion: 1, "
        query += "entry: {other: {set: TRAINING, data: %s}}) { userErrors { code } } }"
        [error] = (await gql(query % nested_literal(levels), {"t": teacher["id"]}, world.clerk))["errors"]
        assert error["extensions"]["code"] in ("GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"), error
    flat = {"other": {"set": "TRAINING", "data": TRAINING}}
    added = (await gql(ADD, {"t": teacher["id"], "v": 1, "e": flat}, world.clerk))["data"]["addEntry"]
    assert added["userErrors"] == [] and added["teacher"]["version"] == 2


async def create(world: World, name: str) -> dict:
    basic = {**world.basic_input(1), "name": name}
    return (await world.suite.graphql(CREATE, {"s": world.school, "b": basic}, world.clerk))["data"]


NAMES = [  # (name, what the message says)
    ("\u200b", "不可见"),
    ("\u200d\u2060", "不可见"),
    (" \u200b\u3164 ", "不可见"),
    ("张\u202e三", "方向控制"),
    ("\u2066张三\u2069", "方向控制"),
]


@pytest.mark.parametrize(("name", "words"), NAMES)
async def test_a_name_needs_visible_characters_and_no_bidi_controls(world: World, name: str, words: str) -> None:
    made = (await create(world, name))["createTeacher"]
    assert made["teacher"] is None
    [error] = made["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_VALUE", "basic.name")
    assert words in error["message"] and "姓名" in error["message"]


async def test_names_with_joiners_between_visible_characters_are_kept(world: World) -> None:
    made = (await create(world, "阿\u200d依"))["createTeacher"]
    assert made["userErrors"] == [] and made["teacher"]["basic"]["name"] == "阿\u200d依"
