"""Two hosts instead of one: the server's namespace and the client's, joined by a veth pair.

A scenario with a `[link]` runs its client in a namespace of its own, so that every packet between
client and server crosses a real interface, where the delay link holds it and the capture sees it
as the client's host would. The worker's namespace stays the server's (sysctls, listener queues,
server and preload programs); the client's gets the same sysctls.

    server namespace                         client namespace
    veth-server 10.0.0.1/24  fd00::1/64  ──  veth-client 10.0.0.2/24  fd00::2/64
    (addresses: sysrec.scenario.hosts, what the scenario's `{server_ip}` etc. stand for)

Built with iproute2's `ip`, as an ordinary user inside the run's user namespace too. Nothing
outlives the run: both namespaces disappear with their last process and fd, and the veth pair
with them; `close()` deletes it earlier.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from sysrec.errors import SysrecError
from sysrec.sandbox.netns import entered, new_netns_beside
from sysrec.scenario.hosts import LINKED, PREFIX, PREFIX6

SERVER_IF = "veth-server"
CLIENT_IF = "veth-client"
_SBIN_PATH = os.pathsep.join(("/usr/sbin", "/sbin", "/usr/bin", "/bin"))


@dataclass
class ClientHost:
    """The client's namespace (an fd that keeps it alive) and the interfaces on both sides."""

    netns_fd: int
    server_if: str = SERVER_IF
    client_if: str = CLIENT_IF

    def describe(self) -> dict[str, str]:
        return {"server_if": self.server_if, "client_if": self.client_if, **LINKED}

    def close(self) -> None:
        """Deletes the veth pair (both ends go together) and lets the client namespace go."""
        if self.netns_fd < 0:
            return
        subprocess.run([_ip(), "link", "del", self.server_if], capture_output=True)
        os.close(self.netns_fd)
        self.netns_fd = -1


def _ip() -> str:
    path = shutil.which("ip") or shutil.which("ip", path=_SBIN_PATH)
    if path is None:
        raise SysrecError("a scenario with [link] needs `ip` (Debian package iproute2), and it is not installed")
    return path


def _run(argv: list[str], *, pass_fds: tuple[int, ...] = ()) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, pass_fds=pass_fds)
    if proc.returncode != 0:
        raise SysrecError(f"cannot build the client's namespace: `{' '.join(argv[1:])}` failed: "
                          f"{proc.stderr.strip() or f'exit {proc.returncode}'}")


def _configure(ip: str, ifname: str, addr: str, addr6: str) -> None:
    _run([ip, "addr", "add", f"{addr}/{PREFIX}", "dev", ifname])
    _run([ip, "-6", "addr", "add", f"{addr6}/{PREFIX6}", "dev", ifname, "nodad"])
    _run([ip, "link", "set", ifname, "up"])


def build_client_host() -> ClientHost:
    """Creates the client's namespace beside the current (server's) one and joins them.

    Call it in the worker, inside the run's namespace; raises SysrecError (nothing left behind)
    when a step fails."""
    ip = _ip()
    host = ClientHost(new_netns_beside())
    try:
        # `ip` takes a path to a namespace file; /proc/self/fd/N is that path for the fd it inherits.
        _run([ip, "link", "add", SERVER_IF, "type", "veth", "peer", "name", CLIENT_IF,
              "netns", f"/proc/self/fd/{host.netns_fd}"], pass_fds=(host.netns_fd,))
        _configure(ip, SERVER_IF, LINKED["server_ip"], LINKED["server_ip6"])
        with entered(host.netns_fd):
            _configure(ip, CLIENT_IF, LINKED["client_ip"], LINKED["client_ip6"])
    except BaseException:
        host.close()
        raise
    return host
