"""RecordWrites (`services/records/writes.py`): the rules of a write to a record, whoever makes it
(a manual save, an import), each tested with plain records."""

from __future__ import annotations

import dataclasses

import pytest

from services.records.model import Entry, OrgRef
from services.records.storage import DuplicatePerson
from services.records.writes import MAX_ENTRIES_PER_SET, RecordWrites
from tests.unit.records.conftest import (
    EDUCATION,
    PATH_A,
    PATH_B,
    REGISTRY,
    SCHOOL_A,
    SCHOOL_B,
    caller,
    record,
    with_entries,
)
from tmis.auth import SYSTEM, Caller
from tmis.errors import DomainError, ErrorCode

CLERK = caller("DATA_ENTRY", PATH_A)
TEACHER = caller("TEACHER", PATH_A, "t1", teacher_id="t1")


@pytest.mark.parametrize(
    ("status", "reopens", "refusal"),
    [
        ("DRAFT", False, None),
        ("REJECTED", False, None),
        ("CHANGING", False, None),
        ("SUBMITTED", False, "该教师信息已报送，审核期间不能修改"),
        ("SUBMITTED", True, "该教师信息已报送，审核期间不能修改"),
        ("APPROVED", False, "该教师信息已审核通过；如需修改，请先发起信息变更"),
        ("APPROVED", True, None),  # an import's 年度更新 opens a 信息变更 first
        ("LEFT", False, "该人员已减员，记录只读；如其重新入职，请办理重新入职（startReturn）"),
        ("LEFT", True, "该人员已减员，记录只读；如其重新入职，请办理重新入职（startReturn）"),
    ],
)
def test_which_states_are_written(status: str, reopens: bool, refusal: str | None) -> None:
    assert RecordWrites.state_refusal(record(1, status=status), reopens) == refusal


@pytest.mark.parametrize(
    ("who", "status", "version", "set_key", "code", "text"),
    [
        (CLERK, "DRAFT", 3, "SALARY", None, ""),
        (TEACHER, "REJECTED", 3, "EDUCATION", None, ""),
        (CLERK, "CHANGING", None, "BASIC", None, ""),  # (a photo names no version)
        (SYSTEM, "DRAFT", 3, "BASIC", ErrorCode.FORBIDDEN, "服务身份"),
        (TEACHER, "DRAFT", 3, "SALARY", ErrorCode.FORBIDDEN, "基本待遇只能由学校信息录入员填写"),
        (caller("DATA_ENTRY", PATH_B), "DRAFT", 3, "BASIC", ErrorCode.FORBIDDEN, "本人或学校信息录入员"),
        (caller("SYSTEM_ADMIN", PATH_A), "DRAFT", 3, "BASIC", ErrorCode.FORBIDDEN, "本人或学校信息录入员"),
        (CLERK, "SUBMITTED", 3, "BASIC", ErrorCode.NOT_EDITABLE, "审核期间不能修改"),
        (CLERK, "APPROVED", 3, "BASIC", ErrorCode.NOT_EDITABLE, "请先发起信息变更"),
        (CLERK, "DRAFT", 2, "BASIC", ErrorCode.VERSION_CONFLICT, "已被他人修改"),
    ],
)
def test_may_this_record_be_written(
    writes: RecordWrites, who: Caller, status: str, version: int | None, set_key: str, code: ErrorCode | None, text: str
) -> None:
    teacher = record(1, status=status)  # at version 3
    if code is None:
        writes.check(who, teacher, version, REGISTRY.sets[set_key])
        return
    with pytest.raises(DomainError) as refused:
        writes.check(who, teacher, version, REGISTRY.sets[set_key])
    assert refused.value.code == code and text in refused.value.message


