"""The public schema, composed from the per-domain modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.datastructures import UploadFile
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from gateway.errors import ErrorMasking
from gateway.first_change import guard_first_change
from gateway.identity.mutations import IdentityMutation
from gateway.identity.queries import IdentityQuery
from gateway.identity.types import Account, account_teacher
from gateway.jobs import job_query
from gateway.media.mutations import MediaMutation, photo_job
from gateway.media.queries import MediaQuery
from gateway.movements.mutations import MovementsMutation
from gateway.movements.queries import MovementsQuery
from gateway.movements.types import Movement, movement_teacher
from gateway.records.generated import ENTRY_DATA_SCALAR, EntryData, registry_types
from gateway.records.mutations import ImportMutation, teacher_mutation
from gateway.records.queries import ImportQuery, RecordsQuery, import_job, teacher_query
from gateway.records.teacher import teacher_types
from gateway.review.mutations import ReviewMutation
from gateway.review.queries import ReviewQuery
from gateway.system.queries import SystemQuery
from tmis.registry import Registry

MAX_DEPTH = 12
MAX_ALIASES = 50
MAX_TOKENS = 10_000


def _file(value: object) -> UploadFile:
    if not isinstance(value, UploadFile):
        raise ValueError("应为上传的文件（multipart 请求中的文件部分），不能是文字、数字或对象")
    return value


# Upload takes only a file: anything else is refused as the variable's error, before a resolver runs.
# Mapped from starlette's UploadFile, the type the resolvers are given.
UPLOAD_SCALAR = strawberry.scalar(
    name="Upload", description="Represents a file upload.", serialize=lambda value: value, parse_value=_file
)


class _ParserCache(ParserCache):
    """A document that does not parse is left to strawberry's own parse, which reports it as a
    parse error to the extensions (ErrorMasking gives it its code); raised here, it would skip them."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):  # graphql-core reports too deep a document this way too
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


class _Schema(strawberry.Schema):
    """`added`: fields made with the schema for a static type, by type: (the field, the name of the
    field it goes before). Account.teacher answers with the Teacher type made from the registry."""

    def __init__(self, *args: Any, added: Mapping[type, tuple[StrawberryField, str]], **kwargs: Any) -> None:
        self._added = added  # read by get_fields while the base class converts the types
        super().__init__(*args, **kwargs)

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        fields = type_definition.fields
        if type_definition.origin not in self._added:
            return fields
        field, before = self._added[type_definition.origin]
        at = next(i for i, f in enumerate(fields) if f.python_name == before)
        return [*fields[:at], field, *fields[at:]]

    def process_errors(self, errors, execution_context=None) -> None:  # noqa: ANN001
        """ErrorMasking logs what needs logging, once; nothing more here."""


def build_schema(registry: Registry | None = None, introspection: bool = True) -> strawberry.Schema:
    """The schema for a registry (national sets, plus what the deployment's plugins add);
    without introspection in production, as Apollo's default there."""
    types = registry_types(registry or Registry())
    teachers = teacher_types(types)
    jobs_query = job_query({"import": import_job, "photo": photo_job})
    query = strawberry.type(
        type(
            "Query",
            (
                SystemQuery,
                IdentityQuery,
                RecordsQuery,
                jobs_query,
                ImportQuery,
                ReviewQuery,
                MediaQuery,
                MovementsQuery,
                teacher_query(types, teachers),
            ),
            {},
        )
    )
    mutation = strawberry.type(
        type(
            "Mutation",
            (
                IdentityMutation,
                ImportMutation,
                ReviewMutation,
                MovementsMutation,
                MediaMutation,
                teacher_mutation(types, teachers),
            ),
            {},
        )
    )
    # the limits' validation rules made once: a limiter makes its rule anew for every request, and
    # ValidationCache keys on the rules, so no document was ever validated from the cache (5 ms of
    # validation per photo upload)
    limits = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    schema = _Schema(
        query=query,
        mutation=mutation,
        added={
            Account: (account_teacher(teachers.Teacher), "org"),
            Movement: (movement_teacher(teachers.Teacher), "teacher_name"),
        },
        config=StrawberryConfig(scalar_map={EntryData: ENTRY_DATA_SCALAR, UploadFile: UPLOAD_SCALAR}),
        extensions=[
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: _ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            ErrorMasking,
            *([] if introspection else [DisableIntrospection]),
        ],
    )
    guard_first_change(schema)
    return schema
