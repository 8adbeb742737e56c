"""Login, password change and the teacher's initial-password retrieval."""

from __future__ import annotations

import datetime as dt
import secrets
import time

from services.identity.attempts import Attempts
from services.identity.audit import Audit, now
from services.identity.config import IdentityConfig
from services.identity.model import NATION_CODE, Account, Org
from services.identity.passwords import Hasher, PasswordPolicy, Sealer, same
from services.identity.storage import Storage
from tmis.auth import Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode
from tmis.rpc.context import client_addr

WRONG = "用户名或密码错误"
NOT_MATCHED = "信息不匹配，或初始密码已修改。如忘记密码，请联系学校系统管理员重置"
WINDOW_CLOSED = "本校教师信息采集已关闭，暂不能登录，请联系学校管理员"
RETRIEVE_WINDOW = dt.timedelta(minutes=10)
SEARCH_WINDOW = dt.timedelta(minutes=1)
SEARCH_LIMIT = 20


def locked_message(until: dt.datetime) -> str:
    local = until.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"连续登录失败次数过多，账号已锁定至 {local:%Y-%m-%d %H:%M}（北京时间），或请管理员解锁"


class Login:
    def __init__(
        self,
        storage: Storage,
        config: IdentityConfig,
        signer: TokenSigner,
        hasher: Hasher,
        sealer: Sealer,
        audit: Audit,
        sessions: dt.timedelta,
    ) -> None:
        self.storage = storage
        self.sessions = sessions  # how long a revocation must be kept: a renewed token keeps its login time
        self.config = config
        self.signer = signer
        self.hasher = hasher
        self.sealer = sealer
        self.policy = PasswordPolicy(config)
        self.audit = audit
        self.attempts = Attempts(storage, config)

    def token_for(self, account: Account) -> str:
        caller = Caller(
            account.id,
            account.username,
            account.org_code,
            account.org_path,
            account.roles,
            account.must_change_password,
            teacher_id=account.teacher_id,
        )
        return self.signer.sign(caller)

    async def _verify(self, account: Account | None, password: str) -> bool:
        """The password against the hash, or the sealed initial password; one argon2 run either way."""
        if account is not None and account.password_hash is None:
            await self.hasher.verify(None, password)
            return same(self.sealer.open(account.initial_password, account.id), password)
        return await self.hasher.verify(account.password_hash if account else None, password)

    async def _verified(
        self, username: str, account: Account | None, password: str, event: str = "LOGIN_FAILED"
    ) -> Account:
        """The account, when the password is right. The lockout is services/identity/attempts.py's:
        each attempt takes one of the username's `lockout_threshold` (5) places before its password
        is verified, waiting for one while they are all being verified. So at most 5 fail between
        two clears, and right passwords arriving together all sign in. Unknown usernames are
        counted the same way. The 5th failure, and every attempt while locked, is answered with
        the lock; a verified failure's audit entry names its place ("failure 3 of 5")."""
        self.hasher.admit()  # a storm beyond what the cores can hash in time: refused before anything is counted
        arrived, attempt = time.monotonic(), secrets.token_hex(8)
        path = account.org_path if account else (NATION_CODE,)
        lock = await self.attempts.reserve(username, attempt, arrived + self.hasher.max_wait)
        detail = ""
        if lock is None:
            if await self._checked(username, attempt, account, password, arrived) and account is not None:
                await self.attempts.succeeded(username, attempt)
                return account
            place, lock = await self.attempts.failed(username, attempt)
            result = ErrorCode.INVALID_CREDENTIALS
            detail = f"failure {place} of {self.config.lockout_threshold}" if place else "not counted (cleared)"
        else:
            await self.hasher.verify(None, password)  # same time as any other refusal
            result = ErrorCode.ACCOUNT_LOCKED
        await self.audit.record(
            event, actor=username, target=username, org_path=path, result=str(result), detail=detail
        )
        if lock and lock.started:
            until = f"until {lock.until.isoformat()}"
            await self.audit.record("LOCKED", actor="system", target=username, org_path=path, detail=until)
        changing = event == "PASSWORD_CHANGE_FAILED"
        if lock:
            field = "oldPassword" if changing else "username"
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, locked_message(lock.until), field)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, WRONG, "oldPassword" if changing else "password")

    async def _checked(
        self, username: str, attempt: str, account: Account | None, password: str, arrived: float
    ) -> bool:
        """The password verified by an attempt holding a place, unless the wait for the place and the
        hash queue together would be too long (RATE_LIMITED); a place not resolved is freed."""
        try:
            self.hasher.admit(time.monotonic() - arrived)
            return await self._verify(account, password)
        except BaseException:  # refused, interrupted or failed before a verdict: nothing counted
            await self.attempts.abandoned(username, attempt)
            raise

    async def _refused(self, username: str, path: tuple[str, ...], detail: str, message: str) -> DomainError:
        """A login refused although the password was right: audited, answered FORBIDDEN."""
        result = str(ErrorCode.FORBIDDEN)
        await self.audit.record(
            "LOGIN_FAILED", actor=username, target=username, org_path=path, result=result, detail=detail
        )
        return DomainError(ErrorCode.FORBIDDEN, message, "username")

    async def login(self, username: str, password: str) -> tuple[str, Account]:
        username, password = username.strip()[:64], password[:256]  # longer ones can never match
        account = await self._verified(username, await self.storage.account_by_username(username), password)
        path = account.org_path
        if not account.enabled:
            raise await self._refused(username, path, "disabled", "该账号已停用，请联系本单位系统管理员")
        if account.teacher_only and not (await self.storage.get_orgs([account.org_code]))[0].teacher_login_enabled:
            raise await self._refused(username, path, "window closed", WINDOW_CLOSED)
        if account.password_hash and self.hasher.needs_rehash(account.password_hash):
            await self.storage.update_account(account, {"password_hash": await self.hasher.hash(password)}, now())
        await self.audit.record("LOGIN", actor=username, target=username, org_path=path)
        return self.token_for(account), account

    async def change_password(self, caller: Caller, old: str, new: str) -> tuple[str, Account]:
        """The caller's own password (also allowed while a change is required); voids older tokens."""
        account = await self.storage.account_by_id(caller.account_id) if not caller.service else None
        if account is None or not account.enabled:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "账号不存在或已停用")
        await self._verified(account.username, account, old, "PASSWORD_CHANGE_FAILED")
        self.policy.check(new, account.username)
        initial = self.sealer.open(account.initial_password, account.id)
        reused = same(initial, new) or same(old, new)
        for previous in account.password_history[: self.policy.history]:
            reused = reused or await self.hasher.verify(previous, new)
        if reused:
            raise DomainError(
                ErrorCode.INVALID_INPUT, f"新密码不能与最近{self.policy.history}次使用过的密码相同", "newPassword"
            )
        new_hash = await self.hasher.hash(new)
        history = (new_hash, *account.password_history)[: self.policy.history]
        at = now()
        changes = {"password_hash": new_hash, "password_history": list(history), "must_change_password": False}
        if not await self.storage.update_account(account, changes, at, unset=("initial_password",)):
            raise DomainError(ErrorCode.VERSION_CONFLICT, "账号信息刚被修改，请重新登录后再试")
        await self.storage.revoke(account.id, at, self.sessions + dt.timedelta(minutes=1))
        await self.storage.clear_failures(account.username)
        await self.audit.record(
            "PASSWORD_CHANGED", actor=account.username, target=account.username, org_path=account.org_path
        )
        changed = await self.storage.account_by_id(account.id)
        if changed is None:  # deleted by an admin in the meantime
            raise DomainError(ErrorCode.UNAUTHENTICATED, "账号不存在或已停用")
        return self.token_for(changed), changed

    async def retrieve_initial(self, name: str, id_type: str, id_number: str, school_code: str) -> str:
        """教师自助 获取初始密码: one answer for every mismatch; rate-limited per identity and address."""
        id_number = id_number.strip().upper()[:32]
        at = now()
        limits = [(f"retrieve:id:{id_number}", self.config.retrieve_per_identity)]
        if client_addr.get():
            limits.append((f"retrieve:addr:{client_addr.get()}", self.config.retrieve_per_address))
        for key, limit in limits:
            if await self.storage.hit(key, RETRIEVE_WINDOW, at) > limit:
                raise DomainError(ErrorCode.RATE_LIMITED, "尝试次数过多，请10分钟后再试")
        account = await self.storage.account_by_username(id_number)
        initial = self.sealer.open(account.initial_password, account.id) if account else None
        matches = (
            account is not None
            and initial is not None
            and account.teacher_only
            and account.org_code == school_code.strip()
            and account.id_type == id_type.strip()
            and same(account.display_name, name.strip())
        )
        path = account.org_path if account else (NATION_CODE,)
        await self.audit.record(
            "INITIAL_PASSWORD_RETRIEVED",
            actor=id_number,
            target=id_number,
            org_path=path,
            result="OK" if matches else "NOT_MATCHED",
        )
        if not matches or initial is None:
            raise DomainError(ErrorCode.NOT_MATCHED, NOT_MATCHED)
        return initial

    async def search_schools(self, region_code: str, name: str) -> list[Org]:
        """教师自助: the schools (at most 20) under a region whose name contains `name`, for a
        visitor picking the school to retrieve a password with; rate-limited per address."""
        name = name.strip()[:50]
        if len(name) < 2:
            raise DomainError(ErrorCode.INVALID_INPUT, "请至少输入学校名称中的2个字", "name")
        if client_addr.get():
            hits = await self.storage.hit(f"schools:addr:{client_addr.get()}", SEARCH_WINDOW, now())
            if hits > self.config.school_search_per_minute:
                raise DomainError(ErrorCode.RATE_LIMITED, "查询过于频繁，请1分钟后再试")
        return await self.storage.search_schools(region_code.strip(), name, SEARCH_LIMIT)
