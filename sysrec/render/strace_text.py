"""Record events -> strace 6.1's text, byte for byte.

`sysrec trace` feeds events as they happen and `sysrec show` feeds them from a record, through
the same `StraceRenderer`, so a record re-renders into exactly the lines printed live.
"""

from __future__ import annotations

import os
import re
import time

from sysrec.cstring import escape, terminal_safe
from sysrec.decode.xlat.errnos import ERRNO, ERRNO_BY_NAME, RESTART_CODES

TYPE_CHECKING = False  # typing stays off the start-up path of `sysrec trace` (annotations only)
if TYPE_CHECKING:
    from typing import Any, Mapping

    Node = Any


def has_exit_args(name: str, entry_args: list[Node] | None = None) -> bool:
    """sysrec.decode.signatures' answer, imported at the first split line: the signature rows
    pull in every decoder family, which the exit line of a program that made no traced call
    must not wait for."""
    from sysrec.decode.signatures import has_exit_args as rows_say
    return rows_say(name, entry_args)


# strace aligns ` = ret` at this column (its -a default).
RETURN_COLUMN = 40


class RenderOptions:
    """strace's display options: keyword arguments, each left out keeps its default below.
    A plain class rather than a dataclass: the renderer is imported on the way to the exit line
    of a program that made no traced call, where dataclasses (inspect, ast, dis) costs ~10 ms."""

    strsize: int = 32          # -s
    fd_decode: int = 0         # -y: 1, -yy: 2
    timestamps: int = 0        # -t, -tt, -ttt
    syscall_times: bool = False  # -T
    relative: bool = False     # -r
    follow: bool = False       # -f
    # sysrec.render.filters' output options (issue #12)
    acolumn: int = RETURN_COLUMN  # -a COLUMN
    xflag: int = 0             # -x: 1, -xx: 2
    syscall_numbers: bool = False  # -n
    instruction_pointer: bool = False  # -i
    decode_comm: bool = False  # -Y
    # -v / -e abbrev=SET: the syscalls printed abbreviated (None: all, strace's default); the
    # renderer sets `unabbreviated` for the event at hand.
    abbrev: Any = None
    unabbreviated: bool = False
    xlat_style: str = "abbrev"  # -X: AT_FDCWD as `-100` (raw), `-100 /* AT_FDCWD */` (verbose)

    def __init__(self, **values: Any) -> None:
        unknown = values.keys() - _RENDER_FIELDS
        if unknown:
            raise TypeError(f"RenderOptions: no option {', '.join(sorted(unknown))}")
        self.__dict__.update(values)

    def replace(self, **changes: Any) -> RenderOptions:
        """A copy with `changes` (dataclasses.replace's meaning)."""
        return RenderOptions(**{**self.__dict__, **changes})

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RenderOptions.__annotations__}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenderOptions) and self.values() == other.values()

    def __repr__(self) -> str:
        return "RenderOptions(" + ", ".join(f"{k}={v!r}" for k, v in self.values().items()) + ")"


_RENDER_FIELDS = frozenset(RenderOptions.__annotations__)


def _hex_wanted(text: str, xflag: int) -> bool:
    """-xx: always; -x: when a byte is neither printable ASCII nor whitespace (strace's rule)."""
    return xflag > 1 or any(c > "~" or (c < " " and c not in "\t\n\v\f\r") for c in text)


def quote(text: str, hexa: bool = False, xflag: int = 0) -> str:
    """A byte string (code points 0-255) in double quotes, escaped the way strace does it
    (sysrec.cstring), or in \\x hex: always with -xx, with -x when a byte is neither printable
    ASCII nor whitespace."""
    if xflag and not hexa:
        hexa = _hex_wanted(text, xflag)
    if hexa:
        return '"' + "".join(f"\\x{ord(c):02x}" for c in text) + '"'
    return '"' + escape(text) + '"'


_DEVICE_SUFFIX = re.compile(r"<(?:char|block) \d+:\d+>\Z")


