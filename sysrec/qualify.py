"""strace's `-e KEY=SET` qualifiers other than `trace=`, and the short flags that set the same
things (-z, -Z, -q, -qq, -qqq).

`split_expressions` sorts the `-e` arguments: the ones whose key is a display or filter
qualifier are parsed here; everything else (`trace=…`, a bare set, an unknown key) goes on to
`sysrec.syscalls.parse_trace_expressions` untouched, as strace hands an unknown key to its
trace qualifier (`strace -e foo=bar` says "invalid system call 'foo=bar'").

Every set follows strace's qualify_tokens(): comma-separated tokens, each leading `!` inverts,
`all` and `none`, a later `-e` of the same key replaces the earlier one. Bad tokens raise
InputError with strace's wording ("invalid status 'x'").
"""

from __future__ import annotations

from sysrec.errors import InputError

TYPE_CHECKING = False  # typing and dataclasses stay off `sysrec trace`'s start-up path
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

# -e KEY aliases -> the qualifier they set (strace's qual_options table).
KEYS: dict[str, str] = {
    "trace": "trace", "t": "trace",
    "abbrev": "abbrev", "a": "abbrev",
    "verbose": "verbose", "v": "verbose",
    "raw": "raw", "x": "raw",
    "signal": "signal", "signals": "signal", "s": "signal",
    "status": "status",
    "quiet": "quiet", "silent": "quiet", "silence": "quiet", "q": "quiet",
    "read": "read", "reads": "read", "r": "read",
    "write": "write", "writes": "write", "w": "write",
    "fault": "fault", "inject": "inject", "kvm": "kvm",
    "decode-fd": "decode-fds", "decode-fds": "decode-fds",
    "decode-pid": "decode-pids", "decode-pids": "decode-pids",
    "secontext": "secontext",
}

STATUSES = ("successful", "failed", "unfinished", "unavailable", "detached")

# token -> the quiet flag it sets; "exits" and "thread-execve" are strace's second spellings.
QUIET_TOKENS: dict[str, str] = {
    "attach": "attach", "exit": "exit", "exits": "exit", "path-resolution": "path-resolution",
    "personality": "personality", "superseded": "superseded", "thread-execve": "superseded",
}
QUIET_FLAGS = ("attach", "exit", "path-resolution", "personality", "superseded")
# What -q, -qq and -qqq stand for.
QUIET_LEVELS = {1: "attach,personality", 2: "exit,attach,personality", 3: "all"}

DECODE_FDS = ("path", "socket", "dev", "pidfd")
DECODE_PIDS = ("pidns", "comm")

# Qualifiers sysrec does not implement: refused in one line rather than silently ignored.
UNSUPPORTED = ("kvm", "secontext")
# Parsed by sysrec.tracer.inject (the tracer tampers with the calls).
TAMPERING = ("inject", "fault")


class TokenSet:
    """A set as strace's number_set holds it: the listed members, or everything but them."""

    __slots__ = ("members", "inverted")

    def __init__(self, members: frozenset = frozenset(), inverted: bool = False) -> None:
        self.members = members
        self.inverted = inverted

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenSet) and (self.members, self.inverted) == (other.members, other.inverted)

    def __hash__(self) -> int:
        return hash((self.members, self.inverted))

    def __repr__(self) -> str:
        return f"TokenSet({set(self.members) or '{}'}, inverted={self.inverted})"

    def __contains__(self, item: object) -> bool:
        return (item in self.members) != self.inverted

    @property
    def everything(self) -> bool:
        return self.inverted and not self.members

    @property
    def nothing(self) -> bool:
        return not self.inverted and not self.members

    def to_json(self) -> dict[str, Any]:
        return {"not": self.inverted, "of": sorted(self.members, key=str)}

    @classmethod
    def from_json(cls, data: Any) -> TokenSet:
        if not isinstance(data, dict):
            raise ValueError("a set is an object {not, of}")
        return cls(frozenset(data.get("of") or ()), bool(data.get("not", False)))


def parse_tokens(text: str, lookup: Callable[[str], Any], what: str) -> TokenSet:
    """strace's qualify_tokens(): `lookup` maps a token to a member or None (invalid)."""
    inverted = False
    rest = text
    while rest.startswith("!"):
        inverted = not inverted
        rest = rest[1:]
    if rest == "none":
        return TokenSet(frozenset(), inverted)
    if rest == "all":
        return TokenSet(frozenset(), not inverted)
    members = []
    for token in rest.split(","):
        if not token:
            continue
        member = lookup(token)
        if member is None:
            raise InputError(f"invalid {what} '{token}'")
        members.append(member)
    if not members:
        raise InputError(f"invalid {what} '{text}'")
    return TokenSet(frozenset(members), inverted)


def _signal_lookup(token: str) -> str | None:
    """A signal by number (0-255) or name, with or without SIG, any case -> its name."""
    from sysrec.decode.xlat.signals import SIGNALS

    if token[:1].isdigit():
        if not token.isdigit() or int(token) > 255:
            return None
        return SIGNALS.get(int(token), str(int(token)))
    name = token.upper()
    name = name if name.startswith("SIG") else "SIG" + name
    return name if name in SIGNALS.values() else None


def _descriptor_lookup(token: str) -> int | None:
    return int(token) if token.isdigit() and int(token) < 2**31 else None


def _choice(choices: Iterable[str]) -> Callable[[str], str | None]:
    allowed = set(choices)
    return lambda token: token if token in allowed else None


