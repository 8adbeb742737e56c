"""Domain errors: a stable code, a Chinese message for the end user, the field it concerns.

Domain code raises `DomainError`; one interceptor maps it to a gRPC status (and carries
code, message and field in trailing metadata); the gateway turns it back into a
`DomainError` and then into a `userError` with the same code.
"""

from __future__ import annotations

import enum
import json

import grpc

__all__ = ["ErrorCode", "DomainError", "STATUS_OF", "ERROR_METADATA_KEY"]

ERROR_METADATA_KEY = "tmis-error-bin"


class ErrorCode(enum.StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    NOT_EDITABLE = "NOT_EDITABLE"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    NOT_MATCHED = "NOT_MATCHED"
    INCOMPLETE = "INCOMPLETE"
    WRONG_STATE = "WRONG_STATE"
    REVIEW_BLOCKED = "REVIEW_BLOCKED"
    DUPLICATE_PERSON = "DUPLICATE_PERSON"
    INTERNAL = "INTERNAL"


STATUS_OF: dict[ErrorCode, grpc.StatusCode] = {
    ErrorCode.INVALID_INPUT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorCode.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorCode.ALREADY_EXISTS: grpc.StatusCode.ALREADY_EXISTS,
    ErrorCode.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorCode.FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED,
    ErrorCode.PASSWORD_CHANGE_REQUIRED: grpc.StatusCode.PERMISSION_DENIED,
    ErrorCode.INVALID_CREDENTIALS: grpc.StatusCode.UNAUTHENTICATED,
    ErrorCode.ACCOUNT_LOCKED: grpc.StatusCode.PERMISSION_DENIED,
    ErrorCode.VERSION_CONFLICT: grpc.StatusCode.ABORTED,
    ErrorCode.NOT_EDITABLE: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.SERVICE_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorCode.RATE_LIMITED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorCode.NOT_MATCHED: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.INCOMPLETE: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.WRONG_STATE: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.REVIEW_BLOCKED: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.DUPLICATE_PERSON: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.INTERNAL: grpc.StatusCode.INTERNAL,
}


class DomainError(Exception):
    """An expected failure the caller can act on."""

    def __init__(self, code: ErrorCode | str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = ErrorCode(code) if code in ErrorCode._value2member_map_ else code
        self.message = message
        self.field = field

    def to_metadata(self) -> bytes:
        return json.dumps(
            {"code": str(self.code), "message": self.message, "field": self.field},
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_metadata(cls, raw: str | bytes) -> DomainError:
        data = json.loads(raw)
        return cls(data["code"], data["message"], data.get("field"))

    @property
    def status(self) -> grpc.StatusCode:
        if isinstance(self.code, ErrorCode):
            return STATUS_OF.get(self.code, grpc.StatusCode.FAILED_PRECONDITION)
        return grpc.StatusCode.FAILED_PRECONDITION  # a code this version does not know

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, field={self.field!r})"