def fd_path(path: str, xflag: int = 0) -> str:
    """A -y/-yy fd target as strace prints it between `<` and `>`: the path's bytes escaped like a
    string but without quotes, and `<`, `>` in octal so they cannot be taken for the brackets
    (`3</tmp/lt\\74gt\\76>`). A -yy device suffix (`<char 1:3>`) stays as it is."""
    suffix = _DEVICE_SUFFIX.search(path)
    head, tail = (path[:suffix.start()], suffix.group()) if suffix else (path, "")
    raw = os.fsencode(head).decode("latin-1")
    if xflag:  # -x / -xx print the path like any string (sysrec.render.strace_text.quote)
        return (quote(raw, False, xflag)[1:-1] if _hex_wanted(raw, xflag) else escape(raw, "<>")) + tail
    return escape(raw, "<>") + tail


_DELETED = " (deleted)"


def _with_path(n: int, path: str, xflag: int = 0) -> str:
    """`3</tmp/x>`; a file unlinked since it was opened as strace shows it: `3</tmp/x>(deleted)`."""
    if path.endswith(_DELETED):
        return f"{n}<{fd_path(path[:-len(_DELETED)], xflag)}>(deleted)"
    return f"{n}<{fd_path(path, xflag)}>"


def _fd_text(n: int, fds: Mapping | None, level: int, xflag: int = 0) -> str:
    if not level or not fds:
        return str(n)
    info = fds.get(str(n))
    if info is None:
        info = fds.get(n)  # type: ignore[call-overload]
    if not info:
        return str(n)
    if isinstance(info, str):
        return _with_path(n, info, xflag)
    text = info.get("yy") if level >= 2 else None
    if text:  # sockets' endpoints are built escaped; device paths are paths
        return _with_path(n, text, xflag) if text.startswith('/') else f"{n}<{text}>"
    text = info.get("y")
    return _with_path(n, text, xflag) if text else str(n)


def render_node(node: Node, opts: RenderOptions, fds: Mapping | None = None) -> str:
    """One node (docs/record-format.md, "Nodes") as strace prints it."""
    kind = type(node)
    if kind is str:  # decoders make names; a record read back may hold anything
        if opts.xflag > 1 and node.startswith('inet_addr("'):  # -xx quotes the address in hex too
            return 'inet_addr(' + quote(node[11:-2], False, opts.xflag) + ')'
        return node if node.isprintable() else terminal_safe(node, keep_newlines=False)
    if kind is int:
        return str(node)
    if kind is list:
        return "[" + ", ".join(_render_items(node, opts, fds)) + "]"
    if kind is dict:  # fds, strings, paths, structs: before the isinstance() checks below
        return _render_dict(node, opts, fds)
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, int):
        return str(node)
    if isinstance(node, list):
        return "[" + ", ".join([render_node(n, opts, fds) for n in node]) + "]"
    if node is None:
        return "NULL"
    if isinstance(node, dict):
        return _render_dict(node, opts, fds)
    return str(node)


