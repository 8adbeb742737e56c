"""The review service's settings, read once from the environment's values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from tmis.hookspecs import LEVELS


@dataclass(frozen=True)
class Config:
    # the levels of the chain, in order; a level the school's path lacks is skipped
    levels: tuple[str, ...] = LEVELS
    # the chains of a 信息变更: an ordinary one ends at the school, a key change goes all the way
    change_levels: tuple[str, ...] = ("SCHOOL",)
    key_change_levels: tuple[str, ...] = LEVELS
    formal_letter: str = "G"
    # a state left unpushed (or final steps not run, a movement not applied) this long is retried
    retry_after: dt.timedelta = dt.timedelta(seconds=5)

    @classmethod
    def from_raw(cls, raw: Mapping[str, str]) -> Config:
        def chain(name: str, default: str) -> tuple[str, ...]:
            levels = tuple(x.strip().upper() for x in raw.get(name, default).split(",") if x.strip())
            unknown = [x for x in levels if x not in LEVELS]
            if unknown or not levels or levels[0] != "SCHOOL":
                raise ValueError(f"{name} must start with SCHOOL and use {','.join(LEVELS)}; got {raw.get(name)!r}")
            return levels

        levels = chain("TMIS_REVIEW_LEVELS", ",".join(LEVELS))
        return cls(
            levels=levels,
            change_levels=tuple(x for x in chain("TMIS_CHANGE_LEVELS", "SCHOOL") if x in levels),
            key_change_levels=tuple(x for x in chain("TMIS_KEY_CHANGE_LEVELS", ",".join(levels)) if x in levels),
            formal_letter=raw.get("TMIS_PERSONAL_CODE_LETTER", "G")[:1] or "G",
            retry_after=dt.timedelta(milliseconds=int(raw.get("TMIS_REVIEW_RETRY_MS", "5000"))),
        )
