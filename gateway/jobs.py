"""Long jobs (workbook imports in records, photo batches in media) as the API shows them.

Each service stores its jobs in its own database and answers with a message of the same
shape (id, status, total, processed, succeeded, failed, errors {sheet,row,column,message},
has_error_report); `importJob(id)` asks the service that the id's prefix names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Any

import strawberry

from gateway.context import Info
from gateway.errors import UserError

# the job of an id as its service reports it, or None when unknown or out of reach
JobSource = Callable[[Info, str], Awaitable["ImportJob | None"]]


@strawberry.enum
class JobStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@strawberry.type
class ImportRowError:
    sheet: str | None
    row: int
    column: str | None
    message: str


COUNTS = ("inserted", "updated", "unchanged", "appended", "removed")


@strawberry.type
class ImportJob:
    id: strawberry.ID
    status: JobStatus
    total: int
    processed: int
    succeeded: int
    failed: int
    all_errors: strawberry.Private[list[ImportRowError]]
    error_report_url: str | None = strawberry.field(
        description="Workbook of the failed rows with an error column; null when none failed."
    )
    inserted: int = strawberry.field(
        default=0, description="Workbook imports: records inserted (in a dry run: that would be)."
    )
    updated: int = strawberry.field(
        default=0, description="Workbook imports: records updated (in a dry run: that would be)."
    )
    unchanged: int = strawberry.field(default=0, description="Workbook imports: records the file leaves as they are.")
    appended: int = strawberry.field(
        default=0, description="Workbook imports: sub-table entries added (in a dry run: that would be)."
    )
    removed: int = strawberry.field(
        default=0,
        description="Workbook imports: sub-table entries replaced away by REPLACE (in a dry run: that would be).",
    )
    new_rows: int = strawberry.field(
        default=0,
        description=(
            "Workbook imports: rows that add a record (基本信息) or an entry (a sub-table). Every row is exactly one "
            "of newRows, updatedRows, unchangedRows or failed: the four add up to total (in a dry run: would)."
        ),
    )
    updated_rows: int = strawberry.field(
        default=0,
        description="Workbook imports: rows that change a record, or replace the one entry of a single-entry set.",
    )
    unchanged_rows: int = strawberry.field(
        default=0,
        description="Workbook imports: rows equal to what is stored (or to a row above them in the file).",
    )

    @strawberry.field
    def errors(self, first: int | None = 100) -> list[ImportRowError]:
        return self.all_errors[: max(0, min(first if first is not None else 100, 10_000))]

    @classmethod
    def of(cls, pb: Any, error_report_url: str | None = None) -> ImportJob:
        """From a service's job message (the shape above)."""
        return cls(
            id=strawberry.ID(pb.id),
            status=JobStatus(pb.status or "QUEUED"),
            total=pb.total,
            processed=pb.processed,
            succeeded=pb.succeeded,
            failed=pb.failed,
            all_errors=[
                ImportRowError(sheet=e.sheet or None, row=e.row, column=e.column or None, message=e.message)
                for e in pb.errors
            ],
            error_report_url=error_report_url,
            **{k: getattr(pb, k, 0) for k in (*COUNTS, "new_rows", "updated_rows", "unchanged_rows")},
        )


@strawberry.type
class ImportJobPayload:
    job: ImportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def job_query(sources: Mapping[str, JobSource]) -> type:
    """The `importJob` query, answered by the source its id prefix (before the first "-") names;
    `sources` is built where the schema is built."""

    @strawberry.type
    class JobQuery:
        @strawberry.field
        async def import_job(self, info: Info, id: strawberry.ID) -> ImportJob | None:
            source = sources.get(str(id).partition("-")[0])
            return await source(info, str(id)) if source else None

    return JobQuery
