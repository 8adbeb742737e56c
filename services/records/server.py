"""The records service's server factory."""
from __future__ import annotations

import grpc

from services.records.job_storage import JobStore
from services.records.jobs import Workbooks
from services.records.model import OrgRef
from services.records.reading import Limits
from services.records.servicer import PUBLIC_METHODS, RecordsServicer
from services.records.storage import Storage
from services.records.teachers import Teachers
from tmis.codes import load_code_tables
from tmis.registry import Registry
from tmis.proto.identity.v1 import identity_pb2, identity_pb2_grpc
from tmis.proto.records.v1 import records_pb2, records_pb2_grpc
from tmis.rpc import ServerHandle, ServiceClient, build_server
from tmis.settings import Settings

SERVICE_NAME = records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    code_tables = load_code_tables(settings.raw.get("TMIS_CODES_DIR"))
    storage = await Storage.open(settings)
    identity = ServiceClient("identity", settings.addrs["identity"], identity_pb2_grpc.IdentityServiceStub)

    async def org_of(code: str) -> OrgRef | None:
        reply = await identity.BatchGetOrgs(identity_pb2.BatchGetOrgsRequest(codes=[code]))
        return OrgRef(code, reply.orgs[0].level, tuple(reply.orgs[0].path), reply.orgs[0].school_type) if reply.orgs else None

    registry = Registry()
    teachers = Teachers(storage, org_of, registry, code_tables)
    jobs = await JobStore(storage.client, settings.databases["records"]).open()
    workbooks = Workbooks(jobs, teachers, registry, code_tables, Limits.of(settings), settings.int("TMIS_IMPORT_STALE_SECONDS", 120))
    servicer = RecordsServicer(teachers, code_tables, workbooks)

    def register(server: grpc.aio.Server) -> list[str]:
        records_pb2_grpc.add_RecordsServiceServicer_to_server(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server("records", settings, register, port=port, public_methods=PUBLIC_METHODS)
    await workbooks.resume()
    handle.on_stop += [workbooks.close, storage.close, identity.close]
    return handle
