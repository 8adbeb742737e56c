"""The media service's server factory.

Settings (besides the suite's): TMIS_MEDIA_STANDARD (JSON overriding keys of the photo standard,
e.g. {"dpi": 300}), TMIS_MEDIA_MAX_UPLOAD_BYTES (one photo, default 20 MB),
TMIS_MEDIA_KEEP_ORIGINALS (1: store the uploaded original beside the normalised photo),
TMIS_MEDIA_ARCHIVE_MAX_FILES (2000) and TMIS_MEDIA_ARCHIVE_MAX_BYTES (uncompressed, 1 GB),
TMIS_MEDIA_JOB_STALE_SECONDS (30: a photo job whose heartbeat is this old is taken over by another
instance), TMIS_MEDIA_JOB_MAX_ATTEMPTS (3: runs of a job before it is marked FAILED) and the suite's
TMIS_JOB_RETENTION_DAYS (30: finished jobs and their archives are deleted after this).
Stateless apart from its database: run as many instances as the load needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc

from services.media import standard
from services.media.archive import ArchiveLimits
from services.media.batch import PURGE_EVERY_SECONDS, PhotoJobs
from services.media.photos import SWEEP_EVERY_SECONDS, MediaConfig, Photos
from services.media.servicer import MediaServicer
from services.media.storage import Storage
from tmis import metrics
from tmis.auth import SYSTEM, Caller, TokenSigner
from tmis.jobs import JobConfig
from tmis.metrics import JOBS_GAUGE_SECONDS
from tmis.plugins import make_plugin_manager
from tmis.proto.media.v1 import media_pb2, media_pb2_grpc
from tmis.proto.records.v1 import records_client, records_pb2
from tmis.proto.records.v1.records_client import RecordsServiceClient
from tmis.rpc import ServerHandle, build_server
from tmis.rpc.photos import photo_message
from tmis.settings import Settings, SettingsError

SERVICE_NAME = media_pb2.DESCRIPTOR.services_by_name["MediaService"].full_name
MB = 1024 * 1024


def _configured_standard(settings: Settings) -> dict[str, Any]:
    raw = settings.raw.get("TMIS_MEDIA_STANDARD", "")
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        raise SettingsError(f"TMIS_MEDIA_STANDARD must be a JSON object, got {raw!r}") from None
    if not isinstance(value, dict):
        raise SettingsError(f"TMIS_MEDIA_STANDARD must be a JSON object, got {raw!r}")
    return value


def make_photos(
    settings: Settings, storage: Storage, records: RecordsServiceClient, mint: Callable[[Caller], str]
) -> Photos:
    """Photos as the server runs them: every call to records carries the caller's token (the client
    forwards the current RPC's), so records authorises the caller; the sweep's acts as the suite."""

    async def attach(teacher_id: str, photo: dict[str, Any]) -> str:
        request = records_pb2.AttachPhotoRequest(teacher_id=teacher_id, photo=photo_message(photo))
        reply = await records.AttachPhoto(request)
        return reply.replaced_id

    async def photo_of(teacher_id: str) -> str | None:
        reply = await records.BatchGetTeachers(records_pb2.BatchGetTeachersRequest(ids=[teacher_id]))
        return reply.teachers[0].photo.id if reply.teachers else None

    async def photos_of(teacher_ids: list[str]) -> dict[str, str]:
        request = records_pb2.BatchGetTeachersRequest(ids=teacher_ids)
        reply = await records.BatchGetTeachers(request, token=mint(SYSTEM), timeout=60)
        return {t.id: t.photo.id for t in reply.teachers}

    chosen = standard.resolve(make_plugin_manager(settings.plugins), _configured_standard(settings))
    config = MediaConfig(
        max_upload_bytes=settings.int("TMIS_MEDIA_MAX_UPLOAD_BYTES", 20 * MB),
        keep_originals=settings.bool("TMIS_MEDIA_KEEP_ORIGINALS", False),
    )
    return Photos(storage, chosen, config, attach, photo_of, photos_of)


async def create_server(settings: Settings, *, port: int | None = None) -> ServerHandle:
    storage = await Storage.open(settings)
    records = records_client.connect(settings.addrs["records"])
    signer = TokenSigner(settings.require_secret(), settings.token_ttl_seconds)

    def mint(caller: Caller) -> str:  # a job's token for one file's calls; the sweep's
        return signer.sign(caller, ttl_seconds=300)

    async def roster(school_code: str) -> dict[str, str]:
        reply = await records.ListSchoolRoster(records_pb2.ListSchoolRosterRequest(school_code=school_code), timeout=60)
        return {t.id_number.upper(): t.teacher_id for t in reply.teachers}

    photos = make_photos(settings, storage, records, mint)
    limits = ArchiveLimits(
        max_files=settings.int("TMIS_MEDIA_ARCHIVE_MAX_FILES", 2000),
        max_file_bytes=photos.config.max_upload_bytes,
        max_total_bytes=settings.int("TMIS_MEDIA_ARCHIVE_MAX_BYTES", 1024 * MB),
    )
    job_config = JobConfig(
        stale_seconds=settings.int("TMIS_MEDIA_JOB_STALE_SECONDS", 30),
        max_attempts=settings.int("TMIS_MEDIA_JOB_MAX_ATTEMPTS", 3),
    )
    jobs = PhotoJobs(storage, photos, roster, limits, mint, job_config, settings.int("TMIS_JOB_RETENTION_DAYS", 30))
    await jobs.runtime.open()
    servicer = MediaServicer(photos.standard, photos, jobs)

    # grpcio-tools generates media_pb2_grpc without annotations: its registration, typed here
    add_servicer: Callable[[MediaServicer, grpc.aio.Server], None] = media_pb2_grpc.add_MediaServiceServicer_to_server

    def register(server: grpc.aio.Server) -> list[str]:
        add_servicer(servicer, server)
        return [SERVICE_NAME]

    handle = await build_server("media", settings, register, port=port, database=storage.answers)
    handle.every(JOBS_GAUGE_SECONDS, lambda: metrics.for_service("media").count_jobs(storage.jobs), "counting jobs")
    handle.every(PURGE_EVERY_SECONDS, jobs.purge, "purging old photo jobs", now=True)
    handle.every(job_config.sweep_seconds, jobs.runtime.sweep, "sweeping for photo jobs whose run stopped", now=True)
    handle.every(SWEEP_EVERY_SECONDS, photos.sweep, "sweeping photos left by stopped uploads")
    handle.on_stop += [jobs.stop, photos.stop, storage.close, records.close]
    return handle
