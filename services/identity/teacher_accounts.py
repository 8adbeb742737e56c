"""教师个人账户: generated in batch from the school's roster (username = 身份证件号), exported
with their initial passwords while those are unchanged."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from services.identity.accounts import new_id
from services.identity.audit import Audit, now
from services.identity.model import Account, Org
from services.identity.passwords import PasswordPolicy, Sealer
from services.identity.storage import Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class RosterEntry:
    teacher_id: str
    name: str
    id_type: str
    id_number: str


RosterOf = Callable[[str], Awaitable[list[RosterEntry]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _school_admin(caller: Caller, school: Org | None) -> Org:
    """Only the school's own SYSTEM_ADMIN manages its teacher accounts."""
    caller.require("SYSTEM_ADMIN")
    if school is None or school.level != "SCHOOL" or not (caller.service or caller.org_code == school.code):
        raise DomainError(ErrorCode.FORBIDDEN, "只有本校系统管理员可以管理教师账号", "schoolCode")
    return school


class TeacherAccounts:
    def __init__(
        self, storage: Storage, policy: PasswordPolicy, sealer: Sealer, audit: Audit, roster_of: RosterOf
    ) -> None:
        self.storage = storage
        self.policy = policy
        self.sealer = sealer
        self.audit = audit
        self.roster_of = roster_of

    async def generate(self, caller: Caller, school: Org | None) -> tuple[int, int]:
        """(created, existing); running it again creates nothing twice."""
        school = _school_admin(caller, school)
        roster = await self.roster_of(school.code)
        taken = set()
        for start in range(0, len(roster), 500):
            taken |= await self.storage.existing_usernames([t.id_number for t in roster[start : start + 500]])
        fresh = []
        for teacher in roster:
            if teacher.id_number in taken:
                continue
            taken.add(teacher.id_number)
            account_id = new_id()
            fresh.append(
                Account(
                    account_id,
                    teacher.id_number,
                    teacher.name,
                    school.code,
                    school.path,
                    ("TEACHER",),
                    must_change_password=True,
                    initial_password=self.sealer.seal(self.policy.generate(), account_id),
                    teacher_id=teacher.teacher_id,
                    id_type=teacher.id_type,
                )
            )
        created = await self.storage.insert_accounts(fresh, now())
        await self.audit.record(
            "TEACHER_ACCOUNTS_GENERATED",
            actor=caller.username,
            target=school.code,
            org_path=school.path,
            detail=f"created {created}",
        )
        return created, len(roster) - created

    async def export(self, caller: Caller, school: Org | None) -> tuple[str, bytes]:
        """(filename, .xlsx) of 姓名, 用户名, 初始密码 — blank once a teacher has changed it."""
        school = _school_admin(caller, school)
        book = Workbook()
        sheet = book.worksheets[0]  # the active one of a new workbook, typed as a Worksheet
        sheet.title = "教师账号"
        sheet.append(["姓名", "用户名", "初始密码", "状态"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        after = ""
        while True:
            page, _ = await self.storage.list_accounts({"org_code": school.code, "roles": "TEACHER"}, after, 500)
            for account in page:
                initial = (
                    self.sealer.open(account.initial_password, account.id) if account.must_change_password else None
                )
                state = "已停用" if not account.enabled else ("未修改初始密码" if initial else "已修改密码")
                sheet.append([account.display_name, account.username, initial or "", state])
            if len(page) < 500:
                break
            after = page[-1].username
        for column, width in zip("ABCD", (12, 22, 16, 16), strict=True):
            sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        book.save(out)
        await self.audit.record(
            "TEACHER_ACCOUNTS_EXPORTED", actor=caller.username, target=school.code, org_path=school.path
        )
        return f"教师账号-{school.code}.xlsx", out.getvalue()
