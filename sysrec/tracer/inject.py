"""strace's syscall tampering: `-e inject=SET:...` and `-e fault=SET:...`.

Two halves:
- `parse_rule` reads one expression with strace 6.1's syntax and wording for bad input
  ("invalid inject argument '…'", "invalid system call '…'"); `Rules` keeps, per syscall
  number, the last rule that named it (a later `-e inject=` replaces an earlier one for the
  syscalls it names, as in strace).
- `Injector` runs inside the tracer. At a traced call's entry stop it counts the call (per
  thread and per syscall, as strace counts per tracee) and, when `when=` selects it, tampers:
  error/retval replace the syscall number with -1 (the kernel then skips the call and returns
  -ENOSYS), `signal=` is handed to the restart of the entry stop (the kernel delivers a signal
  given at a syscall stop; not one given at a seccomp stop, so a signal rule needs the
  PTRACE_SYSCALL mode: `needs_syscall_stops`), `delay_enter=` sleeps in the tracer. At the exit
  stop the return register gets the injected value and `delay_exit=` sleeps. The syscall event
  then carries `injected` ("error" or "retval") and/or `delayed` (docs/record-format.md), which
  the renderer prints as strace's ` (INJECTED)` / ` (DELAYED)`.
  `syscall=NAME` runs that side-effect-free call (getpid, getuid…) in place of the skipped one;
  `poke_enter=@argN=HEX,…` / `poke_exit=…` write bytes where argument N points, at entry (before
  the arguments are decoded: the line shows the new bytes) or at exit (before the exit-time
  arguments are decoded); the event then carries `poked`, strace's ` (INJECTED: args)`.

Only traced calls are tampered with (and only those -P lets through), and none before the
program's first execve: strace checks the trace set before its inject set (`strace -e
trace=openat -e inject=read:…` injects nothing), so a seccomp filter for the trace set already
stops at every call that can be tampered with. Counting is per thread (strace's tcb), from 1
for each new one.

One difference: a delay sleeps in the tracer, so every tracee waits with the delayed one;
strace arms a timer and serves the others meanwhile.
"""

from __future__ import annotations

import re
import time

from sysrec.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

# when= numbers: first and step 1..65535, last 1..65534 (65535 stands for "no last").
NO_LAST = 0xFFFF
MAX_ERRNO = 4095
# strace's delay suffixes (case-insensitive) -> nanoseconds; none means microseconds.
DELAY_UNITS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1000, "ns": 1, "": 1000}
# syscall=: the calls strace 6.1 lets run in place of another (its TRACE_PURE ones, x86-64).
PURE_SYSCALLS = ("getpid", "getuid", "getgid", "geteuid", "getegid", "getppid", "getpgrp", "gettid")
POKE_MAX_HEX = 2048  # hex digits of one poke's data
# x86-64 `struct user` offsets of the registers written (PTRACE_POKEUSER).
_RAX_OFFSET = 10 * 8
_ORIG_RAX_OFFSET = 15 * 8
_PTRACE_POKEUSER = 6
_U64 = (1 << 64) - 1


class Rule:
    """One `inject=`/`fault=` expression's action and its `when=` window."""

    __slots__ = ("text", "kind", "first", "last", "step", "error", "retval", "signal",
                 "delay_enter", "delay_exit", "substitute", "poke_enter", "poke_exit")

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind                 # "inject" or "fault"
        self.first, self.last, self.step = 1, NO_LAST, 1
        self.error: int | None = None    # errno number
        self.retval: int | None = None   # as the register holds it (signed 64-bit)
        self.signal: int | None = None
        self.delay_enter: int | None = None  # nanoseconds
        self.delay_exit: int | None = None
        self.substitute: int | None = None  # syscall=: the number run instead of -1
        self.poke_enter: list[tuple[int, bytes]] | None = None  # (argument 1..7, bytes)
        self.poke_exit: list[tuple[int, bytes]] | None = None

    @property
    def tampers(self) -> bool:
        return self.error is not None or self.retval is not None


_LEADING_NUMBER = re.compile(r"[ \t\n\v\f\r]*([+-]?)([0-9]+)")


def _uint_prefix(text: str, limit: int, endings: str = "") -> tuple[int, str]:
    """strace's string_to_uint_ex (strtoll in base 10: leading blanks and a sign are allowed):
    (value, what follows), value -1 when invalid or when what follows does not start with one
    of `endings`."""
    m = _LEADING_NUMBER.match(text)
    if not m:
        return -1, text
    value = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
    rest = text[m.end():]
    if value < 0 or value > limit or (rest and rest[0] not in endings):
        return -1, rest
    return value, rest


