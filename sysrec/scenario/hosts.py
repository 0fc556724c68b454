"""The addresses a scenario's `{server_ip}`-style placeholders stand for.

Without a `[link]`, client and server share one namespace and meet on loopback. With one, each
has a namespace of its own and they meet on a veth pair (sysrec.sandbox.topology builds it with
these addresses), so a scenario written with placeholders runs either way.
"""

from __future__ import annotations

import re

LINKED = {"server_ip": "10.0.0.1", "client_ip": "10.0.0.2",
          "server_ip6": "fd00::1", "client_ip6": "fd00::2"}
LOOPBACK = {"server_ip": "127.0.0.1", "client_ip": "127.0.0.1",
            "server_ip6": "::1", "client_ip6": "::1"}
PREFIX, PREFIX6 = 24, 64

# `{server_…}` / `{client_…}`: ours. Other braces (`${x}`, `{a,b}`, awk's `{print}`) are left alone.
_PLACEHOLDER = re.compile(r"(?<!\$)\{((?:server|client)[a-z0-9_]*)\}")


def addresses(linked: bool) -> dict[str, str]:
    return dict(LINKED if linked else LOOPBACK)


def expand(text: str, names: dict[str, str]) -> str:
    """Replaces the placeholders; KeyError names the first unknown one."""
    return _PLACEHOLDER.sub(lambda m: names[m.group(1)], text)
