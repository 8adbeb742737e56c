"""Independent scaling: two media instances side by side, one gateway spreading calls over both
(gRPC round_robin over the addresses of one target, as compose --scale gives one DNS name)."""

from __future__ import annotations

import dataclasses

import httpx

from gateway.app import create_app
from gateway.clients import Clients
from services.media.server import create_server as media_server
from tests.support import images
from tests.support.media import UPLOAD, upload
from tests.support.world import World
from tmis.proto.media.v1 import media_pb2 as pb
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port


async def test_two_media_instances_share_the_uploads(world: World) -> None:
    suite = world.suite
    teachers = [(await world.create(serial)).teacher for serial in range(1, 5)]
    ports = [free_port(), free_port()]
    instances = [await media_server(dataclasses.replace(suite.settings, ports={"media": p})) for p in ports]
    both = Clients.from_settings(
        dataclasses.replace(
            suite.settings, addrs={**suite.settings.addrs, "media": "ipv4:" + ",".join(f"127.0.0.1:{p}" for p in ports)}
        )
    )
    app = create_app(suite.settings, clients=both)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
        ):
            for round_ in range(3):
                for teacher in teachers:
                    photo = images.encoded(images.portrait(colour=(200, 180, 160 - round_)), "JPEG")
                    reply = await upload(suite, UPLOAD, {"t": teacher.id, "f": None}, "p.jpg", photo, world.clerk, http)
                    assert reply["data"]["uploadPhoto"]["userErrors"] == []
        calls = []
        for port in ports:
            direct = ServiceClient("media", f"127.0.0.1:{port}", media_pb2_grpc.MediaServiceStub)
            stats = await direct.GetInstanceStats(pb.GetInstanceStatsRequest(), token=world.clerk)
            calls.append((stats.instance_id, stats.calls))
            await direct.close()
        assert len({instance for instance, _ in calls}) == 2
        assert all(served > 0 for _, served in calls) and sum(served for _, served in calls) == 12, calls
        # every photo is readable whichever instance stored it: they share only the database
        for teacher in teachers:
            got = await suite.http.get(
                f"/files/photos/{teacher.id}.jpg", headers={"authorization": f"Bearer {world.clerk}"}
            )
            assert got.status_code == 200
    finally:
        await both.close()
        for instance in instances:
            await instance.stop(0)
