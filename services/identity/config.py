"""Identity's own settings (TMIS_IDENTITY_*), defaults from the national system (SPEC §4.4)."""

from __future__ import annotations

from dataclasses import dataclass

from tmis.settings import Settings


@dataclass(frozen=True)
class IdentityConfig:
    password_min_length: int = 8
    password_max_length: int = 16
    password_min_classes: int = 3
    password_history: int = 5
    # failures in a row that lock a username for `lockout_minutes`; also how many of its attempts
    # are verified at once (services/identity/attempts.py)
    lockout_threshold: int = 5
    lockout_minutes: int = 30
    # argon2id: 64 MiB, 2 passes, 1 lane: above every OWASP option (46 MiB × 1, 19 MiB × 2, …)
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 1
    # argon2id runs at once at most (0: one per core), in threads of lower priority: a login
    # storm never oversubscribes the cores, and the scheduler serves pages and saves first
    argon2_workers: int = 0
    # a login whose hash would wait longer than this is refused at once (登录人数较多): below the
    # gateway's call deadline (10 s), so a storm is answered, not timed out
    argon2_max_wait_ms: int = 6000
    # 获取初始密码: attempts per 10 minutes, per identity document and per client address
    retrieve_per_identity: int = 5
    retrieve_per_address: int = 20
    # 获取初始密码's school search: queries per minute per client address
    school_search_per_minute: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> IdentityConfig:
        defaults = cls()
        values = {
            name: settings.int(f"TMIS_IDENTITY_{name.upper()}", getattr(defaults, name))
            for name in cls.__dataclass_fields__
        }
        return cls(**values)
