"""Validation against the registry: each rule with its exact code and field path."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.records.validation import validate
from tmis import idcard
from tmis.codes import load_code_tables
from tmis.registry import BASIC, Registry

TODAY = dt.date(2026, 11, 29)
TABLES = load_code_tables()
REGISTRY = Registry()
VALID = {
    "name": "张明",
    "gender": "2",
    "idNumber": "11010519491231002X",
    "birthDate": "1949-12-31",
    "workStartMonth": "1968-09",
    "schoolJoinMonth": "1970-02",
    "staffSource": "101",
    "staffCategory": "A1",
    "inEstablishment": True,
    "contractType": "1",
    "itProficiency": "2",
}


def check(
    data: dict, set_key: str = "BASIC", school_type: str = "PRIMARY_SECONDARY", prefix: str = "basic"
) -> tuple[dict, list[tuple[str, str]]]:
    out, problems = validate(REGISTRY.set(set_key), data, school_type, TABLES, prefix, TODAY)
    return out, [(p.code, p.field) for p in problems if not p.warning]


def test_a_valid_record_gets_its_defaults() -> None:
    out, problems = check(VALID)
    assert problems == []
    assert (
        out["nationality"] == "156"
        and out["idType"] == "1"
        and out["politicalStatus"] == ["13"]
        and out["ethnicity"] == "01"
    )
    assert out["staffStatus"] == "100" and out["specialGradeTeacher"] is False and "employmentForm" not in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": ""}, ("REQUIRED", "basic.name")),
        ({"name": "张" * 51}, ("TOO_LONG", "basic.name")),
        ({"name": "张\x00明"}, ("INVALID_VALUE", "basic.name")),
        ({"gender": "1"}, ("ID_MISMATCH", "basic.gender")),
        ({"birthDate": "1949-12-30"}, ("ID_MISMATCH", "basic.birthDate")),
        ({"idNumber": "110105194912310021"}, ("INVALID_ID_NUMBER", "basic.idNumber")),
        ({"gender": "7"}, ("INVALID_CODE", "basic.gender")),
        ({"staffCategory": "04"}, ("INVALID_CODE", "basic.staffCategory")),  # 幼儿园's 专任教师 code, not 中小学's
        ({"politicalStatus": ["01", "13"]}, ("EXCLUSIVE_CODE", "basic.politicalStatus")),
        ({"politicalStatus": "01"}, ("INVALID_VALUE", "basic.politicalStatus")),
        ({"workStartMonth": "1949-12"}, ("DATE_ORDER", "basic.workStartMonth")),
        ({"schoolJoinMonth": "1968-08"}, ("DATE_ORDER", "basic.schoolJoinMonth")),
        ({"schoolJoinMonth": "2099-01"}, ("INVALID_DATE", "basic.schoolJoinMonth")),
        ({"schoolJoinMonth": "1970-13"}, ("INVALID_DATE", "basic.schoolJoinMonth")),
        ({"schoolJoinMonth": "197002"}, ("INVALID_DATE", "basic.schoolJoinMonth")),
        ({"inEstablishment": "yes"}, ("INVALID_VALUE", "basic.inEstablishment")),
        ({"inEstablishment": False}, ("REQUIRED", "basic.employmentForm")),
        ({"highestEducation": "21"}, ("READ_ONLY", "basic.highestEducation")),
        ({"dualQualified": True}, ("UNKNOWN_FIELD", "basic.dualQualified")),  # a 中职 field
        ({"$where": "1"}, ("UNKNOWN_FIELD", "basic.$where")),
        ({"itProficiency": None}, ("REQUIRED", "basic.itProficiency")),
    ],
)
def test_each_rule_names_its_code_and_field(change: dict, expected: tuple[str, str]) -> None:
    _, problems = check({**VALID, **change})
    assert problems == [expected]


def test_foreign_nationals_have_no_ethnicity_or_party() -> None:
    out, problems = check({**VALID, "nationality": "840", "ethnicity": "01", "politicalStatus": ["01"]})
    assert problems == [] and "ethnicity" not in out and "politicalStatus" not in out


def test_dependants_of_a_none_value_are_cleared_not_judged() -> None:
    out, problems = check(
        {
            "education": "0",
            "institution": "某校",
            "startMonth": "2000-09",
            "endMonth": "2003-07",
            "degreeLevel": "0",
            "degree": "bogus",
            "studyMode": "1",
        },
        "EDUCATION",
        prefix="entry.education",
    )
    assert problems == [] and "institution" not in out and "degree" not in out
    _, problems = check(
        {"education": "21", "startMonth": "2000-09", "endMonth": "2000-09", "degreeLevel": "4", "studyMode": "1"},
        "EDUCATION",
        prefix="entry.education",
    )
    assert set(problems) == {
        ("REQUIRED", "entry.education.institution"),
        ("REQUIRED", "entry.education.major"),
        ("REQUIRED", "entry.education.degree"),
        ("REQUIRED", "entry.education.degreeInstitution"),
        ("DATE_ORDER", "entry.education.endMonth"),
    }


def test_school_type_variants() -> None:
    _, problems = check({**VALID, "staffCategory": "04"}, school_type="KINDERGARTEN")
    assert problems == []
    _, problems = check({**VALID, "staffCategory": "A1"}, school_type="VOCATIONAL")
    assert set(problems) == {
        ("REQUIRED", "basic.nativePlace"),
        ("REQUIRED", "basic.enterprisePractice"),
    }  # 健康状况 has a default


def test_sub_table_rules() -> None:
    salary = {
        "year": 2026,
        "annualIncome": 100000.5,
        "basicMonthly": 3000,
        "performanceMonthly": 1000,
        "ruralAllowanceMonthly": 0,
        "otherAllowanceMonthly": 0,
        "otherMonthly": 0,
        "insurance": ["0"],
    }
    assert check(salary, "SALARY", prefix="entry.salary")[1] == [("YEAR_NOT_OVER", "entry.salary.year")]
    assert check({**salary, "year": 2025}, "SALARY", prefix="entry.salary")[1] == []
    assert check({**salary, "year": 2025, "basicMonthly": 1.234}, "SALARY", prefix="entry.salary")[1] == [
        ("INVALID_VALUE", "entry.salary.basicMonthly")
    ]
    assert check({**salary, "year": 2025, "basicMonthly": -1}, "SALARY", prefix="entry.salary")[1] == [
        ("INVALID_VALUE", "entry.salary.basicMonthly")
    ]
    exchange = {"rotationType": "0", "toEmployer": "甲校", "fromEmployer": "甲校"}
    assert check(exchange, "EXCHANGE", prefix="entry.exchange") == ({"rotationType": "0"}, [])
    abroad = {"hasOverseasStudy": True, "startDate": "2019-01-01", "endDate": "2019-01-01", "country": "156"}
    assert set(check(abroad, "OVERSEAS_STUDY", prefix="e")[1]) == {
        ("DATE_ORDER", "e.endDate"),
        ("INVALID_CODE", "e.country"),
    }


def test_under_sixteen_at_work_is_a_warning() -> None:
    out, problems = validate(
        BASIC,
        {**VALID, "workStartMonth": "1960-01", "schoolJoinMonth": "1960-01"},
        "PRIMARY_SECONDARY",
        TABLES,
        "basic",
        TODAY,
    )
    assert [(p.code, p.warning) for p in problems] == [("UNDER_WORKING_AGE", True)]


@given(
    birth=st.dates(dt.date(1950, 1, 1), dt.date(2000, 12, 31)),
    serial=st.integers(0, 999),
    gender=st.sampled_from("12"),
    position=st.integers(0, 17),
    digit=st.sampled_from("0123456789X"),
)
def test_every_single_character_corruption_is_rejected(
    birth: dt.date, serial: int, gender: str, position: int, digit: str
) -> None:
    number = idcard.make("620102", birth, serial, gender)
    corrupted = number[:position] + digit + number[position + 1 :]
    if corrupted == number:
        return
    with pytest.raises(idcard.IdCardError):
        idcard.parse(corrupted, TODAY)


@given(start=st.dates(dt.date(1950, 1, 1), TODAY), end=st.dates(dt.date(1950, 1, 1), TODAY))
def test_end_after_start_in_education(start: dt.date, end: dt.date) -> None:
    data = {
        "education": "0",
        "startMonth": f"{start:%Y-%m}",
        "endMonth": f"{end:%Y-%m}",
        "degreeLevel": "0",
        "studyMode": "1",
    }
    _, problems = check(data, "EDUCATION", prefix="e")
    assert (("DATE_ORDER", "e.endMonth") in problems) == (f"{end:%Y-%m}" <= f"{start:%Y-%m}")


def test_research_fields_follow_the_kind() -> None:
    paper = {
        "kind": "3",
        "title": "小学语文阅读教学研究",
        "journal": "甘肃教育",
        "date": "2020-05-01",
        "publisher": "不属于论文",
    }
    out, problems = check(paper, "RESEARCH", prefix="entry.research")
    assert problems == [] and "publisher" not in out and out["representative"] is False
    assert check({"kind": "3", "title": "某文"}, "RESEARCH", prefix="entry.research")[1] == [
        ("REQUIRED", "entry.research.journal")
    ]
    project = {
        "kind": "1",
        "title": "课题",
        "projectType": "省级",
        "startMonth": "2021-09",
        "endMonth": "2020-01",
        "funding": 1.5,
    }
    assert check(project, "RESEARCH", prefix="entry.research")[1] == [("DATE_ORDER", "entry.research.endMonth")]


def test_post_and_teaching_rules() -> None:
    post = {
        "postCategory": "1",
        "postGrade": "999",
        "startMonth": "2010-09",
        "concurrentPost": True,
        "concurrentPostCategory": "1",
        "schoolDuties": ["00"],
    }
    assert check(post, "POST_APPOINTMENT", prefix="e")[1] == [("MUST_DIFFER", "e.concurrentPostCategory")]
    assert check({**post, "concurrentPost": False}, "POST_APPOINTMENT", prefix="e") == (
        {k: v for k, v in post.items() if k != "concurrentPostCategory"} | {"concurrentPost": False},
        [],
    )
    assert check({**post, "concurrentPostCategory": "2", "schoolDuties": ["00", "01"]}, "POST_APPOINTMENT", prefix="e")[
        1
    ] == [("INVALID_CODE", "e.schoolDuties")]
    teaching = {"schoolYear": 2025, "semester": "1", "teachingStage": ["0"], "teachingStatus": "20", "weeklyHours": 10}
    assert check(teaching, "TEACHING", prefix="e")[1] == [("INCONSISTENT", "e.teachingStatus")]
    assert check({**teaching, "teachingStatus": "10"}, "TEACHING", prefix="e")[1] == []
    assert check({**teaching, "teachingStage": ["0", "2"], "teachingStatus": "10"}, "TEACHING", prefix="e")[1] == [
        ("EXCLUSIVE_CODE", "e.teachingStage")
    ]


def test_grades_cascade_from_their_category() -> None:
    from tmis.codes import Code, CodeTable

    tables = {
        **TABLES,
        "post_grade": CodeTable(
            "post_grade",
            "岗位等级",
            (
                Code("101", "专业技术岗位一级", None, {"applies_to_post_category": ["1", "2"]}),
                Code("999", "未评(其他)", None, {"applies_to_post_category": ["1", "2", "3", "4"]}),
            ),
        ),
    }
    post = {"postCategory": "3", "postGrade": "101", "startMonth": "2010-09", "schoolDuties": ["00"]}
    _, problems = validate(REGISTRY.set("POST_APPOINTMENT"), post, "PRIMARY_SECONDARY", tables, "e", TODAY)
    assert [(p.code, p.field) for p in problems] == [("CASCADE", "e.postGrade")]
    _, problems = validate(
        REGISTRY.set("POST_APPOINTMENT"), {**post, "postCategory": "1"}, "PRIMARY_SECONDARY", tables, "e", TODAY
    )
    assert problems == []


def test_courses_and_certificate_numbers() -> None:
    teaching = {"schoolYear": 2025, "semester": "1", "teachingStage": ["2"], "teachingStatus": "20", "weeklyHours": 10}
    assert check(teaching, "TEACHING", prefix="e")[1] == [("REQUIRED", "e.courses")]
    assert check({**teaching, "courses": ["104"]}, "TEACHING", prefix="e")[1] == []
    qualification = {"qualificationType": "2", "certificateNumber": "20056200121000123", "issueDate": "2005-08-01"}
    _, problems = validate(REGISTRY.set("QUALIFICATION"), qualification, "PRIMARY_SECONDARY", TABLES, "e", TODAY)
    assert problems == []
    _, problems = validate(
        REGISTRY.set("QUALIFICATION"),
        {**qualification, "qualificationType": "3"},
        "PRIMARY_SECONDARY",
        TABLES,
        "e",
        TODAY,
    )
    assert [(p.code, p.warning) for p in problems] == [
        ("CERTIFICATE_NUMBER", True)
    ]  # a warning: the record is still saved
