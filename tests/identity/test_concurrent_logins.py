"""Logins of one username arriving together, through the gateway: right passwords all sign in,
and wrong ones are still counted before they are verified, at most 5 per lock window."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.support.gql import codes
from tests.support.identity import NEW_PASSWORD, Tree

AUDIT = """query($o: String!) { auditLog(orgCode: $o, first: 200) {
  edges { node { event result target detail } } } }"""
WRONG = "Wrong#Pass1"
PLACES = {f"failure {k} of 5" for k in range(1, 6)}


async def _events(tree: Tree, username: str) -> list[dict]:
    """The nation's latest events (those of an unknown username are the nation's) about `username`."""
    edges = (await tree.gql(AUDIT, {"o": "100000"}, tree.root))["auditLog"]["edges"]
    return [e["node"] for e in edges if e["node"]["target"] == username]


async def test_right_passwords_arriving_together_all_sign_in(tree: Tree) -> None:
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    clerk = (await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])).username
    answers = await asyncio.gather(*(tree.login(clerk, NEW_PASSWORD) for _ in range(24)))
    assert [codes(a) for a in answers] == [[]] * 24 and all(a["token"] for a in answers)
    assert len([e for e in await _events(tree, clerk) if e["event"] == "LOGIN"]) == 24 + 1  # and activate's
    # every place was freed: 4 wrong passwords are counted from the first place, and a right one still signs in
    assert [codes(await tree.login(clerk, WRONG)) for _ in range(4)] == [["INVALID_CREDENTIALS"]] * 4
    assert (await tree.login(clerk, NEW_PASSWORD))["token"]


@pytest.mark.parametrize("username", ["gs_clerk", "no_such_user"])
async def test_twenty_wrong_passwords_at_once_verify_exactly_five(tree: Tree, username: str) -> None:
    """Exactly 5 are verified (audited INVALID_CREDENTIALS, at places 1 to 5), and the 5th locks the
    username; the other 15 wait for a place and are refused as locked, unverified. The answers: 4
    INVALID_CREDENTIALS, and ACCOUNT_LOCKED (until when) for the 5th and the 15."""
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])
    username = tree.name(username)
    answers = await asyncio.gather(*(tree.login(username, WRONG) for _ in range(20)))
    assert Counter(tuple(codes(a)) for a in answers) == {("INVALID_CREDENTIALS",): 4, ("ACCOUNT_LOCKED",): 16}
    events = await _events(tree, username)
    failed = [e for e in events if e["event"] == "LOGIN_FAILED"]
    assert Counter(e["result"] for e in failed) == {"INVALID_CREDENTIALS": 5, "ACCOUNT_LOCKED": 15}
    assert {e["detail"] for e in failed if e["result"] == "INVALID_CREDENTIALS"} == PLACES
    assert len([e for e in events if e["event"] == "LOCKED"]) == 1
    assert codes(await tree.login(username, NEW_PASSWORD)) == ["ACCOUNT_LOCKED"]


async def test_wrong_passwords_among_right_ones_fail_at_most_five_times_per_window(tree: Tree) -> None:
    """24 right and 24 wrong passwords, interleaved, at once. A right one signs in (unless 5 wrong
    ones in a row locked the account first); a wrong one is refused. Every verified wrong password is
    counted at its place among the consecutive failures, 1 to 5: a window (between two successes:
    no lock ends here) numbers its failures from 1, so each place is taken at most once per window,
    and no window holds a 6th."""
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    clerk = (await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])).username
    passwords = [NEW_PASSWORD, WRONG] * 24
    answers = await asyncio.gather(*(tree.login(clerk, p) for p in passwords))
    right = [a for p, a in zip(passwords, answers, strict=True) if p == NEW_PASSWORD]
    wrong = [a for p, a in zip(passwords, answers, strict=True) if p == WRONG]
    assert all(a["token"] or codes(a) == ["ACCOUNT_LOCKED"] for a in right), [codes(a) for a in right]
    assert {tuple(codes(a)) for a in wrong} <= {("INVALID_CREDENTIALS",), ("ACCOUNT_LOCKED",)}
    events = await _events(tree, clerk)
    successes = len([e for e in events if e["event"] == "LOGIN"]) - 1  # activate's first login
    assert successes == len([a for a in right if a["token"]]) >= 1
    places = Counter(e["detail"] for e in events if e["result"] == "INVALID_CREDENTIALS")
    assert set(places) <= PLACES, places
    assert all(n <= successes + 1 for n in places.values()), places
