"""Who may read and write what in the records service: every reach decision of records is made
here, one function per kind of decision, so the handlers ask and never check inline (the shape of
identity's `reach.py` and review's `access.py`).

The rules (SPEC §4.2; the README's "Access"):
- A record (its content, entries, history, photo): the teacher, their own only (a teacher's
  account is held at its school but reaches no other record there); a 信息录入员, 信息审核员 or
  信息查询员 whose subtree holds it; the suite's own services.
- A 系统管理员 (SYSTEM_ADMIN) manages accounts, teacher accounts included, and reads no record:
  of the records of its subtree it sees a school's roster only (`ListSchoolRoster`: each
  record's id, 姓名, 身份证件类型 and 号, what teacher accounts are made of), never a record itself
  (`teacher` answers null, `teachers` and exports are refused): not 基本信息, not the entries (the
  sets the school fills, 基本待遇 and 年度考核, included), not the photo, the personal code, the
  history, import jobs or statistics. Querying records is the 信息查询员's duty (SPEC §4.2). An
  account holding a reading role too (stored before identity's rule on roles) reads as that role.
- A set of a record is written by a person: the school's 信息录入员 (every set of the records of
  its subtree), or the teacher (the teacher-owned sets of their own record), or a job acting for
  one of them. A bare service identity writes no content (it writes what its service owns:
  review states, moves, personal codes: `service_only`). A teacher does not change their own
  身份证件类型 and 号.
- An org's teachers, its exports and import jobs: the readers of its subtree; its progress and
  statistics: the 信息查询员 of its subtree. A school to write (create, import): a school of the
  caller's subtree.
- DUPLICATE_PERSON (`createTeacher`, an import's row) tells what a clerk needs to go on and no
  more (the rule of review's `startReturn`): that the document is registered (one person, one
  record: the write cannot go through, and the clerk must know to ask for a 调动 instead), and
  whether the person is LEFT (减员, then 重新入职 is the way, which `startReturn` would tell
  anyway); the school only when it lies in the caller's subtree (a record the clerk may read
  anyway: `shows_school`); never the person's name, state or school otherwise. A number
  registered nowhere is no refusal: the probe creates a real record, kept in the school's list
  and history (a dry run of an import creates none, but is a job stored with its file and
  uploader).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from services.records.model import OrgRef, Teacher
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.registry import InfoSet

__all__ = [
    "Action",
    "ROLES",
    "require",
    "in_reach",
    "school_in_reach",
    "needs_org",
    "may_list",
    "may_read",
    "may_write",
    "may_change_identity",
    "is_person",
    "service_only",
    "shows_school",
    "no_record",
    "no_org",
    "no_school",
    "no_job",
    "not_a_person",
    "not_a_writer",
    "not_the_service",
]

# the roles that read records (each within its subtree)
READERS = ("DATA_ENTRY", "REVIEWER", "QUERY")
Action = Literal["read", "list", "export", "jobs", "roster", "statistics", "create", "delete", "import"]
# who may ask for what, by role (their reach decided by the functions below); "read": any account,
# the record decides (`may_read`)
ROLES: dict[Action, tuple[str, ...]] = {
    "read": (),
    "list": READERS,
    "export": READERS,
    "jobs": READERS,
    "roster": (*READERS, "SYSTEM_ADMIN"),  # (a 系统管理员: to generate teacher accounts)
    "statistics": ("QUERY",),
    "create": ("DATA_ENTRY",),
    "delete": ("DATA_ENTRY",),
    "import": ("DATA_ENTRY",),
}


def require(caller: Caller, action: Action) -> None:
    """Refuses a caller who must change their password first, and one holding none of the action's
    roles (the suite's services hold every one)."""
    caller.require(*ROLES[action])


def in_reach(caller: Caller, org_path: Sequence[str]) -> bool:
    """The org (given by its path from the nation) lies in the caller's subtree. A teacher's
    account is held at its school but reaches only its own record, never the school's."""
    return caller.service or (not caller.teacher_only and bool(org_path) and caller.reaches(org_path))


def school_in_reach(caller: Caller, school: OrgRef | None) -> bool:
    """A school (not any org) that exists and lies in the caller's subtree."""
    return school is not None and school.level == "SCHOOL" and in_reach(caller, school.path)


def needs_org(caller: Caller, org_code: str) -> bool:
    """Whether `may_list` needs the org's path (not for the service, nor for the caller's own org)."""
    return not caller.service and org_code != caller.org_code


def may_list(caller: Caller, org_code: str, org: OrgRef | None) -> bool:
    """The teachers of an org: the caller's own org, or one of its subtree (`org`: as identity
    knows it, None when unknown or not looked up)."""
    if caller.service:
        return True
    if caller.teacher_only:
        return False
    return org_code == caller.org_code or (org is not None and in_reach(caller, org.path))


def may_read(caller: Caller, teacher: Teacher) -> bool:
    """A record, whole (its content, entries, photo, history): the service, the teacher (their
    own), a reader of its subtree."""
    if caller.service:
        return True
    if caller.teacher_only:
        return caller.teacher_id == teacher.id
    return caller.has_role(*READERS) and caller.reaches(teacher.org_path)


def is_person(caller: Caller) -> bool:
    """Content is written by a person, or by a job acting for one (`Caller.via`), never by a bare
    service identity."""
    return not caller.service


def may_write(caller: Caller, teacher: Teacher, info_set: InfoSet) -> bool:
    """A set of the record: the clerk of its subtree, or the teacher (their own, a teacher-owned
    set). Whether its state lets it be written is RecordWrites' (writes.py)."""
    if not is_person(caller):
        return False
    own = "TEACHER" in caller.roles and caller.teacher_id == teacher.id
    clerk = "DATA_ENTRY" in caller.roles and caller.reaches(teacher.org_path)
    return clerk or (own and info_set.writer == "teacher")


def may_change_identity(caller: Caller) -> bool:
    """身份证件类型 and 号 are the school's to change, not the teacher's."""
    return not caller.teacher_only


def service_only(caller: Caller) -> bool:
    """What a service owns (review states, moves, personal codes, finding a person by document)."""
    return caller.service


def shows_school(caller: Caller, org_path: Sequence[str]) -> bool:
    """Whether a DUPLICATE_PERSON may name the school the person is registered at."""
    return in_reach(caller, org_path)


def no_record(field: str = "teacherId") -> DomainError:
    """The one answer for a record that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.NOT_FOUND, "教师信息不存在，或不在您的管理范围内", field)


def no_org() -> DomainError:
    """The one answer for an org that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")


def no_school() -> DomainError:
    """The one answer for a school that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.FORBIDDEN, "学校不存在或不在本单位管辖范围内", "schoolCode")


def no_job() -> DomainError:
    """The one answer for an import job that does not exist or that the caller may not see."""
    return DomainError(ErrorCode.NOT_FOUND, "导入任务不存在，或不在您的管理范围内", "id")


def not_a_person() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "教师信息只能由本人或学校信息录入员填写，服务身份不能直接修改", "teacherId")


def not_a_writer(info_set: InfoSet) -> DomainError:
    who = "学校信息录入员" if info_set.writer == "school" else "本人或学校信息录入员"
    return DomainError(ErrorCode.FORBIDDEN, f"{info_set.label}只能由{who}填写", "teacherId")


def not_the_service() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "只有审核服务可以改变审核状态")
