"""Demo data for `make run`: a province → a city → two districts → schools of several types,
each with teachers whose 身份证件号 are valid; accounts for every role at city, district and
school level, and teacher accounts. Seeded once, through the services' own RPCs; the initial
passwords are written to <data dir>/demo-accounts.csv. The suite's own identity creates orgs and
accounts; records are written in the name of each school's 信息录入员 (a service identity writes
no record's content)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tmis import idcard
from tmis.auth import SYSTEM, Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.identity.v1.identity_client import IdentityServiceClient
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.records.v1.records_client import RecordsServiceClient
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.proto.review.v1.review_client import ReviewServiceClient
from tmis.rpc.codec import encode

logger = logging.getLogger("tmis.run.demo")

PROVINCE = ("620000", "甘肃省")
CITY = ("620100", "兰州市")
# district code, name, schools: (code, name, school type)
DISTRICTS = [
    (
        "620102",
        "城关区",
        [
            ("3162010201", "兰州市城关区示范小学", "PRIMARY_SECONDARY"),
            ("3162010202", "兰州市城关区示范幼儿园", "KINDERGARTEN"),
        ],
    ),
    (
        "620103",
        "七里河区",
        [
            ("3162010301", "兰州市七里河区实验中学", "PRIMARY_SECONDARY"),
            ("3162010302", "兰州市七里河区职业中等专业学校", "VOCATIONAL"),
        ],
    ),
]
NAMES = ["张明", "李娜", "王磊", "刘芳", "陈静", "杨帆", "赵敏", "黄强", "周婷", "吴刚", "徐丽", "孙浩"]
TEACHERS_PER_SCHOOL = 6
# username suffix, roles, display name
STAFF = [
    ("admin", ["SYSTEM_ADMIN"], "系统管理员"),
    ("entry", ["DATA_ENTRY"], "信息录入员"),
    ("review", ["REVIEWER"], "信息审核员"),
    ("query", ["QUERY"], "信息查询员"),
]
CREDENTIALS_FILE = "demo-accounts.csv"
# the first teachers of one school get every set filled (complete records), and the first two
# of them are submitted: that school's reviewer has a queue to work on
REVIEW_SCHOOL = "3162010301"
COMPLETE_PER_SCHOOL = 3
SUBMITTED_PER_SCHOOL = 2
DEMO_ENTRIES: dict[str, dict[str, Any]] = {
    "EDUCATION": {
        "education": "21",
        "institution": "西北师范大学",
        "major": "汉语言文学",
        "normalMajor": True,
        "startMonth": "2001-09",
        "endMonth": "2005-07",
        "degreeLevel": "4",
        "degree": "405",
        "degreeInstitution": "西北师范大学",
        "studyMode": "1",
    },
    "WORK": {"employer": "兰州市城关区示范小学", "startMonth": "2005-09"},
    "SALARY": {
        "year": 2024,
        "annualIncome": 86000,
        "basicMonthly": 3200,
        "performanceMonthly": 1800,
        "ruralAllowanceMonthly": 0,
        "otherAllowanceMonthly": 300,
        "otherMonthly": 0,
        "insurance": ["0"],
    },
    "ASSESSMENT": {"year": 2024, "result": "1", "assessor": "兰州市城关区示范小学"},
    "POST_APPOINTMENT": {"postCategory": "1", "postGrade": "999", "startMonth": "2006-09", "schoolDuties": ["00"]},
    "TITLE_APPOINTMENT": {"title": "0"},
    "QUALIFICATION": {
        "qualificationType": "2",
        "certificateNumber": "20056200121000123",
        "issueDate": "2005-08-01",
        "issuer": "兰州市教育局",
    },
    "ETHICS": {"assessmentMonth": "2025-06", "assessmentResult": "1"},
    "TEACHING": {
        "schoolYear": 2025,
        "semester": "1",
        "teachingStage": ["2"],
        "teachingStatus": "20",
        "courses": ["104", "105"],
        "weeklyHours": 14,
    },
    "RESEARCH": {"kind": "3", "title": "小学语文阅读教学研究", "journal": "甘肃教育", "date": "2020-05-01"},
    "TALENT_PROGRAM": {"program": "00"},
    "TRAINING": {"year": 2024, "category": "2", "project": "国培计划", "mode": "1", "hours": 24},
    "OVERSEAS_STUDY": {"hasOverseasStudy": False},
    "SKILL": {
        "language": "英语",
        "proficiency": "3",
        "certificateType": "2",
        "languageCertificate": "9",
        "certificateName": "大学英语六级证书",
    },
    "EXCHANGE": {"rotationType": "0"},
    "CONTACT": {"mobile": "13800000000", "email": "teacher@example.cn"},
}


# 专任教师 in each school type's 教职工类别 table
FULL_TIME_TEACHER = {"PRIMARY_SECONDARY": "A1", "VOCATIONAL": "A1", "SPECIAL_EDUCATION": "A1", "KINDERGARTEN": "04"}


def demo_basic(serial: int, district: str, school_type: str) -> dict[str, Any]:
    """A complete, valid 基本信息 (gender and birth date come from the 身份证件号)."""
    gender = "1" if serial % 2 == 0 else "2"
    birth = dt.date(1970 + (serial * 7) % 28, 1 + serial % 12, 1 + (serial * 5) % 28)
    established = serial % 4 != 0
    basic: dict[str, Any] = {
        "name": NAMES[serial % len(NAMES)],
        "idType": "1",
        "idNumber": idcard.make(district, birth, serial, gender),
        "nativePlace": district,
        "politicalStatus": ["01"] if serial % 3 == 0 else ["13"],
        "workStartMonth": f"{birth.year + 22}-09",
        "schoolJoinMonth": f"{birth.year + 22 + serial % 5}-09",
        "staffSource": "101",
        "staffCategory": FULL_TIME_TEACHER[school_type],
        "inEstablishment": established,
        "contractType": "1" if established else "2",
        "itProficiency": str(1 + serial % 5),
    }
    if not established:
        basic["employmentForm"] = "1"
    if school_type == "VOCATIONAL":
        basic["enterprisePractice"] = "1"
    return basic


async def _tolerate_existing(call: Any) -> Any:
    """A start interrupted half-way is resumed: what exists already is kept."""
    try:
        return await call
    except DomainError as err:
        if err.code != ErrorCode.ALREADY_EXISTS:
            raise
        return None


async def _complete(records: RecordsServiceClient, teacher: rec_pb.Teacher, token: str) -> None:
    for set_key, data in DEMO_ENTRIES.items():
        request = rec_pb.AddEntryRequest(
            teacher_id=teacher.id, expected_version=teacher.version, set=set_key, data_json=encode(data)
        )
        written = await records.AddEntry(request, token=token)
        if written.errors:
            raise RuntimeError(f"demo entry {set_key} refused: {written.errors}")
        teacher = written.teacher


async def _clerk(identity: IdentityServiceClient, signer: TokenSigner, path: list[str], token: str) -> str:
    """A token of the school's 信息录入员 (`<school>_entry`), marked as acting through the seeding."""
    code = path[-1]
    request = id_pb.ListAccountsRequest(org_code=code, role="DATA_ENTRY", first=10)
    found = (await identity.ListAccounts(request, token=token)).accounts
    account = next(a for a in found if a.username == f"{code}_entry")
    return signer.sign(Caller(account.id, account.username, code, tuple(path), ("DATA_ENTRY",), via="demo"))


