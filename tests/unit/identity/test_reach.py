"""Identity's policy (`services/identity/reach.py`): which roles one account may hold, table-driven."""

from __future__ import annotations

import pytest

from services.identity.reach import may_hold


@pytest.mark.parametrize(
    ("roles", "held"),
    [
        (["SYSTEM_ADMIN"], True),
        (["DATA_ENTRY"], True),
        (["DATA_ENTRY", "REVIEWER"], True),  # a small school's one clerk enters and reviews
        (["DATA_ENTRY", "REVIEWER", "QUERY"], True),
        (["REVIEWER", "QUERY"], True),
        (["SYSTEM_ADMIN", "DATA_ENTRY"], False),  # a 系统管理员 manages accounts only
        (["SYSTEM_ADMIN", "QUERY"], False),
        (["REVIEWER", "SYSTEM_ADMIN"], False),
        (["TEACHER"], True),
        (["TEACHER", "DATA_ENTRY"], False),
        (["SYSTEM_ADMIN", "SYSTEM_ADMIN"], True),
    ],
)
def test_which_roles_one_account_holds(roles: list[str], held: bool) -> None:
    assert may_hold(roles) is held
