"""TOML scenario file → Scenario. Every error names the file, the key and what was expected."""

from __future__ import annotations

import errno as errno_mod
import math
import os
import re
import shlex
import shutil
import tomllib
from typing import Any

from sysrec.errors import InputError
from sysrec.scenario.hosts import addresses, expand, var_names
from sysrec.scenario.model import (
    CLIENT_ARGS, ICMP_CHOICES, LINK_ICMP, OPERATORS, SERVER_INPUT, VAR_PREFIX, Client, Command, Comparison,
    Expectation, Link, Matcher, PacketMatcher, Pacing, PreloadStep, Requires, Scenario, Server, SysctlValue,
)

TOP_KEYS = {"name", "description", "sysctl", "matrix", "server", "preload", "client", "expect", "link", "requires",
            "pacing"}
REQUIRES_KEYS = {"sysctls", "optional", "privilege"}
PRIVILEGES = ("user", "root")
ABSENT = "absent"   # the value an optional sysctl has in a cell on a kernel without it
LINK_KEYS = {"delay_ms", "loss", "seed", "server_input", "path_mtu", "icmp"}
# A router's inner link: at least IPv4's 576-byte minimum datagram, and below the hosts' 1500.
PATH_MTU_RANGE = (576, 1499)
# iptables options that would leave the server's INPUT chain or touch other rules: the rule text is
# appended to `iptables -I INPUT 1 -i veth-server`, so it may only match and pick a target.
_RULE_COMMANDS = {"-t", "--table", "-A", "--append", "-I", "--insert", "-D", "--delete", "-R", "--replace",
                  "-F", "--flush", "-X", "--delete-chain", "-N", "--new-chain", "-P", "--policy", "-Z",
                  "--zero", "-E", "--rename-chain", "-L", "--list", "-S", "--list-rules", "-i",
                  "--in-interface", "-M", "--modprobe"}
_RULE_WORD = re.compile(r"^[A-Za-z0-9_.:,/!+-]+$")
SERVER_KEYS = {"command", "probe", "args", "ready", "start_timeout"}
READY_KEYS = {"listen", "delay"}
PRELOAD_KEYS = {"command", "probe", "args", "keep", "until_queue", "delay", "timeout"}
CLIENT_KEYS = {"command", "probe", "args", "count", "stagger_ms", "timeout", "trace", "follow", "same_cpu",
               "inject"}
EXPECT_KINDS = ("sequence", "absent", "count", "counters", "exit", "packets")
EXPECT_KEYS = {"when", "says", "times", "at", "tolerance", *EXPECT_KINDS}
MATCHER_KEYS = {"syscall", "ret", "errno", "so_error", "raux", "tcp_state", "queue", "synrecv", "injected",
                "duration"}
PACKET_KEYS = {"dir", "flags", "len"}
PACKET_DIRS = ("in", "out", "host")
TCP_FLAGS = ("SYN", "ACK", "RST", "FIN", "PSH", "URG", "ECE", "CWR", "AE")
DEFAULT_TOLERANCE = 0.2   # seconds either side of each `at` time
_VAR_KEY = re.compile(r"^var\.[a-z0-9_]+$")
TCP_STATES = ("ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
              "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV")
ERRNO_NAMES = set(errno_mod.errorcode.values()) | {
    "ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ERESTART_RESTARTBLOCK"}