async def seed(
    identity: IdentityServiceClient,
    records: RecordsServiceClient,
    review: ReviewServiceClient,
    signer: TokenSigner,
    data_dir: Path,
) -> bool:
    """Create the demo data unless the demo province exists. True when seeded now."""
    token = signer.sign(SYSTEM)
    if (await identity.BatchGetOrgs(id_pb.BatchGetOrgsRequest(codes=[PROVINCE[0]]), token=token)).orgs:
        return False

    async def org(code: str, name: str, level: str, parent: str, school_type: str = "") -> None:
        request = id_pb.CreateOrgRequest(code=code, name=name, level=level, parent_code=parent, school_type=school_type)
        await _tolerate_existing(identity.CreateOrg(request, token=token))

    rows: list[list[str]] = []

    async def staff(org_code: str, org_name: str) -> None:
        for suffix, roles, label in STAFF:
            request = id_pb.CreateAccountRequest(
                username=f"{org_code}_{suffix}", org_code=org_code, roles=roles, display_name=f"{org_name}{label}"
            )
            made = await _tolerate_existing(identity.CreateAccount(request, token=token))
            if made:
                rows.append([made.account.username, made.initial_password, org_code, org_name, ",".join(roles)])

    await org(*PROVINCE, "PROVINCE", "100000")
    await org(*CITY, "CITY", PROVINCE[0])
    await staff(*CITY)
    school_index = 0
    for district, district_name, schools in DISTRICTS:
        await org(district, district_name, "DISTRICT", CITY[0])
        await staff(district, district_name)
        for code, name, school_type in schools:
            await org(code, name, "SCHOOL", district, school_type)
            await staff(code, name)
            clerk = await _clerk(identity, signer, ["100000", PROVINCE[0], CITY[0], district, code], token)
            for i in range(TEACHERS_PER_SCHOOL):
                basic = encode(demo_basic(school_index * TEACHERS_PER_SCHOOL + i, district, school_type))
                made = await records.CreateTeacher(
                    rec_pb.CreateTeacherRequest(school_code=code, basic_json=basic), token=clerk
                )
                if made.errors and made.errors[0].code != "DUPLICATE_PERSON":
                    raise RuntimeError(f"demo teacher refused: {made.errors}")
                if code == REVIEW_SCHOOL and i < COMPLETE_PER_SCHOOL and not made.errors:
                    await _complete(records, made.teacher, clerk)
                    if i < SUBMITTED_PER_SCHOOL:
                        await review.SubmitRecords(
                            review_pb.SubmitRecordsRequest(teacher_ids=[made.teacher.id]), token=token
                        )
            await identity.GenerateTeacherAccounts(id_pb.GenerateTeacherAccountsRequest(school_code=code), token=token)
            export = await identity.ExportTeacherAccounts(
                id_pb.ExportTeacherAccountsRequest(school_code=code), token=token
            )
            for row in list(
                load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0].iter_rows(values_only=True)
            )[1:]:
                rows.append([str(row[1]), str(row[2] or ""), code, name, f"TEACHER ({row[0]})"])
            school_index += 1
    path = data_dir / CREDENTIALS_FILE
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # with a BOM: Excel opens it as UTF-8
        writer = csv.writer(out)
        writer.writerow(["用户名", "初始密码", "单位代码", "单位", "角色"])
        writer.writerows(rows)
    path.chmod(0o600)
    logger.info("demo data seeded: %s, %d schools", PROVINCE[1], school_index)
    print(f"\n  演示账号及初始密码 (demo accounts, first login asks for a new password): {path}\n", flush=True)
    return True
