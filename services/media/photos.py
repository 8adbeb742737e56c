"""One photo: normalise, store, attach (records decides who may), serve.

The records service owns the attachment and media owns the bytes. Both calls to records carry
the caller's own token (the RPC's, forwarded by the client), so records authorises the caller
exactly as for an entry write or a read. Order of an upload: store the new file (pending, with
the original when originals are kept), attach it, answer, then settle it: the file no longer
pending and the one it replaced deleted. Each step is one transaction. When records refuses the
attachment the new file is deleted before the refusal is answered; when the attachment's outcome is
unknown (records away, the call cut off) the file stays pending. A record never refers to a
missing file, and a process that dies between two steps leaves a file pending: the sweep (`sweep`,
every few minutes) finds those pending for longer than any upload takes, asks records which photo
each teacher has, and deletes the teacher's files stored before any upload still running began but
that one, which it settles: no unreferenced file stays, none that records refers to goes, and no
running upload's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from services.media.normalise import normalise
from services.media.standard import PhotoStandard
from services.media.storage import Storage
from tmis import metrics, tracing
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode
from tmis.jobs import transient

# (teacher id, photo {id, width, height, bytes, dpi, report}) -> id of the photo it replaced, or ""
Attach = Callable[[str, dict[str, Any]], Awaitable[str]]
# teacher id -> the id of its photo, "" when it has none; None when unknown or out of the caller's sight
PhotoOf = Callable[[str], Awaitable[str | None]]
# teacher ids -> {teacher id: the id of its photo, "" when none}, every teacher records has (as the suite)
PhotosOf = Callable[[list[str]], Awaitable[dict[str, str]]]
logger = logging.getLogger("tmis.media")
# an upload ends within this of storing its photo (its deadline is 60 s): a photo stored before it and
# not attached by now never will be
UPLOADS_END_WITHIN = dt.timedelta(minutes=5)
SWEEP_EVERY_SECONDS = 300.0


@dataclass(frozen=True)
class MediaConfig:
    max_upload_bytes: int = 20 * 1024 * 1024
    keep_originals: bool = False


class Photos:
    def __init__(
        self,
        storage: Storage,
        standard: PhotoStandard,
        config: MediaConfig,
        attach: Attach,
        photo_of: PhotoOf,
        photos_of: PhotosOf,
    ) -> None:
        self.storage = storage
        self.standard = standard
        self.config = config
        self.attach = attach
        self.photo_of = photo_of
        self.photos_of = photos_of
        self._settling: set[asyncio.Task[None]] = set()

    async def upload(self, caller: Caller, teacher_id: str, content: bytes, filename: str = "") -> dict[str, Any]:
        """The stored photo {id, width, height, bytes, dpi, report}; DomainError when refused (nothing kept)."""
        caller.require()
        if not caller.has_role("TEACHER", "DATA_ENTRY"):  # records refuses them too: spare the decoding
            raise DomainError(ErrorCode.FORBIDDEN, "照片只能由本人或学校信息录入员上传", "teacherId")
        # CPU-bound (decode, detect, encode): off the event loop, which keeps serving other calls
        result = await asyncio.to_thread(normalise, content, self.standard, self.config.max_upload_bytes)
        metrics.for_service("media").photos_normalised.inc()
        original = (content, filename) if self.config.keep_originals else None
        with tracing.step("photo.store"):
            photo_id = await self.storage.put_photo(result.jpeg, teacher_id, dt.datetime.now(dt.UTC), original)
        photo = {
            "id": photo_id,
            "width": result.width,
            "height": result.height,
            "bytes": len(result.jpeg),
            "dpi": result.dpi,
            "report": result.report,
        }
        try:
            replaced = await self.attach(teacher_id, photo)
        except DomainError as err:
            if not transient(err):  # refused: nothing was attached (else the sweep asks records later)
                await asyncio.shield(self.storage.delete_photo(photo_id))
            raise
        self._after(self.storage.settle_photo(photo_id, replaced))
        return photo

    def _after(self, settling: Coroutine[Any, Any, None]) -> None:
        """Runs once the answer is on its way (this task first returns it); what a crash leaves undone
        the sweep does."""

        async def settle() -> None:
            with tracing.step("photo.settle"):
                try:
                    await settling
                except Exception:
                    logger.warning("settling a photo failed; the sweep will", exc_info=True)

        task = asyncio.get_running_loop().create_task(settle())
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def stop(self) -> None:
        """Waits for the photos being settled (the service stops after them)."""
        await asyncio.gather(*self._settling)

    async def sweep(self, now: dt.datetime | None = None) -> None:
        """Settles what uploads stopped between storing a photo and settling it left (see the module):
        for each teacher with a photo pending since before twice `UPLOADS_END_WITHIN`, its files stored
        before `UPLOADS_END_WITHIN` ago but its photo in records (the photo such an upload replaced was
        stored before its attachment, so before that too; a newer upload's files are younger)."""
        ended = (now or dt.datetime.now(dt.UTC)) - UPLOADS_END_WITHIN
        teachers = await self.storage.pending_before(ended - UPLOADS_END_WITHIN)
        if not teachers:
            return
        current = await self.photos_of(teachers)
        deleted = sum([await self.storage.keep_only(t, current.get(t, ""), ended) for t in teachers])
        logger.info("photos left by stopped uploads: %d teachers, %d files deleted", len(teachers), deleted)

    async def read(self, caller: Caller, teacher_id: str) -> tuple[str, bytes]:
        """(photo id, JPEG) of a teacher the caller may see."""
        caller.require()
        photo_id = await self.photo_of(teacher_id)
        data = await self.storage.read_photo(photo_id) if photo_id else None
        if data is None:
            raise DomainError(ErrorCode.NOT_FOUND, "照片不存在，或不在您的管理范围内", "teacherId")
        return photo_id or "", data