_COMPARISON = re.compile(r"^\s*(>=|<=|==|!=|>|<)?\s*(-?\d+)\s*$")
_SECONDS_COMPARISON = re.compile(r"^\s*(>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_NAME = 100         # scenario names become directory names (NAME_MAX is 255 bytes)
MAX_VALUE = 64         # a sysctl value's text, part of a cell's directory name
MAX_CELLS = 256        # each cell is a directory and at least one sandboxed run
MAX_SECONDS = 3600.0   # any timeout or delay: a run that waits longer is a mistake


class _Ctx:
    """Carries the file name so every helper can build a message that names it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.hosts = addresses(linked=False)
        self.may_be_absent: set[str] = set()   # [requires] names: judged per kernel when a cell runs
        self.variables: set[str] = set()       # `var.NAME` keys of [matrix]: `{var.NAME}` in commands

    def expand(self, key: str, text: str) -> str:
        """`{server_ip}` and the like → this scenario's address (see sysrec.scenario.hosts);
        `{var.NAME}` stays for the cell to fill in, and must name a `[matrix] "var.NAME"`."""
        for name in var_names(text):
            if name not in self.variables:
                raise self.error(key, "a {var.NAME} placeholder whose \"var.NAME\" is a [matrix] key",
                                 "{" + name + "}")
        try:
            return expand(text, self.hosts)
        except KeyError as err:
            known = ", ".join("{" + name + "}" for name in self.hosts)
            raise self.error(key, f"known placeholders ({known})", "{" + err.args[0] + "}") from None

    def error(self, key: str, expected: str, got: Any = None, *, show_got: bool = True) -> InputError:
        tail = f", got {_show(got)}" if show_got else ""
        return InputError(f"{self.path}: key '{key}': expected {expected}{tail}")


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return f"{type(value).__name__} {value!r}"


def load_scenario(path: str | os.PathLike[str], *, check_programs: bool = True) -> Scenario:
    """Read and validate a scenario file. Raises InputError (exit 2) on any problem."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a scenario file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: TOML syntax error: {err}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    return parse_scenario(data, path, check_programs=check_programs)


def parse_scenario(data: dict[str, Any], path: str, *, check_programs: bool = True) -> Scenario:
    ctx = _Ctx(path)
    _no_unknown(ctx, data, TOP_KEYS, "")
    name = _str(ctx, data, "name", required=True)
    if not _NAME.match(name) or len(name) > MAX_NAME:
        raise ctx.error("name", f"a name of letters, digits, '.', '_' or '-' (at most {MAX_NAME})", name)
    description = _str(ctx, data, "description", required=True)
    counter_names = known_counters()
    requires = _requires(ctx, data.get("requires", {}))
    ctx.may_be_absent = set(requires.sysctls) | set(requires.optional)

    sysctl = _sysctl_table(ctx, data.get("sysctl", {}), "sysctl")
    matrix_raw = data.get("matrix", {})
    if not isinstance(matrix_raw, dict):
        raise ctx.error("matrix", "a table of sysctl = [values]", matrix_raw)
    matrix: list[tuple[str, tuple[SysctlValue, ...]]] = []
    for key, values in flatten_dotted(matrix_raw).items():
        if key == SERVER_INPUT:
            if "link" not in data:
                raise ctx.error(f"matrix.{key}", "a [link] table alongside (the rule sits on the server's "
                                "end of its veth pair)", show_got=False)
        elif key == LINK_ICMP:
            if not isinstance(data.get("link"), dict) or "path_mtu" not in data["link"]:
                raise ctx.error(f"matrix.{key}", "a [link] table with path_mtu alongside (the ICMP is "
                                "the router's)", show_got=False)
        elif key.startswith(VAR_PREFIX):
            if not _VAR_KEY.match(key):
                raise ctx.error(f"matrix.{key}", "a variable named var.NAME, NAME of lowercase letters, digits "
                                "and '_'", key)
            ctx.variables.add(key)
        elif key != CLIENT_ARGS:
            _check_sysctl_name(ctx, f"matrix.{key}", key)
        if not isinstance(values, list) or not values:
            raise ctx.error(f"matrix.{key}", "a non-empty list of values", values)
        axis = tuple(_sysctl_value(ctx, f"matrix.{key}[{i}]", v) for i, v in enumerate(values))
        if key == SERVER_INPUT:
            for i, rule in enumerate(axis):
                server_input_rule(ctx, f"matrix.{key}[{i}]", rule)
        if key == LINK_ICMP:
            for i, choice in enumerate(axis):
                icmp_choice(ctx, f"matrix.{key}[{i}]", choice)
        if key == CLIENT_ARGS:
            for i, words in enumerate(axis):
                client_args_words(ctx, f"matrix.{key}[{i}]", words)
        _distinct_cell_names(ctx, key, axis)
        matrix.append((key, axis))
        if key in dict(sysctl):
            raise ctx.error(f"matrix.{key}", "a sysctl that is not also fixed in [sysctl]",
                            show_got=False)

    cells = math.prod(len(values) for _, values in matrix)
    if cells > MAX_CELLS:
        raise ctx.error("matrix", f"at most {MAX_CELLS} cells (this one has {cells}; pin some "
                                  "sysctls with --set or split the scenario)", show_got=False)
    link = _link(ctx, data["link"]) if "link" in data else None
    ctx.hosts = addresses(linked=link is not None)
    server = _server(ctx, data["server"], check_programs) if "server" in data else None
    preload_raw = data.get("preload", [])
    if not isinstance(preload_raw, list) or not all(isinstance(p, dict) for p in preload_raw):
        raise ctx.error("preload", "an array of tables ([[preload]])", preload_raw)
    preload = tuple(_preload(ctx, p, f"preload[{i}]", check_programs) for i, p in enumerate(preload_raw))
    if "client" not in data:
        raise ctx.error("client", "a [client] table (the traced program)", show_got=False)
    client = _client(ctx, data["client"], check_programs)

    known_settings = dict(sysctl) | dict(matrix)
    for optional in requires.optional:
        if optional not in known_settings:
            raise ctx.error("requires.optional", "sysctls that [sysctl] or [matrix] sets", optional)
    expect_raw = data.get("expect", [])
    if not isinstance(expect_raw, list) or not all(isinstance(e, dict) for e in expect_raw):
        raise ctx.error("expect", "an array of tables ([[expect]])", expect_raw)
    expectations = tuple(_expectation(ctx, e, f"expect[{i}]", known_settings, counter_names)
                         for i, e in enumerate(expect_raw))
    pacing = _pacing(ctx, data["pacing"], known_settings) if "pacing" in data else None
    return Scenario(path=path, name=name, description=description, sysctl=tuple(sysctl),
                    matrix=tuple(matrix), server=server, preload=preload, client=client,
                    expectations=expectations, link=link, requires=requires, pacing=pacing)


def _pacing(ctx: _Ctx, raw: Any, settings: dict[str, SysctlValue]) -> Pacing:
    """`[pacing]`: `says`, `when` (the cells that rely on it) and one bound in milliseconds per
    measure (sysrec.scenario.pacing.MEASURES)."""
    from sysrec.scenario.pacing import MEASURES
    if not isinstance(raw, dict):
        raise ctx.error("pacing", "a table (says, when, and bounds such as connect_spread_ms)", raw)
    _no_unknown(ctx, raw, {"says", "when", *MEASURES}, "pacing")
    when = _when(ctx, raw, "pacing", settings)
    says = _str(ctx, raw, "says", required=False, key="pacing.says")
    bounds = []
    for key in MEASURES:
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SECONDS * 1000:
            raise ctx.error(f"pacing.{key}", "a number of milliseconds (> 0)", value)
        bounds.append((key, float(value)))
    if not bounds:
        raise ctx.error("pacing", f"at least one bound ({', '.join(sorted(MEASURES))})", show_got=False)
    return Pacing(says=says, bounds=tuple(bounds), when=when)


def _requires(ctx: _Ctx, raw: Any) -> Requires:
    if not isinstance(raw, dict):
        raise ctx.error("requires", "a table (sysctls, optional, privilege)", raw)
    _no_unknown(ctx, raw, REQUIRES_KEYS, "requires")
    lists = {}
    for key in ("sysctls", "optional"):
        names = raw.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ctx.error(f"requires.{key}", "a list of sysctl names", names)
        for name in names:
            problem = check_sysctl_name(name, must_exist=False)
            if problem:
                raise ctx.error(f"requires.{key}", problem, name)
        lists[key] = tuple(names)
    privilege = raw.get("privilege", "user")
    if privilege not in PRIVILEGES:
        raise ctx.error("requires.privilege", " or ".join(repr(p) for p in PRIVILEGES), privilege)
    return Requires(sysctls=lists["sysctls"], optional=lists["optional"], root=privilege == "root")


# -- tables ---------------------------------------------------------------------------------

def _server(ctx: _Ctx, raw: Any, check_programs: bool) -> Server:
    if not isinstance(raw, dict):
        raise ctx.error("server", "a table", raw)
    _no_unknown(ctx, raw, SERVER_KEYS, "server")
    command = _command(ctx, raw, "server", check_programs)
    ready = raw.get("ready", {})
    if not isinstance(ready, dict):
        raise ctx.error("server.ready", "a table such as { listen = \"127.0.0.1:10000\" }", ready)
    _no_unknown(ctx, ready, READY_KEYS, "server.ready")
    listen = None
    if "listen" in ready:
        raw_listen = ready["listen"]
        if isinstance(raw_listen, str):
            raw_listen = ctx.expand("server.ready.listen", raw_listen)
        listen = _host_port(ctx, "server.ready.listen", raw_listen)
    delay = _seconds(ctx, ready, "delay", "server.ready.delay", 0.0)
    if listen is None and "delay" not in ready:
        raise ctx.error("server.ready", "listen = \"HOST:PORT\" or delay = SECONDS", show_got=False)
    start_timeout = _seconds(ctx, raw, "start_timeout", "server.start_timeout", 5.0, positive=True)
    return Server(command=command, ready_listen=listen, ready_delay=delay, start_timeout=start_timeout)


def _link(ctx: _Ctx, raw: Any) -> Link:
    if not isinstance(raw, dict):
        raise ctx.error("link", "a table such as { delay_ms = 50 }", raw)
    _no_unknown(ctx, raw, LINK_KEYS, "link")
    if "delay_ms" not in raw:
        raise ctx.error("link.delay_ms", "a one-way delay in milliseconds", show_got=False)
    delay = raw["delay_ms"]
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 60_000:
        raise ctx.error("link.delay_ms", "a number of milliseconds from 0 to 60000", delay)
    loss = raw.get("loss", 0.0)
    if isinstance(loss, bool) or not isinstance(loss, (int, float)) or not 0 <= loss < 1:
        raise ctx.error("link.loss", "a probability from 0 (included) to 1 (excluded)", loss)
    seed = raw.get("seed")
    if seed is not None and not _is_int(seed):
        raise ctx.error("link.seed", "an integer", seed)
    server_input = None
    if "server_input" in raw:
        server_input = raw["server_input"]
        server_input_rule(ctx, "link.server_input", server_input)
    path_mtu = raw.get("path_mtu")
    low, high = PATH_MTU_RANGE
    if path_mtu is not None and (not _is_int(path_mtu) or not low <= path_mtu <= high):
        raise ctx.error("link.path_mtu", f"an MTU in bytes from {low} to {high} (a router's link toward the "
                        "client, narrower than the hosts' 1500)", path_mtu)
    icmp = "allowed"
    if "icmp" in raw:
        if path_mtu is None:
            raise ctx.error("link.icmp", "path_mtu alongside (the ICMP is the router's)", show_got=False)
        icmp = icmp_choice(ctx, "link.icmp", raw["icmp"])
    return Link(delay_ms=float(delay), loss=float(loss), seed=seed, server_input=server_input,
                path_mtu=path_mtu, icmp=icmp)


def icmp_choice(ctx: _Ctx, key: str, raw: Any) -> str:
    """`allowed`: the router's "fragmentation needed" reaches the server; `blocked`: dropped."""
    if raw not in ICMP_CHOICES:
        raise ctx.error(key, " or ".join(f'"{c}"' for c in ICMP_CHOICES), raw)
    return str(raw)


def server_input_rule(ctx: _Ctx, key: str, raw: Any) -> tuple[str, ...]:
    """`"-p tcp --dport 10000 -j REJECT --reject-with tcp-reset"` → iptables arguments. Run as an
    argument list (no shell), so only plain words pass, and only a match and a target: the rule is
    inserted in the server's INPUT chain for its veth end, nowhere else."""
    expected = ("iptables match and target options for the server's INPUT chain, such as "
                "\"-p tcp --dport 10000 -j REJECT --reject-with tcp-reset\"")
    if not isinstance(raw, str):
        raise ctx.error(key, expected, raw)
    try:
        words = tuple(shlex.split(raw))
    except ValueError:
        raise ctx.error(key, expected, raw) from None
    bad = [w for w in words if not _RULE_WORD.match(w) or w in _RULE_COMMANDS]
    if bad or not words or ("-j" not in words and "--jump" not in words):
        raise ctx.error(key, expected + (f" ({bad[0]!r} is not allowed)" if bad else ", with -j TARGET"), raw)
    return words


def client_args_words(ctx: _Ctx, key: str, raw: Any) -> tuple[str, ...]:
    """`"--keepalive 1,1,3 --user-timeout 2500"` → the words a cell adds to the client's argv
    (split like a shell would; no shell runs them, no placeholders are expanded)."""
    expected = "the client's extra arguments as one string, such as \"--keepalive 1,1,3\""
    if not isinstance(raw, str):
        raise ctx.error(key, expected, raw)
    try:
        words = tuple(shlex.split(raw))
    except ValueError as err:
        raise ctx.error(key, f"{expected} ({err})", raw) from None
    if not words:
        raise ctx.error(key, expected + " (not empty: the cell is named after it)", raw)
    return words


def _preload(ctx: _Ctx, raw: dict[str, Any], key: str, check_programs: bool) -> PreloadStep:
    _no_unknown(ctx, raw, PRELOAD_KEYS, key)
    command = _command(ctx, raw, key, check_programs)
    keep = _bool(ctx, raw, "keep", f"{key}.keep", False)
    until_queue = None
    if "until_queue" in raw:
        until_queue = raw["until_queue"]
        if not _is_int(until_queue) or until_queue < 0:
            raise ctx.error(f"{key}.until_queue", "a non-negative integer (accept-queue depth)", until_queue)
        if not keep:
            raise ctx.error(f"{key}.until_queue", "keep = true alongside it (a step that exits waits for its exit)",
                            show_got=False)
    delay = _seconds(ctx, raw, "delay", f"{key}.delay", 0.0)
    timeout = _seconds(ctx, raw, "timeout", f"{key}.timeout", 10.0, positive=True)
    return PreloadStep(command=command, keep=keep, until_queue=until_queue, delay=delay, timeout=timeout)


def _client(ctx: _Ctx, raw: Any, check_programs: bool) -> Client:
    if not isinstance(raw, dict):
        raise ctx.error("client", "a table", raw)
    _no_unknown(ctx, raw, CLIENT_KEYS, "client")
    command = _command(ctx, raw, "client", check_programs)
    count = raw.get("count", 1)
    if not _is_int(count) or not 1 <= count <= 64:
        raise ctx.error("client.count", "an integer from 1 to 64 (concurrent instances)", count)
    stagger = raw.get("stagger_ms", 0)
    if isinstance(stagger, bool) or not isinstance(stagger, (int, float)) or not 0 <= stagger <= 10_000:
        raise ctx.error("client.stagger_ms", "milliseconds from 0 to 10000 between the instances' starts", stagger)
    if stagger and count == 1:
        raise ctx.error("client.stagger_ms", "count > 1 alongside it", show_got=False)
    timeout = _seconds(ctx, raw, "timeout", "client.timeout", 30.0, positive=True)
    trace: tuple[str, ...] | None = None
    if "trace" in raw:
        value = raw["trace"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            raise ctx.error("client.trace", "a non-empty list of syscall names or classes (\"%network\")", value)
        from sysrec.syscalls import parse_trace_expressions
        try:
            parsed = parse_trace_expressions([",".join(value)])
        except InputError as err:
            raise ctx.error("client.trace", f"known syscall names ({err})", show_got=False) from None
        trace = parsed
    follow = _bool(ctx, raw, "follow", "client.follow", True)
    same_cpu = _bool(ctx, raw, "same_cpu", "client.same_cpu", False)
    return Client(command=command, count=count, timeout=timeout, trace=trace, follow=follow,
                  stagger_ms=float(stagger), same_cpu=same_cpu, inject=_inject(ctx, raw, trace))


def _inject(ctx: _Ctx, raw: dict[str, Any], trace: tuple[str, ...] | None) -> tuple[str, ...]:
    """`[client] inject`: strace's inject= expressions (without the `inject=`), checked as
    `sysrec trace -e inject=` checks them; only traced calls can be tampered with."""
    if "inject" not in raw:
        return ()
    value = raw["inject"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ctx.error("client.inject", 'a non-empty list of inject expressions such as '
                        '"recvfrom:error=ECONNRESET:when=2"', value)
    from sysrec.syscalls import DEFAULT_SET
    from sysrec.tracer.inject import Rules
    rules = Rules()
    for i, text in enumerate(value):
        try:
            rules.add("inject", text)
        except InputError as err:
            raise ctx.error(f"client.inject[{i}]", f"an inject expression ({err})", show_got=False) from None
    traced = set(trace if trace is not None else DEFAULT_SET)
    from sysrec.syscalls import SYSCALL_NUMBERS
    untraced = sorted(name for name, nr in SYSCALL_NUMBERS.items() if nr in rules.by_nr and name not in traced)
    if untraced and rules.any_number is None:
        raise ctx.error("client.inject", "syscalls the client's trace set includes (only traced calls "
                        f"are tampered with; not traced: {', '.join(untraced)})", show_got=False)
    return tuple(f"inject={text}" for text in value)


def _command(ctx: _Ctx, raw: dict[str, Any], key: str, check_programs: bool) -> Command:
    has_command, has_probe = "command" in raw, "probe" in raw
    if has_command == has_probe:
        raise ctx.error(key, "exactly one of command = [...] or probe = \"NAME\"", show_got=False)
    args = raw.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, (str, int)) and not isinstance(a, bool) for a in args):
        raise ctx.error(f"{key}.args", "a list of strings", args)
    args = [ctx.expand(f"{key}.args[{i}]", str(a)) for i, a in enumerate(args)]
    if has_probe:
        from sysrec.probes import PROBES
        probe = raw["probe"]
        if probe not in PROBES:
            raise ctx.error(f"{key}.probe", f"one of {', '.join(repr(p) for p in PROBES)}", probe)
        return Command(argv=tuple(args), probe=probe)
    value = raw["command"]
    if isinstance(value, str):
        try:
            argv = shlex.split(value)
        except ValueError as err:
            raise ctx.error(f"{key}.command", f"a shell-quoted command line ({err})", value) from None
    elif isinstance(value, list) and all(isinstance(a, str) for a in value):
        argv = list(value)
    else:
        raise ctx.error(f"{key}.command", "a list of strings (argv) or a command-line string", value)
    if not argv:
        raise ctx.error(f"{key}.command", "a non-empty command", value)
    argv = [ctx.expand(f"{key}.command", a) for a in argv]
    if args:
        raise ctx.error(f"{key}.args", "args only with probe = ...; put arguments in command", show_got=False)
    if check_programs and shutil.which(argv[0]) is None:
        raise ctx.error(f"{key}.command", "an installed program", argv[0] + " (not found in PATH)", show_got=True)
    return Command(argv=tuple(argv))


def _when(ctx: _Ctx, raw: dict[str, Any], key: str,
          settings: dict[str, SysctlValue]) -> tuple[tuple[str, tuple[SysctlValue, ...]], ...]:
    """`when = { sysctl = value or [values] }`: the cells a table applies to (empty: every cell)."""
    when_raw = raw.get("when", {})
    if not isinstance(when_raw, dict):
        raise ctx.error(f"{key}.when", "a table of sysctl = value", when_raw)
    when = []
    for name, value in flatten_dotted(when_raw).items():
        if name not in settings:
            raise ctx.error(f"{key}.when.{name}", "a sysctl named in [sysctl] or [matrix]", name)
        values = value if isinstance(value, list) else [value]
        if not values:
            raise ctx.error(f"{key}.when.{name}", "a value or a non-empty list of values", value)
        when.append((name, tuple(_sysctl_value(ctx, f"{key}.when.{name}", v) for v in values)))
    return tuple(when)


def _expectation(ctx: _Ctx, raw: dict[str, Any], key: str, settings: dict[str, SysctlValue],
                 counter_names: set[str]) -> Expectation:
    _no_unknown(ctx, raw, EXPECT_KEYS, key)
    kinds = [k for k in EXPECT_KINDS if k in raw]
    if len(kinds) != 1:
        raise ctx.error(key, f"exactly one of {', '.join(EXPECT_KINDS)}", ", ".join(kinds) or "none",
                        show_got=bool(kinds))
    kind = kinds[0]
    says = _str(ctx, raw, "says", required=False, key=f"{key}.says") or ""
    when = _when(ctx, raw, key, settings)
    fields: dict[str, Any] = {"key": key, "says": says, "when": when}
    value = raw[kind]
    if kind == "sequence":
        if not isinstance(value, list) or not value:
            raise ctx.error(f"{key}.sequence", "a non-empty list of event patterns", value)
        fields["sequence"] = tuple(_matcher(ctx, f"{key}.sequence[{i}]", m) for i, m in enumerate(value))
    elif kind == "absent":
        items = value if isinstance(value, list) else [value]
        fields["absent"] = tuple(_matcher(ctx, f"{key}.absent[{i}]", m) for i, m in enumerate(items))
    elif kind == "count":
        fields["count"] = _matcher(ctx, f"{key}.count", value)
        if "times" not in raw:
            raise ctx.error(f"{key}.times", "times = N or \">= N\" alongside count", show_got=False)
        fields["times"] = _comparison(ctx, f"{key}.times", raw["times"])
    elif kind == "counters":
        if not isinstance(value, dict) or not value:
            raise ctx.error(f"{key}.counters", "a table of counter = \"OP N\"", value)
        checks = []
        for name, cmp in value.items():
            if name not in counter_names:
                close = sorted(n for n in counter_names if n.lower().endswith(name.lower()))[:3]
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise ctx.error(f"{key}.counters.{name}",
                                "a counter of /proc/net/netstat or /proc/net/snmp named <Group><Field>, "
                                f"e.g. TcpExtListenOverflows{hint}", name)
            checks.append((name, _comparison(ctx, f"{key}.counters.{name}", cmp)))
        fields["counters"] = tuple(checks)
    elif kind == "packets":
        fields.update(_packets(ctx, key, raw))
    else:
        fields["exit"] = _comparison(ctx, f"{key}.exit", value)
    if "times" in raw and kind not in ("count", "packets"):
        raise ctx.error(f"{key}.times", "times only together with count or packets", show_got=False)
    for name in ("at", "tolerance"):
        if name in raw and kind != "packets":
            raise ctx.error(f"{key}.{name}", f"{name} only together with packets", show_got=False)
    return Expectation(**fields)


def _packets(ctx: _Ctx, key: str, raw: dict[str, Any]) -> dict[str, Any]:
    """`packets = { dir = "in", flags = "SYN|ACK" }` with `times = N` (how many were captured) or
    `at = [0, 1, 3]` (when: seconds after the first of them, each within `tolerance`)."""
    fields: dict[str, Any] = {"packets": _packet_matcher(ctx, f"{key}.packets", raw["packets"])}
    if ("times" in raw) == ("at" in raw):
        raise ctx.error(key, "exactly one of times = N or at = [SECONDS, ...] alongside packets", show_got=False)
    if "times" in raw:
        fields["times"] = _comparison(ctx, f"{key}.times", raw["times"])
        if "tolerance" in raw:
            raise ctx.error(f"{key}.tolerance", "tolerance only together with at", show_got=False)
        return fields
    at = raw["at"]
    if (not isinstance(at, list) or not at or not all(_is_number(t) and 0 <= t <= MAX_SECONDS for t in at)
            or at[0] != 0 or any(b < a for a, b in zip(at, at[1:]))):
        raise ctx.error(f"{key}.at", "a list of seconds after the first matching packet, from 0, ascending "
                        "(e.g. [0, 1, 3])", at)
    fields["at"] = tuple(float(t) for t in at)
    tolerance = raw.get("tolerance", DEFAULT_TOLERANCE)
    if not _is_number(tolerance) or not 0 < tolerance <= 60:
        raise ctx.error(f"{key}.tolerance", "seconds (> 0, at most 60) each time may be off by", tolerance)
    fields["tolerance"] = float(tolerance)
    return fields


def _packet_matcher(ctx: _Ctx, key: str, raw: Any) -> PacketMatcher:
    if not isinstance(raw, dict) or not raw:
        raise ctx.error(key, "a packet pattern such as { dir = \"out\", flags = \"SYN\" }", raw)
    _no_unknown(ctx, raw, PACKET_KEYS, key)
    fields: dict[str, Any] = {}
    if "dir" in raw:
        if raw["dir"] not in PACKET_DIRS:
            raise ctx.error(f"{key}.dir", f"one of {', '.join(repr(d) for d in PACKET_DIRS)}", raw["dir"])
        fields["dir"] = raw["dir"]
    if "flags" in raw:
        value = raw["flags"]
        names = value.split("|") if isinstance(value, str) else value
        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) and n in TCP_FLAGS for n in names)):
            raise ctx.error(f"{key}.flags", f"TCP flags such as \"SYN|ACK\" or [\"SYN\", \"ACK\"] "
                            f"(of {', '.join(TCP_FLAGS)}): exactly the flags set", value)
        fields["flags"] = frozenset(names)
    if "len" in raw:
        fields["len"] = _comparison(ctx, f"{key}.len", raw["len"])
    text = "{" + ", ".join(f"{k}={_fmt(v)}" for k, v in raw.items()) + "}"
    return PacketMatcher(text=text, **fields)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _matcher(ctx: _Ctx, key: str, raw: Any) -> Matcher:
    if not isinstance(raw, dict) or not raw:
        raise ctx.error(key, "an event pattern such as { syscall = \"connect\", errno = \"EINPROGRESS\" }", raw)
    _no_unknown(ctx, raw, MATCHER_KEYS, key)
    fields: dict[str, Any] = {}
    if "syscall" in raw:
        value = raw["syscall"]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ctx.error(f"{key}.syscall", "a syscall name or a list of names", value)
        from sysrec.syscalls import SYSCALL_NUMBERS
        for n in names:
            if n not in SYSCALL_NUMBERS:
                raise ctx.error(f"{key}.syscall", "an x86-64 syscall name", n)
        fields["syscall"] = tuple(names)
    if "ret" in raw:
        fields["ret"] = _comparison(ctx, f"{key}.ret", raw["ret"])
    if "errno" in raw:
        value = raw["errno"]
        if not isinstance(value, str) or (value not in ERRNO_NAMES and value != "none"):
            raise ctx.error(f"{key}.errno", "an errno name such as \"ECONNRESET\", or \"none\"", value)
        fields["errno"] = value
    if "so_error" in raw:
        value = raw["so_error"]
        if value == 0 or value == "0":
            fields["so_error"] = "0"
        elif isinstance(value, str) and value in ERRNO_NAMES:
            fields["so_error"] = value
        else:
            raise ctx.error(f"{key}.so_error", "0 or an errno name such as \"ECONNRESET\"", value)
    if "raux" in raw:
        value = raw["raux"]
        if not isinstance(value, str):
            raise ctx.error(f"{key}.raux", "a regular expression string", value)
        try:
            re.compile(value)
        except re.error as err:
            raise ctx.error(f"{key}.raux", f"a valid regular expression ({err})", value) from None
        fields["raux"] = value
    if "tcp_state" in raw:
        value = raw["tcp_state"]
        states = value if isinstance(value, list) else [value]
        if not states or any(state not in TCP_STATES for state in states):
            raise ctx.error(f"{key}.tcp_state", f"one of {', '.join(TCP_STATES)}, or a list of them", value)
        fields["tcp_state"] = tuple(states)
    for name in ("queue", "synrecv"):
        if name in raw:
            fields[name] = _comparison(ctx, f"{key}.{name}", raw[name])
    if "injected" in raw:
        if not isinstance(raw["injected"], bool):
            raise ctx.error(f"{key}.injected", "true or false (whether [client] inject made the result)",
                            raw["injected"])
        fields["injected"] = raw["injected"]
    if "duration" in raw:
        fields["duration"] = _duration(ctx, f"{key}.duration", raw["duration"])
    text = "{" + ", ".join(f"{k}={_fmt(v)}" for k, v in raw.items()) + "}"
    return Matcher(text=text, **fields)


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(map(str, value))
    return str(value)


