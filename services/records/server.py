"""The records service's server factory."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from services.records.jobs import Workbooks
from services.records.model import OrgRef
from services.records.reading import Limits
from services.records.review_link import ReviewLink
from services.records.servicer import PUBLIC_METHODS, RecordsServicer
from services.records.stats import Stats
from services.records.storage import JobStore, Storage
from services.records.teachers import Teachers
from tmis import metrics
from tmis.auth import SYSTEM, Caller, TokenSigner
from tmis.errors import DomainError, ErrorCode
from tmis.jobs import JobConfig
from tmis.metrics import JOBS_GAUGE_SECONDS
from tmis.plugins import build_registry, local_rules, make_plugin_manager
from tmis.plugins import code_tables as load_tables
from tmis.proto.identity.v1 import identity_client, identity_pb2
from tmis.proto.records.v1 import records_pb2, records_pb2_grpc
from tmis.proto.review.v1 import review_client, review_pb2
from tmis.rpc import ServerHandle, build_server
from tmis.settings import Settings

SERVICE_NAME = records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    plugins = make_plugin_manager(settings.plugins)
    code_tables = load_tables(plugins, settings.raw.get("TMIS_CODES_DIR"))
    storage = await Storage.open(settings)
    identity = identity_client.connect(settings.addrs["identity"])

    async def org_of(code: str) -> OrgRef | None:
        reply = await identity.BatchGetOrgs(identity_pb2.BatchGetOrgsRequest(codes=[code]))
        if not reply.orgs:
            return None
        org = reply.orgs[0]
        return OrgRef(code, org.level, tuple(org.path), org.school_type, org.name)

    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)

    async def name_of(code: str) -> str:
        """An org's name for messages and defaults, asked as the service (an import job has no caller)."""
        reply = await identity.BatchGetOrgs(
            identity_pb2.BatchGetOrgsRequest(codes=[code]), token=signer.sign(SYSTEM, ttl_seconds=120)
        )
        return reply.orgs[0].name if reply.orgs else ""

    review = review_client.connect(settings.addrs["review"]) if settings.addrs.get("review") else None

    def mint(caller: Caller) -> str:  # an import job's token for the calls of one chunk, in its uploader's name
        return signer.sign(caller, ttl_seconds=300)

    async def reopen(teacher_id: str, acting: Caller) -> str:
        """年度更新: a 信息变更 on an APPROVED record an import changes, opened by the importing clerk
        (review checks them as it checks a clerk's own request)."""
        assert review is not None
        request = review_pb2.StartChangeRequest(teacher_id=teacher_id, reason="年度更新：批量导入")
        try:
            await review.StartChange(request, token=mint(acting))
        except DomainError as err:
            if err.code == ErrorCode.SERVICE_UNAVAILABLE:
                raise  # (the chunk waits for review, it is not refused)
            return err.message
        return ""

    registry = build_registry(plugins)
    teachers = Teachers(storage, org_of, registry, code_tables, local_rules(plugins), name_of)
    jobs = JobStore(storage.client, settings.databases["records"])
    job_config = JobConfig(
        stale_seconds=settings.int("TMIS_IMPORT_STALE_SECONDS", 30),
        max_attempts=settings.int("TMIS_IMPORT_MAX_ATTEMPTS", 3),
    )
    workbooks = Workbooks(
        jobs, teachers, registry, code_tables, Limits.of(settings), job_config, mint, reopen if review else None
    )
    await workbooks.runtime.open()
    servicer = RecordsServicer(
        teachers, ReviewLink(storage), Stats(storage, org_of, registry, code_tables), code_tables, workbooks
    )

    # grpcio-tools generates records_pb2_grpc without annotations: its registration, typed here
    add_servicer: Callable[[RecordsServicer, grpc.aio.Server], None] = (
        records_pb2_grpc.add_RecordsServiceServicer_to_server
    )

    def register(server: grpc.aio.Server) -> list[str]:
        add_servicer(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server(
        "records", settings, register, port=port, public_methods=PUBLIC_METHODS, database=storage.answers
    )
    handle.every(
        settings.int("TMIS_STATS_REFRESH_MS", 3000) / 1000,
        storage.summaries.refresh_marked,
        "refreshing school summaries",
    )
    handle.every(JOBS_GAUGE_SECONDS, lambda: metrics.for_service("records").count_jobs(jobs.jobs), "counting jobs")
    sweep = workbooks.runtime.sweep
    handle.every(job_config.sweep_seconds, sweep, "sweeping for import jobs whose run stopped", now=True)
    retention_days = settings.int("TMIS_JOB_RETENTION_DAYS", 30)
    handle.every(3600.0, lambda: workbooks.purge(retention_days), "purging old import jobs", now=True)
    handle.on_stop += [workbooks.close, storage.close, identity.close, *([review.close] if review else [])]
    return handle
