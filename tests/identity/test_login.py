"""Passwords, first login, lockout, enumeration, and tokens that stop working."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.identity.server import create_server as identity_server
from tests.support.gql import ENABLE, RESET, UNLOCK, codes
from tests.support.identity import CHANGE, CREATE_ORG, ME, NEW_PASSWORD, Tree
from tests.support.polling import eventually
from tmis.auth import SYSTEM, TokenSigner
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb
from tmis.proto.identity.v1 import identity_pb2_grpc
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port
from tmis.settings import SERVICES, Settings


async def test_first_login_allows_only_me_and_change(tree: Tree) -> None:
    admin = tree.name("gs_admin")
    created = await tree.create(tree.root, admin, tree.province, ["SYSTEM_ADMIN"])
    first = await tree.login(admin, created["initialPassword"])
    assert first["mustChangePassword"] is True and first["token"]
    token = first["token"]
    assert (await tree.gql(ME, user=token))["me"] == {
        "username": admin,
        "mustChangePassword": True,
        "lockedUntil": None,
    }
    org = {"i": {"code": tree.spare, "name": "嘉峪关市", "level": "CITY", "parentCode": tree.province}}
    assert codes((await tree.gql(CREATE_ORG, org, token))["createOrg"]) == ["PASSWORD_CHANGE_REQUIRED"]
    with pytest.raises(DomainError) as caught:  # the service says the same without the gateway
        await tree.suite.clients.identity.CreateOrg(
            pb.CreateOrgRequest(code=tree.spare, name="嘉峪关市", level="CITY", parent_code=tree.province), token=token
        )
    assert caught.value.code == ErrorCode.PASSWORD_CHANGE_REQUIRED
    changed = (await tree.gql(CHANGE, {"o": created["initialPassword"], "n": NEW_PASSWORD}, token))["changePassword"]
    assert changed["userErrors"] == [] and changed["account"]["mustChangePassword"] is False
    assert (await tree.gql(CREATE_ORG, org, changed["token"]))["createOrg"]["userErrors"] == []
    await eventually(lambda: _me_is_gone(tree, token))  # the token from before the change stops working


async def test_admin_with_a_generated_password_changes_it_first(settings: Settings) -> None:
    """The bootstrap admin without TMIS_ADMIN_PASSWORD: its printed password is an initial one."""
    port = free_port()
    settings = replace(settings, ports={"identity": port}, addrs={s: f"127.0.0.1:{port}" for s in SERVICES})
    server = await identity_server(settings)
    identity = ServiceClient("identity", settings.addrs["identity"], identity_pb2_grpc.IdentityServiceStub)
    try:
        system = TokenSigner(settings.token_secret).sign(SYSTEM)
        created = await identity.EnsureAdmin(pb.EnsureAdminRequest(password=""), token=system)
        assert created.created and created.password
        login = await identity.Login(pb.LoginRequest(username="admin", password=created.password))
        assert login.account.must_change_password is True
        with pytest.raises(DomainError) as caught:
            await identity.ListChildOrgs(pb.ListChildOrgsRequest(parent_codes=["100000"]), token=login.token)
        assert caught.value.code == ErrorCode.PASSWORD_CHANGE_REQUIRED
        change = pb.ChangePasswordRequest(old_password=created.password, new_password=NEW_PASSWORD)
        assert (await identity.ChangePassword(change, token=login.token)).account.must_change_password is False
    finally:
        await identity.close()
        await server.stop(0)


async def _me_is_gone(tree: Tree, token: str) -> bool:
    return (await tree.gql(ME, user=token))["me"] is None


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        ("Ab1!", "长度"),
        ("Abcdefghijklmnop1!", "长度"),
        ("abcdefgh12", "至少3类"),
        ("ABCDEFGH!!", "至少3类"),
        ("{username}#", "用户名"),  # the username itself, capitalised
        ("Abcdef 12!", "中文"),
        ("密码Abcdef12!", "中文"),
    ],
)
async def test_password_rules_say_which_failed(tree: Tree, new: str, rule: str) -> None:
    user = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    new = new.format(username=user.username.capitalize())
    errors = (await tree.gql(CHANGE, {"o": NEW_PASSWORD, "n": new}, user))["changePassword"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", "newPassword")]
    assert rule in errors[0]["message"]


async def test_last_five_passwords_cannot_be_reused(tree: Tree) -> None:
    user = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    token, current = user.token, NEW_PASSWORD
    for i in range(4):
        nxt = f"Rotate#{i}Pass"
        result = (await tree.gql(CHANGE, {"o": current, "n": nxt}, token))["changePassword"]
        assert result["userErrors"] == [], result
        token, current = result["token"], nxt
    for old in (NEW_PASSWORD, "Rotate#0Pass", "Rotate#3Pass"):
        errors = (await tree.gql(CHANGE, {"o": current, "n": old}, token))["changePassword"]["userErrors"]
        assert errors[0]["code"] == "INVALID_INPUT" and "最近5次" in errors[0]["message"]
    result = (await tree.gql(CHANGE, {"o": current, "n": "Fresh#Pass99"}, token))["changePassword"]
    assert result["userErrors"] == []
    wrong = (await tree.gql(CHANGE, {"o": "not-it", "n": "Other#Pass99"}, result["token"]))["changePassword"][
        "userErrors"
    ]
    assert [(e["code"], e["field"]) for e in wrong] == [("INVALID_CREDENTIALS", "oldPassword")]


async def test_lockout_unlock_and_reset(tree: Tree) -> None:
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    clerk = await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])
    for _ in range(4):
        assert codes(await tree.login(clerk.username, "Wrong#Pass1")) == ["INVALID_CREDENTIALS"]
    locked = await tree.login(clerk.username, "Wrong#Pass1")
    assert codes(locked) == ["ACCOUNT_LOCKED"] and "锁定至" in locked["userErrors"][0]["message"]
    assert codes(await tree.login(clerk.username, NEW_PASSWORD)) == ["ACCOUNT_LOCKED"]  # even the right password
    accounts = "query($o: String!) { accounts(orgCode: $o) { edges { node { username lockedUntil } } } }"
    listed = (await tree.gql(accounts, {"o": tree.province}, province))["accounts"]
    assert listed["edges"][0]["node"]["lockedUntil"]
    assert (await tree.gql(UNLOCK, {"a": clerk.id}, province))["unlockAccount"]["userErrors"] == []
    assert (await tree.login(clerk.username, NEW_PASSWORD))["token"]
    for _ in range(5):
        await tree.login(clerk.username, "Wrong#Pass1")
    reset = (await tree.gql(RESET, {"a": clerk.id}, province))["resetPassword"]
    after_reset = await tree.login(clerk.username, reset["initialPassword"])  # a reset clears the lock
    assert after_reset["token"] and after_reset["mustChangePassword"] is True


async def test_unknown_usernames_answer_like_known_ones(tree: Tree) -> None:
    known = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    answers = {}
    for username in (known.username, tree.name("no_such_user")):
        seen = [codes(await tree.login(username, "Wrong#Pass1")) for _ in range(6)]
        answers[username] = seen
    assert list(answers.values()) == [[["INVALID_CREDENTIALS"]] * 4 + [["ACCOUNT_LOCKED"]] * 2] * 2


async def test_disable_and_reset_void_existing_tokens(tree: Tree) -> None:
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    clerk = await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])
    other = await tree.activate(province, tree.name("gs_other"), tree.province, ["QUERY"])
    assert (await tree.gql(ME, user=clerk))["me"]["username"] == clerk.username
    assert (await tree.gql(ENABLE, {"a": clerk.id, "e": False}, province))["setAccountEnabled"]["account"][
        "enabled"
    ] is False
    await eventually(lambda: _me_is_gone(tree, clerk.token))

    async def every_service_refuses() -> bool:  # each process applies the feed on its own
        refused = []
        for call in (
            tree.suite.clients.identity.BatchGetOrgs(pb.BatchGetOrgsRequest(codes=[tree.province]), token=clerk.token),
            tree.suite.clients.records.BatchGetTeachers(rec_pb.BatchGetTeachersRequest(ids=["x"]), token=clerk.token),
        ):
            try:
                await call
            except DomainError as err:
                refused.append(err.code == ErrorCode.UNAUTHENTICATED)
        return refused == [True, True]

    await eventually(every_service_refuses)
    assert codes(await tree.login(clerk.username, NEW_PASSWORD)) == ["FORBIDDEN"]
    await tree.gql(ENABLE, {"a": clerk.id, "e": True}, province)
    assert (await tree.login(clerk.username, NEW_PASSWORD))["token"]
    await tree.gql(RESET, {"a": other.id}, province)
    await eventually(lambda: _me_is_gone(tree, other.token))
    assert (await tree.gql(ME, user=province))["me"]["username"] == province.username  # others are untouched