def _fmt_range(value: list[float]) -> str:
    return f"{value[0]:g}..{value[1]:g}s"


# -- scalars --------------------------------------------------------------------------------

def _no_unknown(ctx: _Ctx, raw: dict[str, Any], allowed: set[str], prefix: str) -> None:
    for key in raw:
        if key not in allowed:
            where = f"{prefix}.{key}" if prefix else key
            raise ctx.error(where, f"one of the known keys ({', '.join(sorted(allowed))})",
                            "an unknown key", show_got=False) from None


def _str(ctx: _Ctx, raw: dict[str, Any], name: str, *, required: bool, key: str | None = None) -> str:
    key = key or name
    if name not in raw:
        if required:
            raise ctx.error(key, "a string", show_got=False)
        return ""
    value = raw[name]
    if not isinstance(value, str):
        raise ctx.error(key, "a string", value)
    return value


def _bool(ctx: _Ctx, raw: dict[str, Any], name: str, key: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise ctx.error(key, "true or false", value)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seconds(ctx: _Ctx, raw: dict[str, Any], name: str, key: str, default: float, *,
             positive: bool = False, maximum: float = MAX_SECONDS) -> float:
    """A finite number of seconds in range: NaN or infinity would switch the watchdog off."""
    value = raw.get(name, default)
    low = "> 0" if positive else ">= 0"
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value < 0 or (positive and value == 0) or value > maximum):
        raise ctx.error(key, f"a number of seconds ({low}, at most {maximum:g})", value)
    return float(value)


