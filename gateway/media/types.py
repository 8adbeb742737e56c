"""Photo, its compliance report, and the payloads of the photo mutations."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from gateway.context import Info
from gateway.errors import UserError
from gateway.files import download_url
from tmis.proto.common.v1 import photo_pb2


def photo_path(teacher_id: str) -> str:
    return f"/files/photos/{teacher_id}.jpg"


@strawberry.enum
class PhotoCrop(Enum):
    FACE = "FACE"
    UPPER_CENTRE = "UPPER_CENTRE"


@strawberry.enum(description="What a clerk should look at in a normalised photo.")
class PhotoWarningCode(Enum):
    NO_FACE = "NO_FACE"
    BACKGROUND_NOT_PLAIN = "BACKGROUND_NOT_PLAIN"


@strawberry.type
class PhotoWarning:
    code: PhotoWarningCode
    message: str = strawberry.field(description="In Chinese, for the clerk.")


@strawberry.type(description="How the photo was made from the upload: shown to reviewers.")
class PhotoReport:
    face_found: bool
    crop: PhotoCrop = strawberry.field(
        description="Centred on the detected face, or on the upper centre when none was found."
    )
    source_format: str
    source_width: int
    source_height: int
    source_bytes: int
    orientation: int = strawberry.field(description="EXIF orientation applied (1 = none).")
    colour: str = strawberry.field(description="Colour conversion applied, e.g. CMYK+ICC→sRGB.")
    quality: int = strawberry.field(description="JPEG quality chosen to stay under the size cap.")
    warnings: list[PhotoWarning] = strawberry.field(
        description="What needs a look: no face found, a background that is not one light colour. Empty when none."
    )

    @classmethod
    def of(cls, report: photo_pb2.PhotoReport) -> PhotoReport:
        source = report.source
        return cls(
            face_found=report.face_found,
            crop=PhotoCrop(report.crop or "UPPER_CENTRE"),
            source_format=source.format,
            source_width=source.width,
            source_height=source.height,
            source_bytes=source.bytes,
            orientation=report.orientation or 1,
            colour=report.colour,
            quality=report.quality,
            warnings=[
                PhotoWarning(code=PhotoWarningCode(w.code), message=w.message)
                for w in report.warnings
                if w.code in PhotoWarningCode.__members__
            ],
        )


@strawberry.type
class Photo:
    url: str = strawberry.field(
        description="A short-lived link to the JPEG (for <img src>), for callers who may see the teacher."
    )
    width: int
    height: int
    bytes: int
    dpi: int
    report: PhotoReport

    @classmethod
    def of(cls, info: Info, teacher_id: str, pb: photo_pb2.Photo) -> Photo | None:
        """From the photo message (a teacher's, or media's reply); None without a caller (no link to sign)."""
        caller = info.context.caller
        if caller is None:
            return None
        url = download_url(info.context.request, info.context.signer, caller, photo_path(teacher_id))
        report = PhotoReport.of(pb.report)
        return cls(url=url, width=pb.width, height=pb.height, bytes=pb.bytes, dpi=pb.dpi, report=report)


@strawberry.type
class PhotoPayload:
    photo: Photo | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.enum
class PhotoFileOutcome(Enum):
    ATTACHED = "ATTACHED"
    NO_SUCH_TEACHER = "NO_SUCH_TEACHER"
    BAD_IMAGE = "BAD_IMAGE"
    REFUSED = "REFUSED"


@strawberry.type(description="One file of a photo archive and what became of it.")
class PhotoFileResult:
    index: int = strawberry.field(description="Position in the archive, from 1.")
    name: str
    outcome: PhotoFileOutcome
    teacher_id: strawberry.ID | None
    message: str | None

    @classmethod
    def of(cls, pb: Any) -> PhotoFileResult:
        return cls(
            index=pb.index,
            name=pb.name,
            outcome=PhotoFileOutcome(pb.outcome),
            teacher_id=strawberry.ID(pb.teacher_id) if pb.teacher_id else None,
            message=pb.message or None,
        )
