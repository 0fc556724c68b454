"""Prints, as JSON, everything about its own process that a tracer could change and a program
could notice: run bare and traced, the outputs must match (tests/test_observer.py)."""

import json
import os
import resource
import sys


def status_fields(*names):
    fields = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in names:
                fields[key] = value.strip()
    return fields


def open_fds():
    fds = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
            fds[name] = target.split(":[")[0] if ":[" in target else target  # pipe:[N] -> pipe
        except OSError:
            pass  # the listing's own directory fd, gone by now
    return fds


def initial_environ():
    """As the process received it (os.environ may already hold Python's own locale coercion)."""
    with open("/proc/self/environ", "rb") as fh:
        return sorted(fh.read().decode("latin-1").split("\0"))


def rlimits():
    return {name: resource.getrlimit(getattr(resource, name))
            for name in sorted(dir(resource)) if name.startswith("RLIMIT_")}


def terminal():
    try:
        return os.ttyname(0)
    except OSError:
        return None


umask = os.umask(0)
os.umask(umask)
print(json.dumps({
    "affinity": sorted(os.sched_getaffinity(0)),
    "cpu_count_usable": len(os.sched_getaffinity(0)),
    "environ": initial_environ(),
    "fds": open_fds(),
    "signals": status_fields("SigBlk", "SigIgn", "SigPnd", "ShdPnd"),
    "privileges": status_fields("NoNewPrivs", "Seccomp", "Seccomp_filters", "CapEff", "CapPrm", "CapBnd"),
    "rlimits": rlimits(),
    "cwd": os.getcwd(),
    "umask": umask,
    "pgrp_is_own": os.getpgrp() == os.getpid(),
    "sid_is_own": os.getsid(0) == os.getpid(),
    "same_pgrp_as_parent": os.getpgrp() == os.getpgid(os.getppid()),
    "same_sid_as_parent": os.getsid(0) == os.getsid(os.getppid()),
    "tty": terminal(),
    "scheduler": os.sched_getscheduler(0),
    "nice": os.getpriority(os.PRIO_PROCESS, 0),
    "argv": sys.argv[1:],
}, sort_keys=True))