def _comparison(ctx: _Ctx, key: str, raw: Any) -> Comparison:
    if _is_int(raw):
        return Comparison("==", raw)
    if isinstance(raw, str):
        m = _COMPARISON.match(raw)
        if m:
            return Comparison(m.group(1) or "==", int(m.group(2)))
    raise ctx.error(key, f"an integer or \"OP N\" with OP one of {' '.join(OPERATORS)}", raw)


def _duration(ctx: _Ctx, key: str, raw: Any) -> tuple[Comparison, ...]:
    """`">= 3.8"` or `[">= 3.8", "< 4.5"]`: bounds on the seconds a call took (a timer's work is
    measured with a tolerance, never compared with ==)."""
    items = raw if isinstance(raw, list) else [raw]
    bounds = []
    for item in items:
        m = _SECONDS_COMPARISON.match(item) if isinstance(item, str) else None
        if m is None:
            raise ctx.error(key, "\"OP SECONDS\" with OP one of >= <= > < (\">= 3.8\"), or a list of "
                                 "them that must all hold ([\">= 3.8\", \"< 4.5\"])", raw)
        bounds.append(Comparison(m.group(1), float(m.group(2))))
    if not bounds:
        raise ctx.error(key, "at least one bound such as \">= 3.8\"", raw)
    return tuple(bounds)


