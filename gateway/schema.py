"""The public schema, composed from the per-domain modules."""
from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache

from gateway.errors import ErrorMasking
from gateway.identity.mutations import IdentityMutation
from gateway.identity.queries import IdentityQuery
from gateway.records.queries import RecordsQuery
from gateway.system.queries import SystemQuery

MAX_DEPTH = 12
MAX_ALIASES = 50
MAX_TOKENS = 10_000


@strawberry.type
class Query(SystemQuery, IdentityQuery, RecordsQuery):
    pass


@strawberry.type
class Mutation(IdentityMutation):
    pass


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # noqa: ANN001
        """ErrorMasking logs what needs logging, once; nothing more here."""


def build_schema() -> strawberry.Schema:
    return _Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            ErrorMasking,
        ],
    )
