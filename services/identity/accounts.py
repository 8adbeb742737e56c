"""Accounts and login."""
from __future__ import annotations

import datetime as dt
import secrets

from services.identity.model import NATION_CODE, NATION_NAME, Account, Org
from services.identity.passwords import Passwords
from services.identity.storage import Storage
from tmis.auth import Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode

ADMIN_USERNAME = "admin"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Accounts:
    def __init__(self, storage: Storage, signer: TokenSigner, passwords: Passwords) -> None:
        self.storage = storage
        self.signer = signer
        self.passwords = passwords

    def token_for(self, account: Account) -> str:
        caller = Caller(
            account_id=account.id,
            username=account.username,
            org_code=account.org_code,
            org_path=account.org_path,
            roles=account.roles,
            must_change_password=account.must_change_password,
        )
        return self.signer.sign(caller)

    async def login(self, username: str, password: str) -> tuple[str, Account]:
        account = await self.storage.account_by_username(username.strip())
        # The hash is verified even for unknown names so both take the same time.
        ok = self.passwords.verify(account.password_hash if account else None, password)
        if account is None or not ok:
            raise DomainError(ErrorCode.INVALID_CREDENTIALS, "用户名或密码错误", "password")
        if not account.enabled:
            raise DomainError(ErrorCode.FORBIDDEN, "该账号已停用，请联系本单位系统管理员", "username")
        if self.passwords.needs_rehash(account.password_hash):
            await self.storage.set_password_hash(account.id, self.passwords.hash(password))
        return self.token_for(account), account

    async def me(self, caller: Caller) -> Account:
        account = await self.storage.account_by_id(caller.account_id)
        if account is None or not account.enabled:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "账号不存在或已停用")
        return account

    async def ensure_admin(self, caller: Caller, password: str) -> tuple[bool, str]:
        """The NATION org and its `admin` account, created once (suite start-up only)."""
        if not caller.service:
            raise DomainError(ErrorCode.FORBIDDEN, "没有执行此操作的权限")
        if not await self.storage.get_orgs([NATION_CODE]):
            await self.storage.insert_org(Org(NATION_CODE, NATION_NAME, "NATION", "", "", (NATION_CODE,)))
        if await self.storage.account_by_username(ADMIN_USERNAME):
            return False, ""
        password = password or self.passwords.generate()
        admin = Account(
            id=secrets.token_hex(12),
            username=ADMIN_USERNAME,
            display_name="系统管理员",
            org_code=NATION_CODE,
            org_path=(NATION_CODE,),
            roles=("SYSTEM_ADMIN",),
            enabled=True,
            must_change_password=False,
            password_hash=self.passwords.hash(password),
        )
        await self.storage.insert_account(admin, _now())
        return True, password
