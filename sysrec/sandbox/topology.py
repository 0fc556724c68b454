"""Two hosts instead of one: the server's namespace and the client's, joined by a veth pair.

A scenario with a `[link]` runs its client in a namespace of its own, so that every packet between
client and server crosses a real interface, where the delay link holds it and the capture sees it
as the client's host would. The worker's namespace stays the server's (sysctls, listener queues,
server and preload programs); the client's gets the same sysctls.

    server namespace                         client namespace
    veth-server 10.0.0.1/24  fd00::1/64  ──  veth-client 10.0.0.2/24  fd00::2/64
    (addresses: sysrec.scenario.hosts, what the scenario's `{server_ip}` etc. stand for)

With `[link] path_mtu`, a router's namespace sits in the middle (two veth pairs); its link toward
the client has the smaller MTU while both hosts keep 1500 on their own interfaces, so they
advertise MSS 1460 and only the router knows the path is narrower:

    server              router (ip_forward, proxy ARP / NDP)                  client
    veth-server ── rtr-server 10.0.0.254  fd00::fe   rtr-client (mtu N) ── veth-client

The hosts keep their addresses and /24, /64 prefixes (the router answers ARP and neighbour
solicitations for the other side and routes /32, /128 host routes), so `{server_ip}` and
`{client_ip}` mean the same with or without a router. A packet too big for `rtr-client` with DF
set makes the router answer "fragmentation needed" / "packet too big" (ip_forward() ->
icmp_send(), ip6_forward() -> icmpv6_send()), unless `icmp = "blocked"` drops those in its
OUTPUT chain: a path-MTU black hole.

Built with iproute2's `ip`, as an ordinary user inside the run's user namespace too. Nothing
outlives the run: the namespaces disappear with their last process and fd, and the veth pairs
with them; `close()` deletes them earlier.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from sysrec.errors import SysrecError
from sysrec.sandbox.netns import entered, new_netns_beside
from sysrec.sandbox.sysctl import write_sysctls
from sysrec.scenario.hosts import LINKED, PREFIX, PREFIX6

SERVER_IF = "veth-server"
CLIENT_IF = "veth-client"
ROUTER_SERVER_IF = "rtr-server"
ROUTER_CLIENT_IF = "rtr-client"
ROUTER_IP, ROUTER_IP6 = "10.0.0.254", "fd00::fe"
# The router forwards and answers ARP / neighbour solicitations for the hosts behind it at once
# (proxy_delay's default waits up to 0.8 s, a random stall in every first exchange).
ROUTER_SYSCTLS = {
    "net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1, "net.ipv6.conf.all.proxy_ndp": 1,
    **{f"net.ipv4.conf.{i}.proxy_arp": 1 for i in (ROUTER_SERVER_IF, ROUTER_CLIENT_IF)},
    **{f"net.ipv4.neigh.{i}.proxy_delay": 0 for i in (ROUTER_SERVER_IF, ROUTER_CLIENT_IF)},
    **{f"net.ipv6.neigh.{i}.proxy_delay": 0 for i in (ROUTER_SERVER_IF, ROUTER_CLIENT_IF)},
}
# The router's own "too big" answers, by the iptables names of the ICMP messages (OUTPUT: it
# makes them itself).
TOO_BIG_RULES = (("iptables", ("OUTPUT", "-p", "icmp", "--icmp-type", "fragmentation-needed", "-j", "DROP")),
                 ("ip6tables", ("OUTPUT", "-p", "icmpv6", "--icmpv6-type", "packet-too-big", "-j", "DROP")))
_SBIN_PATH = os.pathsep.join(("/usr/sbin", "/sbin", "/usr/bin", "/bin"))


@dataclass
class ClientHost:
    """The client's namespace (an fd that keeps it alive) and the interfaces on both sides."""

    netns_fd: int
    server_if: str = SERVER_IF
    client_if: str = CLIENT_IF
    router_fd: int = -1                 # the router's namespace, with a path_mtu
    path_mtu: int | None = None

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"server_if": self.server_if, "client_if": self.client_if, **LINKED}
        if self.path_mtu is not None:
            described["router"] = {"ip": ROUTER_IP, "ip6": ROUTER_IP6, "path_mtu": self.path_mtu,
                                   "server_if": ROUTER_SERVER_IF, "client_if": ROUTER_CLIENT_IF}
        return described

    def block_too_big(self) -> None:
        """`icmp = "blocked"`: the router drops its own "fragmentation needed" / "packet too big"."""
        with entered(self.router_fd):
            for tool, rule in TOO_BIG_RULES:
                _run([_sbin(tool), "-w", "-A", *rule], what="the router's ICMP filter")

    def close(self) -> None:
        """Deletes the veth pairs (both ends go together) and lets the namespaces go."""
        if self.netns_fd < 0:
            return
        subprocess.run([_ip(), "link", "del", self.server_if], capture_output=True)
        if self.router_fd >= 0:
            with entered(self.router_fd):
                subprocess.run([_ip(), "link", "del", ROUTER_CLIENT_IF], capture_output=True)
            os.close(self.router_fd)
            self.router_fd = -1
        os.close(self.netns_fd)
        self.netns_fd = -1


