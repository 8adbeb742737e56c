"""Who may manage whom, and which roles one account may hold (SPEC §4.2).

- A SYSTEM_ADMIN manages the non-admin accounts of its own org and the SYSTEM_ADMIN accounts of
  the orgs directly below it.
- One account may hold several roles (SPEC §4.2: "one login can hold several roles"), with two
  exceptions. SYSTEM_ADMIN stands alone: a 系统管理员's job is accounts, it reads no teacher's
  record (records' access.py), and its account is managed one level up, so a record role on it
  would be a clerk its own org's admin could neither reset nor disable, and would let one person
  make accounts and write or approve records under one login. TEACHER stands alone too: teacher
  accounts are generated from the school's roster, never created by hand. DATA_ENTRY, REVIEWER
  and QUERY combine freely (a small school's one clerk enters and reviews; the chain's levels
  above the school check its work). Accounts stored before this rule keep their roles.
"""

from __future__ import annotations

from collections.abc import Sequence

from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

# roles an account holds only alone
ALONE = ("SYSTEM_ADMIN", "TEACHER")


def may_manage(caller: Caller, org_path: Sequence[str], roles: Sequence[str]) -> bool:
    if caller.service:
        return True
    if "SYSTEM_ADMIN" not in caller.roles or caller.must_change_password:
        return False
    if "SYSTEM_ADMIN" in roles:
        return len(org_path) >= 2 and org_path[-2] == caller.org_code
    return bool(org_path) and org_path[-1] == caller.org_code


def may_hold(roles: Sequence[str]) -> bool:
    """Whether one account may hold these roles together (see the module's docstring)."""
    return len(set(roles)) <= 1 or not any(role in ALONE for role in roles)


def refuse() -> DomainError:
    """The one answer for an account that does not exist or lies outside the caller's reach."""
    return DomainError(ErrorCode.FORBIDDEN, "账号不存在，或不在您的管理范围内", "accountId")
