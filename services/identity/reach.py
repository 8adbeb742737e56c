"""Who may manage whom (SPEC §4.2): a SYSTEM_ADMIN manages the non-admin accounts of its own
org and the SYSTEM_ADMIN accounts of the orgs directly below it."""

from __future__ import annotations

from collections.abc import Sequence

from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode


def may_manage(caller: Caller, org_path: Sequence[str], roles: Sequence[str]) -> bool:
    if caller.service:
        return True
    if "SYSTEM_ADMIN" not in caller.roles or caller.must_change_password:
        return False
    if "SYSTEM_ADMIN" in roles:
        return len(org_path) >= 2 and org_path[-2] == caller.org_code
    return bool(org_path) and org_path[-1] == caller.org_code


def refuse() -> DomainError:
    """The one answer for an account that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.FORBIDDEN, "账号不存在，或不在您的管理范围内", "accountId")
