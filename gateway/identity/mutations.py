from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal
from gateway.files import download_url
from gateway.identity.types import Account, CreateAccountInput, CreateOrgInput, Org, RetrieveInitialPasswordInput
from tmis.proto.identity.v1 import identity_pb2 as pb

LABELS = {"name": "姓名", "idType": "身份证件类型", "idNumber": "身份证件号", "schoolCode": "学校"}


@strawberry.type
class LoginPayload:
    token: str | None
    account: Account | None
    must_change_password: bool
    user_errors: list[UserError]


@strawberry.type
class OrgPayload:
    org: Org | None
    user_errors: list[UserError]


@strawberry.type
class AccountPayload:
    account: Account | None
    initial_password: str | None = strawberry.field(
        description="Shown once, on create and reset; never stored in readable form after first change."
    )
    user_errors: list[UserError]
    token: str | None = strawberry.field(
        default=None, description="changePassword: the caller's new token; older tokens stop working."
    )


@strawberry.type
class RetrieveInitialPasswordPayload:
    initial_password: str | None
    user_errors: list[UserError]


@strawberry.type
class GenerateAccountsPayload:
    created: int
    existing: int
    export_url: str | None = strawberry.field(
        description="导出: .xlsx of usernames and initial passwords (blank once changed)."
    )
    user_errors: list[UserError]


AdminRpc = Callable[..., Awaitable[pb.AccountWithPassword | pb.Account]]


async def _as_admin(info: Info, rpc: AdminRpc, request: object) -> AccountPayload:
    """An account operation of a SYSTEM_ADMIN: the gateway's check, then the service's."""
    if errors := refusal(info.context.caller, "SYSTEM_ADMIN"):
        return _account_payload(None, errors)
    return _account_payload(*await attempt(rpc(request, token=info.context.token)))


def _account_payload(reply: pb.AccountWithPassword | pb.Account | None, errors: list[UserError]) -> AccountPayload:
    if reply is None:
        return AccountPayload(account=None, initial_password=None, user_errors=errors)
    if isinstance(reply, pb.AccountWithPassword):
        return AccountPayload(
            account=Account.of(reply.account), initial_password=reply.initial_password or None, user_errors=[]
        )
    return AccountPayload(account=Account.of(reply), initial_password=None, user_errors=[])


