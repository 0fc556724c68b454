"""Kernel TCP counters of the current network namespace: /proc/net/netstat and /proc/net/snmp.

Both files hold pairs of lines, `Group: Field Field…` then `Group: value value…`; the record
stores each value as `<Group><Field>` (`TcpExtListenOverflows`, `TcpActiveOpens`).
"""

from __future__ import annotations

import os

FILES = ("/proc/net/netstat", "/proc/net/snmp")


def parse_counter_text(text: str) -> dict[str, int]:
    values: dict[str, int] = {}
    lines = text.splitlines()
    for names_line, values_line in zip(lines[0::2], lines[1::2]):
        group, _, names = names_line.partition(":")
        vgroup, _, nums = values_line.partition(":")
        if group != vgroup:
            continue
        for name, num in zip(names.split(), nums.split()):
            try:
                values[f"{group}{name}"] = int(num)
            except ValueError:
                continue
    return values


def read_counters(proc_net: str = "/proc/net") -> dict[str, int]:
    """Every counter of the namespace whose /proc/net this is (the caller's by default)."""
    values: dict[str, int] = {}
    for name in ("netstat", "snmp"):
        with open(f"{proc_net}/{name}", encoding="ascii") as fh:
            values.update(parse_counter_text(fh.read()))
    return values


def deltas(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Non-zero differences; gauges such as TcpCurrEstab can go down, so signs are kept."""
    return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}


# Settings that /proc/net/snmp lists among the counters: not additive across namespaces.
SETTINGS = frozenset({"IpForwarding", "IpDefaultTTL", "TcpRtoAlgorithm", "TcpRtoMin", "TcpRtoMax", "TcpMaxConn"})


class NamespaceCounters:
    """The two counter files of the calling thread's namespace, opened once and re-read with
    pread() at every stop: a /proc/net file stays with the namespace it was opened in, so reading
    another namespace's counters needs no setns(), and the field names are split only once."""

    def __init__(self) -> None:
        self._fds = [os.open(f"/proc/thread-self/net/{name}", os.O_RDONLY | os.O_CLOEXEC)
                     for name in ("netstat", "snmp")]
        self._keys: dict[bytes, list[str]] = {}
        self._raw = b""
        self._values: dict[str, int] = {}

    def read(self) -> tuple[dict[str, int], bool]:
        """(values, whether anything changed since the previous read)."""
        raw = b"".join(os.pread(fd, 1 << 16, 0) for fd in self._fds)
        if raw == self._raw:
            return self._values, False
        lines = raw.split(b"\n")
        values: dict[str, int] = {}
        for names_line, values_line in zip(lines[0::2], lines[1::2]):
            keys = self._keys.get(names_line)
            if keys is None:
                group, _, names = names_line.decode("ascii").partition(":")
                keys = self._keys[names_line] = [group + name for name in names.split()]
            values.update(zip(keys, map(int, values_line.partition(b":")[2].split())))
        self._raw, self._values = raw, values
        return values, True

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []


def add(client: dict[str, int], server: dict[str, int]) -> dict[str, int]:
    """Counters summed; settings (SETTINGS) as the server's namespace has them."""
    return {k: server[k] if k in SETTINGS and k in server else client.get(k, 0) + server.get(k, 0)
            for k in client.keys() | server.keys()}


class RunCounters:
    """The counters of a run's namespaces: the caller's (the client's) and, when the scenario has a
    link, the server's. Summed, so that a counter check or a per-stop delta reads the same whether
    client and server share a namespace or not; `by_role` keeps the two apart for readers."""

    def __init__(self, server_netns_fd: int | None = None) -> None:
        self.server_netns_fd = server_netns_fd
        self.parts = {"client": NamespaceCounters()}
        if server_netns_fd is not None:
            from sysrec.sandbox.netns import entered
            with entered(server_netns_fd):
                self.parts["server"] = NamespaceCounters()
        self._previous = {role: part.read()[0] for role, part in self.parts.items()}

    def snapshot(self) -> tuple[dict[str, int], dict[str, dict[str, int]] | None]:
        """(summed values, {"client": …, "server": …} or None when there is one namespace); the
        baseline of the next `changes()`."""
        self._previous = {role: part.read()[0] for role, part in self.parts.items()}
        if len(self._previous) == 1:
            return self._previous["client"], None
        return add(self._previous["client"], self._previous["server"]), dict(self._previous)

    def changes(self) -> dict[str, int]:
        """Non-zero deltas since the previous call (or snapshot), summed over the namespaces."""
        total: dict[str, int] = {}
        for role, part in self.parts.items():
            now, changed = part.read()
            if not changed:
                continue
            for name, delta in deltas(self._previous[role], now).items():
                if name not in SETTINGS:
                    total[name] = total.get(name, 0) + delta
            self._previous[role] = now
        return {k: v for k, v in total.items() if v}

    def close(self) -> None:
        for part in self.parts.values():
            part.close()