def _syscall_lookup(token: str) -> str | None:
    from sysrec.syscalls import SYSCALL_NUMBERS

    return token if token in SYSCALL_NUMBERS else None


def _syscall_set(text: str, key: str) -> TokenSet:
    """abbrev=, verbose=, raw=: syscall names and classes, through the trace= parser when it
    knows the token (classes, and whatever syntax it grows)."""
    from sysrec.syscalls import parse_trace_expressions

    inverted = False
    rest = text
    while rest.startswith("!"):
        inverted = not inverted
        rest = rest[1:]
    if rest in ("none", "all"):
        return TokenSet(frozenset(), inverted != (rest == "all"))
    try:
        names = parse_trace_expressions([f"trace={rest}"])
    except InputError:
        bad = next((t for t in rest.split(",") if _syscall_lookup(t) is None), rest)
        raise InputError(f"invalid system call '{bad}'") from None
    if names is None:
        return TokenSet(frozenset(), not inverted)
    return TokenSet(frozenset(names), inverted)


class Qualifiers:
    """What the non-trace `-e` keys (and -z/-Z/-q…) asked for. None: the option was not given
    (strace's default applies)."""

    status: TokenSet | None       # -e status=, -z, -Z
    signal: TokenSet | None       # -e signal=
    quiet: TokenSet | None        # -e quiet=, -q…
    read: TokenSet | None         # -e read= (descriptors)
    write: TokenSet | None        # -e write=
    abbrev: TokenSet | None
    verbose: TokenSet | None
    raw: TokenSet | None
    decode_fds: TokenSet | None
    decode_pids: TokenSet | None

    def __init__(self) -> None:
        for key in ("status", "signal", "quiet", "read", "write", "abbrev", "verbose", "raw",
                    "decode_fds", "decode_pids"):
            setattr(self, key, None)
        self.given: list[str] = []  # keys in the order given
        self.inject: Any = None  # -e inject=/fault=: sysrec.tracer.inject.Rules
        self.inject_warnings: list[str] = []  # strace's "Inadvertent injection ..." notes

    def to_json(self) -> dict[str, Any]:
        """The header `options` keys for what was given."""
        out: dict[str, Any] = {}
        for key in ("status", "signal", "quiet", "read", "write", "abbrev", "verbose", "raw"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.to_json()
        return out


_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "status": ("status", lambda v: parse_tokens(v, _choice(STATUSES), "status")),
    "signal": ("signal", lambda v: parse_tokens(v, _signal_lookup, "signal")),
    "quiet": ("quiet", lambda v: parse_tokens(v, QUIET_TOKENS.get, "quiet")),
    "read": ("read", lambda v: parse_tokens(v, _descriptor_lookup, "descriptor")),
    "write": ("write", lambda v: parse_tokens(v, _descriptor_lookup, "descriptor")),
    "abbrev": ("abbrev", lambda v: _syscall_set(v, "abbrev")),
    "verbose": ("verbose", lambda v: _syscall_set(v, "verbose")),
    "raw": ("raw", lambda v: _syscall_set(v, "raw")),
    "decode-fds": ("decode_fds", lambda v: parse_tokens(v, _choice(DECODE_FDS), "decode-fds")),
    "decode-pids": ("decode_pids", lambda v: parse_tokens(v, _choice(DECODE_PIDS), "decode-pids")),
}


def split_expressions(exprs: Iterable[str]) -> tuple[list[str], Qualifiers]:
    """The `-e` arguments for the trace= parser, and the qualifiers parsed from the others."""
    trace_exprs: list[str] = []
    quals = Qualifiers()
    for expr in exprs:
        key, sep, value = expr.partition("=")
        kind = KEYS.get(key) if sep else None
        if kind is None or kind == "trace":
            trace_exprs.append(expr)
            continue
        if kind in UNSUPPORTED:
            raise InputError(f"-e {expr}: sysrec does not implement -e {kind}=")
        if kind in TAMPERING:
            from sysrec.tracer.inject import Rules
            if quals.inject is None:
                quals.inject = Rules()
            quals.inject_warnings += quals.inject.add(kind, value)
            continue
        attr, parse = _PARSERS[kind]
        parsed = parse(value)
        setattr(quals, attr, parsed)
        quals.given.append(attr)
    return trace_exprs, quals


def apply_short_flags(quals: Qualifiers, *, successful_only: int = 0, failed_only: int = 0,
                      quiet_level: int = 0, last_status_flag: str | None = None,
                      to_file_with_command: bool = False) -> list[str]:
    """-z / -Z / -q… on top of the `-e` qualifiers, with strace's rules; returns warnings
    (strace prints them and goes on)."""
    warnings = []
    if successful_only or failed_only:
        flag = last_status_flag or ("z" if successful_only else "Z")
        quals.status = TokenSet(frozenset({"successful" if flag == "z" else "failed"}))
        if successful_only + failed_only > 1:
            warnings.append("Only the last of -z/--successful-only/-Z/--failed-only options will "
                            "take effect. See status qualifier for more complex filters.")
    quiet_given = quals.quiet is not None
    if to_file_with_command and not quiet_level and not quiet_given:
        quiet_level = 1  # strace: -o FILE with a command implies -q
    if quiet_level:
        if quiet_given:
            raise InputError("-q and -e quiet/--quiet cannot be provided simultaneously")
        quals.quiet = parse_tokens(QUIET_LEVELS[min(quiet_level, 3)], QUIET_TOKENS.get, "quiet")
    return warnings
