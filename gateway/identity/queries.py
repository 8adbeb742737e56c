from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.identity.types import Account, Org
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The caller's account; null when not logged in.")
    async def me(self, info: Info) -> Account | None:
        if info.context.caller is None:
            return None
        try:
            return Account.of(await info.context.clients.identity.GetMe(pb.GetMeRequest(), token=info.context.token))
        except DomainError as err:
            if err.code == ErrorCode.UNAUTHENTICATED:
                return None
            raise

    @strawberry.field
    async def org(self, info: Info, code: str) -> Org | None:
        if info.context.caller is None:
            return None
        found = await info.context.loaders.org_by_code.load(code)
        return Org.of(found) if found else None
