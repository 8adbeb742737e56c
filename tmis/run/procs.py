"""Child processes the suite starts: free ports, a parent-death signal, a graceful stop."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path

__all__ = ["free_port", "spawn", "stop_process"]


_HANDED_OUT: set[int] = set()


def _ephemeral() -> range:
    """The ports the kernel hands out as the source of outgoing connections."""
    try:
        low, high = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def _ours() -> tuple[int, int]:
    """Where `free_port` looks: from 10,000 up to the kernel's source ports, or the `k`th of `n`
    equal slices of that range when `TMIS_FREE_PORTS` is "k/n": processes probing at once (the test
    workers) take a slice each, so none is handed a port another has probed and not bound yet."""
    low, high = 10_000, _ephemeral().start
    given = os.environ.get("TMIS_FREE_PORTS", "")
    if given:
        k, n = (int(x) for x in given.split("/"))
        width = max(high - low, 0) // n
        low += k * width
        high = low + width
    return low, high


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now, not handed out before by this process (the kernel may offer a port again as
    soon as the probing socket closes, before its first taker has bound it), and outside the
    kernel's range of source ports: a process restarted on its port (the database, a service)
    must find it free, but while it is down a client reconnecting to it can be given that very
    port as its source and connect to itself (a TCP self-connect), holding the port and hanging."""
    low, high = _ours()
    while True:
        port = random.randrange(low, high) if high > low + 1000 else 0
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


# Run in the child before the command itself: on Linux, ask for SIGKILL when the parent dies (so
# nothing is left running: SecantusDB now and then ignores SIGTERM, and every acknowledged write is
# journaled anyway), and give up when it has died already; then exec the command. A hook
# in the forked child (preexec_fn) would do it without an interpreter, but is unsafe once the
# parent has threads (gRPC's, asyncio's): the child can crash or hang in it.
_DIE_WITH_PARENT = """import ctypes, os, signal, sys
if sys.platform.startswith("linux"):
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != int(sys.argv[1]):
        sys.exit(143)
os.execvp(sys.argv[2], sys.argv[2:])
"""


def spawn(args: list[str], env: dict[str, str] | None = None, log_file: str | None = None) -> subprocess.Popen[bytes]:
    """`args` as a child of this process, in a session of its own (a terminal's Ctrl-C goes to the
    supervisor, which stops children in order), killed when this process dies."""
    out = open(log_file, "ab") if log_file else None  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen(
            [sys.executable, "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
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
