"""A province with two districts and a school in each, review's domain wired to in-memory fakes
(`fakes.py`), and callers of every kind."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pluggy
import pytest

from services.review import checks
from services.review.config import Config
from services.review.model import School
from services.review.movements import Movements
from services.review.states import ReviewStates
from services.review.workflow import Workflow
from tests.unit.review.fakes import FakeAccounts, FakeMovementStore, FakeOrgs, FakeRecords, FakeStateStore
from tmis.auth import SYSTEM, Caller
from tmis.codes import Code, CodeTable
from tmis.hookspecs import ReviewRecord
from tmis.plugins import make_plugin_manager

A, B = "3162010201", "3162010301"  # 示范小学 in 城关区, 实验中学 in 七里河区
PATH_A = ("100000", "620000", "620100", "620102", A)
PATH_B = ("100000", "620000", "620100", "620103", B)
ORGS = (
    School("100000", "", ("100000",), "NATION", "全国"),
    School("620000", "", PATH_A[:2], "PROVINCE", "甘肃省"),
    School("620100", "", PATH_A[:3], "CITY", "兰州市"),
    School("620102", "", PATH_A[:4], "DISTRICT", "城关区"),
    School("620103", "", PATH_B[:4], "DISTRICT", "七里河区"),
    School(A, "PRIMARY_SECONDARY", PATH_A, "SCHOOL", "示范小学"),
    School(B, "PRIMARY_SECONDARY", PATH_B, "SCHOOL", "实验中学"),
)
LEAVE_REASONS = CodeTable("leave_reason", "减员原因", (Code("01", "退休"), Code("02", "辞职")))
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def caller(role: str, path: tuple[str, ...], name: str = "", **extra: str) -> Caller:
    return Caller(f"id-{name or role}", name or f"{role.lower()}_{path[-1]}", path[-1], path, (role,), **extra)


@dataclass
class Review:
    """Review's domain over fakes, and what a test needs to drive it."""

    plugins: pluggy.PluginManager
    config: Config
    store: FakeStateStore = field(default_factory=FakeStateStore)
    movement_store: FakeMovementStore = field(default_factory=FakeMovementStore)
    records: FakeRecords = field(default_factory=FakeRecords)
    orgs: FakeOrgs = field(default_factory=lambda: FakeOrgs(ORGS))
    accounts: FakeAccounts = field(default_factory=FakeAccounts)

    def __post_init__(self) -> None:
        self.states = ReviewStates(self.store, self.records, self.config.retry_after)
        self.workflow = Workflow(self.states, self.movement_store, self.records, self.orgs, self.plugins, self.config)
        self.movements = Movements(
            self.states,
            self.movement_store,
            self.movement_store,
            self.records,
            self.orgs,
            self.accounts,
            self.plugins,
            LEAVE_REASONS,
            self.config.retry_after,
        )
        self.clerk = {A: caller("DATA_ENTRY", PATH_A), B: caller("DATA_ENTRY", PATH_B)}
        self.reviewer = {  # at each level of A's chain
            "SCHOOL": caller("REVIEWER", PATH_A),
            "DISTRICT": caller("REVIEWER", PATH_A[:4]),
            "CITY": caller("REVIEWER", PATH_A[:3]),
            "PROVINCE": caller("REVIEWER", PATH_A[:2]),
        }
        self.district_b = caller("REVIEWER", PATH_B[:4])
        self.system = SYSTEM

    def teacher(self, teacher_id: str) -> Caller:
        return caller("TEACHER", PATH_A, f"t{teacher_id}", teacher_id=teacher_id)

    def add(self, teacher_id: str, school: str = A, *, missing: tuple[str, ...] = (), **basic: str) -> str:
        """A record of `school`, complete unless `missing` says otherwise."""
        path = PATH_A if school == A else PATH_B
        basic = {"name": f"教师{teacher_id}", "idType": "1", "idNumber": f"62010219800101{teacher_id:>04}", **basic}
        self.records.records[teacher_id] = ReviewRecord(
            teacher_id, school, "PRIMARY_SECONDARY", path, basic, {}, missing=missing
        )
        return teacher_id

    def change(self, teacher_id: str, *paths: str) -> None:
        """The clerk edits a record: `paths` differ from its approved version."""
        self.records.records[teacher_id] = dataclasses.replace(self.records.records[teacher_id], changed=paths)

    async def approved(self, teacher_id: str, school: str = A) -> str:
        """A record through the whole chain (a school of 城关区's reviewers only: A)."""
        self.add(teacher_id, school)
        assert (await self.workflow.submit(self.clerk[school], [teacher_id]))[0] == [teacher_id]
        for level in self.config.levels:
            assert (await self.workflow.approve(self.reviewer[level], [teacher_id], ""))[0] == [teacher_id]
        return teacher_id

    def age(self, teacher_id: str) -> None:
        """What a crash left behind a while ago: the reconciler's to finish."""
        if teacher_id in self.store.docs:
            self.store.docs[teacher_id] = dataclasses.replace(self.store.docs[teacher_id], updated_at=LONG_AGO)
        for m in list(self.movement_store.docs.values()):
            if m.teacher_id == teacher_id:
                self.movement_store.docs[m.id] = dataclasses.replace(m, updated_at=LONG_AGO)


def review_with(*plugins: object, **raw: str) -> Review:
    return Review(make_plugin_manager("", builtins=(checks, *plugins)), Config.from_raw(raw))


@pytest.fixture
def review() -> Review:
    return review_with()
