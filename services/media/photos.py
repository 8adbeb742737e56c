"""One photo: normalise, store, attach (records decides who may), serve.

The records service owns the attachment and media owns the bytes. Both calls to records carry
the caller's own token (the RPC's, forwarded by the client), so records authorises the caller
exactly as for an entry write or a read. Order of an upload: store the new file, attach it,
then delete the one it replaced; when the attach is refused the new file is deleted. Nothing
is half-written, and a crash in between leaves at worst an unreferenced file, never a
reference to a missing one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services.media.normalise import normalise
from services.media.standard import PhotoStandard
from services.media.storage import Storage
from tmis import metrics, tracing
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

# (teacher id, photo {id, width, height, bytes, dpi, report}) -> id of the photo it replaced, or ""
Attach = Callable[[str, dict[str, Any]], Awaitable[str]]
# teacher id -> the id of its photo, "" when it has none; None when unknown or out of the caller's sight
PhotoOf = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class MediaConfig:
    max_upload_bytes: int = 20 * 1024 * 1024
    keep_originals: bool = False


class Photos:
    def __init__(
        self, storage: Storage, standard: PhotoStandard, config: MediaConfig, attach: Attach, photo_of: PhotoOf
    ) -> None:
        self.storage = storage
        self.standard = standard
        self.config = config
        self.attach = attach
        self.photo_of = photo_of

    async def upload(self, caller: Caller, teacher_id: str, content: bytes, filename: str = "") -> dict[str, Any]:
        """The stored photo {id, width, height, bytes, dpi, report}; DomainError when refused (nothing kept)."""
        caller.require()
        if not caller.has_role("TEACHER", "DATA_ENTRY"):  # records refuses them too: spare the decoding
            raise DomainError(ErrorCode.FORBIDDEN, "照片只能由本人或学校信息录入员上传", "teacherId")
        # CPU-bound (decode, detect, encode): off the event loop, which keeps serving other calls
        result = await asyncio.to_thread(normalise, content, self.standard, self.config.max_upload_bytes)
        metrics.for_service("media").photos_normalised.inc()
        with tracing.step("photo.store"):
            photo_id = await self.storage.put_photo(result.jpeg, teacher_id)
        photo = {
            "id": photo_id,
            "width": result.width,
            "height": result.height,
            "bytes": len(result.jpeg),
            "dpi": result.dpi,
            "report": result.report,
        }
        try:
            if self.config.keep_originals:
                await self.storage.put_original(photo_id, content, filename)
            replaced = await self.attach(teacher_id, photo)
        except BaseException:
            await asyncio.shield(self.storage.delete_photo(photo_id))
            raise
        if replaced:
            with tracing.step("photo.delete_replaced"):
                await self.storage.delete_photo(replaced)
        return photo

    async def read(self, caller: Caller, teacher_id: str) -> tuple[str, bytes]:
        """(photo id, JPEG) of a teacher the caller may see."""
        caller.require()
        photo_id = await self.photo_of(teacher_id)
        data = await self.storage.read_photo(photo_id) if photo_id else None
        if data is None:
            raise DomainError(ErrorCode.NOT_FOUND, "照片不存在，或不在您的管理范围内", "teacherId")
        return photo_id or "", data
