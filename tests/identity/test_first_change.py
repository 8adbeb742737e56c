"""Before the first password change a token opens `me` and `changePassword` only: every other
field of the printed schema, and every other RPC of every service, refuses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    build_schema,
    get_named_type,
)

from services.identity import servicer as identity
from services.records import servicer as records
from tests.support.identity import Tree
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2
from tmis.proto.media.v1 import media_pb2
from tmis.proto.records.v1 import records_pb2
from tmis.proto.review.v1 import review_pb2

SCHEMA = build_schema((Path(__file__).parents[2] / "gateway" / "schema.graphql").read_text())
# open to visitors; `me` and `changePassword` are what a token before its first change opens
PUBLIC = {"health", "login", "retrieveInitialPassword", "searchSchools", "plugins"}
BEFORE_CHANGE = {"me", "changePassword"}
# a String is the caller's own org (`_operation`'s `org`): the most a field could be expected to show it
SCALARS: dict[str, Any] = {"ID": "x", "Int": 1, "Float": 1.0, "Boolean": True, "EntryData": {}}
# RPCs a token before its first change may call: those open to anyone, and identity's few
RPC_OPEN = {
    m.rsplit("/", 1)[1] for m in (*identity.PUBLIC_METHODS, *identity.BEFORE_CHANGE_METHODS, *records.PUBLIC_METHODS)
}


def _value(kind: Any, org: str) -> Any:
    """A value of an input type: required input fields filled, the rest left out."""
    if isinstance(kind, GraphQLNonNull):
        return _value(kind.of_type, org)
    if isinstance(kind, GraphQLList):
        return [_value(kind.of_type, org)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType) and kind.is_one_of:
        name, first = next(iter(kind.fields.items()))
        return {name: _value(first.type, org)}
    if isinstance(kind, GraphQLInputObjectType):
        fields = kind.fields.items()
        return {
            n: _value(f.type, org)
            for n, f in fields
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        }
    assert isinstance(kind, GraphQLScalarType)
    return org if kind.name == "String" else SCALARS.get(kind.name)


def _operation(op: str, name: str, field: GraphQLField, org: str) -> tuple[str, dict[str, Any]]:
    """A request selecting one root field with every required argument given as a variable."""
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    given = ", ".join(f"{a}: ${a}" for a in required)
    result: GraphQLNamedType = get_named_type(field.type)
    selection = ""
    if isinstance(result, GraphQLObjectType):
        selection = "{ __typename" + (" userErrors { code }" if "userErrors" in result.fields else "") + " }"
    elif not isinstance(result, GraphQLScalarType | GraphQLEnumType):
        selection = "{ __typename }"
    declared, given = f"({declared})" if declared else "", f"({given})" if given else ""
    query = f"{op}{declared} {{ {name}{given} {selection} }}"
    return query, {a: _value(arg.type, org) for a, arg in required.items()}


async def _post(tree: Tree, query: str, variables: dict[str, Any], token: str) -> dict:
    headers = {"authorization": f"Bearer {token}"}
    uploads = [a for a, v in variables.items() if v is None]  # Upload has no JSON value: sent as a file
    if not uploads:
        return await tree.graphql(query, variables, token)
    operations = json.dumps({"query": query, "variables": variables})
    files = {str(i): (f"f{i}.bin", b"x", "application/octet-stream") for i in range(len(uploads))}
    form = {"operations": operations, "map": json.dumps({str(i): [f"variables.{a}"] for i, a in enumerate(uploads)})}
    reply = await tree.http.post("/graphql", data=form, files=files, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _refused(name: str, result: dict) -> bool:
    errors = [e for e in result.get("errors") or () if e.get("path", [None])[0] == name]
    if any((e.get("extensions") or {}).get("code") == "PASSWORD_CHANGE_REQUIRED" for e in errors):
        return True
    payload = (result.get("data") or {}).get(name)
    codes = [e["code"] for e in payload.get("userErrors") or ()] if isinstance(payload, dict) else []
    return codes == ["PASSWORD_CHANGE_REQUIRED"]


@pytest.fixture
async def first_token(tree: Tree) -> str:
    """A SYSTEM_ADMIN of a province, logged in with its initial password."""
    created = await tree.create(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    login = await tree.login(tree.name("gs_admin"), created["initialPassword"])
    assert login["mustChangePassword"] is True
    return login["token"]


async def test_every_field_refuses_a_token_before_its_first_change(tree: Tree, first_token: str) -> None:
    roots = {"query": SCHEMA.query_type, "mutation": SCHEMA.mutation_type}
    assert all(name in roots["query"].fields or name in roots["mutation"].fields for name in PUBLIC | BEFORE_CHANGE)
    answered = []
    for op, root in roots.items():
        assert root is not None
        for name, field in root.fields.items():
            if name in PUBLIC | BEFORE_CHANGE:
                continue
            query, variables = _operation(op, name, field, tree.province)
            result = await _post(tree, query, variables, first_token)
            if not _refused(name, result):
                answered.append((name, result))
    assert answered == [], "\n".join(map(str, answered))
    me = await tree.gql("{ me { username mustChangePassword org { code name } } }", user=first_token)
    own = {"code": tree.province, "name": "甘肃省"}
    assert me["me"] == {"username": tree.name("gs_admin"), "mustChangePassword": True, "org": own}
    bearer = {"authorization": f"Bearer {first_token}"}
    download = await tree.suite.http.get("/files/templates/PRIMARY_SECONDARY.xlsx", headers=bearer)
    assert (download.status_code, download.json()["code"]) == (403, "PASSWORD_CHANGE_REQUIRED")


SERVICES = {
    "identity": identity_pb2.DESCRIPTOR.services_by_name["IdentityService"],
    "records": records_pb2.DESCRIPTOR.services_by_name["RecordsService"],
    "review": review_pb2.DESCRIPTOR.services_by_name["ReviewService"],
    "media": media_pb2.DESCRIPTOR.services_by_name["MediaService"],
}
MESSAGES = {**vars(identity_pb2), **vars(records_pb2), **vars(review_pb2), **vars(media_pb2)}


async def test_every_rpc_refuses_a_token_before_its_first_change(tree: Tree, first_token: str) -> None:
    """Every service authorises again: its RPCs, called directly with such a token."""
    answered = []
    for service, descriptor in SERVICES.items():
        client = getattr(tree.suite.clients, service)
        for method in descriptor.methods:
            if method.name in RPC_OPEN:
                continue
            request = MESSAGES[method.input_type.name]()
            try:
                if method.server_streaming:
                    [_ async for _ in client.stream(method.name, request, token=first_token)]
                else:
                    await getattr(client, method.name)(request, token=first_token)
                answered.append((service, method.name, "answered"))
            except DomainError as err:
                if err.code != ErrorCode.PASSWORD_CHANGE_REQUIRED:
                    answered.append((service, method.name, str(err.code)))
    assert answered == [], "\n".join(map(str, answered))
