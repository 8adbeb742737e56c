"""The committed generated code matches its .proto (run `make protos` when this fails)."""

from __future__ import annotations

from pathlib import Path

from tmis.run import protogen


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    protogen.generate(tmp_path)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert generated, "protoc produced nothing"
    stale = [str(p) for p in generated if (protogen.ROOT / p).read_bytes() != (tmp_path / p).read_bytes()]
    assert stale == [], f"stale generated code, run `make protos`: {stale}"