def _host_port(ctx: _Ctx, key: str, raw: Any) -> tuple[str, int]:
    if isinstance(raw, str):
        host, sep, port = raw.rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            import ipaddress
            try:
                ipaddress.IPv4Address(host)
                return host, int(port)
            except ValueError:
                pass
    raise ctx.error(key, "\"IPv4-ADDRESS:PORT\" such as \"127.0.0.1:10000\"", raw)


def _sysctl_value(ctx: _Ctx, key: str, raw: Any) -> SysctlValue:
    if (_is_int(raw) or isinstance(raw, str)) and len(str(raw)) <= MAX_VALUE:
        return raw
    raise ctx.error(key, f"an integer or a string of at most {MAX_VALUE} characters "
                         "(the text written to /proc/sys)", raw)


def _distinct_cell_names(ctx: _Ctx, key: str, axis: tuple[SysctlValue, ...]) -> None:
    """Each cell's records go to a directory named after its values: two values that name the
    same directory (1 and "1", "a b" and "a\tb") would overwrite each other's records."""
    from sysrec.scenario.matrix import cell_name

    seen: dict[str, int] = {}
    for i, value in enumerate(axis):
        name = cell_name({key: value})
        if name in seen:
            raise ctx.error(f"matrix.{key}[{i}]", f"a value whose cell name differs from "
                            f"matrix.{key}[{seen[name]}]'s (both are {name!r})", value)
        seen[name] = i


