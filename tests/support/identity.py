"""An org tree with real accounts at every level, made through the public API (`Tree`, the
`tree` fixture), and the identity documents shared by several modules. A tree's codes and usernames
are the test's own (`Orgs.unique()`, `Tree.name`), and it calls the gateway from an address of its own:
what it creates, locks, counts and rate-limits is its own on the session's suite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx

from tests.support.records import demo_person
from tests.support.suite import Suite
from tests.support.world import NATION, InOrgs, Orgs
from tmis.auth import Caller
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.rpc.codec import encode

CREATE_ORG = "mutation($i: CreateOrgInput!) { createOrg(input: $i) { userErrors { code message field } } }"
CREATE_ACCOUNT = """mutation($i: CreateAccountInput!) { createAccount(input: $i) {
  account { id username roles mustChangePassword org { code } } initialPassword userErrors { code message field } } }"""
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  token mustChangePassword account { id roles } userErrors { code message field } } }"""
CHANGE = """mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) {
  token account { mustChangePassword } userErrors { code message field } } }"""
ME = "{ me { username mustChangePassword lockedUntil } }"
NEW_PASSWORD = "Chosen#Pass9"


@dataclass
class User:
    id: str
    username: str
    token: str
    password: str = NEW_PASSWORD


@dataclass
class Tree(InOrgs):
    """A province, its city, district and school, and a second province (`other_province`); `spare`
    is a code of the test's that no org has yet."""

    suite: Suite
    http: httpx.AsyncClient  # the gateway, called from the tree's own client address
    orgs: Orgs
    other_province: str
    root: User = field(default_factory=lambda: User("", "admin", ""))
    users: dict[str, User] = field(default_factory=dict)

    @property
    def spare(self) -> str:
        return self.orgs.province[:4] + "09"

    def name(self, base: str) -> str:
        """The test's own username for `base` (gs_admin → gs_admin_2017)."""
        return f"{base}_{self.orgs.province[:4]}"

    def rows(self) -> list[tuple[str, str, str, str, str | None]]:
        """code, name, level, parent, school type; parents first."""
        return [
            (self.province, "甘肃省", "PROVINCE", NATION, None),
            (self.city, "兰州市", "CITY", self.province, None),
            (self.district, "城关区", "DISTRICT", self.city, None),
            (self.school, "示范小学", "SCHOOL", self.district, "PRIMARY_SECONDARY"),
            (self.other_province, "宁夏回族自治区", "PROVINCE", NATION, None),
        ]

    async def graphql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        reply = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert reply.status_code == 200, reply.text
        return reply.json()

    async def gql(self, query: str, variables: dict | None = None, user: User | str | None = None) -> dict:
        token = user.token if isinstance(user, User) else user
        result = await self.graphql(query, variables, token)
        assert "errors" not in result, result
        return result["data"]

    async def create(self, by: User, username: str, org: str, roles: list[str]) -> dict:
        return (
            await self.gql(
                CREATE_ACCOUNT,
                {"i": {"username": username, "orgCode": org, "roles": roles, "displayName": username}},
                by,
            )
        )["createAccount"]

    async def login(self, username: str, password: str) -> dict:
        return (await self.gql(LOGIN, {"u": username, "p": password}))["login"]

    async def activate(self, by: User, username: str, org: str, roles: list[str]) -> User:
        """Create an account, log in with its initial password and choose a new one."""
        created = await self.create(by, username, org, roles)
        assert created["userErrors"] == [], created
        first = await self.login(username, created["initialPassword"])
        changed = (await self.gql(CHANGE, {"o": created["initialPassword"], "n": NEW_PASSWORD}, first["token"]))[
            "changePassword"
        ]
        assert changed["userErrors"] == [], changed
        user = User(created["account"]["id"], username, changed["token"])
        self.users[username] = user
        return user


async def add_teachers(tree: Tree, count: int, school_type: str = "PRIMARY_SECONDARY") -> list[dict]:
    """`count` records in the tree's school, 身份证件号 of its district."""
    made = []
    suite = tree.suite
    clerk = suite.signer.sign(Caller("seed", "seed", NATION, (NATION,), ("DATA_ENTRY",)))  # (records need a person)
    for i in range(count):
        basic = {**demo_person(i, tree.district, school_type), "name": f"教师{i}"}
        reply = await suite.clients.records.CreateTeacher(
            rec_pb.CreateTeacherRequest(school_code=tree.school, basic_json=encode(basic)), token=clerk
        )
        assert not reply.errors, reply.errors
        made.append(basic)
    return made


@asynccontextmanager
async def made_tree(suite: Suite) -> AsyncIterator[Tree]:
    """A tree of unique codes, the nation's admin logged in as its root."""
    orgs = Orgs.unique()
    n = int(orgs.province[:4])
    address = f"10.20.{n // 100}.{n % 100}"  # the rate limits by address count this tree's calls only
    transport = httpx.ASGITransport(app=suite.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        tree = Tree(suite, http, orgs, Orgs.unique().province)
        tree.root.token = await suite.login_admin()
        for code, name, level, parent, school_type in tree.rows():
            result = await tree.gql(
                CREATE_ORG,
                {"i": {"code": code, "name": name, "level": level, "parentCode": parent, "schoolType": school_type}},
                tree.root,
            )
            assert result["createOrg"]["userErrors"] == []
        yield tree


async def school_admin(tree: Tree) -> tuple[User, User]:
    """Admins activated down the tree; the district's and the school's."""
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    city = await tree.activate(province, tree.name("lz_admin"), tree.city, ["SYSTEM_ADMIN"])
    district = await tree.activate(city, tree.name("cg_admin"), tree.district, ["SYSTEM_ADMIN"])
    return district, await tree.activate(district, tree.name("school_admin"), tree.school, ["SYSTEM_ADMIN"])
