"""The review service's server factory: the workflow, its ports to records and identity, and
the reconciler that finishes transitions a crash left half-done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import grpc

from services.review import checks
from services.review.movement_storage import MovementStorage
from services.review.movements import MovementPorts, Movements, Person, School
from services.review.servicer import ReviewServicer
from services.review.storage import Storage
from services.review.workflow import Config, Ports, Workflow
from tmis.auth import SYSTEM, TokenSigner
from tmis.hookspecs import Finding, ReviewRecord
from tmis.plugins import build_registry, make_plugin_manager
from tmis.plugins import code_tables as load_tables
from tmis.proto.identity.v1 import identity_client, identity_pb2
from tmis.proto.records.v1 import records_client, records_pb2
from tmis.proto.review.v1 import review_pb2, review_pb2_grpc
from tmis.registry import Registry
from tmis.rpc import ServerHandle, build_server
from tmis.rpc.structs import record_data
from tmis.settings import Settings

CHINA = dt.timezone(dt.timedelta(hours=8))
SERVICE_NAME = review_pb2.DESCRIPTOR.services_by_name["ReviewService"].full_name


def review_record(t: records_pb2.Teacher, registry: Registry) -> ReviewRecord:
    entries: dict[str, list[Mapping[str, Any]]] = {}
    for e in t.entries:
        entries.setdefault(e.set, []).append(record_data(e.data, registry.set(e.set)))
    return ReviewRecord(
        teacher_id=t.id,
        school_code=t.school_code,
        school_type=t.school_type,
        org_path=tuple(t.org_path),
        basic=record_data(t.basic, registry.set("BASIC")),
        entries=entries,
        missing=tuple(t.missing),
        warnings=tuple(Finding(w.code, w.message, w.field) for w in t.warnings),
        personal_code=t.personal_code,
        changed=tuple(dict.fromkeys(c.path.split("[")[0] for c in t.changes_since_approval)),
    )


async def create_server(
    settings: Settings, *, port: int | None = None, plugins: tuple[object, ...] = ()
) -> ServerHandle:
    """`plugins`: registered beside the built-in checks and the enabled packages (embedding, tests)."""
    storage = await Storage.open(settings)
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)
    records = records_client.connect(settings.addrs["records"])
    identity = identity_client.connect(settings.addrs["identity"])
    manager = make_plugin_manager(settings.plugins, builtins=(checks, *plugins))
    registry = build_registry(manager)
    sets = registry.entry_sets()

    def system() -> str:
        return signer.sign(SYSTEM, ttl_seconds=120)

    async def read(ids: list[str], as_service: bool) -> dict[str, ReviewRecord]:
        if not ids:
            return {}
        request = records_pb2.BatchGetTeachersRequest(ids=ids, sets=sets, with_changes_since_approval=True)
        reply = await records.BatchGetTeachers(request, token=system() if as_service else None)
        return {t.id: review_record(t, registry) for t in reply.teachers}

    async def push(
        teacher_id: str, status: str, seq: int, snapshot: bool, restore: bool, check: bool
    ) -> list[tuple[str, str, str]]:
        request = records_pb2.SetReviewStatusRequest(
            teacher_id=teacher_id,
            status=status,
            seq=seq,
            approved_snapshot=snapshot,
            restore_approved=restore,
            check_duplicates=check,
        )
        reply = await records.SetReviewStatus(request, token=system())
        return [(e.code, e.message, e.field) for e in reply.errors]

    async def assign_code(teacher_id: str, formal: bool, letter: str, renew: bool) -> str:
        request = records_pb2.AssignPersonalCodeRequest(
            teacher_id=teacher_id, formal=formal, formal_letter=letter, renew=renew
        )
        return (await records.AssignPersonalCode(request, token=system())).personal_code

    async def levels_of(codes: Sequence[str]) -> dict[str, str]:
        reply = await identity.BatchGetOrgs(identity_pb2.BatchGetOrgsRequest(codes=list(codes)), token=system())
        return {o.code: o.level for o in reply.orgs}

    async def name_of(code: str) -> str:
        reply = await identity.BatchGetOrgs(identity_pb2.BatchGetOrgsRequest(codes=[code]), token=system())
        return reply.orgs[0].name if reply.orgs else code

    async def complete_ids(org_code: str, status: str, search: str) -> list[str]:
        # read as the caller: records answers only within the caller's subtree
        out: list[str] = []
        for wanted in [status] if status else ["DRAFT", "REJECTED", "CHANGING"]:
            after = ""
            while len(out) < 500:
                request = records_pb2.ListTeachersRequest(
                    org_code=org_code, status=wanted, search=search, first=200, after=after
                )
                page = await records.ListTeachers(request)
                out += [t.id for t in page.teachers if not t.missing]
                if not page.has_next_page:
                    break
                after = page.end_cursor
        return out

    moves = MovementStorage(storage.client, settings.databases["review"])
    await moves.open()

    async def first_approved(teacher_id: str, path: tuple[str, ...]) -> None:
        today = dt.datetime.now(CHINA).date().isoformat()
        await moves.add_flow(f"{teacher_id}:NEW", "NEW", today, path, (), "")

    async def org_of(code: str) -> School | None:
        reply = await identity.BatchGetOrgs(identity_pb2.BatchGetOrgsRequest(codes=[code]), token=system())
        return next((School(o.code, o.school_type, tuple(o.path), o.level, o.name) for o in reply.orgs), None)

    async def move_record(teacher_id: str, school: School, actor: str) -> None:
        request = records_pb2.MoveTeacherRequest(
            teacher_id=teacher_id,
            school_code=school.code,
            school_type=school.school_type,
            org_path=list(school.path),
            actor=actor,
        )
        await records.MoveTeacher(request, token=system())

    async def place_account(teacher_id: str, school_code: str, enabled: bool) -> None:
        request = identity_pb2.PlaceTeacherAccountRequest(
            teacher_id=teacher_id, school_code=school_code, enabled=enabled
        )
        await identity.PlaceTeacherAccount(request, token=system())

    async def find_person(id_type: str, id_number: str) -> list[Person]:
        request = records_pb2.FindTeacherByDocumentRequest(id_type=id_type, id_number=id_number)
        reply = await records.FindTeacherByDocument(request, token=system())
        return [
            Person(t.id, str(record_data(t.basic, registry.set("BASIC")).get("name") or "")) for t in reply.teachers
        ]

    ports = Ports(read, push, assign_code, levels_of, registry.label_of, name_of, complete_ids, first_approved)
    config = Config.from_raw(settings.raw)
    workflow = Workflow(storage, ports, manager, config)
    movements = Movements(
        storage,
        moves,
        ports,
        MovementPorts(org_of, move_record, place_account, find_person),
        manager,
        load_tables(manager, settings.raw.get("TMIS_CODES_DIR")).get("leave_reason"),
        config.retry_after,
    )
    servicer = ReviewServicer(workflow, movements)

    def register(server: grpc.aio.Server) -> list[str]:
        review_pb2_grpc.add_ReviewServiceServicer_to_server(servicer, server)  # type: ignore[no-untyped-call]  # grpcio-tools generates _pb2_grpc without annotations
        return [SERVICE_NAME]

    handle = await build_server("review", settings, register, port=port, database=storage.answers)
    handle.every(
        settings.int("TMIS_REVIEW_RECONCILE_MS", 5000) / 1000, workflow.reconcile, "reconciling half-done transitions"
    )
    handle.every(settings.int("TMIS_REVIEW_RECONCILE_MS", 5000) / 1000, movements.reconcile, "reconciling movements")
    handle.on_stop += [storage.close, records.close, identity.close]
    return handle
