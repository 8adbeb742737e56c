"""uploadPhoto and importPhotos; photo jobs answer importJob(id) for ids `photo-…`."""

from __future__ import annotations

import strawberry
from starlette.datastructures import UploadFile

from gateway.context import Info
from gateway.errors import attempt, refusal
from gateway.jobs import ImportJob, ImportJobPayload
from gateway.media.types import Photo, PhotoPayload
from tmis.errors import DomainError
from tmis.proto.media.v1 import media_pb2 as pb


async def _read(file: UploadFile) -> tuple[bytes, str]:
    return await file.read(), file.filename or ""


async def photo_job(info: Info, job_id: str) -> ImportJob | None:
    """A photo job as importJob shows it (failed files as errors: column = file name, row = position)."""
    if info.context.caller is None:
        return None
    try:
        reply = await info.context.clients.media.GetPhotoJob(pb.GetPhotoJobRequest(id=job_id), token=info.context.token)
    except DomainError:
        return None
    return ImportJob.of(reply)


@strawberry.type
class MediaMutation:
    @strawberry.mutation(
        description=(
            "Normalises the photo to the standard and attaches it (the teacher or the school's 信息录入员; DRAFT "
            "or REJECTED records)."
        )
    )
    async def upload_photo(self, info: Info, teacher_id: strawberry.ID, file: UploadFile) -> PhotoPayload:
        if errors := refusal(info.context.caller):
            return PhotoPayload(user_errors=errors)
        content, filename = await _read(file)
        request = pb.UploadPhotoRequest(teacher_id=str(teacher_id), content=content, filename=filename[:200])
        reply, errors = await attempt(
            info.context.clients.media.UploadPhoto(request, token=info.context.token, timeout=60)
        )
        return PhotoPayload(photo=Photo.of(info, str(teacher_id), reply) if reply else None, user_errors=errors)

    @strawberry.mutation(description="A .zip of photos named <身份证件号>.<ext>; each is normalised and attached.")
    async def import_photos(self, info: Info, school_code: str, archive: UploadFile) -> ImportJobPayload:
        if errors := refusal(info.context.caller, "DATA_ENTRY"):
            return ImportJobPayload(user_errors=errors)
        content, filename = await _read(archive)
        request = pb.ImportPhotosRequest(school_code=school_code.strip(), archive=content, filename=filename[:200])
        reply, errors = await attempt(
            info.context.clients.media.ImportPhotos(request, token=info.context.token, timeout=120)
        )
        return ImportJobPayload(job=ImportJob.of(reply) if reply else None, user_errors=errors)
