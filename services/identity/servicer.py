"""gRPC adapter of the identity service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import grpc

from services.identity.accounts import Accounts
from services.identity.audit import Audit
from services.identity.login import Login as LoginFlows
from services.identity.model import Account, Org
from services.identity.orgs import Orgs
from services.identity.teacher_accounts import XLSX, TeacherAccounts
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb
from tmis.proto.identity.v1 import identity_pb2_grpc
from tmis.revocations import Revocations
from tmis.rpc import current_caller

PUBLIC_METHODS = (
    "/tmis.identity.v1.IdentityService/Login",
    "/tmis.identity.v1.IdentityService/RetrieveInitialPassword",
    "/tmis.identity.v1.IdentityService/SearchSchools",
)
# what a token opens before its first password change (BatchGetOrgs: its own org path, for `me`)
BEFORE_CHANGE_METHODS = (
    "/tmis.identity.v1.IdentityService/GetMe",
    "/tmis.identity.v1.IdentityService/ChangePassword",
    "/tmis.identity.v1.IdentityService/BatchGetOrgs",
)


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
        teacher_id=account.teacher_id,
    )


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(
        self,
        orgs: Orgs,
        login: LoginFlows,
        accounts: Accounts,
        teachers: TeacherAccounts,
        audit: Audit,
        revocations: Revocations,
    ) -> None:
        self.orgs = orgs
        self.login = login
        self.accounts = accounts
        self.teachers = teachers
        self.audit = audit
        self.revocations = revocations

    async def _org(self, caller: Caller, code: str) -> Org | None:
        found = await self.orgs.get(caller, [code])
        return found[0] if found else None

    async def Login(
        self, request: pb.LoginRequest, context: grpc.aio.ServicerContext[pb.LoginRequest, pb.LoginReply]
    ) -> pb.LoginReply:
        token, account = await self.login.login(request.username, request.password)
        return pb.LoginReply(token=token, account=account_pb(account))

    async def RetrieveInitialPassword(
        self,
        request: pb.RetrieveInitialPasswordRequest,
        context: grpc.aio.ServicerContext[pb.RetrieveInitialPasswordRequest, pb.RetrieveInitialPasswordReply],
    ) -> pb.RetrieveInitialPasswordReply:
        password = await self.login.retrieve_initial(
            request.name, request.id_type, request.id_number, request.school_code
        )
        return pb.RetrieveInitialPasswordReply(initial_password=password)

    async def ChangePassword(
        self,
        request: pb.ChangePasswordRequest,
        context: grpc.aio.ServicerContext[pb.ChangePasswordRequest, pb.LoginReply],
    ) -> pb.LoginReply:
        token, account = await self.login.change_password(current_caller(), request.old_password, request.new_password)
        return pb.LoginReply(token=token, account=account_pb(account))

    async def GetMe(
        self, request: pb.GetMeRequest, context: grpc.aio.ServicerContext[pb.GetMeRequest, pb.Account]
    ) -> pb.Account:
        account = await self.accounts.me(current_caller())
        return account_pb((await self.accounts.with_locks([account]))[0])

    async def CreateOrg(
        self, request: pb.CreateOrgRequest, context: grpc.aio.ServicerContext[pb.CreateOrgRequest, pb.Org]
    ) -> pb.Org:
        org = await self.orgs.create(
            current_caller(), request.code, request.name, request.level, request.parent_code, request.school_type
        )
        return org_pb(org)

    async def BatchGetOrgs(
        self, request: pb.BatchGetOrgsRequest, context: grpc.aio.ServicerContext[pb.BatchGetOrgsRequest, pb.OrgList]
    ) -> pb.OrgList:
        return pb.OrgList(orgs=[org_pb(o) for o in await self.orgs.get(current_caller(), list(request.codes))])

    async def ListChildOrgs(
        self, request: pb.ListChildOrgsRequest, context: grpc.aio.ServicerContext[pb.ListChildOrgsRequest, pb.OrgList]
    ) -> pb.OrgList:
        return pb.OrgList(
            orgs=[org_pb(o) for o in await self.orgs.children(current_caller(), list(request.parent_codes))]
        )

    async def SetTeacherLoginEnabled(
        self,
        request: pb.SetTeacherLoginEnabledRequest,
        context: grpc.aio.ServicerContext[pb.SetTeacherLoginEnabledRequest, pb.Org],
    ) -> pb.Org:
        return org_pb(await self.orgs.set_teacher_login(current_caller(), request.school_code, request.enabled))

    async def CreateAccount(
        self,
        request: pb.CreateAccountRequest,
        context: grpc.aio.ServicerContext[pb.CreateAccountRequest, pb.AccountWithPassword],
    ) -> pb.AccountWithPassword:
        caller = current_caller()
        caller.require("SYSTEM_ADMIN")
        orgs = await self.orgs.get(caller, [request.org_code])
        account, password = await self.accounts.create(
            caller, request.username, request.org_code, list(request.roles), request.display_name, orgs
        )
        return pb.AccountWithPassword(account=account_pb(account), initial_password=password)

    async def ResetPassword(
        self,
        request: pb.AccountIdRequest,
        context: grpc.aio.ServicerContext[pb.AccountIdRequest, pb.AccountWithPassword],
    ) -> pb.AccountWithPassword:
        account, password = await self.accounts.reset_password(current_caller(), request.account_id)
        return pb.AccountWithPassword(account=account_pb(account), initial_password=password)

    async def UnlockAccount(
        self, request: pb.AccountIdRequest, context: grpc.aio.ServicerContext[pb.AccountIdRequest, pb.Account]
    ) -> pb.Account:
        return account_pb(await self.accounts.unlock(current_caller(), request.account_id))

    async def SetAccountEnabled(
        self,
        request: pb.SetAccountEnabledRequest,
        context: grpc.aio.ServicerContext[pb.SetAccountEnabledRequest, pb.Account],
    ) -> pb.Account:
        return account_pb(await self.accounts.set_enabled(current_caller(), request.account_id, request.enabled))

    async def DeleteAccount(
        self, request: pb.AccountIdRequest, context: grpc.aio.ServicerContext[pb.AccountIdRequest, pb.Account]
    ) -> pb.Account:
        return account_pb(await self.accounts.delete(current_caller(), request.account_id))

    async def ListAccounts(
        self, request: pb.ListAccountsRequest, context: grpc.aio.ServicerContext[pb.ListAccountsRequest, pb.AccountPage]
    ) -> pb.AccountPage:
        caller = current_caller()
        caller.require("SYSTEM_ADMIN")
        org = await self._org(caller, request.org_code)
        found, more, total = await self.accounts.list(caller, org, request.role, request.first, request.after)
        return pb.AccountPage(accounts=[account_pb(a) for a in found], has_next_page=more, total_count=total)

    async def BatchGetAccountsByTeacher(
        self,
        request: pb.BatchGetAccountsByTeacherRequest,
        context: grpc.aio.ServicerContext[pb.BatchGetAccountsByTeacherRequest, pb.AccountList],
    ) -> pb.AccountList:
        found = await self.accounts.of_teachers(current_caller(), list(request.teacher_ids))
        return pb.AccountList(accounts=[account_pb(a) for a in found])

    async def PlaceTeacherAccount(
        self,
        request: pb.PlaceTeacherAccountRequest,
        context: grpc.aio.ServicerContext[pb.PlaceTeacherAccountRequest, pb.AccountList],
    ) -> pb.AccountList:
        caller = current_caller()
        school = await self._org(caller, request.school_code) if request.school_code else None
        if request.school_code and (school is None or school.level != "SCHOOL"):
            raise DomainError(ErrorCode.NOT_FOUND, "学校不存在", "schoolCode")
        placed = await self.accounts.place_teacher(caller, request.teacher_id, school, request.enabled)
        return pb.AccountList(accounts=[account_pb(a) for a in placed])

    async def GenerateTeacherAccounts(
        self,
        request: pb.GenerateTeacherAccountsRequest,
        context: grpc.aio.ServicerContext[pb.GenerateTeacherAccountsRequest, pb.GenerateTeacherAccountsReply],
    ) -> pb.GenerateTeacherAccountsReply:
        caller = current_caller()
        caller.require("SYSTEM_ADMIN")
        created, existing = await self.teachers.generate(caller, await self._org(caller, request.school_code))
        return pb.GenerateTeacherAccountsReply(created=created, existing=existing)

    async def ExportTeacherAccounts(
        self,
        request: pb.ExportTeacherAccountsRequest,
        context: grpc.aio.ServicerContext[pb.ExportTeacherAccountsRequest, pb.FileReply],
    ) -> pb.FileReply:
        caller = current_caller()
        caller.require("SYSTEM_ADMIN")
        filename, content = await self.teachers.export(caller, await self._org(caller, request.school_code))
        return pb.FileReply(filename=filename, content_type=XLSX, content=content)

    async def ListAuditEvents(
        self,
        request: pb.ListAuditEventsRequest,
        context: grpc.aio.ServicerContext[pb.ListAuditEventsRequest, pb.AuditEventPage],
    ) -> pb.AuditEventPage:
        caller = current_caller()
        caller.require("SYSTEM_ADMIN")
        org = await self._org(caller, request.org_code)
        if org is None or not (caller.service or caller.org_code in org.path):
            raise DomainError(ErrorCode.FORBIDDEN, "单位不存在，或不在您的管理范围内", "orgCode")
        events, more = await self.audit.list(org.code, request.after, request.first)
        return pb.AuditEventPage(
            events=[
                pb.AuditEvent(
                    id=e.id,
                    at=e.at.isoformat(),
                    event=e.event,
                    result=e.result,
                    actor=e.actor,
                    target=e.target,
                    org_code=e.org_code,
                    client_addr=e.client_addr,
                    detail=e.detail,
                )
                for e in events
            ],
            has_next_page=more,
        )

    async def ListRevocations(
        self,
        request: pb.ListRevocationsRequest,
        context: grpc.aio.ServicerContext[pb.ListRevocationsRequest, pb.ListRevocationsReply],
    ) -> pb.ListRevocationsReply:
        if not current_caller().service:
            raise DomainError(ErrorCode.FORBIDDEN, "没有执行此操作的权限")
        feed = await self.revocations.fetch(request.since_ms)
        return pb.ListRevocationsReply(
            accounts=feed.accounts, closed_schools=feed.closed_schools, until_ms=feed.until_ms
        )

    async def EnsureAdmin(
        self,
        request: pb.EnsureAdminRequest,
        context: grpc.aio.ServicerContext[pb.EnsureAdminRequest, pb.EnsureAdminReply],
    ) -> pb.EnsureAdminReply:
        created, password = await self.accounts.ensure_admin(current_caller(), request.password)
        return pb.EnsureAdminReply(created=created, password=password)

    async def SearchSchools(
        self, request: pb.SearchSchoolsRequest, context: grpc.aio.ServicerContext[pb.SearchSchoolsRequest, pb.OrgList]
    ) -> pb.OrgList:
        return pb.OrgList(orgs=[org_pb(o) for o in await self.login.search_schools(request.region_code, request.name)])
