"""Generated initial passwords: the national rules hold, and no character is easily confused or hard to type."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.identity.config import IdentityConfig
from services.identity.passwords import PasswordPolicy

HARD = set("{}[]()<>^=/\\|`'\";:,.~") | set("0Oo1lI")


@settings(max_examples=300, deadline=None)
@given(lengths=st.tuples(st.integers(8, 16), st.integers(8, 20)), classes=st.integers(3, 4))
def test_generated_passwords_keep_the_rules_and_avoid_confusable_characters(
    lengths: tuple[int, int], classes: int
) -> None:
    low, high = min(lengths), max(lengths)
    config = IdentityConfig(password_min_length=low, password_max_length=high, password_min_classes=classes)
    policy = PasswordPolicy(config)
    password = policy.generate()
    policy.check(password, "teacher01")  # raises naming the rule it breaks
    assert not HARD & set(password), password
    assert low <= len(password) <= high