def _render_dict(node: dict, opts: RenderOptions, fds: Mapping | None) -> str:
    """A dict node: an fd, a string, a path, an address, a value-result, a set or a struct."""
    if "$fd" in node:
        n = node["$fd"]
        name = node.get("name")
        if name is not None:  # AT_FDCWD: the name, and the directory with -y
            text = _fd_text(n, fds, opts.fd_decode, opts.xflag) if fds else str(n)
            if opts.xlat_style != "abbrev":
                return str(n) + ("" if opts.xlat_style == "raw" else f" /* {_safe(name)} */") + text[len(str(n)):]
            return _safe(name) + text[len(str(n)):]
        return _fd_text(n, fds, opts.fd_decode, opts.xflag) if fds else str(n)
    if "$a" in node:  # strace's abbreviated form and, recorded with -v, the full one
        full = node.get("$v") if opts.unabbreviated else None
        return render_node(node["$a"] if full is None else full, opts, fds)
    if "$cont" in node:  # continues the previous argument: `[2] => [4]`
        return CONTINUES + render_node(node["$cont"], opts, fds)
    if "$named" in node:  # an argument printed with its name: `child_stack=NULL`
        return f'{_safe(str(node["$named"]))}={render_node(node.get("v"), opts, fds)}'
    if "$s" in node:
        text: str = node["$s"]
        total = max(node.get("n", len(text)), len(text))
        shown = text[:opts.strsize]
        return quote(shown, node.get("x", False), opts.xflag) + ("..." if total > len(shown) else "")
    if "$path" in node:
        return ("@" if node.get("abstract") else "") + quote(node["$path"], False, opts.xflag)
    if "$ptr" in node:
        addr = node["$ptr"]
        return "NULL" if addr == 0 else f"{addr:#x}"
    if "$vr" in node:
        a, b = node["$vr"]
        return f"{render_node(a, opts, fds)} => {render_node(b, opts, fds)}"
    if "$set" in node:
        inner = " ".join(render_node(n, opts, fds) for n in node["$set"])
        return ("~" if node.get("neg") else "") + f"[{inner}]"
    if "$inet_pton" in node:
        return f'inet_pton(AF_INET6, {quote(node["$inet_pton"], False, opts.xflag)}, &sin6_addr)'
    fields = []
    plain = opts.xflag < 2  # render_node's answer for printable text and ints, inlined below
    for key, val in node.items():
        if key == "$more":  # strace's abbreviation: members left out without -v
            fields.append("...")
            continue
        if not (plain and type(key) is str and key.isprintable()):
            key = render_node(key, opts)
        kind = type(val)
        if kind is int or (plain and kind is str and val.isprintable()):
            fields.append(f"{key}={val}")
        elif isinstance(val, dict) and "$inet_pton" in val:
            fields.append(f'inet_pton(AF_INET6, {quote(val["$inet_pton"], False, opts.xflag)}, &{key})')
        else:
            fields.append(f"{key}={render_node(val, opts, fds)}")
    return "{" + ", ".join(fields) + "}"


def _safe(text: str) -> str:
    """A name from a record (syscall, errno, signal), harmless on a terminal."""
    return text if text.isprintable() else terminal_safe(text, keep_newlines=False)


# A `$cont` node is joined to the argument before it with ` => ` instead of `, `; the marker
# cannot come from data (strings are escaped, names made terminal-safe).
CONTINUES = "\0 => "


def _render_items(items: list[Node], opts: RenderOptions, fds: Mapping | None) -> list[str]:
    """render_node() of each item, its commonest answers (names, numbers, plain fds, arrays
    of them) made here: every traced call's arguments come through."""
    if opts.xflag > 1 or fds:
        return [render_node(a, opts, fds) for a in items]
    parts = []
    for a in items:
        kind = type(a)
        if kind is str and a.isprintable():
            parts.append(a)
        elif kind is int:
            parts.append(str(a))
        elif kind is dict and "$fd" in a and "name" not in a:
            parts.append(str(a["$fd"]))
        elif kind is list:
            parts.append("[" + ", ".join(_render_items(a, opts, fds)) + "]")
        else:
            parts.append(render_node(a, opts, fds))
    return parts


def render_args(args: list[Node], opts: RenderOptions, fds: Mapping | None = None) -> str:
    text = ", ".join(_render_items(args, opts, fds))
    return text.replace(", " + CONTINUES, " => ") if CONTINUES in text else text


def _resumed_args(args: list[Node], more: bool, opts: RenderOptions, fds: Mapping | None) -> str:
    """The arguments after `<... NAME resumed>`: the entry text ended in ", " (`more`), or the
    first continues the last entry argument (` => x`), or a ", " starts them (clone)."""
    if not args:
        return ""
    text = render_args(args, opts, fds)
    if text.startswith(CONTINUES):
        return text[1:]
    return text if more else ", " + text


