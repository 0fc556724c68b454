"""`sysrec trace -p PID`: trace processes that are already running, as strace -p does.

The spawn path's loop is reused as is (Tracer); only the start and the end differ:
- start: every task is seized (PTRACE_SEIZE with the options, no EXITKILL: the process must
  survive sysrec) and stopped with PTRACE_INTERRUPT; the loop's first stop for each is that
  interrupt's PTRACE_EVENT_STOP, which it resumes with PTRACE_SYSCALL. No seccomp filter can be
  installed in a running process, so every call stops and the trace set is filtered here.
  Without -f only the given thread is traced (strace's -p); with -f every thread of its process
  (/proc/PID/task) and, through the fork options, its new children.
- end: SIGINT/SIGTERM/SIGHUP interrupt every tracee (PTRACE_INTERRUPT: a call in progress is
  restarted by the kernel, not failed), and each is detached at its next stop, with the signal
  it was about to receive passed on. A process that exits ends the trace like a spawned one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from sysrec.errors import InputError, SysrecError
from sysrec.tracer import abi as A
from sysrec.tracer import bootstrap
from sysrec.tracer.engine import TraceOptions, TraceResult, Tracer, _Task, _tgid_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Note = Callable[[str], None]


def parse_pids(values: Sequence[str]) -> list[int]:
    """-p values (repeatable, each a list split at commas, spaces, tabs or newlines, so that
    `pidof`/`pgrep` output works) as pids, in order, once each; strace's messages for anything
    that is not a positive pid, and for sysrec's own."""
    pids: list[int] = []
    for value in values:
        rest = value
        while rest:
            item, delim, rest = _split_first(rest)
            digits = item[1:] if item.startswith("+") else item  # strtol's sign
            pid = int(digits) if digits.isdigit() and digits.isascii() else 0
            if pid <= 0:
                raise InputError(f"Invalid process id: '{item}'")
            if pid == os.getpid():
                raise InputError("I'm sorry, I can't let you do that, Dave.")
            if pid not in pids:
                pids.append(pid)
            if not delim:
                break
    return pids


def _split_first(text: str) -> tuple[str, str, str]:
    """The text up to the first -p list separator, the separator ('' at the end), the rest."""
    for i, ch in enumerate(text):
        if ch in ",\n\t ":
            return text[:i], ch, text[i + 1:]
    return text, "", ""


def _threads_of(pid: int) -> list[int]:
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except (OSError, ValueError):
        return [pid]


