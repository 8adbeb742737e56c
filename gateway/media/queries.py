"""Per-file results of a photo import (importJob shows the counts and the failures)."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.errors import require
from gateway.media.types import PhotoFileResult
from tmis.proto.media.v1 import media_pb2 as pb


@strawberry.type
class MediaQuery:
    @strawberry.field(
        description=(
            "Every file of a photo import job (importPhotos) with its outcome, in archive order; for the "
            "account that started it."
        )
    )
    async def photo_import_results(
        self, info: Info, job_id: strawberry.ID, first: int | None = 1000
    ) -> list[PhotoFileResult]:
        require(info.context.caller)
        reply = await info.context.clients.media.GetPhotoJob(
            pb.GetPhotoJobRequest(id=str(job_id)), token=info.context.token
        )
        return [
            PhotoFileResult.of(r) for r in reply.results[: max(0, min(first if first is not None else 1000, 10_000))]
        ]
