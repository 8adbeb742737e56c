from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt
from gateway.identity.types import Account, CreateOrgInput, Org
from tmis.proto.identity.v1 import identity_pb2 as pb


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
class IdentityMutation:
    @strawberry.mutation
    async def login(self, info: Info, username: str, password: str) -> LoginPayload:
        reply, errors = await attempt(info.context.clients.identity.Login(pb.LoginRequest(username=username, password=password), token=""))
        if reply is None:
            return LoginPayload(token=None, account=None, must_change_password=False, user_errors=errors)
        info.context.token = reply.token  # the account's org resolves with the new caller's rights
        account = Account.of(reply.account)
        return LoginPayload(token=reply.token, account=account, must_change_password=account.must_change_password, user_errors=[])

    @strawberry.mutation
    async def create_org(self, info: Info, input: CreateOrgInput) -> OrgPayload:
        request = pb.CreateOrgRequest(
            code=input.code.strip(),
            name=input.name,
            level=input.level.value,
            parent_code=input.parent_code.strip(),
            school_type=input.school_type.value if input.school_type else "",
        )
        org, errors = await attempt(info.context.clients.identity.CreateOrg(request, token=info.context.token))
        return OrgPayload(org=Org.of(org) if org else None, user_errors=errors)
