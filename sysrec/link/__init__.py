"""A link with latency (and loss), built from NFQUEUE: this kernel has no netem.

`iptables`/`ip6tables` rules send IP packets to an nfnetlink queue, and a small process holds each
one for `delay_ms` before accepting it, or drops it with probability `loss`. Works as an ordinary
user inside `unshare -Urn`.

- On loopback (one namespace) the rule catches every packet once, on its way out, so `delay_ms`
  is the one-way delay and a round trip takes twice that, as netem on lo would.
- On one end of a veth pair (`sysrec run`: the server's end, see sysrec.sandbox.topology) two
  rules catch what leaves through it (OUTPUT) and what arrives through it (INPUT): both directions
  are delayed on the server's side, so the client's end of the wire sees every packet at the time
  a real link would deliver it, and a capture there stamps sends and arrivals truly.

    link = start_link(delay_ms=50, loss=0.0, interface="veth-server")   # raises LinkError
    ... traffic ...
    link.stop()                                # rules removed, process gone
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
from typing import Any

from sysrec.capture.helper import helper_argv, helper_env

__all__ = ["LinkError", "LinkHandle", "start_link"]

_SBIN_PATH = os.pathsep.join(("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
MAX_DELAY_MS = 60_000
READY_TIMEOUT_S = 15.0


class LinkError(Exception):
    """The link could not be set up (no iptables, no NFQUEUE, bad parameters); the message says why."""


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=_SBIN_PATH)
    if path is None:
        raise LinkError(f"a delay link needs `{name}` (Debian package iptables), and it is not installed")
    return path


def _rules(interface: str, queue: int) -> list[list[str]]:
    """Loopback: outgoing only (every packet leaves and arrives on lo). Other interfaces: both ways."""
    target = ["-j", "NFQUEUE", "--queue-num", str(queue)]
    rules = [["OUTPUT", "-o", interface, *target]]
    if interface != "lo":
        rules.append(["INPUT", "-i", interface, *target])
    return rules


class LinkHandle:
    """An installed link: its rules and its delay process. `stop()` removes both."""

    def __init__(self, proc: subprocess.Popen[str], tools: list[str], interface: str, queue: int,
                 delay_ms: float, loss: float) -> None:
        self._proc = proc
        self._tools = tools
        self._installed: list[tuple[str, list[str]]] = []
        self.interface = interface
        self.queue = queue
        self.delay_ms = delay_ms
        self.loss = loss
        self.counts: dict[str, int] = {}

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _install(self) -> None:
        for tool in self._tools:
            for rule in _rules(self.interface, self.queue):
                proc = subprocess.run([tool, "-w", "-A", *rule], capture_output=True, text=True)
                if proc.returncode != 0:
                    raise LinkError(f"cannot add the NFQUEUE rule with {os.path.basename(tool)}: "
                                    f"{proc.stderr.strip() or f'exit {proc.returncode}'}")
                self._installed.append((tool, rule))

    def stop(self, timeout_s: float = 10.0) -> dict[str, Any]:
        """Removes the rules first (new packets pass undelayed), then releases the held packets and
        ends the delay process. Returns its counts: `accepted`, `dropped`. Safe to call twice."""
        errors = []
        while self._installed:
            tool, rule = self._installed.pop()
            proc = subprocess.run([tool, "-w", "-D", *rule], capture_output=True, text=True)
            if proc.returncode != 0:
                errors.append(f"{os.path.basename(tool)} -D: {proc.stderr.strip()}")
        if self._proc.returncode is None:
            try:
                out, _ = self._proc.communicate("stop\n", timeout=timeout_s)
            except (subprocess.TimeoutExpired, BrokenPipeError):
                self._proc.kill()
                out, _ = self._proc.communicate()
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if lines:
                self.counts = json.loads(lines[-1])
        self._close_streams()
        if errors:
            raise LinkError("cannot remove the link's rules: " + "; ".join(errors))
        return dict(self.counts)

    def _close_streams(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def __enter__(self) -> "LinkHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_link(delay_ms: float, loss: float = 0.0, interface: str = "lo", queue: int = 0,
               seed: int | None = None, ipv6: bool = True) -> LinkHandle:
    """Delays (and drops) every IP packet through `interface` in the current network namespace:
    sent through loopback, or sent and received through any other interface.

    Call it inside the run's namespace before the server starts. `seed` makes the losses
    repeatable. Raises LinkError, with nothing left installed, when the link cannot be built.
    """
    if not 0 <= delay_ms <= MAX_DELAY_MS:
        raise LinkError(f"delay_ms must be between 0 and {MAX_DELAY_MS}, not {delay_ms!r}")
    if not 0.0 <= loss < 1.0:
        raise LinkError(f"loss must be a probability in [0, 1), not {loss!r}")
    tools = [_tool("iptables")] + ([_tool("ip6tables")] if ipv6 else [])
    args = ["--queue", str(queue), "--delay-ms", str(delay_ms), "--loss", str(loss)]
    if seed is not None:
        args += ["--seed", str(seed)]
    try:
        proc = subprocess.Popen(helper_argv("sysrec.link.delay", *args), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=helper_env(), close_fds=True)
    except OSError as err:
        raise LinkError(f"cannot start the delay process: {err.strerror}") from None
    handle = LinkHandle(proc, tools, interface, queue, delay_ms, loss)
    assert proc.stdout is not None and proc.stderr is not None
    # The queue must be bound before a rule sends packets to it (unbound, they would be dropped).
    ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT_S)
    first = proc.stdout.readline().strip() if ready else ""
    if first != "ready":
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        why = proc.stderr.read().strip().splitlines()
        handle._close_streams()
        raise LinkError("the delay process did not start: "
                        + (why[-1] if why else f"no answer within {READY_TIMEOUT_S:g} s"))
    try:
        handle._install()
    except BaseException:
        handle.stop()
        raise
    return handle
