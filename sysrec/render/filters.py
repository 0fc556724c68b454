"""What strace leaves out or adds around the lines a StraceRenderer makes: the `-e status=`
(-z, -Z) filter, `-e signal=`, `-e quiet=` (-q…), the `-e read=`/`-e write=` hex dumps, and
`-ff`'s file per process.

Each is a wrapper with the renderer's `feed(event) -> text` / `finish()` interface, so `sysrec
trace` and `sysrec show` stack them the same way and a record re-renders the same text.
"""

from __future__ import annotations

from sysrec.qualify import Qualifiers
from sysrec.render.hexdump import render_io

TYPE_CHECKING = False  # typing stays off the start-up path of `sysrec trace` (annotations only)
if TYPE_CHECKING:
    from typing import IO, Any, Callable, Mapping


def call_status(event: Mapping[str, Any]) -> str:
    """The `-e status=` class of a finished call: successful, failed, or unfinished (the call
    never returned: the tracee exited or was killed inside it, `= ?`)."""
    ret = event.get("ret")
    if ret is None:
        return "unfinished"
    if event.get("errno") or (-4096 < ret < 0 and event.get("injected") != "retval"):
        return "failed"  # an injected retval=-5 is a success (sysrec.tracer.inject)
    return "successful"


def _hex(value: int) -> str:
    """C's %#lx: `0` for zero, `0x1f` otherwise."""
    return f"{value:#x}" if value else "0"


def argument_count(name: str) -> int:
    """How many arguments the call takes (strace's syscall table; 6 when unknown)."""
    from sysrec.decode.signatures import syscall_argument_count

    return syscall_argument_count(name)


def raw_form(event: Mapping[str, Any]) -> dict[str, Any]:
    """`-e raw=SET`: the call's registers in hex instead of decoded arguments, and a
    successful return value in hex."""
    count = argument_count(event.get("name", ""))
    args = [_hex(v) for v in (event.get("raw") or [])[:count]]
    out = {**event, "args": args, "n_entry": len(args), "more": False}
    for key in ("fds", "fds_exit", "raux"):
        out.pop(key, None)
    ret = event.get("ret")
    if event.get("ev") == "syscall" and ret is not None and call_status(event) == "successful":
        out["rtext"] = _hex(ret & 0xFFFFFFFFFFFFFFFF)
    else:
        out.pop("rtext", None)
    return out