@pytest.mark.parametrize(
    ("who", "where", "status", "message"),
    [
        (CLERK, SCHOOL_A, "DRAFT", "该身份证件号的教师已在本校（示范小学）登记，不能重复录入，请在本校教师名单中查找"),
        (CLERK, SCHOOL_B, "APPROVED", "该身份证件号的教师已在其他学校登记，不能重复录入；调入请走调动流程"),
        (
            caller("DATA_ENTRY", PATH_A[:3]),  # a clerk of the city, whose subtree holds both schools
            SCHOOL_B,
            "APPROVED",
            f"该身份证件号的教师已在其他学校（{SCHOOL_B.code}）登记，不能重复录入；调入请走调动流程",
        ),
        (
            CLERK,
            SCHOOL_B,
            "LEFT",
            "该人员已减员，原记录仍保留（含个人标识码和履历），不能新建记录；请按身份证件办理重新入职（startReturn）",
        ),
    ],
)
def test_a_duplicate_person_tells_what_the_clerk_needs(who: Caller, where: OrgRef, status: str, message: str) -> None:
    found = DuplicatePerson(where.code, where.path, status)
    problem = RecordWrites.duplicate(who, found, SCHOOL_A.code, "示范小学")
    assert (problem.code, problem.message, problem.field) == ("DUPLICATE_PERSON", message, "basic.idNumber")
    # a record found by its document (an import's row) is told the same as the storage's refusal
    assert RecordWrites.duplicate(who, record(1, where, status=status), SCHOOL_A.code, "示范小学") == problem


def test_values_a_removed_plugin_field_left_are_kept_and_not_compared(writes: RecordWrites) -> None:
    old = record(1, gsRural="1")  # 是否乡村教师, of a plugin since removed
    written = writes.basic(old, {**{k: v for k, v in old.basic.items() if k != "gsRural"}, "name": "王五"})
    assert (written["gsRural"], written["name"]) == ("1", "王五")
    education = REGISTRY.sets["EDUCATION"]
    stored = Entry("e1", "EDUCATION", {**EDUCATION, "gsDegreeNote": "x"})
    assert writes.entry(education, stored, {**EDUCATION, "major": "数学"}).data == {
        **EDUCATION,
        "major": "数学",
        "gsDegreeNote": "x",
    }
    assert writes.visible(education, stored) == Entry("e1", "EDUCATION", EDUCATION)


@pytest.mark.parametrize(
    ("set_key", "count", "refusal"),
    [
        ("CONTACT", 1, None),
        ("CONTACT", 2, "联系方式每位教师只能有一条"),
        ("EDUCATION", MAX_ENTRIES_PER_SET, None),
        ("EDUCATION", MAX_ENTRIES_PER_SET + 1, f"学习经历每位教师最多{MAX_ENTRIES_PER_SET}条"),
    ],
)
def test_the_entry_cap(set_key: str, count: int, refusal: str | None) -> None:
    assert RecordWrites.too_many(REGISTRY.sets[set_key], count) == refusal


def test_one_entry_a_year_names_the_one_that_exists(writes: RecordWrites) -> None:
    assessment = REGISTRY.sets["ASSESSMENT"]
    stored = [Entry("a1", "ASSESSMENT", {"year": 2024, "result": "1"})]
    problem = writes.one_per(assessment, {"year": 2024, "result": "2"}, stored, "PRIMARY_SECONDARY", "entry.assessment")
    assert problem is not None and problem.code == "DUPLICATE_ENTRY" and "2024" in problem.message
    assert writes.one_per(assessment, {"year": 2023, "result": "2"}, stored, "PRIMARY_SECONDARY", "entry") is None


def test_education_from_high_school_on_refuses_only_what_the_write_makes_wrong() -> None:
    fine = with_entries(record(1), Entry("e1", "EDUCATION", EDUCATION))
    below = Entry("e2", "EDUCATION", {**EDUCATION, "education": "81"})  # 小学, beside a 本科
    wrong = with_entries(fine, below)
    problem = RecordWrites.education(fine, wrong)
    assert problem is not None and (problem.code, problem.field) == ("EDUCATION_LEVEL", "entry.education.education")
    # a record already wrong (written before the rule) is not refused for another change
    assert RecordWrites.education(wrong, dataclasses.replace(wrong, basic={**wrong.basic, "name": "王五"})) is None


def test_finish_derives_and_counts_what_is_missing(writes: RecordWrites) -> None:
    teacher = record(1)
    assert "highestEducation" not in teacher.basic and "education" in teacher.missing
    done = writes.finish(with_entries(teacher, Entry("e1", "EDUCATION", EDUCATION)))
    assert done.basic["highestEducation"] == "21" and "education" not in done.missing


def test_an_unknown_set_is_refused_naming_the_field(writes: RecordWrites) -> None:
    with pytest.raises(DomainError) as refused:
        writes.info_set("NO_SUCH_SET", "entry")
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, "entry")
