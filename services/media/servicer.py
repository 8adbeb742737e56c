"""gRPC adapter of the media service: protobuf in, domain call, protobuf out."""

from __future__ import annotations

import uuid
from typing import Any

import grpc

from services.media.batch import PhotoJobs
from services.media.photos import Photos
from services.media.standard import PhotoStandard
from tmis.proto.media.v1 import media_pb2 as pb
from tmis.proto.media.v1 import media_pb2_grpc
from tmis.rpc import current_caller
from tmis.rpc.photos import Photo, photo_message

Context = grpc.aio.ServicerContext  # Context[Request, Reply]


def job_pb(job: dict[str, Any]) -> pb.PhotoJob:
    results = job.get("results") or []
    return pb.PhotoJob(
        id=job["_id"],
        status=job["status"],
        total=job["total"],
        processed=job["processed"],
        succeeded=job["succeeded"],
        failed=job["failed"],
        errors=[
            pb.JobError(row=r["index"], column=r["name"], message=r["message"])
            for r in results
            if r["outcome"] != "ATTACHED"
        ],
        results=[
            pb.FileResult(
                index=r["index"], name=r["name"], outcome=r["outcome"], teacher_id=r["teacher_id"], message=r["message"]
            )
            for r in results
        ],
    )


class MediaServicer(media_pb2_grpc.MediaServiceServicer):
    def __init__(self, standard: PhotoStandard, photos: Photos, jobs: PhotoJobs) -> None:
        self.standard = standard
        self.photos = photos
        self.jobs = jobs
        self.instance_id = uuid.uuid4().hex
        self.calls = 0

    async def GetPhotoStandard(
        self, request: pb.GetPhotoStandardRequest, context: Context[pb.GetPhotoStandardRequest, pb.PhotoStandard]
    ) -> pb.PhotoStandard:
        self.calls += 1
        current_caller().require()
        s = self.standard
        return pb.PhotoStandard(
            width_cm=s.width_cm,
            height_cm=s.height_cm,
            dpi=s.dpi,
            width_px=s.width_px,
            height_px=s.height_px,
            max_bytes=s.max_bytes,
            formats=s.formats,
        )

    async def UploadPhoto(
        self, request: pb.UploadPhotoRequest, context: Context[pb.UploadPhotoRequest, Photo]
    ) -> Photo:
        self.calls += 1
        photo = await self.photos.upload(current_caller(), request.teacher_id, request.content, request.filename)
        return photo_message(photo)

    async def GetPhoto(
        self, request: pb.GetPhotoRequest, context: Context[pb.GetPhotoRequest, pb.PhotoFile]
    ) -> pb.PhotoFile:
        self.calls += 1
        photo_id, content = await self.photos.read(current_caller(), request.teacher_id)
        return pb.PhotoFile(id=photo_id, content=content, content_type="image/jpeg")

    async def ImportPhotos(
        self, request: pb.ImportPhotosRequest, context: Context[pb.ImportPhotosRequest, pb.PhotoJob]
    ) -> pb.PhotoJob:
        self.calls += 1
        return job_pb(await self.jobs.start(current_caller(), request.school_code, request.archive))

    async def GetPhotoJob(
        self, request: pb.GetPhotoJobRequest, context: Context[pb.GetPhotoJobRequest, pb.PhotoJob]
    ) -> pb.PhotoJob:
        self.calls += 1
        return job_pb(await self.jobs.get(current_caller(), request.id))

    async def GetInstanceStats(
        self, request: pb.GetInstanceStatsRequest, context: Context[pb.GetInstanceStatsRequest, pb.InstanceStats]
    ) -> pb.InstanceStats:
        current_caller().require()
        return pb.InstanceStats(instance_id=self.instance_id, calls=self.calls)
