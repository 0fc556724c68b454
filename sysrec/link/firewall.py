"""A firewall between the two hosts: one iptables rule in the server's INPUT chain, for packets that
arrive through its end of the veth pair (`[link] server_input`, or a `[matrix]` axis of rules).

Inserted first in the chain, so it sees the client's packets before the delay link's NFQUEUE rule;
what it answers (an ICMP error, a TCP reset) leaves through the link like any other reply. IPv4
only (iptables, not ip6tables). Works as an ordinary user inside the run's user namespace, as the
delay link does.
"""

from __future__ import annotations

import os
import subprocess

from sysrec.link import LinkError, _tool


class InputRule:
    """An installed rule; `remove()` deletes it (the namespace's end removes it anyway)."""

    def __init__(self, tool: str, spec: list[str]) -> None:
        self._tool = tool
        self._spec = spec
        self._installed = False

    def install(self) -> None:
        proc = subprocess.run([self._tool, "-w", "-I", *self._spec], capture_output=True, text=True)
        if proc.returncode != 0:
            raise LinkError(f"cannot add the firewall rule with {os.path.basename(self._tool)}: "
                            f"{proc.stderr.strip() or f'exit {proc.returncode}'}")
        self._installed = True

    def remove(self) -> None:
        if not self._installed:
            return
        self._installed = False
        delete = [self._spec[0], *self._spec[2:]]   # -D takes the rule without its position
        proc = subprocess.run([self._tool, "-w", "-D", *delete], capture_output=True, text=True)
        if proc.returncode != 0:
            raise LinkError(f"cannot remove the firewall rule: {proc.stderr.strip()}")


def add_input_rule(interface: str, words: tuple[str, ...]) -> InputRule:
    """`iptables -I INPUT 1 -i INTERFACE WORDS…` in the current namespace. Raises LinkError."""
    rule = InputRule(_tool("iptables"), ["INPUT", "1", "-i", interface, *words])
    rule.install()
    return rule
