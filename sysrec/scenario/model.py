"""The parsed scenario: plain data, no I/O. Built by parse.py, read by the sandbox and expect.py."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any, Callable

from sysrec.scenario.hosts import expand_vars

SysctlValue = int | str

# comparison operator text → function, longest first so ">=" is not read as ">"
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">": operator.gt, "<": operator.lt,
}


@dataclass(frozen=True)
class Comparison:
    """`>= 1`, `== 0`: an operator and an integer (seconds: a number), as written in the file."""

    op: str
    value: int | float

    def holds(self, actual: int | float) -> bool:
        return OPERATORS[self.op](actual, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value}"


@dataclass(frozen=True)
class Command:
    """A program to start: argv as written, or a shipped probe with its arguments."""

    argv: tuple[str, ...] = ()
    probe: str | None = None

    def resolve(self, settings: dict[str, SysctlValue] | None = None) -> list[str]:
        """argv to run; `{var.NAME}` replaced by the cell's value of `var.NAME` (see VAR_PREFIX)."""
        argv = list(self.argv)
        if settings:
            argv = [expand_vars(arg, settings) for arg in argv]
        if self.probe is None:
            return argv
        from sysrec.probes import probe_argv
        return probe_argv(self.probe, argv)


@dataclass(frozen=True)
class Server:
    command: Command
    ready_listen: tuple[str, int] | None  # host, port of the TCP listener that means "ready"
    ready_delay: float                     # seconds to wait when there is no listener to watch
    start_timeout: float


@dataclass(frozen=True)
class PreloadStep:
    """Started in order before the client. `keep` steps run until teardown; others must exit 0."""

    command: Command
    keep: bool
    until_queue: int | None   # keep-steps: wait until the listener's accept queue holds N
    delay: float              # then wait this long
    timeout: float


SERVER_INPUT = "link.server_input"   # a [matrix] key that is no sysctl: a firewall rule per cell
LINK_ICMP = "link.icmp"              # another: whether the router's "too big" ICMP gets through, per cell
CLIENT_ARGS = "client.args"          # another: words added to the client's argv per cell
NOT_SYSCTLS = frozenset({SERVER_INPUT, LINK_ICMP, CLIENT_ARGS})
ICMP_CHOICES = ("allowed", "blocked")
# `[matrix] "var.NAME"`: no sysctl either, a value per cell that `{var.NAME}` in a command or its
# args stands for (a socket option the client sets, a step it takes), so a cell can vary a program
VAR_PREFIX = "var."


def is_sysctl(setting: str) -> bool:
    """Whether a cell setting is written under /proc/sys (the link keys, client arguments and
    variables are not)."""
    return setting not in NOT_SYSCTLS and not setting.startswith(VAR_PREFIX)


@dataclass(frozen=True)
class Link:
    """`[link]`: every packet leaving loopback is held `delay_ms` (and dropped with `loss`)."""

    delay_ms: float
    loss: float
    seed: int | None
    # iptables options (match and target) for the server's INPUT chain on its veth end: a firewall
    # between the hosts; a `[matrix] "link.server_input"` axis replaces it per cell
    server_input: str | None = None
    # a router between the hosts whose link toward the client has this MTU (the hosts keep 1500)
    path_mtu: int | None = None
    # "blocked": that router's "fragmentation needed" / "packet too big" are dropped (a PMTU black
    # hole); a `[matrix] "link.icmp"` axis replaces it per cell
    icmp: str = "allowed"


@dataclass(frozen=True)
class Client:
    command: Command
    count: int                # concurrent instances, all in one record
    timeout: float            # per-run timeout for the traced client(s)
    trace: tuple[str, ...] | None  # syscall set; None: the tracer's default set
    follow: bool
    stagger_ms: float = 0.0   # instance i starts i × this after the first, on one clock
    same_cpu: bool = False    # client and tracer pinned to one CPU (the client then sees one CPU)
    # `inject = ["recvfrom:error=ECONNRESET:when=2"]`: strace's -e inject= rules for the
    # client's traced calls, each kept as `inject=…` (sysrec.tracer.inject)
    inject: tuple[str, ...] = ()