def return_text(event: Mapping[str, Any], opts: RenderOptions) -> str:
    """What follows `= `: `3`, `-1 ECONNREFUSED (Connection refused)`, `0x802 (flags ...)`."""
    ret = event.get("ret")
    if ret is None:
        return "?"
    if ret < 0 and event.get("injected") == "retval" and event.get("rtext") is None:
        return _injected_negative(event, ret)
    err = event.get("errno")
    if err is None and (ret >= 0 or ret <= -4096):  # the common case: a plain success
        rtext, raux = event.get("rtext"), event.get("raux")
        if rtext is None and raux is None:
            return str(ret)
    if err is None and -4096 < ret < 0 and event.get("injected") != "retval":
        entry = ERRNO.get(-ret)
        err = entry[0] if entry else None
    if err:
        err = _safe(str(err))
        nr = ERRNO_BY_NAME.get(err)
        message = ERRNO[nr][1] if nr is not None else f"Unknown error {-ret}"
        if err in RESTART_CODES:
            return f"? {err} ({message})"
        return f"-1 {err} ({message})"
    rtext = event.get("rtext")
    text = render_node(rtext, opts, event.get("fds")) if rtext is not None else str(ret)
    raux = event.get("raux")
    if raux is not None:
        text += f" ({render_node(raux, opts)})"
    return text


def _injected_negative(event: Mapping[str, Any], ret: int) -> str:
    """-e inject=…:retval=N below 0 is a success: strace prints it signed for a call that
    returns an fd, unsigned (its default return format) for any other."""
    from sysrec.decode import returns_fd
    return str(ret) if returns_fd(str(event.get("name")), event.get("args")) else str(ret & (2**64 - 1))


def tampering_note(event: Mapping[str, Any]) -> str:
    """strace's marks for -e inject=/fault= (sysrec.tracer.inject): after the return value,
    before -T's time."""
    if event.get("poked"):  # poke_enter=/poke_exit= changed what the arguments point to
        note = " (INJECTED: args, retval)" if event.get("injected") else " (INJECTED: args)"
    else:
        note = " (INJECTED)" if event.get("injected") else ""
    return note + (" (DELAYED)" if event.get("delayed") else "")


def _pad(line: str, column: int = RETURN_COLUMN) -> str:
    """strace's tabto(): spaces up to the return column (-a), at least one."""
    return line + (" " * (column - len(line)) if len(line) < column else " ")


ARGS_TEXTS_KEPT = 4096  # StraceRenderer._args_texts: emptied when full


