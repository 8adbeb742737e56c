"""gRPC adapter of the identity service: protobuf in, domain call, protobuf out."""
from __future__ import annotations

import grpc

from services.identity.accounts import Accounts
from services.identity.model import Account, Org
from services.identity.orgs import Orgs
from tmis.proto.identity.v1 import identity_pb2 as pb
from tmis.proto.identity.v1 import identity_pb2_grpc
from tmis.rpc import current_caller

PUBLIC_METHODS = ("/tmis.identity.v1.IdentityService/Login",)


def org_pb(org: Org) -> pb.Org:
    return pb.Org(
        code=org.code,
        name=org.name,
        level=org.level,
        parent_code=org.parent_code,
        school_type=org.school_type,
        path=org.path,
        teacher_login_enabled=org.teacher_login_enabled,
    )


def account_pb(account: Account) -> pb.Account:
    return pb.Account(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        org_code=account.org_code,
        roles=account.roles,
        enabled=account.enabled,
        must_change_password=account.must_change_password,
        locked_until=account.locked_until.isoformat() if account.locked_until else "",
    )


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, orgs: Orgs, accounts: Accounts) -> None:
        self.orgs = orgs
        self.accounts = accounts

    async def Login(self, request: pb.LoginRequest, context: grpc.aio.ServicerContext) -> pb.LoginReply:
        token, account = await self.accounts.login(request.username, request.password)
        return pb.LoginReply(token=token, account=account_pb(account))

    async def GetMe(self, request: pb.GetMeRequest, context: grpc.aio.ServicerContext) -> pb.Account:
        return account_pb(await self.accounts.me(current_caller()))

    async def CreateOrg(self, request: pb.CreateOrgRequest, context: grpc.aio.ServicerContext) -> pb.Org:
        org = await self.orgs.create(current_caller(), request.code, request.name, request.level, request.parent_code, request.school_type)
        return org_pb(org)

    async def BatchGetOrgs(self, request: pb.BatchGetOrgsRequest, context: grpc.aio.ServicerContext) -> pb.OrgList:
        return pb.OrgList(orgs=[org_pb(o) for o in await self.orgs.get(current_caller(), list(request.codes))])

    async def ListChildOrgs(self, request: pb.ListChildOrgsRequest, context: grpc.aio.ServicerContext) -> pb.OrgList:
        return pb.OrgList(orgs=[org_pb(o) for o in await self.orgs.children(current_caller(), list(request.parent_codes))])

    async def EnsureAdmin(self, request: pb.EnsureAdminRequest, context: grpc.aio.ServicerContext) -> pb.EnsureAdminReply:
        created, password = await self.accounts.ensure_admin(current_caller(), request.password)
        return pb.EnsureAdminReply(created=created, password=password)