class Attacher(Tracer):
    """Traces running processes: the Tracer's loop, an attach start and a detach end."""

    # Detaching at the end needs every stop: the C loop answers some by itself.
    c_loop_allowed = False

    def __init__(self, pids: Sequence[int], options: TraceOptions, sink: Any, *, note: Note,
                 preload: Sequence[str] = (), context_hook: Any = None, annotate_fds: bool = False,
                 inject: Any = None) -> None:
        super().__init__(["-p"], options._replace(seccomp=False), sink, preload=preload,
                         context_hook=context_hook, annotate_fds=annotate_fds, inject=inject)
        self.pids = list(pids)
        self.note = note
        self.detaching = False

    def run(self) -> TraceResult:
        old_handlers = self._install_signal_handlers()
        try:
            self._attach_all()
            self.main_pid = self.pids[0]
            self._loop()
        except BaseException:
            self._detach_all_now()
            raise
        finally:
            self._restore_signal_handlers(old_handlers)
            for task in self.tasks.values():
                task.mem.close()
            if self.fd_resolver is not None:
                self.fd_resolver.close()
        # strace -p exits 0 when the processes end; 128+N when it was interrupted by signal N.
        if self.end_reason is not None:
            code = 128 + self.end_signal if self.end_signal else 1
            return TraceResult(end=self.end_reason, exit_status=code, pid=self.main_pid, other_children={})
        status = self.main_status
        end = "killed" if status is not None and os.WIFSIGNALED(status) else "exited"
        return TraceResult(end=end, exit_status=0, pid=self.main_pid, other_children={})

    # ---- start ----------------------------------------------------------------------------
    def _options(self) -> int:
        options = A.O_TRACESYSGOOD | A.O_TRACEEXEC
        if self.opts.follow:
            options |= A.O_TRACEFORK | A.O_TRACEVFORK | A.O_TRACECLONE
        return options

    def _attach_all(self) -> None:
        """Seize and interrupt every task; strace's `Process N attached[ with M threads]`."""
        options = self._options()
        for pid in self.pids:
            if pid in self.tasks:
                continue
            tgid = _tgid_of(pid)
            try:
                self._seize(pid, tgid, options)
            except OSError as err:
                self._detach_all_now()
                message = f"attach: ptrace(PTRACE_SEIZE, {pid}): {os.strerror(err.errno or 0)}"
                # a pid that does not exist is bad input (2); one that may not be traced, 1
                raise (InputError(message) if err.errno == 3 else SysrecError(message, exit_status=1)) from None
            count = 1
            if self.opts.follow:
                # threads created meanwhile are caught by the clone option of those seized
                # already, or by the next pass over /proc/PID/task
                seen = {pid}
                while True:
                    fresh = [t for t in _threads_of(pid) if t not in seen]
                    if not fresh:
                        break
                    for tid in fresh:
                        seen.add(tid)
                        if tid in self.tasks:
                            continue
                        try:
                            self._seize(tid, tgid, options)
                        except OSError:  # exited meanwhile
                            continue
                count = len([t for t in seen if t in self.tasks])
            self.note(f"Process {pid} attached with {count} threads" if count > 1 else f"Process {pid} attached")

    def _seize(self, tid: int, tgid: int, options: int) -> None:
        bootstrap.ptrace(A.PTRACE_SEIZE, tid, 0, options)
        self.tasks[tid] = _Task(tid, tgid, silent=False, execd=True)
        try:
            bootstrap.ptrace(A.PTRACE_INTERRUPT, tid)
        except ProcessLookupError:
            pass

    def _spawned(self, parent: _Task, event: int) -> None:
        """-f: strace's `Process N attached` for each new child or thread it follows."""
        known = set(self.tasks)
        super()._spawned(parent, event)
        if not self.opts.follow:
            return
        for tid in self.tasks.keys() - known:
            self.note(f"Process {tid} attached")

    def _adopt(self, pid: int) -> _Task:
        task = super()._adopt(pid)
        if self.opts.follow:
            self.note(f"Process {pid} attached")
        return task

    # ---- end ------------------------------------------------------------------------------
    def _on_signal(self, signum: int, _frame: object) -> None:
        if self.end_reason is None:
            self.end_reason = "interrupted"
            self.end_signal = signum
        for tid in list(self.tasks):
            try:
                bootstrap.ptrace(A.PTRACE_INTERRUPT, tid)
            except OSError:
                pass

    def _expire(self) -> None:
        self._on_signal(0, None)
        self.end_reason = "timeout"

    def _stop_tracing(self, task: _Task, status: int) -> None:
        """Detach at this stop; a signal it was about to get (a signal-delivery stop: no event,
        not a syscall-stop) is handed back with the detach, so that it is not lost."""
        sig = (status >> 8) & 0xFF
        pending = sig if status >> 16 == 0 and sig != A.SYSCALL_TRAP else 0
        self._detach(task, pending)

    def _detach(self, task: _Task, sig: int = 0) -> None:
        if self.open_task is task and task.in_call and task.state is not None:
            # strace ends the call's open line with `<detached ...>`
            self.open_task = None
            event = {"ev": "enter", "pid": task.tid, "tgid": task.tgid, "name": task.state.name,
                     "args": task.state.args, "t0": task.t0, "more": task.state.more,
                     "raw": list(task.state.raw), "detached": True}
            if task.fds:
                event["fds"] = task.fds
            self.sink(event)
        try:
            bootstrap.ptrace(A.PTRACE_DETACH, task.tid, 0, sig)
        except OSError:
            pass
        self.tasks.pop(task.tid, None)
        task.mem.close()
        self.note(f"Process {task.tid} detached")

    def _detach_all_now(self) -> None:
        """After an error: interrupt every tracee, detach each at its stop (bounded wait)."""
        for tid in list(self.tasks):
            try:
                bootstrap.ptrace(A.PTRACE_INTERRUPT, tid)
            except OSError:
                self.tasks.pop(tid, None)
        while self.tasks:
            try:
                pid, status = os.waitpid(-1, A.WALL)
            except ChildProcessError:
                break
            task = self.tasks.get(pid)
            if task is None:
                continue
            if os.WIFSTOPPED(status):
                self._detach(task)
            else:
                self.tasks.pop(pid, None)


def attach(pids: Sequence[int], options: TraceOptions, sink: Any, *, note: Note, **kwargs: Any) -> TraceResult:
    """Trace the running processes `pids` until they exit or sysrec is interrupted (then they are
    detached and run on); `note` gets strace's attach/detach messages (without a prefix)."""
    return Attacher(pids, options, sink, note=note, **kwargs).run()
