"""Running processes and listening TCP sockets of the live host (psutil; Linux, macOS, Windows).

Without root/administrator rights psutil still lists every process name but not every
executable path or socket owner; those gaps are counted into `skipped`, never raised.
Command-line arguments are read only for the program name: arguments can hold passwords.
"""

from __future__ import annotations

import os
from typing import Any

from kzscam.host.facts import EXE, Collected, Fact, Kind, exe_key
from kzscam.host.fs import Target

NO_RIGHTS = "run kzscam as root/administrator to see them"
GONE = "they exited or belong to another container"


def _why() -> str:
    """Why something was not visible: missing rights, unless we already have them."""
    geteuid = getattr(os, "geteuid", None)
    return GONE if geteuid is not None and geteuid() == 0 else NO_RIGHTS


def _keys(name: str, exe: str, argv0: str) -> tuple[tuple[str, str], ...]:
    keys = [(EXE, name)] if name else []
    for path in (exe, argv0):
        if path:
            keys.append(exe_key(path.removesuffix(" (deleted)")))
            if ".app/Contents/MacOS/" in path:  # macOS bundle: the app name is a program name too
                keys.append(exe_key(path.split(".app/Contents/MacOS/")[0]))
    return tuple(dict.fromkeys(k for k in keys if k[1]))


def processes(psutil: Any, out: Collected) -> dict[int, tuple[str, tuple[tuple[str, str], ...]]]:
    """pid -> (name, keys) of every process but our own; adds a PROCESS fact per process."""
    me = os.getpid()
    seen: dict[int, tuple[str, tuple[tuple[str, str], ...]]] = {}
    hidden = 0
    for proc in psutil.process_iter(["pid", "name", "exe", "cmdline"], ad_value=None):
        info = proc.info
        pid = int(info["pid"])
        if pid == me:
            continue
        name, exe = info["name"] or "", info["exe"] or ""
        argv = info["cmdline"] or []
        if argv and not exe:
            hidden += 1
        keys = _keys(name, exe, argv[0] if argv else "")
        seen[pid] = (name or exe, keys)
        where = f"pid {pid}" + (f", {exe}" if exe else "")
        out.facts.append(Fact(Kind.PROCESS, name or exe or f"pid {pid}", where, keys, pid=pid))
    if hidden:
        out.skipped.append(f"program paths of {hidden} processes are not visible; {_why()}")
    return seen


def listeners(psutil: Any, out: Collected,
              procs: dict[int, tuple[str, tuple[tuple[str, str], ...]]]) -> None:
    """A LISTEN fact per listening TCP socket, carrying its owner's keys when visible."""
    try:
        conns = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, PermissionError):
        out.skipped.append(f"listening sockets are not visible; {NO_RIGHTS}")
        return
    unknown = 0
    seen: set[tuple[str, int, int | None]] = set()
    for c in conns:
        if c.status != psutil.CONN_LISTEN or not c.laddr:
            continue
        ip, port = c.laddr[0], int(c.laddr[1])
        if (ip, port, c.pid) in seen:
            continue
        seen.add((ip, port, c.pid))
        owner = procs.get(c.pid) if c.pid is not None else None
        if owner is None:
            unknown += 1
        addr = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
        where = f"pid {c.pid} ({owner[0]})" if owner else "owner not visible"
        out.facts.append(Fact(Kind.LISTEN, addr, where, owner[1] if owner else (),
                              pid=c.pid, port=port))
    if unknown:
        out.skipped.append(f"owners of {unknown} listening sockets are not visible; {_why()}")


def collect(target: Target) -> Collected:
    """Processes and listening sockets; nothing for an offline `--root` audit."""
    out = Collected()
    if not target.live:
        out.skipped.append("processes and network sockets (offline audit of a file tree)")
        return out
    import psutil

    try:
        listeners(psutil, out, processes(psutil, out))
    except (psutil.Error, OSError) as exc:
        out.skipped.append(f"process list: {exc}")
    return out
