"""Persisted operations, by Apollo's protocols: automatic persisted queries (APQ) and, in production,
trusted documents (a safelist).

APQ: a request may carry `extensions.persistedQuery {version: 1, sha256Hash}` and no document. A hash
the gateway knows runs its document; an unknown one is answered PERSISTED_QUERY_NOT_FOUND, and the
client sends it again with the document, which is kept (when its hash matches) for the next time.
Queries run by GET too (`?extensions=…&variables=…`), so an HTTP cache can serve them; strawberry
refuses a mutation by GET.

Trusted documents: manifests of hash → document, the web build's (`trusted-documents.json` in the
web client's folder) and any listed in TMIS_TRUSTED_DOCUMENTS (paths, separated by commas), so a
mobile app ships its own without a code change. Both codegen's form (`{hash: document}`) and Apollo's
persisted query manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{id, body}]}`)
are read. In production only their documents run: any other is refused with the code Apollo's
router gives (PERSISTED_QUERY_NOT_IN_LIST for an unknown hash, QUERY_NOT_IN_SAFELIST for a document
sent as text) and counted in the metrics. Development runs any document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from prometheus_client import Counter
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol

from gateway.requests import BoundedRequests, RequestRefused
from tmis.settings import Settings, SettingsError

__all__ = ["MANIFEST_NAME", "Documents", "PersistedRequests", "document_hash", "read_manifest"]

logger = logging.getLogger("tmis.gateway")
MANIFEST_NAME = "trusted-documents.json"  # the web build's manifest, beside its index.html
APQ_CACHE_SIZE = 2000  # documents registered by clients (development), least recently used dropped first
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def document_hash(document: str) -> str:
    """The hash Apollo's clients send: sha256 of the document's text, in lower-case hex."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """A manifest's documents by hash; SettingsError naming the file when it cannot be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SettingsError(f"TMIS_TRUSTED_DOCUMENTS: cannot read {path}: {err}") from None
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        pairs: Iterable[Any] = ((op.get("id"), op.get("body")) for op in data.get("operations", []))
    elif isinstance(data, dict):
        pairs = data.items()
    else:
        raise SettingsError(f"TMIS_TRUSTED_DOCUMENTS: {path} is neither hash → document nor Apollo's manifest")
    documents = {}
    for given, body in pairs:
        key = given.removeprefix("sha256:") if isinstance(given, str) else given  # graphql-codegen's raw file
        if not isinstance(key, str) or not isinstance(body, str) or document_hash(body) != key:
            raise SettingsError(f"TMIS_TRUSTED_DOCUMENTS: {path}: {key!r} is not the sha256 of its document")
        documents[key] = body
    return documents


class Documents:
    """The trusted manifests' documents, and (development) those clients registered by APQ."""

    def __init__(self, trusted: Mapping[str, str], safelist: bool, refused: Counter) -> None:
        self.trusted = dict(trusted)
        self.safelist = safelist
        self.refused = refused
        self.registered: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings, web_dir: Path, refused: Counter) -> Documents:
        trusted: dict[str, str] = {}
        web = web_dir / MANIFEST_NAME
        if web.is_file():
            trusted |= read_manifest(web)
        for given in settings.raw.get("TMIS_TRUSTED_DOCUMENTS", "").split(","):
            if given.strip():
                trusted |= read_manifest(Path(given.strip()))
        if not settings.development and not trusted:
            logger.warning("production with no trusted documents: every GraphQL operation will be refused")
        return cls(trusted, safelist=not settings.development, refused=refused)

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request with the document it names by hash, or RequestRefused."""
        persisted = (data.extensions or {}).get("persistedQuery")
        if persisted is None:
            if self.safelist and data.query is not None and document_hash(data.query) not in self.trusted:
                self._refuse("QUERY_NOT_IN_SAFELIST", "生产环境只执行受信任清单中的操作", 403)
            return data
        key = _hash_of(persisted)
        if data.query is not None:
            if document_hash(data.query) != key:
                self._refuse("PERSISTED_QUERY_HASH_MISMATCH", "persistedQuery 的 sha256Hash 与所附的操作不符", 400)
            if self.safelist and key not in self.trusted:
                self._refuse("QUERY_NOT_IN_SAFELIST", "生产环境只执行受信任清单中的操作", 403)
            self._register(key, data.query)
            return data
        document = self.trusted.get(key) or self._registered(key)
        if document is None:
            if self.safelist:
                self._refuse("PERSISTED_QUERY_NOT_IN_LIST", "该哈希不在受信任的操作清单中", 404)
            self._refuse("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", 200)
        data.query = document
        return data

    def _register(self, key: str, document: str) -> None:
        if key in self.trusted:
            return
        self.registered[key] = document
        self.registered.move_to_end(key)
        while len(self.registered) > APQ_CACHE_SIZE:
            self.registered.popitem(last=False)

    def _registered(self, key: str) -> str | None:
        found = self.registered.get(key)
        if found is not None:
            self.registered.move_to_end(key)
        return found

    def _refuse(self, code: str, message: str, status: int) -> None:
        self.refused.labels(code).inc()
        raise RequestRefused(code, message, status)


def _hash_of(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefused("PERSISTED_QUERY_NOT_SUPPORTED", "persistedQuery 只支持 version 1")
    key = persisted.get("sha256Hash")
    if not isinstance(key, str) or not _SHA256.match(key):
        raise RequestRefused("BAD_REQUEST", "persistedQuery.sha256Hash 应为 64 位小写十六进制的 sha256")
    return key


class PersistedRequests(BoundedRequests):
    """BoundedRequests resolving persisted operations (app.py sets `documents`)."""

    documents: Documents | None = None

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        if self.documents is None:
            return parsed
        if isinstance(parsed, list):
            return [self.documents.resolve(one) for one in parsed]
        return self.documents.resolve(parsed)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A GET with `extensions` is an operation by hash (Apollo's clients accept */*), never GraphiQL."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)
