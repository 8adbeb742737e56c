"""Login throughput versus raw argon2id: what does the login path cost on top of the hash?

A login is deliberately expensive: one argon2id verification (64 MiB, see
services/identity/config.py). Everything else on the path — HTTP, GraphQL in the gateway, the
gRPC hop to identity, the account read, the three writes (the attempt's place taken before the
hash and freed after it, services/identity/attempts.py; the audit entry), the token — should be
cheap next to it, costing less than 20% on top. This benchmark measures, with the same
concurrency C and in the same run:

  (A) logins per second through the real gateway (a freshly started suite, `python -m tmis`),
      C httpx workers each logging in as `admin` back to back;
  (B) argon2id verifications per second with the identity service's own hasher (built from the
      same settings the service reads), C threads each verifying back to back.

Rounds are interleaved B, A, B, A to spread drift and noise over both; each rate is the sum of
counts over the sum of elapsed times. The last line is `RATIO login <A/B> >= 0.8`; higher is
better. Every login must succeed: the C workers log in to the same account at once, which must
never be refused (and never a wrong password: identity locks an account after 5 consecutive
failures).

    .venv/bin/python bench/login.py [--concurrency C] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file

from services.identity.config import IdentityConfig  # noqa: E402
from services.identity.passwords import Hasher  # noqa: E402
from tmis.settings import Settings  # noqa: E402

CONCURRENCY = 2  # the machine has 2 cores
ROUND_SECONDS = 10.0
ROUNDS = 2
WARMUP_LOGINS = 4
PASSWORD = "Bench#Login2026"
LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{code message} } }"


def service_hasher(env: dict[str, str]) -> Hasher:
    """The hasher exactly as services/identity/server.py builds it from the same environment."""
    return Hasher(IdentityConfig.from_settings(Settings.from_env(env)))


async def login(client: httpx.AsyncClient, url: str) -> None:
    response = await client.post(url, json={"query": LOGIN, "variables": {"u": "admin", "p": PASSWORD}})
    body = response.json()
    result = (body.get("data") or {}).get("login") or {}
    if response.status_code != 200 or body.get("errors") or result.get("userErrors") or not result.get("token"):
        raise RuntimeError(f"login failed (HTTP {response.status_code}): {body}")


async def logins_round(client: httpx.AsyncClient, url: str, concurrency: int, seconds: float) -> tuple[int, float]:
    """(A) C workers logging in back to back for `seconds`: (successes, elapsed)."""

    async def worker() -> int:
        count = 0
        while time.monotonic() < end:
            await login(client, url)
            count += 1
        return count

    start = time.monotonic()
    end = start + seconds
    counts = await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sum(counts), time.monotonic() - start


def verify_round(hasher: Hasher, password_hash: str, concurrency: int, seconds: float) -> tuple[int, float]:
    """(B) C threads verifying back to back for `seconds`: (verifications, elapsed)."""

    def worker() -> int:
        count = 0
        while time.monotonic() < end:
            hasher.hasher.verify(password_hash, PASSWORD)
            count += 1
        return count

    with ThreadPoolExecutor(concurrency) as pool:
        start = time.monotonic()
        end = start + seconds
        counts = list(pool.map(lambda _: worker(), range(concurrency)))
    return sum(counts), time.monotonic() - start


async def measure(
    url: str, hasher: Hasher, concurrency: int, seconds: float
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    password_hash = hasher.hasher.hash(PASSWORD)
    a, b = [], []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(login(client, url) for _ in range(WARMUP_LOGINS)))
        await asyncio.to_thread(hasher.hasher.verify, password_hash, PASSWORD)
        for i in range(ROUNDS):
            b.append(await asyncio.to_thread(verify_round, hasher, password_hash, concurrency, seconds))
            print(f"round {i + 1} B argon2id: {b[-1][0]} in {b[-1][1]:.2f} s", flush=True)
            a.append(await logins_round(client, url, concurrency, seconds))
            print(f"round {i + 1} A logins:   {a[-1][0]} in {a[-1][1]:.2f} s", flush=True)
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="duration of each round")
    args = parser.parse_args()
    began = time.monotonic()
    with running_suite(PASSWORD) as suite:
        hasher = service_hasher(suite.env)
        print(f"suite up in {time.monotonic() - began:.1f} s at {suite.url}", flush=True)
        h = hasher.hasher
        print(f"argon2id: time_cost={h.time_cost} memory_cost={h.memory_cost} KiB parallelism={h.parallelism}")
        print(
            f"concurrency {args.concurrency}, {ROUNDS} rounds of {args.seconds:.0f} s each, interleaved B A B A",
            flush=True,
        )
        a, b = asyncio.run(measure(suite.url, hasher, args.concurrency, args.seconds))

    rate_a = sum(n for n, _ in a) / sum(t for _, t in a)
    rate_b = sum(n for n, _ in b) / sum(t for _, t in b)
    print(f"A logins via gateway: {sum(n for n, _ in a)} in {sum(t for _, t in a):.1f} s = {rate_a:.2f}/s")
    print(f"B argon2id verify:    {sum(n for n, _ in b)} in {sum(t for _, t in b):.1f} s = {rate_b:.2f}/s")
    print(f"total run time {time.monotonic() - began:.1f} s")
    print(f"RATIO login {rate_a / rate_b:.2f} >= 0.8")


if __name__ == "__main__":
    main()