class FilteredRenderer:
    """A StraceRenderer behind strace's output filters.

    With a status filter strace stages each call's text until the call ends (its memstream),
    so no line is ever split into `<unfinished ...>` / `<... resumed>`: `enter` events are
    dropped and every call prints whole, or not at all."""

    def __init__(self, inner: Any, quals: Qualifiers, whole_lines: bool = False) -> None:
        self.inner = inner
        self.status = quals.status
        self.signals = quals.signal
        self.quiet = quals.quiet
        self.raw = quals.raw if quals.raw is not None and not quals.raw.nothing else None
        self.whole_lines = whole_lines or (self.status is not None and not self.status.everything)
        if (self.raw is None and self.status is None and self.signals is None and self.quiet is None
                and not self.whole_lines):
            self.feed = self._unfiltered  # type: ignore[method-assign]  # every event, as is

    def _unfiltered(self, event: Mapping[str, Any]) -> str:
        """feed() when no filter is set: what it does then, without its tests per event."""
        if "pid_comm" in event:  # -Y: pids in arguments, return values, si_pid
            from sysrec.pidcomm import with_pid_names
            event = with_pid_names(event)
        text = self.inner.feed(event)
        return text + render_io(event) if text and event.get("io") and event.get("ev") == "syscall" else text

    def feed(self, event: Mapping[str, Any]) -> str:
        kind = event.get("ev")
        if self.raw is not None and kind in ("syscall", "enter") and event.get("name") in self.raw:
            event = raw_form(event)
        elif "pid_comm" in event:  # -Y: pids in arguments, return values, si_pid
            from sysrec.pidcomm import with_pid_names
            event = with_pid_names(event)
        if kind == "syscall":
            if self.whole_lines:
                if event.get("resumed"):
                    event = {**event, "resumed": False}
                if self.status is not None and call_status(event) not in self.status:
                    self._noted(event)  # not printed, but strace saw it: -n's next number
                    return ""
            text = self.inner.feed(event)
            return text + render_io(event) if text and event.get("io") else text
        if kind == "enter":
            return "" if self.whole_lines else self.inner.feed(event)
        if kind == "signal":
            if self.signals is not None and event.get("sig") not in self.signals:
                return ""
            return self.inner.feed(event)
        if kind == "personality" and self.quiet is not None and "personality" in self.quiet:
            return ""
        if kind == "exit":
            if event.get("superseded_by") is not None:
                hidden = self.quiet is not None and "superseded" in self.quiet
            elif event.get("signal"):
                hidden = self.signals is not None and event["signal"] not in self.signals
            else:
                hidden = self.quiet is not None and "exit" in self.quiet
            if hidden:
                return self._silently(event)
            return self.inner.feed(event)
        return self.inner.feed(event)

    def _noted(self, event: Mapping[str, Any]) -> None:
        opts = getattr(self.inner, "opts", None)
        if opts is not None and (opts.syscall_numbers or opts.instruction_pointer or opts.decode_comm):
            from sysrec.render.columns import note_event
            note_event(self.inner, event)

    def _silently(self, event: Mapping[str, Any]) -> str:
        """Feed an event strace does not print: the renderer still counts the processes (the
        `[pid N]` prefix rule), but its line and its -r clock step are dropped."""
        last = getattr(self.inner, "last_ns", None)
        self.inner.feed(event)
        if last is not None or hasattr(self.inner, "last_ns"):
            self.inner.last_ns = last
        return ""

    def finish(self) -> str:
        return self.inner.finish() if hasattr(self.inner, "finish") else ""


class SeparateOutputs:
    """`-ff -o FILE`: each process (each thread, as strace does it) writes to FILE.PID, whole
    lines without a pid prefix. `make_renderer()` makes one renderer per file; `append` is -A.

    The thread that takes over its leader's pid by an execve keeps writing to the file it had
    (strace keeps the file with the thread's trace control block)."""

    def __init__(self, base: str, make_renderer: Callable[[], Any], append: bool = False) -> None:
        self.base = base
        self.make_renderer = make_renderer
        self.mode = "a" if append else "w"
        self.outputs: dict[int, tuple[IO[str], Any]] = {}

    def _output(self, pid: int) -> tuple[IO[str], Any]:
        out = self.outputs.get(pid)
        if out is None:
            path = f"{self.base}.{pid}"
            handle = open(path, self.mode, encoding="utf-8", errors="surrogateescape")
            out = (handle, self.make_renderer())
            self.outputs[pid] = out
        return out

    def feed(self, event: Mapping[str, Any]) -> str:
        pid = event.get("pid")
        if not isinstance(pid, int):
            return ""
        kind = event.get("ev")
        if kind == "exit" and event.get("superseded_by") is not None:
            # The leader's file closes; the thread that exec'd prints the line in its own
            # file, and goes on writing there under the leader's pid.
            gone = self.outputs.pop(pid, None)
            if gone is not None:
                gone[0].close()
            former = event["superseded_by"]
            handle, renderer = self._output(former)
            self.outputs[pid] = self.outputs.pop(former)
            text = renderer.feed(event)
            if text:
                handle.write(text)
            return ""
        if kind == "spawn":
            self._output(pid)
            return ""
        handle, renderer = self._output(pid)
        text = renderer.feed(event)
        if text:
            handle.write(text)
        if kind == "exit":
            handle.close()
            del self.outputs[pid]
        return ""

    def finish(self) -> str:
        for handle, renderer in self.outputs.values():
            tail = renderer.finish() if hasattr(renderer, "finish") else ""
            if tail:
                handle.write(tail)
            handle.close()
        self.outputs.clear()
        return ""

