"""The national defaults of argon2id, pinned: the suites under test hash at the cheapest cost
(tests/support/suite.py), so this is where a change of the production parameters shows."""

from __future__ import annotations

from services.identity.config import IdentityConfig
from services.identity.passwords import Hasher
from tmis.settings import Settings


async def test_a_password_is_stored_as_argon2id_of_64_mib_and_2_passes() -> None:
    config = IdentityConfig.from_settings(Settings.from_env({}))
    assert config == IdentityConfig()
    hasher = Hasher(config)
    stored = await hasher.hash("Secret#2026")
    assert stored.startswith("$argon2id$v=19$m=65536,t=2,p=1$"), stored
    assert await hasher.verify(stored, "Secret#2026") and not await hasher.verify(stored, "Secret#2027")
