"""Generate the Python code of every .proto under tmis/proto (run by `make protos`).

The generated modules are committed beside their .proto; tests/test_protos.py fails
when they are stale, so the .proto stays the single source of each interface.
"""

from __future__ import annotations

import sys
from pathlib import Path

from grpc_tools import protoc  # type: ignore[import-untyped]  # grpcio-tools ships no type information

from tmis.rpc import clientgen

ROOT = Path(__file__).resolve().parents[2]


def proto_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tmis" / "proto").rglob("*.proto"))


def generate(out_dir: Path) -> None:
    include = str(Path(protoc.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
    ]
    if protoc.main(args + proto_files()) != 0:
        raise SystemExit("protoc failed")
    clientgen.generate(proto_files(), out_dir)


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
