"""An org tree with real accounts at every level, made through the public API (`Tree`, the
`tree` fixture), and the identity documents shared by several modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.suite import Suite
from tmis.auth import Caller
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.rpc.codec import encode
from tmis.run.demo import demo_basic

CREATE_ORG = "mutation($i: CreateOrgInput!) { createOrg(input: $i) { userErrors { code message field } } }"
CREATE_ACCOUNT = """mutation($i: CreateAccountInput!) { createAccount(input: $i) {
  account { id username roles mustChangePassword org { code } } initialPassword userErrors { code message field } } }"""
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  token mustChangePassword account { id roles } userErrors { code message field } } }"""
CHANGE = """mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) {
  token account { mustChangePassword } userErrors { code message field } } }"""
ME = "{ me { username mustChangePassword lockedUntil } }"
NEW_PASSWORD = "Chosen#Pass9"

# code, name, level, parent, school type
TREE = [
    ("620000", "甘肃省", "PROVINCE", "100000", None),
    ("620100", "兰州市", "CITY", "620000", None),
    ("620102", "城关区", "DISTRICT", "620100", None),
    ("3162010201", "示范小学", "SCHOOL", "620102", "PRIMARY_SECONDARY"),
    ("640000", "宁夏回族自治区", "PROVINCE", "100000", None),
]


@dataclass
class User:
    id: str
    username: str
    token: str
    password: str = NEW_PASSWORD


@dataclass
class Tree:
    suite: Suite
    root: User
    users: dict[str, User] = field(default_factory=dict)

    async def gql(self, query: str, variables: dict | None = None, user: User | str | None = None) -> dict:
        token = user.token if isinstance(user, User) else user
        result = await self.suite.graphql(query, variables, token)
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


async def add_teachers(suite: Suite, school: str, count: int, school_type: str = "PRIMARY_SECONDARY") -> list[dict]:
    made = []
    clerk = suite.signer.sign(Caller("seed", "seed", "100000", ("100000",), ("DATA_ENTRY",)))  # (records need a person)
    for i in range(count):
        basic = {**demo_basic(i, "620102", school_type), "name": f"教师{i}"}
        reply = await suite.clients.records.CreateTeacher(
            rec_pb.CreateTeacherRequest(school_code=school, basic_json=encode(basic)), token=clerk
        )
        assert not reply.errors, reply.errors
        made.append(basic)
    return made


async def make_tree(suite: Suite) -> Tree:
    root = User("", "admin", await suite.login_admin())
    tree = Tree(suite, root)
    for code, name, level, parent, school_type in TREE:
        result = await tree.gql(
            CREATE_ORG,
            {"i": {"code": code, "name": name, "level": level, "parentCode": parent, "schoolType": school_type}},
            root,
        )
        assert result["createOrg"]["userErrors"] == []
    return tree


async def school_admin(tree: Tree) -> tuple[User, User]:
    """Admins activated down the tree; the district's and the school's."""
    province = await tree.activate(tree.root, "gs_admin", "620000", ["SYSTEM_ADMIN"])
    city = await tree.activate(province, "lz_admin", "620100", ["SYSTEM_ADMIN"])
    district = await tree.activate(city, "cg_admin", "620102", ["SYSTEM_ADMIN"])
    return district, await tree.activate(district, "school_admin", "3162010201", ["SYSTEM_ADMIN"])
