"""Child processes the suite starts: free ports, a parent-death signal, a graceful stop."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable

__all__ = ["free_port", "spawn", "stop_process"]


_HANDED_OUT: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now and not handed out before by this process (the kernel may offer a port
    again as soon as the probing socket closes, before its first taker has bound it)."""
    while True:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def _die_with_parent() -> Callable[[], None] | None:
    """Ask Linux to SIGTERM the child when its parent dies, so nothing is left running."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def prepare() -> None:
        os.setsid()  # own session: a terminal's Ctrl-C goes to the supervisor, which stops children in order
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return prepare


def spawn(args: list[str], env: dict[str, str] | None = None, log_file: str | None = None) -> subprocess.Popen[bytes]:
    out = open(log_file, "ab") if log_file else None  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.STDOUT if out else None, preexec_fn=_die_with_parent()
        )
    finally:
        if out:
            out.close()


def stop_process(proc: subprocess.Popen[bytes], grace: float = 5.0) -> int | None:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL (SecantusDB now and then ignores SIGTERM)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode
