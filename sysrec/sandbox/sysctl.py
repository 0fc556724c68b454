"""Writing sysctls inside the run's network namespace only.

Called after enter_private_netns(): files under /proc/sys/net belong to the namespace of the
process that opens them, and sysctls that are global to the machine are not even visible from a
non-initial network namespace, so the host's values cannot be reached from here.
"""

from __future__ import annotations

import errno
import os

from sysrec.errors import InputError


def sysctl_path(name: str) -> str:
    return os.path.join("/proc/sys", *name.split("."))


def read_sysctl(name: str) -> str:
    with open(sysctl_path(name), encoding="ascii") as fh:
        return fh.read().strip()


def write_sysctls(settings: dict[str, int | str], initial_netns: str | None = None) -> None:
    """Write each setting and read it back. Raises InputError naming the sysctl on failure."""
    if initial_netns is not None and os.readlink("/proc/self/ns/net") == initial_netns:
        raise RuntimeError("refusing to write sysctls: still in the initial network namespace")
    for name, value in settings.items():
        if not name.startswith("net."):
            raise InputError(f"sysctl {name}: only net.* sysctls can be set (they live in the run's namespace)")
        path = sysctl_path(name)
        try:
            with open(path, "w", encoding="ascii") as fh:
                fh.write(f"{value}\n")
        except FileNotFoundError:
            if os.path.exists(path):  # the file is there: the kernel answered ENOENT to the value
                raise InputError(f"sysctl {name}: the kernel rejected value {value!r} "
                                 "(ENOENT: no such choice on this kernel)") from None
            raise InputError(f"sysctl {name}: unknown in a network namespace on this kernel "
                             f"(no {path}; global sysctls cannot be set per scenario)") from None
        except PermissionError:
            raise InputError(f"sysctl {name}: not writable inside the scenario's namespace "
                             "(the kernel keeps it read-only for a namespace's owner)") from None
        except OSError as err:
            if err.errno == errno.EINVAL:
                raise InputError(f"sysctl {name}: the kernel rejected value {value!r} (EINVAL)") from None
            raise InputError(f"sysctl {name}: cannot write {value!r}: {err.strerror}") from None
        actual = read_sysctl(name)
        if actual.split() != str(value).split():
            raise InputError(f"sysctl {name}: wrote {value!r} but the kernel keeps {actual!r} "
                             "(out of range?)")
