"""Records' access policy (`services/records/access.py`), table-driven: each row a caller, a target
and the decision."""

from __future__ import annotations

import pytest

from services.records import access
from services.records.model import OrgRef
from tests.unit.records.conftest import (
    PATH_A,
    PATH_B,
    REGISTRY,
    SCHOOL_A,
    SCHOOL_B,
    caller,
    record,
)
from tmis.auth import SYSTEM, Caller
from tmis.errors import DomainError, ErrorCode

CLERK_A = caller("DATA_ENTRY", PATH_A)
CLERK_B = caller("DATA_ENTRY", PATH_B)
REVIEWER_A = caller("REVIEWER", PATH_A)
DISTRICT_A = caller("QUERY", PATH_A[:4])
DISTRICT_B = caller("REVIEWER", PATH_B[:4])
DISTRICT_CLERK = caller("DATA_ENTRY", PATH_A[:4])
CITY = caller("QUERY", PATH_A[:3])
ADMIN_A = caller("SYSTEM_ADMIN", PATH_A)  # a school's 系统管理员
ADMIN_DISTRICT = caller("SYSTEM_ADMIN", PATH_A[:4])
ADMIN_AND_QUERY = caller("SYSTEM_ADMIN", PATH_A[:4], "admin_query", "QUERY")  # stored before the rule on roles
ELSEWHERE = caller("DATA_ENTRY", ("100000", "110000", "110100", "110101", "1101010001"))
TEACHER = caller("TEACHER", PATH_A, "t1", teacher_id="t1")
OTHER_TEACHER = caller("TEACHER", PATH_A, "t2", teacher_id="t2")
FIRST_LOGIN = caller("QUERY", PATH_A[:4], "new_query", must_change_password=True)
JOB = caller("DATA_ENTRY", PATH_A, "clerk", via="import-1")  # a job acting for its uploader
T1 = record(1)  # id t1, at school A
T1_B = record(1, SCHOOL_B)
DISTRICT = OrgRef("620102", "DISTRICT", PATH_A[:4], "")


@pytest.mark.parametrize(
    ("who", "teacher", "reads"),
    [
        (SYSTEM, T1, True),
        (CLERK_A, T1, True),
        (REVIEWER_A, T1, True),
        (DISTRICT_A, T1, True),
        (CITY, T1, True),
        (JOB, T1, True),
        (CLERK_B, T1, False),
        (DISTRICT_B, T1, False),
        (ELSEWHERE, T1, False),
        (DISTRICT_A, T1_B, False),
        (TEACHER, T1, True),  # their own, wherever it is
        (TEACHER, T1_B, True),
        (OTHER_TEACHER, T1, False),  # a teacher's account is held at the school, but reaches no one else
        (ADMIN_A, T1, False),  # a 系统管理员 manages accounts: no record's content
        (ADMIN_DISTRICT, T1, False),
        (ADMIN_AND_QUERY, T1, True),  # … unless the account holds a reading role too
    ],
)
def test_who_reads_a_record(who: Caller, teacher: object, reads: bool) -> None:
    assert access.may_read(who, teacher) is reads  # type: ignore[arg-type]


ACTIONS = ("read", "list", "export", "jobs", "roster", "statistics", "create", "delete", "import")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (SYSTEM, set(ACTIONS)),
        (CLERK_A, {"read", "list", "export", "jobs", "roster", "create", "delete", "import"}),
        (REVIEWER_A, {"read", "list", "export", "jobs", "roster"}),
        (DISTRICT_A, {"read", "list", "export", "jobs", "roster", "statistics"}),
        (ADMIN_A, {"read", "roster"}),  # a school's roster, to make teacher accounts; "read": no record (above)
        (ADMIN_AND_QUERY, {"read", "list", "export", "jobs", "roster", "statistics"}),
        (TEACHER, {"read"}),
        (FIRST_LOGIN, set()),
    ],
)
def test_what_each_role_may_ask(who: Caller, allowed: set[str]) -> None:
    for action in ACTIONS:
        try:
            access.require(who, action)  # type: ignore[arg-type]
        except DomainError as err:
            assert action not in allowed, (action, err.message)
            expected = ErrorCode.PASSWORD_CHANGE_REQUIRED if who.must_change_password else ErrorCode.FORBIDDEN
            assert err.code == expected
        else:
            assert action in allowed, action


