"""Suite settings, read from the environment once and passed down.

`TMIS_<KEY>` for suite-wide settings, `TMIS_<SERVICE>_<KEY>` for one service's.
Nothing reads the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

SERVICES = ("identity", "records", "review", "media")
ENVIRONMENTS = ("development", "production")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting is malformed; the message names the variable."""


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def _optional_int(env: Mapping[str, str], key: str) -> int | None:
    return None if env.get(key, "") == "" else _int(env, key, 0)


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be a boolean (1/0), got {raw!r}")


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(key) or default
    if raw not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    mongodb_uri: str = ""
    data_dir: str = "./var"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    grpc_host: str = "127.0.0.1"
    token_secret: str = ""
    token_ttl_seconds: int = 3600
    # a token is renewed while in use (same issue time), up to this long after the login
    session_max_seconds: int = 12 * 3600
    plugins: str = ""
    demo: bool = True
    admin_password: str = ""
    # production: no GraphiQL, no introspection, the token secret required
    env: str = "development"
    log_level: str = "INFO"
    # "text": one readable line per event (development); "json": one object per line (production)
    log_format: str = "text"
    # per service: gRPC listen port (0 = any free port) and address the gateway dials
    ports: Mapping[str, int] = field(default_factory=dict)
    addrs: Mapping[str, str] = field(default_factory=dict)
    databases: Mapping[str, str] = field(default_factory=dict)
    # per service: Prometheus metrics port (None: not served, 0: any free port)
    metrics_ports: Mapping[str, int | None] = field(default_factory=dict)
    # traces go over OTLP when set (the standard OpenTelemetry variable); off when empty
    otel_endpoint: str = ""
    # the environment it was read from, for one service's own settings (`int`, `bool`)
    raw: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        mode = _choice(env, "TMIS_ENV", ENVIRONMENTS, "development")
        if mode == "production" and len(env.get("TMIS_TOKEN_SECRET", "")) < 32:
            raise SettingsError(
                "TMIS_TOKEN_SECRET must be set to at least 32 characters when TMIS_ENV=production, the same for "
                "every process; make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return cls(
            mongodb_uri=env.get("TMIS_MONGODB_URI", ""),
            data_dir=env.get("TMIS_DATA_DIR", "./var"),
            http_host=env.get("TMIS_HTTP_HOST", "127.0.0.1"),
            http_port=_int(env, "TMIS_HTTP_PORT", 8000),
            grpc_host=env.get("TMIS_GRPC_HOST", "127.0.0.1"),
            token_secret=env.get("TMIS_TOKEN_SECRET", ""),
            token_ttl_seconds=_int(env, "TMIS_TOKEN_TTL_SECONDS", 3600),
            session_max_seconds=_int(env, "TMIS_SESSION_MAX_SECONDS", 12 * 3600),
            plugins=env.get("TMIS_PLUGINS", ""),
            demo=_bool(env, "TMIS_DEMO", True),
            admin_password=env.get("TMIS_ADMIN_PASSWORD", ""),
            env=mode,
            log_level=env.get("TMIS_LOG_LEVEL", "INFO"),
            log_format=_choice(env, "TMIS_LOG_FORMAT", LOG_FORMATS, "json" if mode == "production" else "text"),
            ports={s: _int(env, f"TMIS_{s.upper()}_PORT", 0) for s in SERVICES},
            addrs={s: env.get(f"TMIS_{s.upper()}_ADDR", "") for s in SERVICES},
            databases={s: env.get(f"TMIS_{s.upper()}_DB", f"tmis_{s}") for s in SERVICES},
            metrics_ports={s: _optional_int(env, f"TMIS_{s.upper()}_METRICS_PORT") for s in SERVICES},
            otel_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
            raw=dict(env),
        )

    @property
    def development(self) -> bool:
        return self.env != "production"

    def int(self, key: str, default: int) -> int:
        return _int(self.raw, key, default)

    def bool(self, key: str, default: bool) -> bool:
        return _bool(self.raw, key, default)

    def require_secret(self) -> str:
        if len(self.token_secret) < 32:
            raise SettingsError("TMIS_TOKEN_SECRET must be set to at least 32 characters")
        return self.token_secret


def settings_or_exit(process: str) -> Settings:
    """A process entry point's settings: a bad one stops it with its message, not a traceback."""
    try:
        return Settings.from_env()
    except SettingsError as err:
        raise SystemExit(f"{process} cannot start: {err}") from None
