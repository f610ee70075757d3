"""Who holds an outbox claim, and whether that process still lives.

A worker's name is ``host:pid:start``: the host name with the id of the process's PID
namespace (``vm#4026531836``: two containers sharing a host name do not see each
other's processes), the process id and the process's start time (clock ticks since
boot, field 22 of ``/proc/<pid>/stat``). A process id is
reused after its process dies; the pair (pid, start time) is not, so a worker on the
same host can tell for certain that the holder of a claim is gone and take the claim
over at once. Claims of other hosts cannot be checked this way; they expire with the
lease their holder renews while it delivers (`notifications.outbox.take_over`).

The name fits the 64 characters of `OutboxMessage.claimed_by`: a longer host name is
shortened to a prefix and a hash, the same on every call on that host.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass
from functools import cache

_HOST_MAX = 28  # with "#<namespace>" and ":<pid>:<start>" within 64 characters


@dataclass(frozen=True)
class Worker:
    host: str
    pid: int
    start: str  # "" for names written before start times were recorded ("host:pid")


@cache
def host_name() -> str:
    """This machine's host name and PID namespace as they appear in worker names."""
    host = (socket.gethostname() or "localhost").replace(":", "_").replace("#", "_")
    if len(host) > _HOST_MAX:
        host = host[: _HOST_MAX - 9] + "~" + hashlib.sha256(host.encode()).hexdigest()[:8]
    try:  # "pid:[4026531836]"
        namespace = os.readlink("/proc/self/ns/pid").partition("[")[2].rstrip("]")
    except OSError:
        namespace = ""
    return f"{host}#{namespace}" if namespace.isdecimal() else host


def process_start(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot) or None if there is no
    such process. "" where /proc is not available (the start time cannot be checked)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read().decode("ascii", "replace")
    except FileNotFoundError:
        return None if os.path.isdir("/proc/self") else _start_without_proc(pid)
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may itself contain spaces.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _start_without_proc(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except OSError:  # exists, owned by someone else
        return ""
    return ""


def worker_name(pid: int | None = None) -> str:
    """The name of this process (or of process `pid` on this host) as a claim holder."""
    pid = os.getpid() if pid is None else pid
    return f"{host_name()}:{pid}:{process_start(pid) or ''}"


def parse_worker(name: str) -> Worker | None:
    """The parts of a worker name; None for a name of another shape (a test's "a")."""
    parts = name.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdecimal() and (parts[2] == "" or parts[2].isdecimal()):
        return Worker(parts[0], int(parts[1]), parts[2])
    host, _, pid = name.rpartition(":")
    if host and pid.isdecimal() and pid.isascii():
        return Worker(host, int(pid), "")
    return None


def is_dead_local(name: str) -> bool:
    """True when `name` is a worker on this host whose process is certainly gone: no
    process with its id, or one that started at another time (the id was reused).
    False for live processes, other hosts, and names that say too little to be sure."""
    worker = parse_worker(name)
    if worker is None or worker.host != host_name() or not worker.pid:
        return False
    if not worker.pid > 0 or worker.pid > 2**22:
        return False
    start = process_start(worker.pid)
    if start is None:
        return True
    return bool(worker.start and start and start != worker.start)
