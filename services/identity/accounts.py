"""Account management by SYSTEM_ADMINs (create, reset, unlock, enable/disable, delete, list)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from typing import Any

from services.identity.audit import Audit, now
from services.identity.model import NATION_CODE, NATION_NAME, ROLES, Account, Org
from services.identity.passwords import Hasher, PasswordPolicy, Sealer
from services.identity.reach import may_hold, may_manage, refuse
from services.identity.storage import Storage
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.text import text_problem

ADMIN_USERNAME = "admin"
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,32}$")
ROLE_NAMES = {
    "SYSTEM_ADMIN": "系统管理员",
    "DATA_ENTRY": "信息录入员",
    "REVIEWER": "信息审核员",
    "QUERY": "信息查询员",
    "TEACHER": "教师",
}


def new_id() -> str:
    return secrets.token_hex(12)


class Accounts:
    def __init__(
        self,
        storage: Storage,
        policy: PasswordPolicy,
        hasher: Hasher,
        sealer: Sealer,
        audit: Audit,
        sessions: dt.timedelta,
    ) -> None:
        self.storage = storage
        self.policy = policy
        self.hasher = hasher
        self.sealer = sealer
        self.audit = audit
        self.sessions = sessions

    async def me(self, caller: Caller) -> Account:
        account = await self.storage.account_by_id(caller.account_id)
        if account is None or not account.enabled:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "账号不存在或已停用")
        return account

    async def with_locks(self, accounts: list[Account]) -> list[Account]:
        locks = await self.storage.locks_of([a.username for a in accounts])
        current = now()
        return [
            dataclasses.replace(a, locked_until=locks[a.username]) if locks.get(a.username, current) > current else a
            for a in accounts
        ]

    async def of_teachers(self, caller: Caller, teacher_ids: list[str]) -> list[Account]:
        """TEACHER accounts of these records: the teacher's own, or any in the caller's subtree for staff."""
        caller.require()
        found = await self.storage.accounts_of_teachers(list(dict.fromkeys(teacher_ids))[:1000])
        visible = [
            a
            for a in found
            if caller.service
            or caller.teacher_id == a.teacher_id
            or (not caller.teacher_only and caller.reaches(a.org_path))
        ]
        return await self.with_locks(visible)

    async def _managed(self, caller: Caller, account_id: str) -> Account:
        """The account, when the caller may manage it; one refusal for absent and out of reach."""
        caller.require("SYSTEM_ADMIN")
        account = await self.storage.account_by_id(account_id)
        if account is None or not may_manage(caller, account.org_path, account.roles):
            raise refuse()
        if account.id == caller.account_id:
            raise DomainError(ErrorCode.FORBIDDEN, "不能对自己的账号执行此操作", "accountId")
        return account

    async def _write(self, account: Account, changes: dict[str, Any], unset: tuple[str, ...] = ()) -> Account:
        if not await self.storage.update_account(account, changes, now(), unset):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "账号信息刚被他人修改，请刷新后重试", "accountId")
        changed = await self.storage.account_by_id(account.id)
        if changed is None:
            raise refuse()
        return changed

    async def _revoke(self, account: Account) -> None:
        await self.storage.revoke(account.id, now(), self.sessions + dt.timedelta(minutes=1))

    async def create(
        self, caller: Caller, username: str, org_code: str, roles: list[str], display_name: str, orgs: list[Org]
    ) -> tuple[Account, str]:
        caller.require("SYSTEM_ADMIN")
        username = username.strip()
        if not _USERNAME.match(username):
            raise DomainError(ErrorCode.INVALID_INPUT, "用户名应为3至32位英文字母、数字或 _ . @ -", "input.username")
        roles = list(dict.fromkeys(roles))
        if not roles or any(r not in ROLES for r in roles):
            raise DomainError(ErrorCode.INVALID_INPUT, "请至少选择一个有效的角色", "input.roles")
        if "TEACHER" in roles:
            raise DomainError(
                ErrorCode.INVALID_INPUT, "教师账号请通过“批量生成教师账号”创建，用户名为身份证件号", "input.roles"
            )
        if not may_hold(roles):
            raise DomainError(
                ErrorCode.INVALID_INPUT, "系统管理员只管理账号，不能兼任其他角色；请另建一个账号", "input.roles"
            )
        display_name = display_name.strip()
        if len(display_name) > 50:
            raise DomainError(ErrorCode.INVALID_INPUT, "姓名不超过50个字", "input.displayName")
        if problem := text_problem(display_name):
            raise DomainError(ErrorCode.INVALID_INPUT, f"姓名{problem}", "input.displayName")
        org = orgs[0] if orgs else None
        if org is None or not may_manage(caller, org.path, roles):
            who = "下一级单位的系统管理员" if "SYSTEM_ADMIN" in roles else "本单位的非管理员账号"
            raise DomainError(ErrorCode.FORBIDDEN, f"您只能创建{who}", "input.orgCode")
        password = self.policy.generate()
        account_id = new_id()
        account = Account(
            account_id,
            username,
            display_name,
            org.code,
            org.path,
            tuple(roles),
            must_change_password=True,
            initial_password=self.sealer.seal(password, account_id),
        )
        await self.storage.insert_account(account, now())
        await self.audit.record(
            "ACCOUNT_CREATED", actor=caller.username, target=username, org_path=org.path, detail=",".join(roles)
        )
        return account, password

    async def reset_password(self, caller: Caller, account_id: str) -> tuple[Account, str]:
        account = await self._managed(caller, account_id)
        password = self.policy.generate()
        changed = await self._write(
            account,
            {"initial_password": self.sealer.seal(password, account.id), "must_change_password": True},
            unset=("password_hash",),
        )
        await self._revoke(account)
        await self.storage.clear_failures(account.username)
        await self.audit.record(
            "PASSWORD_RESET", actor=caller.username, target=account.username, org_path=account.org_path
        )
        return changed, password

    async def unlock(self, caller: Caller, account_id: str) -> Account:
        account = await self._managed(caller, account_id)
        await self.storage.clear_failures(account.username)
        await self.audit.record("UNLOCKED", actor=caller.username, target=account.username, org_path=account.org_path)
        return account

    async def set_enabled(self, caller: Caller, account_id: str, enabled: bool) -> Account:
        account = await self._managed(caller, account_id)
        changed = await self._write(account, {"enabled": enabled})
        if not enabled:
            await self._revoke(account)
        event = "ACCOUNT_ENABLED" if enabled else "ACCOUNT_DISABLED"
        await self.audit.record(event, actor=caller.username, target=account.username, org_path=account.org_path)
        return changed

    async def place_teacher(self, caller: Caller, teacher_id: str, school: Org | None, enabled: bool) -> list[Account]:
        """调动, 减员, 重新入职 (the review service only): the teacher's account, if any, moved to
        `school` (None: kept where it is) and enabled or disabled; its older tokens stop working
        (they carry the old org). Idempotent: an account already so placed is left as it is."""
        if not caller.service:
            raise DomainError(ErrorCode.FORBIDDEN, "没有执行此操作的权限")
        out = []
        for account in await self.storage.accounts_of_teachers([teacher_id]):
            changes: dict[str, Any] = {}
            if school is not None and account.org_code != school.code:
                changes.update(org_code=school.code, org_path=list(school.path))
            if account.enabled != enabled:
                changes["enabled"] = enabled
            if changes:
                account = await self._write(account, changes)
                await self._revoke(account)
                await self.audit.record(
                    "TEACHER_ACCOUNT_PLACED",
                    actor=caller.username,
                    target=account.username,
                    org_path=account.org_path,
                    detail=f"{account.org_code} enabled={enabled}",
                )
            out.append(account)
        return out

    async def delete(self, caller: Caller, account_id: str) -> Account:
        account = await self._managed(caller, account_id)
        if not await self.storage.delete_account(account):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "账号信息刚被他人修改，请刷新后重试", "accountId")
        await self._revoke(account)
        await self.storage.clear_failures(account.username)
        await self.audit.record(
            "ACCOUNT_DELETED", actor=caller.username, target=account.username, org_path=account.org_path
        )
        return account

    async def list(
        self, caller: Caller, org: Org | None, role: str, first: int, after: str
    ) -> tuple[list[Account], bool, int]:
        """Accounts of `org` that the caller manages: its own org's non-admins, or a child org's admins."""
        caller.require("SYSTEM_ADMIN")
        if role and role not in ROLES:
            raise DomainError(ErrorCode.INVALID_INPUT, "角色无效", "role")
        if org is None:
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        if caller.service or org.code == caller.org_code:
            query: dict[str, Any] = (
                {"org_code": org.code, "roles": {"$ne": "SYSTEM_ADMIN"}}
                if not caller.service
                else {"org_code": org.code}
            )
        elif org.parent_code == caller.org_code:
            query = {"org_code": org.code, "roles": "SYSTEM_ADMIN"}
        else:
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        if role:
            query = {"$and": [query, {"roles": role}]}
        first = max(1, min(first or 50, 200))
        found, total = await self.storage.list_accounts(query, after, first + 1)
        return await self.with_locks(found[:first]), len(found) > first, total

    async def ensure_admin(self, caller: Caller, password: str) -> tuple[bool, str]:
        """The NATION org and its `admin` account, created once (suite start-up only). A generated
        password is an initial password: it must be changed at the first login."""
        if not caller.service:
            raise DomainError(ErrorCode.FORBIDDEN, "没有执行此操作的权限")
        if not await self.storage.get_orgs([NATION_CODE]):
            await self.storage.insert_org(Org(NATION_CODE, NATION_NAME, "NATION", "", "", (NATION_CODE,)))
        if await self.storage.account_by_username(ADMIN_USERNAME):
            return False, ""
        if password:
            self.policy.check(password, ADMIN_USERNAME, field="TMIS_ADMIN_PASSWORD")
        generated = not password
        password = password or self.policy.generate()
        admin = Account(
            new_id(),
            ADMIN_USERNAME,
            "系统管理员",
            NATION_CODE,
            (NATION_CODE,),
            ("SYSTEM_ADMIN",),
            must_change_password=generated,
            password_hash=await self.hasher.hash(password),
        )
        await self.storage.insert_account(admin, now())
        await self.audit.record(
            "ACCOUNT_CREATED", actor="system", target=ADMIN_USERNAME, org_path=(NATION_CODE,), detail="SYSTEM_ADMIN"
        )
        return True, password