@pytest.mark.parametrize(
    ("who", "set_key", "writes"),
    [
        (CLERK_A, "BASIC", True),
        (CLERK_A, "SALARY", True),  # a school-filled set
        (JOB, "EDUCATION", True),
        (DISTRICT_CLERK, "ASSESSMENT", True),  # a clerk of the district writes its schools' records
        (CLERK_B, "BASIC", False),
        (ELSEWHERE, "BASIC", False),
        (TEACHER, "EDUCATION", True),
        (TEACHER, "BASIC", True),
        (TEACHER, "SALARY", False),  # 基本待遇 and 年度考核 are the school's
        (TEACHER, "ASSESSMENT", False),
        (OTHER_TEACHER, "EDUCATION", False),
        (REVIEWER_A, "BASIC", False),
        (DISTRICT_A, "BASIC", False),
        (ADMIN_A, "BASIC", False),
        (SYSTEM, "BASIC", False),  # a bare service identity writes no content
    ],
)
def test_who_writes_a_set(who: Caller, set_key: str, writes: bool) -> None:
    assert access.may_write(who, T1, REGISTRY.sets[set_key]) is writes


@pytest.mark.parametrize(
    ("who", "person", "identity"),
    [(SYSTEM, False, True), (JOB, True, True), (CLERK_A, True, True), (TEACHER, True, False)],
)
def test_a_person_writes_and_a_teacher_keeps_their_document(who: Caller, person: bool, identity: bool) -> None:
    assert access.is_person(who) is person
    assert access.may_change_identity(who) is identity
    assert access.service_only(who) is (not person)


@pytest.mark.parametrize(
    ("who", "school", "reached"),
    [
        (SYSTEM, SCHOOL_A, True),
        (CLERK_A, SCHOOL_A, True),
        (DISTRICT_CLERK, SCHOOL_A, True),
        (CITY, SCHOOL_B, True),
        (CLERK_B, SCHOOL_A, False),
        (DISTRICT_B, SCHOOL_A, False),
        (TEACHER, SCHOOL_A, False),  # held at the school, not reaching it
        (CLERK_A, DISTRICT, False),  # not a school
        (DISTRICT_CLERK, DISTRICT, False),
        (CLERK_A, None, False),  # unknown
    ],
)
def test_is_this_school_in_reach(who: Caller, school: OrgRef | None, reached: bool) -> None:
    assert access.school_in_reach(who, school) is reached


@pytest.mark.parametrize(
    ("who", "org_code", "org", "lookup", "lists"),
    [
        (SYSTEM, "620102", None, False, True),
        (CLERK_A, SCHOOL_A.code, None, False, True),  # its own org: no lookup
        (DISTRICT_A, "620102", None, False, True),
        (DISTRICT_A, SCHOOL_A.code, SCHOOL_A, True, True),
        (DISTRICT_A, SCHOOL_B.code, SCHOOL_B, True, False),
        (CLERK_A, "620102", DISTRICT, True, False),  # an ancestor is no part of the subtree
        (CLERK_A, "999999", None, True, False),  # unknown
        (TEACHER, SCHOOL_A.code, None, False, False),
    ],
)
def test_whose_teachers_a_caller_lists(
    who: Caller, org_code: str, org: OrgRef | None, lookup: bool, lists: bool
) -> None:
    assert access.needs_org(who, org_code) is lookup
    assert access.may_list(who, org_code, org) is lists


@pytest.mark.parametrize(
    ("who", "path", "reached"),
    [
        (SYSTEM, PATH_A, True),
        (DISTRICT_A, PATH_A, True),
        (DISTRICT_A, PATH_A[:4], True),
        (DISTRICT_A, PATH_A[:3], False),
        (CLERK_B, PATH_A, False),
        (TEACHER, PATH_A, False),
        (CLERK_A, (), False),
    ],
)
def test_an_org_s_statistics_exports_and_jobs(who: Caller, path: tuple[str, ...], reached: bool) -> None:
    assert access.in_reach(who, path) is reached


@pytest.mark.parametrize(
    ("who", "path", "shown"),
    [
        (SYSTEM, PATH_B, True),
        (CLERK_A, PATH_A, True),
        (DISTRICT_CLERK, PATH_A, True),
        (CITY, PATH_B, True),
        (CLERK_A, PATH_B, False),  # registered elsewhere: that it is, not where
        (DISTRICT_CLERK, PATH_B, False),
        (TEACHER, PATH_A, False),
    ],
)
def test_what_a_duplicate_person_tells_of_where(who: Caller, path: tuple[str, ...], shown: bool) -> None:
    assert access.shows_school(who, path) is shown


def test_one_answer_for_absent_and_out_of_reach() -> None:
    assert (access.no_record().code, access.no_record().field) == (ErrorCode.NOT_FOUND, "teacherId")
    assert (access.no_org().code, access.no_org().field) == (ErrorCode.FORBIDDEN, "orgCode")
    assert (access.no_school().code, access.no_school().field) == (ErrorCode.FORBIDDEN, "schoolCode")
    assert (access.no_job().code, access.no_job().field) == (ErrorCode.NOT_FOUND, "id")
    assert "服务身份" in access.not_a_person().message
    assert access.not_a_writer(REGISTRY.sets["SALARY"]).message == "基本待遇只能由学校信息录入员填写"
