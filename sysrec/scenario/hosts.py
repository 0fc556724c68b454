"""The addresses a scenario's `{server_ip}`-style placeholders stand for.

Without a `[link]`, client and server share one namespace and meet on loopback. With one, each
has a namespace of its own and they meet on a veth pair (sysrec.sandbox.topology builds it with
these addresses), so a scenario written with placeholders runs either way. `{var.NAME}` is a
cell's value of `[matrix] "var.NAME"`, filled in when the program starts (expand_vars).
"""

from __future__ import annotations

import re
from typing import Mapping

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


# `{var.NAME}`: a `[matrix] "var.NAME"` value, replaced per cell when the program starts
VAR_PLACEHOLDER = re.compile(r"(?<!\$)\{var\.([a-z0-9_]+)\}")


def var_names(text: str) -> list[str]:
    """The `var.NAME` settings a command argument refers to."""
    return ["var." + name for name in VAR_PLACEHOLDER.findall(text)]


def expand_vars(text: str, settings: Mapping[str, object]) -> str:
    """`--user-timeout {var.user_timeout_ms}` → `--user-timeout 1500` for the cell's settings;
    a name the cell does not set is left as written (the parser refuses it first)."""
    return VAR_PLACEHOLDER.sub(lambda m: str(settings.get("var." + m.group(1), m.group(0))), text)
