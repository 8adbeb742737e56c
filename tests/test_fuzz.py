"""Fuzzing the public API with schemathesis (GraphQL mode): queries and mutations generated from
the schema, sent over real HTTP to the gateway, anonymous and as a logged-in 信息录入员.

No answer may be an HTTP 5xx or an INTERNAL_SERVER_ERROR, and the suite must be healthy after.
TMIS_FUZZ_SECONDS sets how long it runs in all (default 60), e.g. `TMIS_FUZZ_SECONDS=1800
.venv/bin/python -m pytest tests/test_fuzz.py` for half an hour."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

import graphql
import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from gateway.schema import build_schema

# `tree`, the fixture: an org tree made through the API
from tests.support.identity import Tree, add_teachers, school_admin
from tests.support.polling import eventually
from tmis.run.procs import free_port

ROUND = 10  # examples drawn per round; rounds go on until the time is up


def _our_scalars() -> None:
    """Strategies for our custom scalars: an Upload given as text (to be refused: a GraphQL text
    cannot carry a file), an EntryData of field values."""
    schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))
    names = st.from_regex(r"\A[a-z][A-Za-z0-9]{0,11}\Z")
    values = st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.booleans().map(nodes.Boolean),
    )
    fields = st.dictionaries(names, values, max_size=5).map(
        lambda d: [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in d.items()]
    )
    schemathesis.graphql.scalar("EntryData", fields.map(nodes.Object))


@dataclass
class Findings:
    seen: int = 0
    operations: set[str] = field(default_factory=set)
    faults: dict[str, str] = field(default_factory=dict)  # operation and kind -> one example

    def check(self, label: str, query: str, response: requests.Response) -> None:
        self.seen += 1
        self.operations.add(label)
        if response.status_code >= 500:
            self.faults.setdefault(f"{label}: HTTP {response.status_code}", f"{query}\n-> {response.text[:500]}")
            return
        try:
            errors = response.json().get("errors") or []
        except ValueError:
            self.faults.setdefault(f"{label}: not JSON", f"{query}\n-> {response.text[:500]}")
            return
        for error in errors:
            if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
                self.faults.setdefault(f"{label}: INTERNAL_SERVER_ERROR", f"{query}\n-> {error}")


def fuzz(url: str, token: str | None, seconds: float, findings: Findings) -> None:
    """Rounds of generated cases (valid and invalid) until `seconds` have passed; runs in a thread."""
    _our_scalars()
    schema = schemathesis.graphql.from_file(build_schema().as_str())
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)  # valid queries, and invalid ones
    strategy = st.one_of(schema.as_strategy(generation_mode=mode) for mode in modes)
    session = requests.Session()
    headers = {"authorization": f"Bearer {token}"} if token else {}

    @hypothesis_settings(
        max_examples=ROUND,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def one(case: schemathesis.Case) -> None:
        response = case.call(base_url=url, session=session, headers=headers, timeout=60)
        findings.check(case.operation.label, str(case.body), response)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        one()


@pytest.mark.slow  # a minute of fuzzing (TMIS_FUZZ_SECONDS)
@pytest.mark.usefixtures("fresh_suite")  # any operation: it may use up the rate limits of the address of every test
async def test_fuzzed_requests_never_fault(tree: Tree) -> None:
    suite = tree.suite
    _, admin = await school_admin(tree)
    clerk = await tree.activate(admin, "fuzz_clerk", tree.school, ["DATA_ENTRY"])
    await add_teachers(tree, 3)
    port = free_port()
    config = uvicorn.Config(suite.app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)  # the suite's app, its lifespan already entered by the fixture
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or serving.done(), "the gateway to start")
    assert not serving.done(), "the gateway did not start"
    url = f"http://127.0.0.1:{port}/graphql"
    findings = Findings()
    seconds = float(os.environ.get("TMIS_FUZZ_SECONDS", "60"))  # in all: half anonymous, half as the clerk
    try:
        await asyncio.to_thread(fuzz, url, None, seconds / 2, findings)
        await asyncio.to_thread(fuzz, url, clerk.token, seconds / 2, findings)
    finally:
        server.should_exit = True
        await serving
    print(f"fuzzed {findings.seen} requests over {len(findings.operations)} operations")  # shown with -s
    assert findings.seen > 0
    assert not findings.faults, "\n\n".join(f"{k}\n{v}" for k, v in findings.faults.items())
    health = (await suite.graphql("{ health { ok } }"))["data"]["health"]
    assert health["ok"] is True
    me = await suite.graphql("{ me { username } }", token=clerk.token)
    assert me["data"]["me"] == {"username": "fuzz_clerk"}, me
