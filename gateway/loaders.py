"""Per-request DataLoaders (`<Thing>By<Key>Loader`): each batches the keys asked for together into one
call of a service's batch RPC.

A loader holds the clients, the registry and a token getter, never the Context: a batch goes out with
the request's token as it is then. `login` and `changePassword` replace that token mid-request
(`Context.sign_in`), and `Loaders.clear` then drops every value read with the old one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from strawberry.dataloader import DataLoader

from gateway.clients import Clients
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.review.v1 import review_pb2 as review_pb
from tmis.registry import Registry

__all__ = [
    "AccountByTeacherLoader",
    "ChangesSinceApprovalByTeacherLoader",
    "ChildOrgsByParentLoader",
    "CodeTableByNameLoader",
    "CodeTableView",
    "HistoryByTeacherLoader",
    "Loaders",
    "MovementsByTeacherLoader",
    "OrgByCodeLoader",
    "ReviewStateByTeacherLoader",
    "TeacherByIdLoader",
]

K = TypeVar("K")
V = TypeVar("V")
TokenGetter = Callable[[], str]


@dataclass(frozen=True)
class CodeTableView:
    """A code table with its codes indexed, as the gateway keeps it."""

    table: rec_pb.CodeTable
    by_code: dict[str, rec_pb.Code]

    def shown(self, code: str) -> rec_pb.Code:
        """The entry of a code; a code no longer in the table keeps its code as its name."""
        return self.by_code.get(code) or rec_pb.Code(code=code, name=code)


class _Loader(DataLoader[K, V]):
    """A DataLoader whose batch function is `load_batch`, with what every loader reads with."""

    def __init__(self, clients: Clients, registry: Registry, token: TokenGetter) -> None:
        super().__init__(load_fn=self.load_batch)
        self.clients = clients
        self.registry = registry
        self.token = token

    async def load_batch(self, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError


class OrgByCodeLoader(_Loader[str, id_pb.Org | None]):
    async def load_batch(self, codes: list[str]) -> list[id_pb.Org | None]:
        reply = await self.clients.identity.BatchGetOrgs(id_pb.BatchGetOrgsRequest(codes=codes), token=self.token())
        found = {o.code: o for o in reply.orgs}
        return [found.get(c) for c in codes]


class ChildOrgsByParentLoader(_Loader[str, list[id_pb.Org]]):
    async def load_batch(self, parents: list[str]) -> list[list[id_pb.Org]]:
        reply = await self.clients.identity.ListChildOrgs(
            id_pb.ListChildOrgsRequest(parent_codes=parents), token=self.token()
        )
        grouped: dict[str, list[id_pb.Org]] = defaultdict(list)
        for org in reply.orgs:
            grouped[org.parent_code].append(org)
        return [grouped[p] for p in parents]


class CodeTableByNameLoader(_Loader[str, CodeTableView | None]):
    """Code tables are public and change rarely: the process-wide cache of the clients answers first."""

    async def load_batch(self, names: list[str]) -> list[CodeTableView | None]:
        cache = self.clients.code_tables
        missing = [n for n in names if cache.get(n) is None]
        if missing:
            reply = await self.clients.records.ListCodeTables(
                rec_pb.ListCodeTablesRequest(names=missing), token=self.token()
            )
            for table in reply.tables:
                cache.put(table.name, CodeTableView(table, {c.code: c for c in table.entries}))
        return [cache.get(n) for n in names]


class TeacherByIdLoader(_Loader[str, rec_pb.Teacher | None]):
    async def load_batch(self, ids: list[str]) -> list[rec_pb.Teacher | None]:
        # entries come embedded in each teacher: one records call brings every set
        request = rec_pb.BatchGetTeachersRequest(ids=ids, sets=self.registry.entry_sets())
        found = {t.id: t for t in (await self.clients.records.BatchGetTeachers(request, token=self.token())).teachers}
        return [found.get(i) for i in ids]


class ChangesSinceApprovalByTeacherLoader(_Loader[str, list[rec_pb.Change]]):
    """What changed since each record was last approved (none for a record out of reach)."""

    async def load_batch(self, ids: list[str]) -> list[list[rec_pb.Change]]:
        request = rec_pb.BatchGetTeachersRequest(ids=ids, with_changes_since_approval=True)
        reply = await self.clients.records.BatchGetTeachers(request, token=self.token())
        found = {t.id: list(t.changes_since_approval) for t in reply.teachers}
        return [found.get(i, []) for i in ids]


class HistoryByTeacherLoader(_Loader[tuple[str, int], rec_pb.HistoryPage | None]):
    """The first `first` changes of a record, by (teacher id, first): one call per distinct `first`
    (a page asks with one); None for a record out of reach."""

    async def load_batch(self, keys: list[tuple[str, int]]) -> list[rec_pb.HistoryPage | None]:
        found: dict[tuple[str, int], rec_pb.HistoryPage] = {}
        for first in dict.fromkeys(f for _, f in keys):
            ids = [t for t, f in keys if f == first]
            request = rec_pb.BatchGetTeacherHistoryRequest(teacher_ids=ids, first=first)
            reply = await self.clients.records.BatchGetTeacherHistory(request, token=self.token())
            found.update({(h.teacher_id, first): h.page for h in reply.teachers})
        return [found.get(k) for k in keys]


class ReviewStateByTeacherLoader(_Loader[str, review_pb.ReviewState | None]):
    async def load_batch(self, ids: list[str]) -> list[review_pb.ReviewState | None]:
        reply = await self.clients.review.BatchGetReviewStates(
            review_pb.BatchGetReviewStatesRequest(teacher_ids=ids), token=self.token()
        )
        found = {s.teacher_id: s for s in reply.states}
        return [found.get(i) for i in ids]


class AccountByTeacherLoader(_Loader[str, id_pb.Account | None]):
    async def load_batch(self, ids: list[str]) -> list[id_pb.Account | None]:
        reply = await self.clients.identity.BatchGetAccountsByTeacher(
            id_pb.BatchGetAccountsByTeacherRequest(teacher_ids=ids), token=self.token()
        )
        found = {a.teacher_id: a for a in reply.accounts}
        return [found.get(i) for i in ids]


class MovementsByTeacherLoader(_Loader[str, list[review_pb.Movement]]):
    async def load_batch(self, ids: list[str]) -> list[list[review_pb.Movement]]:
        reply = await self.clients.review.BatchGetTeacherMovements(
            review_pb.BatchGetReviewStatesRequest(teacher_ids=ids), token=self.token()
        )
        found = {t.teacher_id: list(t.movements) for t in reply.teachers}
        return [found.get(i, []) for i in ids]


class Loaders:
    """One request's loaders."""

    def __init__(self, clients: Clients, registry: Registry, token: TokenGetter) -> None:
        given = (clients, registry, token)
        self.org_by_code = OrgByCodeLoader(*given)
        self.child_orgs_by_parent = ChildOrgsByParentLoader(*given)
        self.code_table_by_name = CodeTableByNameLoader(*given)
        self.teacher_by_id = TeacherByIdLoader(*given)
        self.changes_since_approval_by_teacher = ChangesSinceApprovalByTeacherLoader(*given)
        self.history_by_teacher = HistoryByTeacherLoader(*given)
        self.review_state_by_teacher = ReviewStateByTeacherLoader(*given)
        self.account_by_teacher = AccountByTeacherLoader(*given)
        self.movements_by_teacher = MovementsByTeacherLoader(*given)

    def clear(self) -> None:
        """Forgets every value read so far (they were read with a token no longer the request's)."""
        for loader in vars(self).values():
            loader.clear_all()