@strawberry.type
class IdentityMutation:
    @strawberry.mutation
    async def login(self, info: Info, username: str, password: str) -> LoginPayload:
        reply, errors = await attempt(
            info.context.clients.identity.Login(pb.LoginRequest(username=username, password=password), token="")
        )
        if reply is None:
            return LoginPayload(token=None, account=None, must_change_password=False, user_errors=errors)
        info.context.sign_in(reply.token)  # the account's org resolves with the new caller's rights
        account = Account.of(reply.account)
        return LoginPayload(
            token=reply.token, account=account, must_change_password=account.must_change_password, user_errors=[]
        )

    @strawberry.mutation(description="Required before anything else when mustChangePassword is true.")
    async def change_password(self, info: Info, old_password: str, new_password: str) -> AccountPayload:
        if errors := refusal(info.context.caller, before_change=True):
            return _account_payload(None, errors)
        request = pb.ChangePasswordRequest(old_password=old_password, new_password=new_password)
        reply, errors = await attempt(info.context.clients.identity.ChangePassword(request, token=info.context.token))
        if reply is None:
            return _account_payload(None, errors)
        info.context.sign_in(reply.token)
        return AccountPayload(
            account=Account.of(reply.account), initial_password=None, user_errors=[], token=reply.token
        )

    @strawberry.mutation(
        description=(
            "教师自助: 获取初始密码. Returns the initial password only while it was never changed and the identity "
            "facts match."
        )
    )
    async def retrieve_initial_password(
        self, info: Info, input: RetrieveInitialPasswordInput
    ) -> RetrieveInitialPasswordPayload:
        # an empty form says what is missing, field by field, rather than "信息不匹配"
        given = {
            "name": input.name,
            "idType": input.id_type,
            "idNumber": input.id_number,
            "schoolCode": input.school_code,
        }
        if missing := [k for k, v in given.items() if not v.strip()]:
            return RetrieveInitialPasswordPayload(
                initial_password=None,
                user_errors=[UserError(code="INVALID_INPUT", message=f"请填写{LABELS[k]}", field=k) for k in missing],
            )
        request = pb.RetrieveInitialPasswordRequest(
            name=input.name, id_type=input.id_type, id_number=input.id_number, school_code=input.school_code
        )
        reply, errors = await attempt(info.context.clients.identity.RetrieveInitialPassword(request, token=""))
        return RetrieveInitialPasswordPayload(
            initial_password=reply.initial_password if reply else None, user_errors=errors
        )

    @strawberry.mutation
    async def create_org(self, info: Info, input: CreateOrgInput) -> OrgPayload:
        if errors := refusal(info.context.caller, "SYSTEM_ADMIN"):
            return OrgPayload(org=None, user_errors=errors)
        request = pb.CreateOrgRequest(
            code=input.code.strip(),
            name=input.name,
            level=input.level.value,
            parent_code=input.parent_code.strip(),
            school_type=input.school_type.value if input.school_type else "",
        )
        org, errors = await attempt(info.context.clients.identity.CreateOrg(request, token=info.context.token))
        return OrgPayload(org=Org.of(org) if org else None, user_errors=errors)

    @strawberry.mutation
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        request = pb.CreateAccountRequest(
            username=input.username,
            org_code=input.org_code.strip(),
            roles=[r.value for r in input.roles],
            display_name=input.display_name or "",
        )
        return await _as_admin(info, info.context.clients.identity.CreateAccount, request)

    @strawberry.mutation
    async def reset_password(self, info: Info, account_id: strawberry.ID) -> AccountPayload:
        return await _as_admin(
            info, info.context.clients.identity.ResetPassword, pb.AccountIdRequest(account_id=account_id)
        )

    @strawberry.mutation
    async def unlock_account(self, info: Info, account_id: strawberry.ID) -> AccountPayload:
        return await _as_admin(
            info, info.context.clients.identity.UnlockAccount, pb.AccountIdRequest(account_id=account_id)
        )

    @strawberry.mutation
    async def set_account_enabled(self, info: Info, account_id: strawberry.ID, enabled: bool) -> AccountPayload:
        return await _as_admin(
            info,
            info.context.clients.identity.SetAccountEnabled,
            pb.SetAccountEnabledRequest(account_id=account_id, enabled=enabled),
        )

    @strawberry.mutation(description="Deletes a login only; the teacher's record stays and can be given a new account.")
    async def delete_account(self, info: Info, account_id: strawberry.ID) -> AccountPayload:
        return await _as_admin(
            info, info.context.clients.identity.DeleteAccount, pb.AccountIdRequest(account_id=account_id)
        )

    @strawberry.mutation(
        description="批量生成教师个人账户 for every teacher of the school without one; username = 身份证件号."
    )
    async def generate_teacher_accounts(self, info: Info, school_code: str) -> GenerateAccountsPayload:
        caller = info.context.caller
        if errors := refusal(caller, "SYSTEM_ADMIN"):
            return GenerateAccountsPayload(created=0, existing=0, export_url=None, user_errors=errors)
        request = pb.GenerateTeacherAccountsRequest(school_code=school_code.strip())
        reply, errors = await attempt(
            info.context.clients.identity.GenerateTeacherAccounts(request, token=info.context.token)
        )
        if reply is None or caller is None:
            return GenerateAccountsPayload(created=0, existing=0, export_url=None, user_errors=errors)
        url = download_url(
            info.context.request, info.context.signer, caller, f"/files/teacher-accounts/{request.school_code}.xlsx"
        )
        return GenerateAccountsPayload(created=reply.created, existing=reply.existing, export_url=url, user_errors=[])

    @strawberry.mutation(
        description=(
            "Closes or reopens the collection window: while closed no TEACHER of the school can log in or write."
        )
    )
    async def set_teacher_login_enabled(self, info: Info, school_code: str, enabled: bool) -> OrgPayload:
        if errors := refusal(info.context.caller, "SYSTEM_ADMIN"):
            return OrgPayload(org=None, user_errors=errors)
        request = pb.SetTeacherLoginEnabledRequest(school_code=school_code.strip(), enabled=enabled)
        org, errors = await attempt(
            info.context.clients.identity.SetTeacherLoginEnabled(request, token=info.context.token)
        )
        return OrgPayload(org=Org.of(org) if org else None, user_errors=errors)