def _sysctl_table(ctx: _Ctx, raw: Any, prefix: str) -> list[tuple[str, SysctlValue]]:
    if not isinstance(raw, dict):
        raise ctx.error(prefix, "a table of sysctl = value", raw)
    items = []
    for key, value in flatten_dotted(raw).items():
        _check_sysctl_name(ctx, f"{prefix}.{key}", key)
        items.append((key, _sysctl_value(ctx, f"{prefix}.{key}", value)))
    return items


def flatten_dotted(raw: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`net.core.somaxconn = 1` written bare is a nested table in TOML; read it as the dotted name."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten_dotted(value, name))
        else:
            flat[name] = value
    return flat


def check_sysctl_name(name: str, must_exist: bool = True) -> str | None:
    """Why `name` cannot be set in a scenario's namespace, or None when it can."""
    if not re.match(r"^net\.[a-z0-9_.-]+$", name) or ".." in name:
        return "a network sysctl (net.…); only those live in the scenario's network namespace"
    if must_exist and not os.path.isfile(os.path.join("/proc/sys", *name.split("."))):
        return "a sysctl that exists on this kernel (no /proc/sys/" + name.replace(".", "/") + ")"
    return None


def _check_sysctl_name(ctx: _Ctx, key: str, name: str) -> None:
    problem = check_sysctl_name(name, must_exist=name not in ctx.may_be_absent)
    if problem:
        raise ctx.error(key, problem, name)


def known_counters() -> set[str]:
    """Counter names as records store them (`TcpExtListenOverflows`), from this kernel's files."""
    from sysrec.sandbox.counters import read_counters
    return set(read_counters())
