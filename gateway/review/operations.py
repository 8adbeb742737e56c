"""Review chain, progress and statistics in the public API; the services authorise again."""
from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal, require
from gateway.identity.types import Org
from gateway.review.types import BatchPayload, OrgProgress, RecordStatus, StatBucket, StatDimension
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.review.v1 import review_pb2 as pb

STATS_DEADLINE = 60.0


async def _batch(info: Info, rpc: str, request: object) -> BatchPayload:
    if errors := refusal(info.context.caller):
        return BatchPayload(succeeded=[], user_errors=errors)
    reply, errors = await attempt(getattr(info.context.clients.review, rpc)(request, token=info.context.token))
    if reply is None:
        return BatchPayload(succeeded=[], user_errors=errors)
    failed = [UserError(code=e.code, message=e.message, field=e.teacher_id) for e in reply.errors]
    return BatchPayload(succeeded=[strawberry.ID(i) for i in reply.succeeded], user_errors=failed)


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(description="报送: DRAFT/REJECTED -> SUBMITTED, pending at the school's own level.")
    async def submit_records(self, info: Info, teacher_ids: list[strawberry.ID]) -> BatchPayload:
        return await _batch(info, "SubmitRecords", pb.SubmitRecordsRequest(teacher_ids=teacher_ids))

    @strawberry.mutation
    async def approve_records(self, info: Info, teacher_ids: list[strawberry.ID], comment: str | None = None) -> BatchPayload:
        return await _batch(info, "ApproveRecords", pb.ApproveRecordsRequest(teacher_ids=teacher_ids, comment=comment or ""))

    @strawberry.mutation(description="驳回: back to the school as REJECTED; reason required.")
    async def reject_records(self, info: Info, teacher_ids: list[strawberry.ID], reason: str) -> BatchPayload:
        return await _batch(info, "RejectRecords", pb.RejectRecordsRequest(teacher_ids=teacher_ids, reason=reason))


@strawberry.type
class ReviewQuery:
    @strawberry.field(description="One row per child org (a school: itself).")
    async def progress(self, info: Info, org_code: str) -> list[OrgProgress]:
        require(info.context.caller, "QUERY")
        # after a bulk import the schools it touched are recounted first: seconds, not the default deadline
        reply = await info.context.clients.records.GetProgress(rec_pb.GetProgressRequest(org_code=org_code), token=info.context.token, timeout=STATS_DEADLINE)
        counts = {c.org_code: c for c in reply.orgs}
        org = await info.context.loaders.org_by_code.load(org_code)
        if org is None:
            return []
        orgs = [org] if org.level == "SCHOOL" else await info.context.loaders.child_orgs_by_parent.load(org_code)
        rows = []
        for o in orgs:
            c = counts.get(o.code, rec_pb.OrgCounts())
            rows.append(OrgProgress(
                org=Org.of(o), total=c.total, draft=c.draft, submitted=c.submitted, rejected=c.rejected, approved=c.approved, with_photo=c.with_photo, complete=c.complete,
            ))
        return rows

    @strawberry.field(description="Counts of the org's subtree by one dimension; labels from the code tables; 未填写 for unset values.")
    async def statistics(self, info: Info, org_code: str, dimension: StatDimension, status: RecordStatus | None = None) -> list[StatBucket]:
        require(info.context.caller, "QUERY")
        request = rec_pb.GetStatisticsRequest(org_code=org_code, dimension=dimension.value, status=status.value if status else "")
        reply = await info.context.clients.records.GetStatistics(request, token=info.context.token, timeout=STATS_DEADLINE)
        return [StatBucket(key=b.key, label=b.label, count=b.count) for b in reply.buckets]
