"""Kernel TCP counters of the current network namespace: /proc/net/netstat and /proc/net/snmp.

Both files hold pairs of lines, `Group: Field Field…` then `Group: value value…`; the record
stores each value as `<Group><Field>` (`TcpExtListenOverflows`, `TcpActiveOpens`).
"""

from __future__ import annotations

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
