"""Review progress and statistics (the records service counts; the services authorise again)."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.errors import require
from gateway.identity.types import Org
from gateway.review.types import OrgProgress, RecordStatus, StatBucket, StatDimension
from tmis.proto.records.v1 import records_pb2 as rec_pb

STATS_DEADLINE = 60.0


@strawberry.type
class ReviewQuery:
    @strawberry.field(description="One row per child org (a school: itself).")
    async def progress(self, info: Info, org_code: str) -> list[OrgProgress]:
        require(info.context.caller, "QUERY")
        # after a bulk import the schools it touched are recounted first: seconds, not the default deadline
        reply = await info.context.clients.records.GetProgress(
            rec_pb.GetProgressRequest(org_code=org_code), token=info.context.token, timeout=STATS_DEADLINE
        )
        counts = {c.org_code: c for c in reply.orgs}
        org = await info.context.loaders.org_by_code.load(org_code)
        if org is None:
            return []
        orgs = [org] if org.level == "SCHOOL" else await info.context.loaders.child_orgs_by_parent.load(org_code)
        rows = []
        for o in orgs:
            c = counts.get(o.code, rec_pb.OrgCounts())
            rows.append(
                OrgProgress(
                    org=Org.of(o),
                    total=c.total,
                    draft=c.draft,
                    submitted=c.submitted,
                    rejected=c.rejected,
                    approved=c.approved,
                    with_photo=c.with_photo,
                    complete=c.complete,
                )
            )
        return rows

    @strawberry.field(
        description=(
            "Counts of the org's subtree by one dimension; labels from the code tables; 未填写 for unset values."
        )
    )
    async def statistics(
        self, info: Info, org_code: str, dimension: StatDimension, status: RecordStatus | None = None
    ) -> list[StatBucket]:
        require(info.context.caller, "QUERY")
        request = rec_pb.GetStatisticsRequest(
            org_code=org_code, dimension=dimension.value, status=status.value if status else ""
        )
        reply = await info.context.clients.records.GetStatistics(
            request, token=info.context.token, timeout=STATS_DEADLINE
        )
        return [StatBucket(key=b.key, label=b.label, count=b.count) for b in reply.buckets]