@dataclass(frozen=True)
class Matcher:
    """What one syscall event must look like. Every given field must match."""

    syscall: tuple[str, ...] = ()
    ret: Comparison | None = None
    errno: str | None = None          # "ECONNRESET"; "none" means the call succeeded
    so_error: str | None = None       # getsockopt(SO_ERROR) value: errno name or "0"
    raux: str | None = None           # regular expression searched in the text after `= ret`
    tcp_state: tuple[str, ...] = ()   # ctx.tcp_state at this stop: one of these
    queue: Comparison | None = None   # ctx.listener.queue at this stop
    synrecv: Comparison | None = None  # ctx.listener.synrecv at this stop
    injected: bool | None = None      # the call's result was (true) / was not (false) injected
    duration: tuple[Comparison, ...] = ()  # seconds from entry to exit (t1 - t0): all must hold
    text: str = ""                    # how the file wrote it, for messages

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class PacketMatcher:
    """What one captured packet must look like (`[[expect]] packets = {...}`)."""

    dir: str | None = None              # "in", "out", "host"
    flags: frozenset[str] | None = None  # exactly these TCP flags
    len: Comparison | None = None       # payload bytes
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Expectation:
    """One `[[expect]]` table. Exactly one kind of check is set."""

    key: str                                  # "expect[2]": where it came from
    says: str                                 # the author's sentence, shown in results
    when: tuple[tuple[str, tuple[SysctlValue, ...]], ...]  # cell selector (any listed value); empty: every cell
    sequence: tuple[Matcher, ...] = ()
    absent: tuple[Matcher, ...] = ()
    count: Matcher | None = None
    times: Comparison | None = None
    counters: tuple[tuple[str, Comparison], ...] = ()
    exit: Comparison | None = None
    # `packets`: how many captured packets match (`times`), or when (`at`: seconds after the first
    # matching one, each within `tolerance`)
    packets: PacketMatcher | None = None
    at: tuple[float, ...] = ()
    tolerance: float = 0.0

    @property
    def kind(self) -> str:
        for kind in ("sequence", "absent", "counters"):
            if getattr(self, kind):
                return kind
        if self.packets is not None:
            return "packets"
        return "count" if self.count is not None else "exit"

    def applies_to(self, settings: dict[str, SysctlValue]) -> bool:
        return all(str(settings.get(name)) in {str(v) for v in values} for name, values in self.when)


@dataclass(frozen=True)
class Requires:
    """`[requires]`: what a kernel must offer for a cell to run; a cell that cannot run on this
    kernel is skipped with its reason, not an error."""

    sysctls: tuple[str, ...] = ()    # must exist on the kernel
    optional: tuple[str, ...] = ()   # written only where the kernel has them; elsewhere "absent"
    root: bool = False               # privilege = "root": needs real root, not a user namespace


@dataclass(frozen=True)
class Pacing:
    """`[pacing]`: timing the scenario relies on, each a measure (sysrec.scenario.pacing) and the
    most milliseconds it may take; a run that misses one is inconclusive, not failed."""

    says: str
    bounds: tuple[tuple[str, float], ...]
    when: tuple[tuple[str, tuple[SysctlValue, ...]], ...] = ()   # the cells that rely on it; empty: all

    def applies_to(self, settings: dict[str, SysctlValue]) -> bool:
        return all(str(settings.get(name)) in {str(v) for v in values} for name, values in self.when)


@dataclass(frozen=True)
class Scenario:
    path: str
    name: str
    description: str
    sysctl: tuple[tuple[str, SysctlValue], ...]
    matrix: tuple[tuple[str, tuple[SysctlValue, ...]], ...]
    server: Server | None
    preload: tuple[PreloadStep, ...]
    client: Client
    expectations: tuple[Expectation, ...]
    link: Link | None = None
    requires: Requires = Requires()
    pacing: Pacing | None = None


@dataclass(frozen=True)
class Cell:
    """One point of the matrix: every sysctl the run writes, and a directory-safe name."""

    name: str
    settings: dict[str, SysctlValue] = field(hash=False)   # fixed + matrix values
    varied: dict[str, SysctlValue] = field(hash=False)     # only the matrix values
