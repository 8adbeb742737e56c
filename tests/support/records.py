"""Teacher records for the tests: valid 基本信息 whose 身份证件号 carry the test's district as their
region (so numbers never collide between tests sharing a database), and the common reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.gql import CREATE, EXPORT, TEACHERS
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.rpc.codec import decode
from tmis.run.demo import DEMO_ENTRIES, demo_basic

if TYPE_CHECKING:
    from tests.support.world import World

# the real region every record's 籍贯 names (a test's district code is made up, and 籍贯 is checked
# against the region table); the 身份证件号 carries the test's district
NATIVE_PLACE = "620102"
EDUCATION = DEMO_ENTRIES["EDUCATION"]


def basic_of(teacher: pb.Teacher) -> dict[str, Any]:
    """A record's 基本信息 as it crossed gRPC (JSON bytes), values as sent."""
    return decode(teacher.basic_json, None)


def demo_person(serial: int, district: str = NATIVE_PLACE, school_type: str = "PRIMARY_SECONDARY") -> dict[str, Any]:
    """`demo_basic` for a test's district: a complete, valid 基本信息 as the records service takes it."""
    return {**demo_basic(serial, district, school_type), "nativePlace": NATIVE_PLACE}


def basic_input(serial: int, district: str = NATIVE_PLACE) -> dict[str, Any]:
    """A valid BasicInfoInput as the gateway takes it (gender and birth date spelled out)."""
    basic = demo_person(serial, district)
    basic["gender"] = "1" if serial % 2 == 0 else "2"
    basic["birthDate"] = f"{basic['idNumber'][6:10]}-{basic['idNumber'][10:12]}-{basic['idNumber'][12:14]}"
    return basic


async def teachers(world: World) -> dict[str, dict]:
    """The records of the world's school by 身份证件号."""
    page = (await world.suite.graphql(TEACHERS, {"o": world.school}, world.clerk))["data"]["teachers"]
    return {e["node"]["basic"]["idNumber"]: e["node"] for e in page["edges"]}


async def export(world: World, org: str | None = None, token: str | None = None, status: str | None = None) -> dict:
    """exportTeachers of `org` (the world's school by default)."""
    variables = {"o": org or world.school, "s": status}
    return (await world.suite.graphql(EXPORT, variables, token or world.clerk))["data"]["exportTeachers"]


ADD_IN_SET = """mutation($t: ID!, $v: Int!, $e: EntryInput!, $s: InfoSet!) {
  addEntry(teacherId: $t, expectedVersion: $v, entry: $e) {
  teacher { version entries(set: $s) { id data } } userErrors { code message field } } }"""
DERIVED = """query($id: ID!) { teacher(id: $id) { version basic {
  currentTitle { code name } currentPostCategory { code name } currentPostGrade { code name }
  highestEducation { code } highestEducationInstitution
  highestDegreeLevel { code name } highestDegree { code name } highestDegreeInstitution
  formerName staffNumber } completeness { missing missingLabels } } }"""
TITLE = {"title": "P03", "startMonth": "2015-09"}


class Record:
    """One teacher of the world's school, written through the gateway by its clerk."""

    def __init__(self, world: World, teacher_id: str) -> None:
        self.world, self.id, self.version = world, teacher_id, 1

    @classmethod
    async def new(cls, world: World, serial: int = 1, **basic: Any) -> Record:
        variables = {"s": world.school, "b": {**world.basic_input(serial), **basic}}
        made = (await world.suite.graphql(CREATE, variables, world.clerk))["data"]["createTeacher"]
        assert made["userErrors"] == [], made
        return cls(world, made["teacher"]["id"])

    async def add(self, set_key: str, data: dict[str, Any]) -> dict[str, Any]:
        entry = (
            {set_key.lower(): data}
            if set_key in ("EDUCATION", "SALARY", "ASSESSMENT")
            else {"other": {"set": set_key, "data": data}}
        )
        answer = await self.world.suite.graphql(
            ADD_IN_SET, {"t": self.id, "v": self.version, "e": entry, "s": set_key}, self.world.clerk
        )
        assert "errors" not in answer, answer
        reply = answer["data"]["addEntry"]
        if reply["teacher"]:
            self.version = reply["teacher"]["version"]
        return reply

    async def errors(self, set_key: str, data: dict[str, Any]) -> list[tuple[str, str]]:
        return [(e["code"], e["field"]) for e in (await self.add(set_key, data))["userErrors"]]

    async def entry(self, set_key: str, data: dict[str, Any]) -> dict[str, Any]:
        """The stored entry (codes as Code objects) of a write that must succeed."""
        reply = await self.add(set_key, data)
        assert reply["userErrors"] == [], reply
        return reply["teacher"]["entries"][-1]["data"]

    async def basic(self) -> dict[str, Any]:
        return (await self.world.suite.graphql(DERIVED, {"id": self.id}, self.world.clerk))["data"]["teacher"]


def title_rows(id_number: str, title: str, grade: str) -> dict[str, list[dict[str, Any]]]:
    """专业技术职务聘任 and 岗位聘任 rows of one teacher, for a workbook."""
    return {
        "专业技术职务聘任": [{"身份证件号": id_number, "聘任专业技术职务": title, "聘任开始年月": "2015-09"}],
        "岗位聘任": [
            {
                "身份证件号": id_number,
                "岗位类别": "1-教师岗位",
                "岗位等级": grade,
                "聘任开始年月": "2015-09",
                "是否兼任其他岗位": "否",
                "校级职务": "00-无",
            }
        ],
    }
