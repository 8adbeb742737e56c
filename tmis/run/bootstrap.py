"""First-start set-up through the services' own RPCs: the NATION org and the `admin` account
(password TMIS_ADMIN_PASSWORD, else generated and printed once), then the demo data unless
TMIS_DEMO=0. Run by `make run`'s supervisor, and by `python -m tmis.run.bootstrap` (the one-shot
`bootstrap` service of docker-compose.yml)."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

from tmis.auth import SYSTEM, TokenSigner
from tmis.log import setup_logging
from tmis.proto.identity.v1 import identity_client, identity_pb2
from tmis.proto.records.v1 import records_client
from tmis.proto.review.v1 import review_client
from tmis.run import demo
from tmis.settings import Settings, settings_or_exit

logger = logging.getLogger("tmis.run.bootstrap")


async def bootstrap(settings: Settings, wait_seconds: float = 0.0) -> None:
    signer = TokenSigner(settings.require_secret())
    token = signer.sign(SYSTEM)
    identity = identity_client.connect(settings.addrs["identity"])
    records = records_client.connect(settings.addrs["records"])
    review = review_client.connect(settings.addrs["review"])
    try:
        deadline = time.monotonic() + wait_seconds
        while not all([(await c.check_health())[0] for c in (identity, records, review)]):
            if time.monotonic() > deadline:
                raise RuntimeError("identity, records and review are not all serving")
            await asyncio.sleep(0.5)
        reply = await identity.EnsureAdmin(
            identity_pb2.EnsureAdminRequest(password=settings.admin_password), token=token
        )
        if reply.created and not settings.admin_password:
            print(f"\n  管理员账号 admin 的初始密码（仅显示一次，首次登录须修改）: {reply.password}\n", flush=True)
        if settings.demo:
            await demo.seed(identity, records, review, signer, Path(settings.data_dir))
    finally:
        for client in (identity, records, review):
            await client.close()


if __name__ == "__main__":
    settings = settings_or_exit("bootstrap")
    setup_logging("bootstrap", settings.log_level, settings.log_format)
    asyncio.run(bootstrap(settings, wait_seconds=120))
    sys.exit(0)
