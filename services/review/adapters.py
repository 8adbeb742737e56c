"""The ports of `ports.py` implemented against the gRPC clients of records and identity: the only
module of review's domain side that builds their requests and reads their replies.

A call "as the service" carries a short-lived SYSTEM token; a call as the caller carries the
caller's own token (the request's, which the `Caller` was made from), so the other service
answers only within the caller's reach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.review.model import Person, School
from services.review.ports import Problem, Push
from tmis.auth import SYSTEM, Caller, TokenSigner
from tmis.hookspecs import Finding, ReviewRecord
from tmis.proto.identity.v1 import identity_pb2
from tmis.proto.identity.v1.identity_client import IdentityServiceClient
from tmis.proto.records.v1 import records_pb2
from tmis.proto.records.v1.records_client import RecordsServiceClient
from tmis.registry import Registry
from tmis.rpc.codec import decode

# the statuses `complete_ids` looks through when none is asked for: those a clerk may submit
SUBMITTABLE = ("DRAFT", "REJECTED", "CHANGING")
MAX_COMPLETE = 500


def review_record(t: records_pb2.Teacher, registry: Registry) -> ReviewRecord:
    entries: dict[str, list[Mapping[str, Any]]] = {}
    for e in t.entries:
        entries.setdefault(e.set, []).append(decode(e.data_json, registry.set(e.set)))
    return ReviewRecord(
        teacher_id=t.id,
        school_code=t.school_code,
        school_type=t.school_type,
        org_path=tuple(t.org_path),
        basic=decode(t.basic_json, registry.set("BASIC")),
        entries=entries,
        missing=tuple(t.missing),
        warnings=tuple(Finding(w.code, w.message, w.field) for w in t.warnings),
        personal_code=t.personal_code,
        changed=tuple(dict.fromkeys(c.path.split("[")[0] for c in t.changes_since_approval)),
    )


class System:
    """Short-lived tokens for the review service's own calls."""

    def __init__(self, signer: TokenSigner) -> None:
        self.signer = signer

    def token(self) -> str:
        return self.signer.sign(SYSTEM, ttl_seconds=120)

    def token_for(self, caller: Caller | None) -> str | None:
        """As the service (None), else the request's own token (None lets the client send it)."""
        return self.token() if caller is None else None


class GrpcRecords:
    """`ports.Records` and `ports.ReviewStatus` over records' gRPC API."""

    def __init__(self, client: RecordsServiceClient, registry: Registry, system: System) -> None:
        self.client = client
        self.registry = registry
        self.system = system
        self.sets = registry.entry_sets()

    async def read(self, teacher_ids: list[str], caller: Caller | None) -> dict[str, ReviewRecord]:
        if not teacher_ids:
            return {}
        request = records_pb2.BatchGetTeachersRequest(ids=teacher_ids, sets=self.sets, with_changes_since_approval=True)
        reply = await self.client.BatchGetTeachers(request, token=self.system.token_for(caller))
        return {t.id: review_record(t, self.registry) for t in reply.teachers}

    async def complete_ids(self, caller: Caller, org_code: str, status: str, search: str) -> list[str]:
        out: list[str] = []
        for wanted in [status] if status else SUBMITTABLE:
            after = ""
            while len(out) < MAX_COMPLETE:
                request = records_pb2.ListTeachersRequest(
                    org_code=org_code, status=wanted, search=search, first=200, after=after
                )
                page = await self.client.ListTeachers(request, token=self.system.token_for(caller))
                out += [t.id for t in page.teachers if not t.missing]
                if not page.has_next_page:
                    break
                after = page.end_cursor
        return out

    async def assign_code(self, teacher_id: str, formal: bool, letter: str, renew: bool) -> str:
        request = records_pb2.AssignPersonalCodeRequest(
            teacher_id=teacher_id, formal=formal, formal_letter=letter, renew=renew
        )
        return (await self.client.AssignPersonalCode(request, token=self.system.token())).personal_code

    async def move(self, teacher_id: str, school: School, actor: str) -> None:
        request = records_pb2.MoveTeacherRequest(
            teacher_id=teacher_id,
            school_code=school.code,
            school_type=school.school_type,
            org_path=list(school.path),
            actor=actor,
        )
        await self.client.MoveTeacher(request, token=self.system.token())

    async def find_person(self, id_type: str, id_number: str) -> list[Person]:
        request = records_pb2.FindTeacherByDocumentRequest(id_type=id_type, id_number=id_number)
        reply = await self.client.FindTeacherByDocument(request, token=self.system.token())
        basic = self.registry.set("BASIC")
        return [
            Person(t.id, str(decode(t.basic_json, basic).get("name") or ""), tuple(t.org_path)) for t in reply.teachers
        ]

    def describe(self, path: str, school_type: str) -> str:
        return self.registry.label_of(path, school_type)

    async def set_status(self, teacher_id: str, status: str, seq: int, push: Push) -> list[Problem]:
        request = records_pb2.SetReviewStatusRequest(
            teacher_id=teacher_id,
            status=status,
            seq=seq,
            approved_snapshot=push.snapshot,
            restore_approved=push.restore,
            check_duplicates=push.check_duplicates,
        )
        reply = await self.client.SetReviewStatus(request, token=self.system.token())
        return [(e.code, e.message, e.field) for e in reply.errors]


class GrpcIdentity:
    """`ports.Orgs` and `ports.Accounts` over identity's gRPC API, asked as the service."""

    def __init__(self, client: IdentityServiceClient, system: System) -> None:
        self.client = client
        self.system = system

    async def _orgs(self, codes: Sequence[str]) -> list[identity_pb2.Org]:
        request = identity_pb2.BatchGetOrgsRequest(codes=list(codes))
        return list((await self.client.BatchGetOrgs(request, token=self.system.token())).orgs)

    async def org(self, code: str) -> School | None:
        found = await self._orgs([code])
        return next((School(o.code, o.school_type, tuple(o.path), o.level, o.name) for o in found), None)

    async def levels(self, codes: Sequence[str]) -> dict[str, str]:
        return {o.code: o.level for o in await self._orgs(codes)}

    async def place(self, teacher_id: str, school_code: str, enabled: bool) -> None:
        request = identity_pb2.PlaceTeacherAccountRequest(
            teacher_id=teacher_id, school_code=school_code, enabled=enabled
        )
        await self.client.PlaceTeacherAccount(request, token=self.system.token())