_PACKAGES = {"ip": "iproute2", "iptables": "iptables", "ip6tables": "iptables"}


def _sbin(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=_SBIN_PATH)
    if path is None:
        raise SysrecError(f"a scenario with [link] needs `{name}` (Debian package {_PACKAGES[name]}), "
                          "and it is not installed")
    return path


def _ip() -> str:
    return _sbin("ip")


def _run(argv: list[str], *, pass_fds: tuple[int, ...] = (), what: str = "the client's namespace") -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, pass_fds=pass_fds)
    if proc.returncode != 0:
        raise SysrecError(f"cannot build {what}: `{' '.join(argv[1:])}` failed: "
                          f"{proc.stderr.strip() or f'exit {proc.returncode}'}")


def _configure(ip: str, ifname: str, addr: str, addr6: str) -> None:
    _run([ip, "addr", "add", f"{addr}/{PREFIX}", "dev", ifname])
    _run([ip, "-6", "addr", "add", f"{addr6}/{PREFIX6}", "dev", ifname, "nodad"])
    _run([ip, "link", "set", ifname, "up"])


def build_client_host(path_mtu: int | None = None) -> ClientHost:
    """Creates the client's namespace beside the current (server's) one and joins them: directly,
    or through a router whose link toward the client has MTU `path_mtu`.

    Call it in the worker, inside the run's namespace; raises SysrecError (nothing left behind)
    when a step fails."""
    ip = _ip()
    host = ClientHost(new_netns_beside(), path_mtu=path_mtu)
    try:
        if path_mtu is None:
            # `ip` takes a path to a namespace file; /proc/self/fd/N is that path for the fd it inherits.
            _run([ip, "link", "add", SERVER_IF, "type", "veth", "peer", "name", CLIENT_IF,
                  "netns", f"/proc/self/fd/{host.netns_fd}"], pass_fds=(host.netns_fd,))
        else:
            host.router_fd = new_netns_beside()
            _build_router(ip, host, path_mtu)
        _configure(ip, SERVER_IF, LINKED["server_ip"], LINKED["server_ip6"])
        with entered(host.netns_fd):
            _configure(ip, CLIENT_IF, LINKED["client_ip"], LINKED["client_ip6"])
    except BaseException:
        host.close()
        raise
    return host


def _build_router(ip: str, host: ClientHost, path_mtu: int) -> None:
    """Two veth pairs through the router's namespace; the hosts' ends are left to `_configure`."""
    what = "the router's namespace"
    _run([ip, "link", "add", SERVER_IF, "type", "veth", "peer", "name", ROUTER_SERVER_IF,
          "netns", f"/proc/self/fd/{host.router_fd}"], pass_fds=(host.router_fd,), what=what)
    with entered(host.router_fd):
        _run([ip, "link", "add", ROUTER_CLIENT_IF, "type", "veth", "peer", "name", CLIENT_IF,
              "netns", f"/proc/self/fd/{host.netns_fd}"], pass_fds=(host.netns_fd,), what=what)
        _run([ip, "link", "set", ROUTER_CLIENT_IF, "mtu", str(path_mtu)], what=what)
        for ifname, peer, peer6 in ((ROUTER_SERVER_IF, LINKED["server_ip"], LINKED["server_ip6"]),
                                    (ROUTER_CLIENT_IF, LINKED["client_ip"], LINKED["client_ip6"])):
            _run([ip, "addr", "add", f"{ROUTER_IP}/32", "dev", ifname], what=what)
            _run([ip, "-6", "addr", "add", f"{ROUTER_IP6}/128", "dev", ifname, "nodad"], what=what)
            _run([ip, "link", "set", ifname, "up"], what=what)
            _run([ip, "route", "add", f"{peer}/32", "dev", ifname], what=what)
            _run([ip, "-6", "route", "add", f"{peer6}/128", "dev", ifname], what=what)
        write_sysctls(ROUTER_SYSCTLS)
        # Neighbour solicitations for a host behind the router are answered on the other side.
        for ifname, behind in ((ROUTER_SERVER_IF, LINKED["client_ip6"]), (ROUTER_CLIENT_IF, LINKED["server_ip6"])):
            _run([ip, "-6", "neigh", "add", "proxy", behind, "dev", ifname], what=what)
