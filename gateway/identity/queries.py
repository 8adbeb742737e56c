from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.errors import require
from gateway.identity.types import (
    Account,
    AccountConnection,
    AccountEdge,
    AuditEvent,
    AuditEventConnection,
    AuditEventEdge,
    Org,
    Role,
)
from gateway.pagination import PageInfo, decode_cursor, encode_cursor, page_size
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
            if err.code in (ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN):  # voided, or its window closed
                return None
            raise

    @strawberry.field
    async def org(self, info: Info, code: str) -> Org | None:
        if info.context.caller is None:
            return None
        found = await info.context.loaders.org_by_code.load(code)
        return Org.of(found) if found else None

    @strawberry.field(
        description=(
            "教师自助: at most 20 schools under a region (province, city or district code) whose name contains "
            "`name` (2 characters or more); open to visitors."
        )
    )
    async def search_schools(self, info: Info, region_code: str, name: str) -> list[Org]:
        request = pb.SearchSchoolsRequest(region_code=region_code, name=name)
        return [Org.of(o) for o in (await info.context.clients.identity.SearchSchools(request, token="")).orgs]

    @strawberry.field(description="Accounts of an org that the caller (a SYSTEM_ADMIN) manages, by username.")
    async def accounts(
        self, info: Info, org_code: str, role: Role | None = None, first: int | None = 50, after: str | None = None
    ) -> AccountConnection:
        require(info.context.caller, "SYSTEM_ADMIN")
        request = pb.ListAccountsRequest(
            org_code=org_code, role=role.value if role else "", first=page_size(first), after=decode_cursor(after)
        )
        reply = await info.context.clients.identity.ListAccounts(request, token=info.context.token)
        edges = [AccountEdge(cursor=encode_cursor(a.username), node=Account.of(a)) for a in reply.accounts]
        page = PageInfo(has_next_page=reply.has_next_page, end_cursor=edges[-1].cursor if edges else None)
        return AccountConnection(edges=edges, page_info=page, total_count=reply.total_count)

    @strawberry.field(
        description=(
            "安全审计: security events about accounts and orgs of an org's subtree, newest first (SYSTEM_ADMIN)."
        )
    )
    async def audit_log(
        self, info: Info, org_code: str, first: int | None = 50, after: str | None = None
    ) -> AuditEventConnection:
        require(info.context.caller, "SYSTEM_ADMIN")
        request = pb.ListAuditEventsRequest(org_code=org_code, first=page_size(first), after=decode_cursor(after))
        reply = await info.context.clients.identity.ListAuditEvents(request, token=info.context.token)
        edges = [
            AuditEventEdge(
                cursor=encode_cursor(e.id),
                node=AuditEvent(
                    id=strawberry.ID(e.id),
                    at=e.at,
                    event=e.event,
                    result=e.result,
                    actor=e.actor,
                    target=e.target,
                    org_code=e.org_code,
                    client_addr=e.client_addr or None,
                    detail=e.detail or None,
                ),
            )
            for e in reply.events
        ]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=reply.has_next_page, end_cursor=edges[-1].cursor if edges else None),
        )
