"""The review service's server factory: storage, the adapters to records and identity, the state's
owner, the review chain and the movements, and the reconciler that finishes half-done work."""

from __future__ import annotations

import grpc

from services.review import checks
from services.review.adapters import GrpcIdentity, GrpcRecords, System
from services.review.config import Config
from services.review.movement_storage import MovementStorage
from services.review.movements import Movements
from services.review.servicer import ReviewServicer
from services.review.states import ReviewStates
from services.review.storage import Storage
from services.review.workflow import Workflow
from tmis.auth import TokenSigner
from tmis.plugins import build_registry, make_plugin_manager
from tmis.plugins import code_tables as load_tables
from tmis.proto.identity.v1 import identity_client
from tmis.proto.records.v1 import records_client
from tmis.proto.review.v1 import review_pb2, review_pb2_grpc
from tmis.rpc import ServerHandle, build_server
from tmis.settings import Settings

SERVICE_NAME = review_pb2.DESCRIPTOR.services_by_name["ReviewService"].full_name


async def create_server(
    settings: Settings, *, port: int | None = None, plugins: tuple[object, ...] = ()
) -> ServerHandle:
    """`plugins`: registered beside the built-in checks and the enabled packages (embedding, tests)."""
    config = Config.from_raw(settings.raw)
    storage = await Storage.open(settings)
    movement_storage = MovementStorage(storage.client, settings.databases["review"])
    await movement_storage.open()
    manager = make_plugin_manager(settings.plugins, builtins=(checks, *plugins))
    system = System(TokenSigner(settings.require_secret(), settings.token_ttl_seconds))
    records_rpc = records_client.connect(settings.addrs["records"])
    identity_rpc = identity_client.connect(settings.addrs["identity"])
    records = GrpcRecords(records_rpc, build_registry(manager), system)
    identity = GrpcIdentity(identity_rpc, system)

    states = ReviewStates(storage, records, config.retry_after)
    workflow = Workflow(states, movement_storage, records, identity, manager, config)
    leave_reasons = load_tables(manager, settings.raw.get("TMIS_CODES_DIR")).get("leave_reason")
    movements = Movements(
        states,
        movement_storage,
        movement_storage,
        records,
        identity,
        identity,
        manager,
        leave_reasons,
        config.retry_after,
    )
    servicer = ReviewServicer(workflow, movements)

    def register(server: grpc.aio.Server) -> list[str]:
        review_pb2_grpc.add_ReviewServiceServicer_to_server(servicer, server)  # type: ignore[no-untyped-call]  # grpcio-tools generates _pb2_grpc without annotations
        return [SERVICE_NAME]

    async def reconcile() -> None:
        """Half-done work, in turn: states records has not heard of, the steps after final
        approvals, movements approved but not applied (each retried on its own next round)."""
        await states.reconcile()
        await workflow.reconcile()
        await movements.reconcile()

    handle = await build_server("review", settings, register, port=port, database=storage.answers)
    handle.every(settings.int("TMIS_REVIEW_RECONCILE_MS", 5000) / 1000, reconcile, "reconciling half-done work")
    handle.on_stop += [storage.close, records_rpc.close, identity_rpc.close]
    return handle
