"""Pure logic: tokens, 身份证 numbers, settings, the photo standard's pixels."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.requests import _nested_within
from services.media.standard import to_pixels
from tmis import idcard
from tmis.auth import Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode
from tmis.settings import Settings, SettingsError
from tmis.text import BIDI_CONTROLS, text_problem

SECRET = "s" * 40
CALLER = Caller("id1", "clerk", "620102", ("100000", "620000", "620100", "620102"), ("DATA_ENTRY",))


def test_token_round_trip_and_scope() -> None:
    signer = TokenSigner(SECRET)
    caller = signer.verify(signer.sign(CALLER, now=1_000_000), now=1_000_001)
    assert caller == replace(CALLER, issued_at=1_000_000_000, expires_at=1_000_000 + 3600)
    assert caller.reaches(("100000", "620000", "620100", "620102", "3162010201"))
    assert not caller.reaches(("100000", "620000", "620100", "620103"))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t + "x",
        lambda t: t.replace("v1.", "v2."),
        lambda t: "garbage",
        lambda t: t.split(".")[0] + ".." + t.split(".")[2],
    ],
)
def test_tampered_tokens_are_refused(mutate) -> None:  # noqa: ANN001
    signer = TokenSigner(SECRET)
    with pytest.raises(DomainError) as caught:
        signer.verify(mutate(signer.sign(CALLER)))
    assert caught.value.code == ErrorCode.UNAUTHENTICATED


def test_expired_tokens_are_refused() -> None:
    signer = TokenSigner(SECRET, ttl_seconds=60)
    token = signer.sign(CALLER, now=1_000_000)
    assert signer.verify(token, now=1_000_059).username == CALLER.username
    with pytest.raises(DomainError):
        signer.verify(token, now=1_000_061)


def test_tokens_are_renewed_in_use_until_the_session_ends() -> None:
    signer = TokenSigner(SECRET, ttl_seconds=600)
    login = 1_000_000
    fresh = signer.verify(signer.sign(CALLER, now=login), now=login + 10)
    assert signer.renewal(fresh, session_max_seconds=3600, now=login + 10) is None  # not yet half-way
    renewed = signer.renewal(fresh, session_max_seconds=3600, now=login + 400)
    again = signer.verify(renewed, now=login + 700)  # past the first token's expiry
    assert again.issued_at == login * 1000 and again.expires_at == login + 1000  # revocations still apply
    late = signer.verify(signer.sign(again, now=login + 3500), now=login + 3700)
    assert signer.renewal(late, session_max_seconds=3600, now=login + 3700) is None  # the session is over


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenSigner("short")


@given(
    region=st.sampled_from(["620102", "110105", "440305"]),
    birth=st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
    serial=st.integers(0, 10_000),
    gender=st.sampled_from(["1", "2"]),
)
def test_generated_id_numbers_parse_back(region: str, birth: dt.date, serial: int, gender: str) -> None:
    number = idcard.make(region, birth, serial, gender)
    assert idcard.parse(number.lower()) == (number, birth, gender)


@given(st.text(max_size=25))
def test_parse_never_crashes_on_junk(text: str) -> None:
    try:
        number, _, _ = idcard.parse(text)
    except idcard.IdCardError:
        return
    assert len(number) == 18


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "数字"),
        ("110105194912310021", "校验位"),
        ("11010519490230002", "不存在"),  # 17 digits: the valid check digit is added below
        ("11010520991231002", "今天"),
    ],
)
def test_bad_id_numbers_say_why(number: str, message: str) -> None:
    if message in ("不存在", "今天"):
        number += idcard.check_digit(number)
    with pytest.raises(idcard.IdCardError, match=message):
        idcard.parse(number)


def test_settings_name_the_bad_variable() -> None:
    with pytest.raises(SettingsError, match="TMIS_HTTP_PORT"):
        Settings.from_env({"TMIS_HTTP_PORT": "eighty"})
    with pytest.raises(SettingsError, match="TMIS_DEMO"):
        Settings.from_env({"TMIS_DEMO": "maybe"})
    settings = Settings.from_env({"TMIS_HTTP_PORT": "9000", "TMIS_DEMO": "0", "TMIS_MEDIA_ADDR": "dns:///media:50051"})
    assert (settings.http_port, settings.demo, settings.addrs["media"]) == (9000, False, "dns:///media:50051")
    with pytest.raises(SettingsError, match="TMIS_TOKEN_SECRET"):
        settings.require_secret()


def test_photo_standard_pixels() -> None:
    assert (to_pixels(2.5, 200), to_pixels(3.1, 200)) == (197, 244)
    assert (to_pixels(2.6, 150), to_pixels(3.2, 150)) == (154, 189)


_UNSEEN = st.characters(categories=["Cf", "Zs"], exclude_characters=sorted(BIDI_CONTROLS))


@given(st.text(_UNSEEN, min_size=1), st.text())
def test_text_needs_something_visible_and_no_bidi_control(unseen: str, anything: str) -> None:
    assert text_problem(unseen) == "只含不可见的字符"
    assert text_problem(unseen + "张" + unseen) is None
    assert text_problem(anything + "\u202e" + anything) is not None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\ab'), inner, max_size=3),
    max_leaves=40,
)


def _depth(value: object) -> int:
    children = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else None
    return 0 if children is None else 1 + max(map(_depth, children), default=0)


@given(_JSON, st.integers(1, 6))
def test_json_nesting_is_bounded_exactly(value: object, limit: int) -> None:
    body = json.dumps({"variables": {"v": value}})  # strings full of brackets and quotes must not count
    assert _nested_within(body.encode(), limit) == (2 + _depth(value) <= limit)