class StraceRenderer:
    """Turns a stream of record events into strace's lines.

    `to_file` is strace's `-o FILE` case: with -f every line starts with the pid (`1234  `);
    on stderr the `[pid  1234] ` prefix appears only while more than one process is traced.
    """

    def __init__(self, opts: RenderOptions, to_file: bool = False) -> None:
        self.opts = opts
        self.to_file = to_file
        self.alive = 1
        self.last_ns: int | None = None
        self.pending: dict[int, str] = {}  # pid -> name of a call whose entry was printed
        # What the options ask of every event, read once (the renderer's options are fixed
        # but for `unabbreviated`): whether columns note each event (-n/-i/-Y), and whether a
        # line's prefix with -o FILE is its pid's alone (no -t/-r either): made once per pid.
        self._noting = bool(opts.syscall_numbers or opts.instruction_pointer or opts.decode_comm)
        self._fixed_heads = to_file and not (self._noting or opts.timestamps or opts.relative)
        self._heads: dict[int, str] = {}
        # id(args) -> (args, their text). The tracer hands out one args list for every call
        # decoded alike (sysrec.tracer.engine.DecodeMemo) and event nodes are never changed:
        # the list is kept with its text, so its id names no other list while the entry lives.
        self._args_texts: dict[int, tuple[list[Any], str]] = {}

    # --- line parts --------------------------------------------------------------------------

    def _prefix(self, pid: int, t_ns: int | None) -> str:
        o = self.opts
        if o.decode_comm:  # -Y: `1234<comm> `, `[pid  1234<comm>] ` (sysrec.render.columns)
            from sysrec.render.columns import pid_with_comm
            head = pid_with_comm(self, pid)
        elif self.to_file:
            head = f"{pid:<5} " if o.follow else ""
        else:
            head = f"[pid {pid:>5}] " if self.alive > 1 else ""
        if o.timestamps or o.relative:
            head += self._stamp(t_ns)
        if o.syscall_numbers or o.instruction_pointer:
            from sysrec.render.columns import syscall_columns
            head += syscall_columns(self, pid)
        return head

    def _stamp(self, t_ns: int | None) -> str:
        o = self.opts
        if not (o.timestamps or o.relative):
            return ""
        t_ns = t_ns if t_ns is not None else time.time_ns()
        text = ""
        if o.relative:
            delta = 0 if self.last_ns is None else max(t_ns - self.last_ns, 0)
            self.last_ns = t_ns
            text = f"{delta // 1_000_000_000:6d}.{delta // 1000 % 1_000_000:06d} "
        if o.timestamps:
            sec, usec = divmod(t_ns // 1000, 1_000_000)
            if o.timestamps >= 3:
                text = f"{sec}.{usec:06d} "
            else:
                clock = time.strftime("%H:%M:%S", time.localtime(sec))
                text = f"{clock}.{usec:06d} " if o.timestamps == 2 else f"{clock} "
        return text

    def _duration(self, event: Mapping[str, Any]) -> str:
        if not self.opts.syscall_times:
            return ""
        t0, t1 = event.get("t0"), event.get("t1")
        if event.get("ret") is None or t0 is None or t1 is None:
            return " <unavailable>"
        d = max(t1 - t0, 0) // 1000
        return f" <{d // 1_000_000}.{d % 1_000_000:06d}>"

    # --- events ------------------------------------------------------------------------------

    def feed(self, event: Mapping[str, Any]) -> str:
        """Text for one event (complete lines; empty for events strace prints nothing for)."""
        kind = event.get("ev")
        if self._noting:
            from sysrec.render.columns import note_event
            note_event(self, event)
        if kind == "syscall":
            return self._on_syscall(event)
        handler = getattr(self, f"_on_{kind}", None)
        return handler(event) if handler else ""

    def finish(self) -> str:
        """Text still owed at the end of the stream (nothing: every line is written whole)."""
        return ""

    def _on_spawn(self, event: Mapping[str, Any]) -> str:
        self.alive += 1
        return ""

    def _abbreviation_for(self, name: str) -> None:
        """-v / -e abbrev=SET: whether this call's structs print in full."""
        self.opts.unabbreviated = name not in self.opts.abbrev

    def _on_enter(self, event: Mapping[str, Any]) -> str:
        pid, name = event["pid"], _safe(event["name"])
        if self.opts.abbrev is not None:
            self._abbreviation_for(name)
        args = event.get("args") or []
        fds = event.get("fds")
        text = self._prefix(pid, event.get("t0")) + f"{name}(" + render_args(args, self.opts, fds)
        if event.get("more", has_exit_args(name, args)) and args:
            text += ", "
        self.pending[pid] = name
        if event.get("detached"):  # -p: sysrec let go of it inside this call
            return text + " <detached ...>\n"
        return text + " <unfinished ...>\n"

    def _on_syscall(self, event: Mapping[str, Any]) -> str:
        pid, name = event["pid"], event["name"]
        if not name.isprintable():
            name = _safe(name)
        args = event.get("args") or []
        fds = event.get("fds")
        opts = self.opts
        if opts.abbrev is not None:
            self._abbreviation_for(name)
        pending = self.pending
        resumed = event.get("resumed") or (pending.get(pid) == name if pending else False)
        if pending:
            pending.pop(pid, None)
        ret = event.get("ret")
        exit_fds = event.get("fds_exit")
        if exit_fds is not None:  # fds the kernel handed back, looked up at exit
            exit_fds = {**(fds or {}), **exit_fds}
        if ret is not None and not resumed and exit_fds is None:  # the common case: a whole line
            if self._fixed_heads:
                head = self._heads.get(pid)
                if head is None:
                    head = self._heads[pid] = self._prefix(pid, None)
            else:
                head = self._prefix(pid, event.get("t0"))
            if fds is None:
                kept = self._args_texts.get(id(args))
                if kept is not None and kept[0] is args:
                    text = kept[1]
                else:
                    text = render_args(args, opts, None)
                    if len(self._args_texts) >= ARGS_TEXTS_KEPT:
                        self._args_texts.clear()
                    self._args_texts[id(args)] = (args, text)
            else:
                text = render_args(args, opts, fds)
            line = head + name + "(" + text + ")"
            if ret >= 0 and event.get("errno") is None and event.get("rtext") is None \
                    and event.get("raux") is None and "injected" not in event \
                    and "delayed" not in event and "poked" not in event and not opts.syscall_times:
                # return_text()'s plain success, _pad() inlined
                pad = opts.acolumn - len(line)
                return f"{line}{' ' * pad if pad > 0 else ' '}= {ret}\n"
        else:
            finished = ret is not None
            n_entry = event.get("n_entry", len(args))
            more = event.get("more", has_exit_args(name, args[:n_entry]))
            if resumed:
                line = self._prefix(pid, event.get("t1")) + f"<... {name} resumed>"
                if finished:
                    line += _resumed_args(args[n_entry:], more, opts, exit_fds or fds)
                elif more:
                    line += " <unfinished ...>"
            elif finished:  # a whole line whose exit-time fds were looked up at exit
                head = render_args(args[:n_entry], opts, fds)
                tail = render_args(args[n_entry:], opts, exit_fds)
                if head and tail:
                    tail = tail[1:] if tail.startswith(CONTINUES) else ", " + tail
                line = self._prefix(pid, event.get("t0")) + name + "(" + head + tail
            else:
                line = self._prefix(pid, event.get("t0")) + f"{name}("
                line += render_args(args[:n_entry], opts, fds)
                if more:
                    line += (", " if n_entry else "") + " <unfinished ...>"
            line += ")"
        if exit_fds is not None:
            event = {**event, "fds": exit_fds}
        line = _pad(line, opts.acolumn) + "= " + return_text(event, opts)
        if "injected" in event or "delayed" in event or "poked" in event:
            line += tampering_note(event)
        if opts.syscall_times:
            line += self._duration(event)
        return line + "\n"

    def _on_signal(self, event: Mapping[str, Any]) -> str:
        if event.get("stopped"):  # a group-stop: the tracee stays stopped until SIGCONT
            return self._prefix(event["pid"], event.get("t")) + f"--- stopped by {_safe(event['sig'])} ---\n"
        info = event.get("info")
        body = f" {render_node(info, self.opts)}" if info else ""
        return self._prefix(event["pid"], event.get("t")) + f"--- {_safe(event['sig'])}{body} ---\n"

    def _on_personality(self, event: Mapping[str, Any]) -> str:
        """The process switched ABI (`int $0x80` from a 64-bit program, or back)."""
        pid = event["pid"]
        return self._prefix(pid, event.get("t")) + \
            f"[ Process PID={pid} runs in {_safe(str(event.get('mode')))} mode. ]\n"

    def _on_exit(self, event: Mapping[str, Any]) -> str:
        pid = event["pid"]
        if event.get("superseded_by") is not None:
            # The leader's entry goes first (strace drops it, then prints for the thread that
            # took its pid), so the prefix already counts one process less.
            self.alive = max(self.alive - 1, 0)
            self.pending.pop(pid, None)
            return self._prefix(pid, event.get("t")) + f"+++ superseded by execve in pid {event['superseded_by']} +++\n"
        if "signal" in event and event["signal"]:
            core = " (core dumped)" if event.get("core") else ""
            what = f"killed by {_safe(event['signal'])}{core}"
        else:
            what = f"exited with {event.get('status', 0)}"
        text = self._prefix(pid, event.get("t")) + f"+++ {what} +++\n"
        self.pending.pop(pid, None)
        self.alive = max(self.alive - 1, 0)
        return text