def _uint(text: str, limit: int) -> int:
    """strace's string_to_uint_upto: the whole text a number from 0 to limit; -1 when invalid."""
    return _uint_prefix(text, limit)[0]


def _parse_when(text: str, rule: Rule) -> bool:
    """first[..last][+[step]]; `N` alone injects once, `N..M` every call in the range."""
    first, rest = _uint_prefix(text, 0xFFFF, "+.")
    if first < 1:
        return False
    last = NO_LAST
    if rest.startswith("."):
        if not rest.startswith(".."):
            return False
        last, rest = _uint_prefix(rest[2:], 0xFFFF, "+")
        if last < first or last == NO_LAST:
            return False
    if rest:  # "+" or "+STEP"
        step = _uint(rest[1:], 0xFFFF) if rest[1:] else 1
        if step < 1:
            return False
    else:
        step = 0 if last == NO_LAST else 1
    rule.first, rule.last, rule.step = first, last, step
    return True


_FLOAT = set("eE.-+0123456789")
_INT = set("+0123456789")


def _span(text: str, accept: set[str]) -> int:
    n = 0
    while n < len(text) and text[n] in accept:
        n += 1
    return n


def parse_delay(text: str) -> int | None:
    """strace's time specification: an integer or a float, then s, ms, us or ns (default us);
    nanoseconds, or None when invalid."""
    float_len, int_len = _span(text, _FLOAT), _span(text, _INT)
    number, suffix = text[:max(float_len, int_len)], text[max(float_len, int_len):]
    if float_len > int_len:
        m = re.match(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", number)
        if not m:
            return None
        suffix = number[m.end():] + suffix
        value: float = float(m.group())
        if value < 0:
            return None
    else:
        m = re.match(r"\+?\d+", number)
        if not m or m.end() != len(number):
            return None
        value = int(number)
    scale = DELAY_UNITS.get(suffix.lower())
    if scale is None:
        return None
    return int(value * scale)


def _parse_retval(text: str) -> int | None:
    """strtoull(text, 0): decimal, 0x hex or 0 octal, a leading minus wraps; None when invalid."""
    body = text.lstrip(" \t\n\v\f\r")
    negative = body.startswith("-")
    if body[:1] in ("+", "-"):
        body = body[1:]
    if body[:2].lower() == "0x":
        value = int(body[2:], 16) if re.fullmatch(r"[0-9a-fA-F]+", body[2:]) else None
    elif body.startswith("0"):
        value = int(body, 8) if re.fullmatch(r"[0-7]+", body) else None
    else:
        value = int(body) if re.fullmatch(r"[0-9]+", body) else None
    if value is None or value > _U64:
        return None
    return (-value) & _U64 if negative else value


def _signal_number(text: str) -> int | None:
    from sysrec.decode.xlat.signals import SIGNALS

    if text.isdigit():
        return int(text)
    name = text.upper()
    name = name[3:] if name.startswith("SIG") else name
    for number, full in SIGNALS.items():
        if full[3:] == name and 1 <= number <= 64:
            return number
    return None


def _errno_number(text: str) -> int:
    """A number up to 4095, or an errno name in any case (`eio`), as strace takes them."""
    from sysrec.decode.xlat.errnos import ERRNO_BY_NAME

    value = _uint(text, MAX_ERRNO)
    if value >= 0:
        return value
    return next((nr for name, nr in ERRNO_BY_NAME.items() if name.lower() == text.lower()), -1)


def _parse_token(token: str, rule: Rule, fault_only: bool) -> bool:
    key, sep, value = token.partition("=")
    if not sep:
        return False
    if key == "when":
        return _parse_when(value, rule)
    if key == "syscall":  # fault= takes it too
        return _parse_substitute(value, rule)
    if key == "error":
        if rule.tampers:
            return False
        number = _errno_number(value)
        if number < 1:
            return False
        rule.error = number
        return True
    if fault_only:
        return False
    if key == "retval":
        if rule.tampers:
            return False
        parsed = _parse_retval(value)
        if parsed is None:
            return False
        rule.retval = parsed - (1 << 64) if parsed >> 63 else parsed
        return True
    if key == "signal":
        number = _signal_number(value)
        if rule.signal is not None or number is None or not 1 <= number <= 64:
            return False
        rule.signal = number
        return True
    if key in ("delay_enter", "delay_exit"):
        if getattr(rule, key) is not None:
            return False
        delay = parse_delay(value)
        if delay is None:
            return False
        setattr(rule, key, delay)
        return True
    if key in ("poke_enter", "poke_exit"):
        pokes = _parse_pokes(value)
        if getattr(rule, key) is not None or pokes is None:
            return False
        setattr(rule, key, pokes)
        return True
    return False


_POKE = re.compile(r"@arg([1-7])=((?:[0-9a-fA-F]{2})+)")


def _parse_pokes(text: str) -> list[tuple[int, bytes]] | None:
    """`@arg1=0000DEAD,@arg2=41`: argument numbers 1..7 and an even number of hex digits (at
    most 2048) each; None when any part is not."""
    pokes = []
    for item in text.split(","):
        if not item:
            continue
        m = _POKE.fullmatch(item)
        if m is None or len(m.group(2)) > POKE_MAX_HEX:
            return None
        pokes.append((int(m.group(1)), bytes.fromhex(m.group(2))))
    return pokes or None


def _parse_substitute(value: str, rule: Rule) -> bool:
    """syscall=NAME: one of strace's side-effect-free calls, given once."""
    from sysrec.syscalls import SYSCALL_NUMBERS

    if rule.substitute is not None or value not in PURE_SYSCALLS:
        return False
    rule.substitute = SYSCALL_NUMBERS[value]
    return True


def parse_rule(text: str, kind: str) -> tuple[tuple[str, ...] | None, Rule, list[str]]:
    """One `-e inject=`/`-e fault=` value -> (syscall names, None for all; the rule; warnings)."""
    from sysrec.syscalls import parse_trace_expressions

    what = f"{kind} argument"
    rule = Rule(text, kind)
    fault_only = kind == "fault"
    name, *tokens = text.split(":")
    if not name:
        tokens = []
    for token in tokens:
        if not token:
            continue
        if not _parse_token(token, rule, fault_only):
            raise InputError(f"invalid {what} '{text}'")
    names = parse_trace_expressions([f"trace={name}"])  # "invalid system call '…'"
    if not (rule.tampers or rule.signal or rule.delay_enter is not None or rule.delay_exit is not None
            or rule.poke_enter or rule.poke_exit):
        if not fault_only:
            raise InputError(f"invalid {what} '{text}'")
        rule.error = 38  # ENOSYS: fault='s default
    warnings = []
    if rule.retval is not None and -MAX_ERRNO <= rule.retval < 0:
        warnings.append(f"Inadvertent injection of error {-rule.retval} is possible for "
                        f"retval={rule.retval & _U64}")
    return names, rule, warnings


class Rules:
    """Syscall number -> the rule that applies to it (the last expression naming it wins)."""

    def __init__(self) -> None:
        self.by_nr: dict[int, Rule] = {}
        self.any_number: Rule | None = None  # `all`: numbers without a name too
        self.expressions: list[str] = []     # as given, `inject=…` / `fault=…`

    def add(self, kind: str, text: str) -> list[str]:
        from sysrec.syscalls import SYSCALL_NUMBERS

        names, rule, warnings = parse_rule(text, kind)
        if names is None:
            self.any_number = rule
            self.by_nr = {nr: rule for nr in SYSCALL_NUMBERS.values()}
        else:
            for name in names:
                self.by_nr[SYSCALL_NUMBERS[name]] = rule
        self.expressions.append(f"{kind}={text}")
        return warnings

    def rule_for(self, nr: int) -> Rule | None:
        rule = self.by_nr.get(nr)
        if rule is None and self.any_number is not None:
            from sysrec.syscall_numbers_x86_64 import SYSCALL_NAMES
            if nr not in SYSCALL_NAMES:
                return self.any_number
        return rule

    @property
    def needs_syscall_stops(self) -> bool:
        """A signal is delivered only when given at a syscall-entry stop, not a seccomp stop."""
        rules = list(self.by_nr.values()) + ([self.any_number] if self.any_number else [])
        return any(rule.signal is not None for rule in rules)

    def to_json(self) -> list[str]:
        return list(self.expressions)

    @classmethod
    def from_expressions(cls, expressions: Iterable[str]) -> tuple[Rules, list[str]]:
        """`inject=…`/`fault=…` strings (a record header, a scenario) -> rules and warnings."""
        rules, warnings = cls(), []
        for expr in expressions:
            kind, sep, text = expr.partition("=")
            if not sep or kind not in ("inject", "fault"):
                raise InputError(f"not an inject= or fault= expression: '{expr}'")
            warnings += rules.add(kind, text)
        return rules, warnings


def _poke_memory(tid: int, args: tuple[int, ...], pokes: list[tuple[int, bytes]]) -> bool:
    """poke_enter=/poke_exit=: each poke's bytes where its argument points; True if one was
    written (strace's `(INJECTED: args)`)."""
    import os

    written = False
    try:
        fd = os.open(f"/proc/{tid}/mem", os.O_RDWR)
    except OSError:
        return False
    try:
        for argno, data in pokes:
            addr = args[argno - 1] if argno <= len(args) else 0
            try:
                written = os.pwrite(fd, data, addr & _U64) == len(data) or written
            except (OSError, OverflowError):
                continue
    finally:
        os.close(fd)
    return written


def _poke_user(pid: int, offset: int, value: int) -> bool:
    from ptrace.binding import func

    return func._ptrace(_PTRACE_POKEUSER, pid, offset, value & _U64) != _U64


class _Done:
    """What was done at a call's entry, for its exit."""

    __slots__ = ("rule", "delayed", "poked", "args")

    def __init__(self, rule: Rule, delayed: bool, poked: bool = False, args: tuple[int, ...] = ()) -> None:
        self.rule = rule
        self.delayed = delayed
        self.poked = poked
        self.args = args


class Injector:
    """The tracer's side: counts calls, tampers at entry, finishes at exit."""

    def __init__(self, rules: Rules, selects: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self.rules = rules
        # -P: strace tampers only with calls its path filter lets through (and counts only those)
        self.selects = selects
        # (tid, nr) -> [calls still to skip before the next injection, calls left in the window]
        self.counters: dict[tuple[int, int], list[int]] = {}
        self.in_flight: dict[int, _Done] = {}
        self.signals: dict[int, int] = {}  # tid -> signal for the restart of its entry stop

    def entering(self, task: Any, nr: int) -> bool:
        """At a traced call's entry stop (the engine's _Task, after decoding its arguments).
        True: poke_enter= changed memory the arguments point to (decode them again)."""
        rule = self.rules.rule_for(nr)
        if rule is None:
            return False
        tid = task.tid
        if self.selects is not None and task.state is not None and not self.selects(
                {"ev": "enter", "pid": tid, "t0": task.t0, "name": task.state.name, "args": task.state.args,
                 "raw": list(task.state.raw), "fds": task.fds or {}}):
            return False
        counter = self.counters.get((tid, nr))
        if counter is None:
            counter = self.counters[(tid, nr)] = [rule.first, rule.last]
        countdown, left = counter
        if countdown == 0 or left == 0:
            return False
        if left != NO_LAST:
            counter[1] = left - 1
        counter[0] = countdown - 1
        if counter[0]:
            return False
        counter[0] = rule.step
        if rule.signal is not None:
            self.signals[tid] = rule.signal
        args = tuple(task.state.raw) if task.state is not None else ()
        poked = bool(rule.poke_enter) and _poke_memory(tid, args, rule.poke_enter)  # type: ignore[arg-type]
        skip_to = rule.substitute if rule.substitute is not None else -1
        if rule.tampers and not _poke_user(tid, _ORIG_RAX_OFFSET, skip_to):
            return poked
        if rule.delay_enter is not None:
            time.sleep(rule.delay_enter / 1e9)
        if (rule.tampers or rule.delay_exit is not None or rule.delay_enter is not None or poked
                or rule.poke_exit):
            self.in_flight[tid] = _Done(rule, rule.delay_enter is not None, poked, args)
        return poked

    def exiting(self, tid: int, rval: int | None, is_error: bool) -> tuple[int | None, bool, dict[str, Any] | None]:
        """(rval, is_error) as the program sees them now, and the event's marks."""
        done = self.in_flight.pop(tid, None)
        if done is None:
            return rval, is_error, None
        rule = done.rule
        marks: dict[str, Any] = {}
        if rule.delay_exit is not None:
            time.sleep(rule.delay_exit / 1e9)
            done.delayed = True
        if done.delayed:
            marks["delayed"] = True
        if rule.poke_exit and rval is not None and _poke_memory(tid, done.args, rule.poke_exit):
            done.poked = True
        if done.poked:
            marks["poked"] = True
        if rule.tampers and rval is not None:
            value = -rule.error if rule.error is not None else rule.retval
            if _poke_user(tid, _RAX_OFFSET, value):  # type: ignore[arg-type]
                rval, is_error = value, rule.error is not None
                marks["injected"] = "error" if rule.error is not None else "retval"
        return rval, is_error, marks or None

    def forget(self, tid: int) -> None:
        """A reaped thread: a new one with its id starts counting afresh (a new strace tcb)."""
        for key in [k for k in self.counters if k[0] == tid]:
            del self.counters[key]
        self.in_flight.pop(tid, None)
        self.signals.pop(tid, None)
