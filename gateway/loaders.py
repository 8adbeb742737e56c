"""Per-request DataLoaders: each batches one lookup into one RPC (`<Thing>By<Key>Loader`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.review.v1 import review_pb2 as review_pb

if TYPE_CHECKING:
    from gateway.context import Context


@dataclass(frozen=True)
class CodeTableView:
    """A code table with its codes indexed, as the gateway keeps it."""

    table: rec_pb.CodeTable
    by_code: dict[str, rec_pb.Code]

    def shown(self, code: str) -> rec_pb.Code:
        """The entry of a code; a code no longer in the table keeps its code as its name."""
        return self.by_code.get(code) or rec_pb.Code(code=code, name=code)


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.org_by_code = DataLoader(self._orgs_by_code)
        self.child_orgs_by_parent = DataLoader(self._child_orgs_by_parent)
        self.code_table_by_name = DataLoader(self._code_tables_by_name)
        self.teacher_by_id = DataLoader(self._teachers_by_id)
        self.review_state_by_teacher = DataLoader(self._review_states_by_teacher)
        self.account_by_teacher = DataLoader(self._accounts_by_teacher)
        self.movements_by_teacher = DataLoader(self._movements_by_teacher)

    async def _orgs_by_code(self, codes: list[str]) -> list[id_pb.Org | None]:
        reply = await self.ctx.clients.identity.BatchGetOrgs(
            id_pb.BatchGetOrgsRequest(codes=codes), token=self.ctx.token
        )
        found = {o.code: o for o in reply.orgs}
        return [found.get(c) for c in codes]

    async def _child_orgs_by_parent(self, parents: list[str]) -> list[list[id_pb.Org]]:
        reply = await self.ctx.clients.identity.ListChildOrgs(
            id_pb.ListChildOrgsRequest(parent_codes=parents), token=self.ctx.token
        )
        grouped: dict[str, list[id_pb.Org]] = defaultdict(list)
        for org in reply.orgs:
            grouped[org.parent_code].append(org)
        return [grouped[p] for p in parents]

    async def _code_tables_by_name(self, names: list[str]) -> list[CodeTableView | None]:
        cache = self.ctx.clients.code_tables
        missing = [n for n in names if cache.get(n) is None]
        if missing:
            reply = await self.ctx.clients.records.ListCodeTables(
                rec_pb.ListCodeTablesRequest(names=missing), token=self.ctx.token
            )
            for table in reply.tables:
                cache.put(table.name, CodeTableView(table, {c.code: c for c in table.entries}))
        return [cache.get(n) for n in names]

    async def _teachers_by_id(self, ids: list[str]) -> list[rec_pb.Teacher | None]:
        # entries come embedded in each teacher: one records call brings every set
        reply = await self.ctx.clients.records.BatchGetTeachers(
            rec_pb.BatchGetTeachersRequest(ids=ids, sets=self.ctx.registry.entry_sets()), token=self.ctx.token
        )
        found = {t.id: t for t in reply.teachers}
        return [found.get(i) for i in ids]

    async def _review_states_by_teacher(self, ids: list[str]) -> list[review_pb.ReviewState | None]:
        reply = await self.ctx.clients.review.BatchGetReviewStates(
            review_pb.BatchGetReviewStatesRequest(teacher_ids=ids), token=self.ctx.token
        )
        found = {s.teacher_id: s for s in reply.states}
        return [found.get(i) for i in ids]

    async def _accounts_by_teacher(self, ids: list[str]) -> list[id_pb.Account | None]:
        reply = await self.ctx.clients.identity.BatchGetAccountsByTeacher(
            id_pb.BatchGetAccountsByTeacherRequest(teacher_ids=ids), token=self.ctx.token
        )
        found = {a.teacher_id: a for a in reply.accounts}
        return [found.get(i) for i in ids]

    async def _movements_by_teacher(self, ids: list[str]) -> list[list[review_pb.Movement]]:
        reply = await self.ctx.clients.review.BatchGetTeacherMovements(
            review_pb.BatchGetReviewStatesRequest(teacher_ids=ids), token=self.ctx.token
        )
        found = {t.teacher_id: list(t.movements) for t in reply.teachers}
        return [found.get(i, []) for i in ids]
