"""The tracing loop: one waitpid(-1, __WALL) loop over every tracee, events out through a sink.

Stops are told apart by their wait status: SIGTRAP|0x80 is a syscall-stop (PTRACE_O_TRACESYSGOOD),
SIGTRAP with an event number in bits 16+ is an event stop (fork, exec, seccomp…), and
PTRACE_EVENT_STOP (the tracees are seized) is either a group-stop (its signal is SIGSTOP, SIGTSTP,
SIGTTIN or SIGTTOU: the tracee is left stopped with PTRACE_LISTEN until SIGCONT, as strace does) or
any other trap (a new child's first stop, the end of a group-stop: resumed). Anything else is a
signal for the tracee, delivered when restarting it. Entry and exit of a call are read with one
PTRACE_GET_SYSCALL_INFO each.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import time
from collections import namedtuple
from collections.abc import Callable

from sysrec.errors import InputError, SysrecError
from sysrec.syscall_numbers_x86_64 import SYSCALL_NAMES
from sysrec.syscalls import DEFAULT_SET, SYSCALL_NUMBERS
from sysrec.tracer import abi as A
from sysrec.tracer import bootstrap
from sysrec.tracer import ptrace_ops as P
from sysrec.tracer.bootstrap import prctl
from sysrec.tracer.captured import CapturedMemory
from sysrec.tracer.fds import FdResolver
from sysrec.tracer.memory import ProcMemory
from sysrec.tracer.seccomp import X32_SYSCALL_BIT, PreparedFilter, build_filter
from sysrec.tracer.spawn import resolve_command, spawn_traced

# typing is not imported at run time: `sysrec trace` imports this module before the traced
# program can start, and typing alone costs ~2 ms there. Annotations are strings (PEP 563).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Sequence

    from sysrec.tracer.spawn import StdSpec

Event = dict[str, "Any"]
Sink = Callable[[Event], None]
ContextHook = Callable[[Event], "dict[str, Any] | None"]

_EXECVE_NRS = frozenset({SYSCALL_NUMBERS["execve"], SYSCALL_NUMBERS["execveat"]})
_EXECVEAT_NR = SYSCALL_NUMBERS["execveat"]
# What Tracer._boot_stop made of a stop.
_BOOT_NOT, _BOOT_MORE, _BOOT_DONE = 0, 1, 2
# The ABIs a task's syscalls come through, as strace names its personalities.
PERSONALITIES = {A.AUDIT_ARCH_X86_64: "64 bit", A.AUDIT_ARCH_I386: "32 bit"}
_SIGTRAP = signal.SIGTRAP.value
# The signals whose PTRACE_EVENT_STOP is a group-stop (job control).
_STOP_SIGNALS = frozenset(s.value for s in (signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU))

class TraceOptions(namedtuple("TraceOptions", ("trace_set", "follow", "seccomp", "strsize", "fd_decode",
                                               "same_cpu", "handle_signals", "instruction_pointer",
                                               "report_exec", "unabbreviated", "xlat_style", "verbose"),
                              defaults=(DEFAULT_SET, False, True, 32, 0, False, True, False, False, None,
                                        "abbrev", None))):
    """What to trace and how; mirrors the `sysrec trace` flags.

    - trace_set: syscall names to record (default: the network calls plus
      select/poll/epoll/fcntl/close); None records every syscall (no seccomp filter needed then).
      Numbers with no name are recorded in any case, as strace shows them.
    - follow: -f, record forks, vforks, clones and threads too. Without it they run unrecorded;
      under seccomp they stay attached silently (a filtered syscall with no tracer fails with
      ENOSYS), so the trace ends when they have all exited, as with -f.
    - seccomp: stop only at traced syscalls through a seccomp-BPF filter; False: PTRACE_SYSCALL
      at every syscall, filtered here.
    - strsize: -s, the string size handed to the decoders.
    - fd_decode: 0 none, 1 -y (what each fd refers to), 2 -yy (socket endpoints, looked up in the
      tracee's network namespace).
    - same_cpu: run the tracer and the tracee on one CPU (sched_setaffinity, inherited by the
      tracee's children): a ptrace stop costs ~5x less than across CPUs (FIELD-NOTES §5), but
      the program sees one CPU (nproc, thread pools, GOMAXPROCS) — it changes what is traced,
      so it is off unless a scenario asks for it (`[client] same_cpu = true`). The caller's
      affinity is restored afterwards.
    - handle_signals: catch SIGINT/SIGTERM/SIGHUP while tracing (main thread only): the program
      is killed, end="interrupted".
    - instruction_pointer: -i, put the tracee's instruction pointer (`ip`) in syscall, enter
      and signal events.
    - report_exec: -Y, an `exec` event (no strace line) when a traced process runs a new
      program, traced execve or not: its command name changed.
    - unabbreviated: -v / -e abbrev=SET, the syscalls whose decoders record strace's full
      forms as well (sysrec.decode.common.abbreviable); None: none.
    - xlat_style: -X, how constants print (sysrec.decode.xlat.styled).
    - verbose: -e verbose=SET, the syscalls whose structs are decoded; None: all.
    """

    __slots__ = ()
    trace_set: Sequence[str] | None  # default DEFAULT_SET
    follow: bool  # False
    seccomp: bool  # True
    strsize: int  # 32
    fd_decode: int  # 0
    same_cpu: bool  # False
    handle_signals: bool  # True
    instruction_pointer: bool  # False
    report_exec: bool  # False
    unabbreviated: Any  # None
    xlat_style: str  # "abbrev"
    verbose: Any  # None


class TraceResult(namedtuple("TraceResult", ("end", "exit_status", "pid", "other_children"))):
    """How the run ended.

    - end: exited, killed, interrupted, timeout.
    - exit_status: the program's exit status; 128+N when killed by signal N (or, interrupted,
      when sysrec got signal N).
    - pid: the traced command's pid.
    - other_children: children of the calling process that were not tracees but that the loop
      reaped (pid -> raw wait status).
    """

    __slots__ = ()
    end: str
    exit_status: int
    pid: int
    other_children: dict[int, int]


class _Task:
    """Per-thread tracing state."""

    __slots__ = ("tid", "tgid", "mem", "silent", "execd", "in_call", "state", "nr",
                 "t0", "unfinished", "fds", "adopted", "reprint", "ip", "arch", "previous", "memo_key")

    def __init__(self, tid: int, tgid: int, silent: bool, execd: bool) -> None:
        self.tid = tid
        self.tgid = tgid
        self.mem = ProcMemory(tid)
        self.arch = A.AUDIT_ARCH_X86_64  # the ABI of its last syscall (strace's personality)
        self.silent = silent
        self.execd = execd
        self.in_call = False
        self.state: Any = None  # the decoders' EntryState while in a recorded call
        self.nr = -1
        self.t0 = 0
        self.unfinished = False
        self.fds: dict[str, dict[str, str]] | None = None
        self.adopted = False  # stopped before its parent's fork event told us who it is
        # Took over its leader's pid by an execve: strace splits its next call's line in two
        # (`NAME(... <unfinished ...>`, `<... NAME resumed>`), its TCB_REPRINT.
        self.reprint = False
        self.ip = 0  # -i: where the current call was made
        self.previous: str | None = None  # the last traced call that returned (restart_syscall)
        self.memo_key: tuple[Any, ...] | None = None  # the C loop's current call, in DecodeMemo


class Tracer:
    """One traced command. Use `sysrec.tracer.trace()`; this class holds the loop's state."""

    def __init__(self, argv: Sequence[str], options: TraceOptions, sink: Sink, *,
                 context_hook: ContextHook | None = None, annotate_fds: bool = False,
                 env: Mapping[str, str] | None = None, cwd: str | None = None,
                 stdin: StdSpec = None, stdout: StdSpec = None, stderr: StdSpec = None,
                 timeout: float | None = None, preload: Sequence[str] = (),
                 credentials: Any = None, inject: Any = None, live_output: bool = True) -> None:
        self.argv = list(argv)
        # The lines go where the program may write too, as they come (a terminal, stderr):
        # under seccomp, a call's exit then waits for its line (see sink_while_running).
        self.live_output = live_output
        from sysrec.tracer import cloop
        cloop.chosen()  # SYSREC_LOOP checked before anything runs
        self.inject = inject  # -e inject=/fault=: sysrec.tracer.inject.Injector
        self.credentials = credentials  # -u: sysrec.tracer.credentials.Credentials
        self.preload = tuple(preload)  # the caller's; the decoders come after them (see _preload)
        self.opts = options
        self.user_sink = sink
        self.sink: Sink = self._first_event  # waits for the caller's preloaded modules, then is `sink`
        self.context_hook = context_hook
        self.env = env
        self.cwd = cwd
        self.std = (stdin, stdout, stderr)
        self.timeout = timeout
        # The decoders are imported when first needed (and meanwhile in the background, see
        # run()): a program that makes no traced call never waits for them.
        self.dec: Any = None
        self.dopts: Any = None
        self.memo = DecodeMemo()
        self.preloader: Any = None  # sysrec.tracer.preload.Preloader, once started
        self.preloaded = False
        self.cpus: tuple[set[int], set[int]] | None = None  # (allowed, pinned) for the preloader
        # A full trace's execve, answered before the decoders are imported (_boot_stop): its
        # entry and exit records, which the C loop's decoder thread decodes first.
        self.boot_records: list[tuple[Any, ...]] = []
        self.made_loop: Any = False  # _made_loop()'s C loop, once made (None: the Python loop)
        self.boot_in_execve = False  # between the program's execve entry and exit stops
        names = options.trace_set
        self.trace_all = names is None
        unknown = [n for n in names or () if n not in SYSCALL_NUMBERS]
        if unknown:
            raise InputError(f"trace set: unknown syscall name(s) {', '.join(unknown)}")
        # Numbers without a name are traced whatever the set (strace always shows them): what
        # is left out is the named syscalls not in the set.
        self.untraced_nrs = frozenset(SYSCALL_NAMES.keys() - {SYSCALL_NUMBERS[n] for n in names}) \
            if names is not None else frozenset()
        self.trace_names = frozenset(names) if names is not None else None  # i386 calls: by name
        self.use_seccomp = bool(options.seccomp) and not self.trace_all
        level = options.fd_decode or (1 if annotate_fds else 0)
        self.fd_resolver = FdResolver(level) if level else None
        self.tasks: dict[int, _Task] = {}
        self.gone_before_announced: set[int] = set()  # adopted children reaped before their fork event
        self.open_task: _Task | None = None
        self.main_pid = -1
        self.main_status: int | None = None
        self.end_reason: str | None = None
        self.end_signal = 0
        self.other_children: dict[int, int] = {}
        self.children_before: set[int] = set()
        self.killed: set[int] = set()
        self.victims: set[int] = set()  # every process killed at the end, watched until it is gone
        self.info = P.SyscallInfoReader()
        self.resume_idle = A.PTRACE_CONT if self.use_seccomp else A.PTRACE_SYSCALL
        # A call's exit event goes to the sink after the tracee is resumed: everything is read
        # from it by then, so it runs on (on another CPU when there is one) while the event is
        # rendered and written, and its next stop is often waiting when the loop next calls
        # waitpid. Only when it stops at its very next syscall (PTRACE_SYSCALL, no seccomp
        # filter): it can do nothing visible, such as writing to the terminal the lines go to,
        # before the line is out.
        self.sink_while_running = not self.use_seccomp

    # ---- public ---------------------------------------------------------------------------
    def run(self) -> TraceResult:
        path = resolve_command(self.argv, self.env, self.cwd)
        flt = None
        if self.use_seccomp:
            try:
                flt = PreparedFilter(build_filter(self.untraced_nrs, skip=True))
            except ValueError:  # a trace set too large for one BPF program: stop everywhere
                self.use_seccomp = False
                self.resume_idle = A.PTRACE_SYSCALL
                self.sink_while_running = True
        old_affinity: set[int] | None = None
        old_subreaper = _become_subreaper()
        self.children_before = _children_of(os.getpid())
        old_handlers = self._install_signal_handlers()
        timer: Any = None
        spawned = None
        try:
            if self.opts.same_cpu:  # before the fork: the child inherits it
                old_affinity = _pin_to_current_cpu()
            spawned = spawn_traced(path, self.argv, env=self.env, cwd=self.cwd, stdin=self.std[0],
                                   stdout=self.std[1], stderr=self.std[2], seccomp=flt,
                                   ignored_signals=_ignored_before(old_handlers),
                                   credentials=self.credentials)
            self.main_pid = spawned.pid
            main = _Task(spawned.pid, spawned.pid, silent=False, execd=False)
            self.tasks[spawned.pid] = main
            pinned = os.sched_getaffinity(0)
            self.cpus = (old_affinity or pinned, pinned)
            self._first_stop(main, spawned)
            if self.timeout is not None:
                import threading
                timer = threading.Timer(self.timeout, self._expire)
                timer.daemon = True
                timer.start()
            self._loop()
            if self.killed or self.victims:
                self._reap_killed()
            failure = spawned.exec_error() if not main.execd else None
            if failure and self.end_reason is None:
                code, text = failure
                raise SysrecError(f"cannot execute {text}", exit_status=127 if code == errno.ENOENT else 126)
        except BaseException:
            self._kill_all()
            self._drain()
            raise
        finally:
            if timer is not None:
                timer.cancel()
            if spawned is not None:
                spawned.close()
            self._restore_signal_handlers(old_handlers)
            if old_affinity is not None:
                os.sched_setaffinity(0, old_affinity)
            if old_subreaper == 0:
                prctl(PR_SET_CHILD_SUBREAPER, 0)
            for task in self.tasks.values():
                task.mem.close()
            if self.fd_resolver is not None:
                self.fd_resolver.close()
        return self._result()

    # ---- set-up and tear-down -------------------------------------------------------------
    def _first_stop(self, task: _Task, spawned: Any) -> None:
        """The child has stopped itself, untraced: seize it with the options, then SIGCONT it.

        Seized while in its group-stop, it reports a PTRACE_EVENT_STOP (SIGSTOP), then another
        one once SIGCONT ends the group-stop (SIGTRAP), then the delivery of SIGCONT, then its
        execve: the loop's start-up path (`_before_exec`) answers them."""
        pid = task.tid
        _, status = os.waitpid(pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            self.tasks.pop(pid, None)
            failure = spawned.exec_error()
            why = failure[1] if failure else f"wait status {status:#x}"
            raise SysrecError(f"{self.argv[0]}: the child died before tracing started ({why})")
        options = A.O_TRACESYSGOOD | A.O_TRACEEXEC | A.O_EXITKILL
        if self.opts.follow or self.use_seccomp:
            # Without -f under seccomp, children still have to be traced (silently): a filtered
            # syscall with no tracer attached fails with ENOSYS.
            options |= A.O_TRACEFORK | A.O_TRACEVFORK | A.O_TRACECLONE
        if self.use_seccomp:
            options |= A.O_TRACESECCOMP
        try:
            bootstrap.ptrace(A.PTRACE_SEIZE, pid, 0, options)
        except OSError as err:
            raise SysrecError(f"{self.argv[0]}: cannot trace it: ptrace(PTRACE_SEIZE): "
                              f"{os.strerror(err.errno or 0)}") from None
        os.kill(pid, signal.SIGCONT)

    def _install_signal_handlers(self) -> dict[int, Any]:
        old: dict[int, Any] = {}
        if not self.opts.handle_signals:
            return old
        try:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                old[sig] = signal.signal(sig, self._on_signal)
        except ValueError:  # not the main thread: the caller handles signals
            self._restore_signal_handlers(old)
            return {}
        return old

    @staticmethod
    def _restore_signal_handlers(old: dict[int, Any]) -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self.end_reason is None:
            self.end_reason = "interrupted"
            self.end_signal = signum
        self._kill_all()

    def _expire(self) -> None:
        if self.end_reason is None:
            self.end_reason = "timeout"
        self._kill_all()

    def _kill_all(self) -> None:
        """SIGKILL every tracee, and every process the program started that we do not trace
        (children without -f under --no-seccomp, orphans re-parented to us)."""
        victims = set(self.tasks)
        if self.main_pid > 0:
            roots = victims | {self.main_pid} | (_children_of(os.getpid()) - self.children_before)
            victims |= roots
            for root in roots:
                victims |= _descendants(root)
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.killed |= victims - set(self.tasks)
        self.victims |= victims - {self.main_pid}

    def _reap_killed(self) -> None:
        """Reap the untraced processes we killed that ended up as our children (re-parented),
        and the tracees whose exit we saw as their tracer but whose zombie came back to us as
        their (subreaper) parent only afterwards, when their own parent died: a bounded wait, so
        that nothing is left for init when sysrec exits."""
        me = os.getpid()
        for pid in self.killed:
            if pid != self.main_pid and _parent_of(pid) == me:
                try:
                    os.waitpid(pid, A.WALL)
                except ChildProcessError:
                    pass
        watch = set(self.victims)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            watch |= _children_of(me) - self.children_before - {self.main_pid}
            for pid in list(watch):
                if _parent_of(pid) == me:  # ours now (its parent died first): reap it
                    try:
                        os.waitpid(pid, A.WALL | os.WNOHANG)
                    except ChildProcessError:
                        pass
                if not os.path.exists(f"/proc/{pid}"):
                    watch.discard(pid)
            if not watch:
                return
            time.sleep(0.005)

    def _drain(self) -> None:
        """Reap whatever tracee is left after an error, so that nothing outlives sysrec."""
        while self.tasks:
            try:
                pid, status = os.waitpid(-1, A.WALL)
            except ChildProcessError:
                break
            if os.WIFSTOPPED(status):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            else:
                self.tasks.pop(pid, None)

    def _result(self) -> TraceResult:
        status = self.main_status
        if status is None:
            code, end = 1, "error"
        elif os.WIFSIGNALED(status):
            code, end = 128 + os.WTERMSIG(status), "killed"
        else:
            code, end = os.WEXITSTATUS(status), "exited"
        if self.end_reason is not None:
            end = self.end_reason
            if self.end_signal:
                code = 128 + self.end_signal
        return TraceResult(end=end, exit_status=code, pid=self.main_pid, other_children=self.other_children)

    # ---- the loop -------------------------------------------------------------------------
    def _loop(self) -> None:
        tasks = self.tasks
        waitpid = os.waitpid
        wall = A.WALL
        syscall_trap = A.SYSCALL_TRAP
        ready = False
        while tasks:
            try:
                pid, status = waitpid(-1, wall)
            except ChildProcessError:
                break
            if not ready:
                if self._before_exec(pid, status):
                    continue
                self._preload()
                boot = self._boot_stop(pid, status)
                if boot == _BOOT_MORE:
                    continue
                if boot == _BOOT_DONE:  # the program runs on under the C loop while the decoders import
                    self._c_loop(self.made_loop, self.boot_records)
                    return
                self._dispatch(pid, status)
                if self.dec is None and self.use_seccomp:
                    # No traced call yet (a fork, a signal, the end): neither the decoders
                    # nor the C loop are needed.
                    continue
                ready = True
                if not tasks:
                    break
                self._decoders()
                stop_loop = self._made_loop()
                if stop_loop is not None:
                    self._c_loop(stop_loop)
                    return
                continue
            if status & 0xFF == 0x7F:  # stopped
                task = tasks.get(pid)
                if task is None:
                    task = self._adopt(pid)
                if self.end_reason is not None:
                    self._stop_tracing(task, status)
                    continue
                sig = (status >> 8) & 0xFF
                if sig == syscall_trap:
                    self._syscall_stop(task)
                elif status >> 16:
                    if status >> 16 == A.EVENT_STOP:
                        self._trap_stop(task, sig)
                    else:
                        self._event_stop(task, status >> 16)
                else:
                    self._signal_stop(task, sig)
            else:
                self._reap(pid, status)

    def _dispatch(self, pid: int, status: int) -> None:
        """One stop or end, as the loop above answers it (for the stops outside that loop)."""
        if status & 0xFF != 0x7F:
            self._reap(pid, status)
            return
        task = self.tasks.get(pid)
        if task is None:
            task = self._adopt(pid)
        if self.end_reason is not None:
            self._stop_tracing(task, status)
            return
        sig = (status >> 8) & 0xFF
        if sig == A.SYSCALL_TRAP:
            self._syscall_stop(task)
        elif status >> 16 == A.EVENT_STOP:
            self._trap_stop(task, sig)
        elif status >> 16:
            self._event_stop(task, status >> 16)
        else:
            self._signal_stop(task, sig)

    # ---- the C stop loop (sysrec/tracer/_stoploop.c) --------------------------------------
    def _stop_loop(self) -> Any:
        """The C loop, set up for this trace; None where it does not apply: not built, turned
        off (SYSREC_LOOP=python), or a trace whose calls need the live tracee at every stop
        (-y lookups, injection, a context hook, attaching, -Y: the sink reads the tracee's name
        in /proc when a process first shows up; -v: the full forms read more than the capture
        spec takes)."""
        if (self.fd_resolver is not None or self.inject is not None or self.context_hook is not None
                or self.opts.report_exec or self.opts.unabbreviated is not None or not self.c_loop_allowed):
            return None
        from sysrec.tracer import cloop
        return cloop.new_loop(self.use_seccomp, self.untraced_nrs, self.opts.strsize, self.live_output)

    c_loop_allowed = True  # subclasses that answer stops their own way turn it off

    def _made_loop(self) -> Any:
        """_stop_loop(), made once: the start-up path (_boot_stop) asks first, _loop may ask again."""
        if self.made_loop is False:
            self.made_loop = self._stop_loop()
        return self.made_loop

    def _c_loop(self, loop: Any, first: list[tuple[Any, ...]] | None = None) -> None:
        """Let the C loop answer the quiet calls; decode its batches (here between its runs, or
        in a second thread while it runs on), in stop order, and answer every other stop as
        _loop does. Each task's state in C follows its state here. `first`: records made
        before the loop ran (the execve, _boot_stop), decoded before its own."""
        from sysrec.tracer import cloop
        tasks = self.tasks
        known: set[int] = set()
        self._sync_all(loop, known)
        decoder = failure = first_done = None
        if loop.threaded:
            import threading
            failure = []
            if first:
                first_done = threading.Event()
            decoder = threading.Thread(target=self._decode_batches, args=(loop, failure, first, first_done),
                                       name="sysrec-decode", daemon=True)
            decoder.start()
        elif first:
            self._replay(first)
        try:
            while tasks:
                batch, why, pid, status = loop.run()
                if batch:
                    self._replay(batch)
                if first_done is not None and why in (cloop.SLOW, cloop.HELD):
                    first_done.wait()  # the loop waited for its own records, not these
                    first_done = None
                if why == cloop.SLOW:
                    self._dispatch(pid, status)
                    if status & 0xFF == 0x7F and status >> 16 in (0, A.EVENT_SECCOMP):
                        task = tasks.get(pid)
                        if task is not None:
                            self._sync(loop, task, known)
                    else:  # fork, exec, end: tasks came, went or moved
                        self._sync_all(loop, known)
                elif why == cloop.HELD:
                    task = tasks.get(pid)
                    if task is not None:
                        self._resume(task)
                elif why in (cloop.NO_CHILD, cloop.ABORTED):
                    break
        finally:
            if decoder is not None:
                loop.close()
                decoder.join()
        if failure:
            raise failure[0]

    def _decode_batches(self, loop: Any, failure: list[BaseException], first: list[tuple[Any, ...]] | None,
                        first_done: Any) -> None:
        """The decoder thread: `first`, then the C loop's batches, in order, until it is closed."""
        try:
            if first:
                try:
                    self._replay(first)
                finally:
                    first_done.set()
            take = loop.take
            while (batch := take()) is not None:
                self._replay(batch)
        except BaseException as err:  # handed to the tracing thread, which raises it
            failure.append(err)
            loop.abort()

    @staticmethod
    def _sync(loop: Any, task: _Task, known: set[int]) -> None:
        state = 0
        # a task in another ABI (int $0x80) stays with Python, which sees it switch back
        if not task.silent and task.execd and not task.adopted and task.arch == A.AUDIT_ARCH_X86_64:
            state = 3 if task.in_call else 1
        fd = task.mem.fileno() if state else -1
        loop.set_task(task.tid, state if fd >= 0 else 0, fd)
        known.add(task.tid)

    def _sync_all(self, loop: Any, known: set[int]) -> None:
        for tid in known - self.tasks.keys():
            loop.set_task(tid, 0, -1)
        known &= self.tasks.keys()
        for task in self.tasks.values():
            self._sync(loop, task, known)

    def _replay(self, batch: list[tuple[Any, ...]]) -> None:
        """Decode the C loop's calls from what it captured, as if at their stops: _enter and
        _finish, inlined for the hot path with what the C loop rules out left out (no -y, no
        inject, no context hook: see _stop_loop)."""
        tasks = self.tasks
        info = self.info
        memory = CapturedMemory
        dec = self.dec or self._decoders()
        enter, leave, dopts = dec.enter, dec.leave, self.dopts
        names = SYSCALL_NAMES
        sink = self.sink
        entered, left, arity, entry_state = self.memo.entered, self.memo.left, dec.arity, dec.EntryState
        arities, per_call = self.memo.arities, dec.PER_CALL_ROWS
        for rec in batch:
            task = tasks.get(rec[1])
            if task is None:
                continue
            if rec[0] == 0:
                _, _, nr, args, t0, info.ip, task.mem.stack_pointer, regions = rec
                if task.silent or (not task.execd and nr not in _EXECVE_NRS):
                    continue
                name = names.get(nr) or f"syscall_{nr:#x}"
                n = arities.get(nr)
                if n is None:
                    n = arity(name, args)
                    if name not in per_call:
                        arities[nr] = n
                key = (nr, args[:n], regions)
                known = entered.get(key)
                if known is None:
                    state = enter(name, args, memory(regions, nr), dopts, task.previous)
                    if regions is None or _memo_size(regions) <= MEMO_BYTES:
                        self.memo.keep(entered, key, state)
                else:  # this call's own registers, the decoding of the first one alike
                    state = entry_state(name, args, known.args, known.more, known.call, known.sig)
                task.memo_key = key
                self._entered(task, state, nr, t0 or time.time_ns())
                continue
            _, _, rval, is_error, t1, info.ip, info.sp, regions = rec
            state = self._leaving(task)
            if state is None:
                continue
            key = (task.memo_key, rval, is_error, regions)
            done = left.get(key)
            if done is None:
                done = leave(state, rval, memory(regions, task.nr), dopts)
                if regions is None or _memo_size(regions) <= MEMO_BYTES:
                    self.memo.keep(left, key, done)
            sink(self._syscall_event(task, state, done, rval, dec.errno_name(rval) if is_error and rval is not None
                                     else None, t1 or time.time_ns()))

    def _stop_tracing(self, task: _Task, status: int) -> None:
        """A stop after the trace was ended (signal, timeout): the program is killed
        (sysrec.tracer.attach detaches instead)."""
        self._kill_all()

    def _adopt(self, pid: int) -> _Task:
        """A new child whose initial stop came before its parent's fork event."""
        task = _Task(pid, pid, silent=not self.opts.follow, execd=True)
        task.adopted = True
        self.tasks[pid] = task
        return task

    def _before_exec(self, pid: int, status: int) -> bool:
        """The forked task's stops up to its own execve (the start-up traps after the seize, a
        signal for it, the exec event; single-threaded, so its tid stays) are answered at once,
        through libc, without waiting for the background imports: a program that makes
        no traced call never waits for them. False for any other stop."""
        task = self.tasks.get(pid)
        if (task is None or pid != self.main_pid or task.execd or self.end_reason is not None
                or status & 0xFF != 0x7F):
            return False
        sig = (status >> 8) & 0xFF
        event = status >> 16
        if event == A.EVENT_EXEC and sig == _SIGTRAP:
            task.mem.reopen(pid)
            task.execd = True
            _boot_resume(self.resume_idle, pid)
            self._preload()
        elif event == A.EVENT_STOP:  # no line before the exec (strace hides them too)
            _boot_resume(A.PTRACE_LISTEN if sig in _STOP_SIGNALS else self.resume_idle, pid)
        elif event == 0 and sig != A.SYSCALL_TRAP:  # a signal: delivered (SIGCONT, at least)
            _boot_resume(self.resume_idle, pid, sig)
        else:
            return False
        return True

    def _boot_stop(self, pid: int, status: int) -> int:
        """The program's execve in a full trace, answered without the decoders (~60-90 ms to
        import): its entry's memory captured (`exec_capture`), its exit's result kept, as the
        C loop records its calls; after the exit the C loop runs the program on while they
        import (_BOOT_DONE). _BOOT_MORE: answered, the exit is to come; _BOOT_NOT: a stop for
        _dispatch (the records made so far are decoded first)."""
        task = self.tasks.get(pid)
        if (task is None or pid != self.main_pid or self.dec is not None or self.use_seccomp
                or status != (A.SYSCALL_TRAP << 8) | 0x7F or self.end_reason is not None):
            return self._boot_abandoned()
        loop = self._made_loop()
        if loop is None or not loop.threaded:  # its batches decoded between its runs: no one to wait for
            return self._boot_abandoned()
        try:
            op, arch, payload = self.info.read(pid)
        except P.PtraceError:
            return self._boot_abandoned()
        if arch != A.AUDIT_ARCH_X86_64:
            return self._boot_abandoned()
        execve_entry = op == A.INFO_ENTRY and payload[0] in _EXECVE_NRS
        if not self.boot_in_execve and not task.execd and not execve_entry:
            _boot_resume(A.PTRACE_SYSCALL, pid)  # the child's own calls before the execve: never shown
            return _BOOT_MORE
        if execve_entry and not self.boot_in_execve and not task.execd:
            nr, args = payload[0], payload[1:]
            if nr not in self.untraced_nrs:
                from sysrec.tracer.exec_capture import execve_regions
                regions = execve_regions(task.mem, args, 1 if nr == _EXECVEAT_NR else 0, self.opts.strsize)
                self.boot_records.append((0, pid, nr, args, time.time_ns(), self.info.ip, self.info.sp, regions))
            self.boot_in_execve = True
            _boot_resume(A.PTRACE_SYSCALL, pid)
            return _BOOT_MORE
        if op == A.INFO_EXIT and self.boot_in_execve:
            if self.boot_records:
                rval, is_error = payload
                self.boot_records.append((1, pid, rval, is_error, time.time_ns(), self.info.ip, self.info.sp, None))
            self.boot_in_execve = False
            _boot_resume(A.PTRACE_SYSCALL, pid)
            return _BOOT_DONE
        return self._boot_abandoned()

    def _boot_abandoned(self) -> int:
        """A stop the start-up path does not answer: what it recorded is decoded now, in order."""
        if self.boot_records:
            records, self.boot_records = self.boot_records, []
            self._replay(records)
        return _BOOT_NOT

    def _preload(self) -> None:
        """The program runs now. What the caller's sink needs (its renderer) is imported
        meanwhile, in a thread kept off the CPU the program runs on; the first event waits for
        it (_first_event). The decoders (~60 ms of imports) come after it in that thread
        without seccomp, where the first traced call (the execve) needs them: the C loop runs
        the program on meanwhile (_boot_stop), the Python loop waits for them. Under seccomp
        only with a CPU to spare (_cpu_to_spare); otherwise the first call that needs them
        imports them (_decoders): on a busy machine a program that makes none (bench's
        untraced dd) would lose that CPU time to them. Started at the first stop after the
        seize (the child's last calls before its execve): before that, the thread would hold
        the GIL while the tracer has the child's start-up stops to answer (up to the 5 ms
        switch interval each)."""
        if self.preloaded:
            return
        self.preloaded = True
        from sysrec.tracer.preload import Preloader
        allowed, pinned = self.cpus or (os.sched_getaffinity(0),) * 2
        later = ("sysrec.decode.calls",) if not self.use_seccomp or _cpu_to_spare(allowed) else ()
        self.preloader = Preloader(self.preload, later, allowed=allowed, away_from=pinned)

    def _first_event(self, event: Event) -> None:
        """The sink's first event: it may import what the preload imports (a renderer), so it
        waits for the caller's part of the preload; every later event goes to the sink directly."""
        self._preload()
        self.preloader.wait_first()
        self.sink = self.user_sink
        self.sink(event)

    def _preloaded(self) -> None:
        """Wait for the background imports: importing the same modules from two threads at once
        can expose a half-initialised module."""
        if self.preloader is not None:
            self.preloader.join()

    def _decoders(self) -> Any:
        dec = self.dec
        if dec is None:
            self._preloaded()
            from sysrec import decode as dec
            self.dopts = dec.DecodeOptions(strsize=self.opts.strsize, unabbreviated=self.opts.unabbreviated,
                                           xlat_style=self.opts.xlat_style, verbose=self.opts.verbose)
            self.dec = dec
        return dec

    def _resume(self, task: _Task, sig: int = 0) -> None:
        if self.inject is not None and not sig and self.inject.signals:
            sig = self.inject.signals.pop(task.tid, 0)  # signal= (sysrec.tracer.inject)
        if task.in_call:
            P.resume(P.PTRACE_SYSCALL, task.tid, sig)
        else:
            P.resume(self.resume_idle, task.tid, sig)

    # ---- stops ----------------------------------------------------------------------------
    def _syscall_stop(self, task: _Task) -> None:
        try:
            op, arch, payload = self.info.read(task.tid)
        except P.PtraceError:  # killed meanwhile (its exit status comes next), or unreadable
            self._resume(task)
            return
        if op == P.INFO_EXIT:
            event = self._finish(task, payload[0], payload[1]) if task.in_call else None  # type: ignore[misc]
            if event is not None and not self.sink_while_running:
                self.sink(event)
                event = None
            self._resume(task)
            if event is not None:
                self.sink(event)
            return
        if op == P.INFO_ENTRY:
            nr = payload[0]
            if arch != task.arch:
                self._personality(task, arch)
            if arch != A.AUDIT_ARCH_X86_64:
                self._enter_i386(task, nr, payload[1:])  # type: ignore[arg-type]
            elif nr not in self.untraced_nrs:
                self._enter(task, nr, payload[1:])  # type: ignore[arg-type]
        self._resume(task)

    def _event_stop(self, task: _Task, event: int) -> None:
        if event == P.EVENT_SECCOMP:
            if not task.silent:
                try:
                    op, arch, payload = self.info.read(task.tid)
                except P.PtraceError:
                    self._resume(task)
                    return
                nr = payload[0] if op == P.INFO_SECCOMP else None
                if nr is not None and arch != task.arch and arch in PERSONALITIES:
                    self._personality(task, arch)
                # x32 calls (the x32 bit in the low 32 bits) are not shown; -1 (a u64 here) is
                if (nr is not None and arch == P.AUDIT_ARCH_X86_64 and not X32_SYSCALL_BIT <= nr < 1 << 32
                        and nr not in self.untraced_nrs):
                    self._enter(task, nr, payload[1:])  # type: ignore[arg-type]
                elif nr is not None and arch == A.AUDIT_ARCH_I386:
                    self._enter_i386(task, nr, payload[1:])  # type: ignore[arg-type]
        elif event in (P.EVENT_FORK, P.EVENT_VFORK, P.EVENT_CLONE):
            self._spawned(task, event)
        elif event == P.EVENT_EXEC:
            task = self._execed(task)
        self._resume(task)

    def _spawned(self, parent: _Task, event: int) -> None:
        try:
            child_pid = P.get_event_msg(parent.tid)
        except P.PtraceError:
            return
        thread = event == P.EVENT_CLONE and _tgid_of(child_pid) == parent.tgid
        tgid = parent.tgid if thread else child_pid
        child = self.tasks.get(child_pid)
        silent = parent.silent or not self.opts.follow
        if child_pid in self.gone_before_announced:
            # Adopted, ran and was reaped before this event (a busy parent, a quick child): it
            # must not come back as a task that nothing will ever reap.
            self.gone_before_announced.discard(child_pid)
        elif child is None:
            child = _Task(child_pid, tgid, silent=silent, execd=parent.execd)
            self.tasks[child_pid] = child
        else:  # its initial stop came first and it was adopted
            child.tgid, child.silent, child.execd, child.adopted = tgid, silent, parent.execd, False
        if not silent:
            kind = "thread" if thread else {P.EVENT_FORK: "fork", P.EVENT_VFORK: "vfork"}.get(event, "clone")
            self.sink({"ev": "spawn", "pid": child_pid, "parent": parent.tid, "tgid": tgid,
                       "t": time.time_ns(), "kind": kind})

    def _execed(self, task: _Task) -> _Task:
        """After an execve; returns the task now behind this pid (another thread's, if it exec'd)."""
        try:
            former = P.get_event_msg(task.tid)
        except P.PtraceError:
            former = task.tid
        if former != task.tid and former in self.tasks:
            # A non-leader thread exec'd: it now has the leader's pid; the other threads are gone.
            moved = self.tasks.pop(former)
            old = self.tasks.get(task.tid)
            if old is not None and old is not moved:
                if old.in_call and not old.silent:
                    self._leave(old, None, False)  # the old leader vanished inside a call
                old.mem.close()
                if not old.silent and not moved.silent:
                    # strace's `+++ superseded by execve in pid FORMER +++`, under the leader's pid
                    self._close_open_line()
                    self.sink({"ev": "exit", "pid": task.tid, "tgid": old.tgid, "t": time.time_ns(),
                               "superseded_by": former})
                    moved.reprint = True
            moved.tid = task.tid
            self.tasks[task.tid] = moved
            task = moved
        task.mem.reopen(task.tid)
        task.execd = True
        if self.opts.report_exec and not task.silent:
            self.sink({"ev": "exec", "pid": task.tid, "tgid": task.tgid, "t": time.time_ns()})
        return task

    def _trap_stop(self, task: _Task, sig: int) -> None:
        """PTRACE_EVENT_STOP: a group-stop stays stopped (PTRACE_LISTEN: the tracee reports
        again when SIGCONT or SIGKILL ends it), with strace's `--- stopped by SIG… ---` line;
        any other (a new child's first stop, the end of a group-stop) is resumed."""
        if sig not in _STOP_SIGNALS:
            self._resume(task)
            return
        if not task.silent and task.execd:
            self._close_open_line()
            event = {"ev": "signal", "pid": task.tid, "tgid": task.tgid, "t": time.time_ns(),
                     "sig": self._decoders().signal_name(sig), "stopped": True}
            self._add_ip(task, event)
            self.sink(event)
        P.resume(P.PTRACE_LISTEN, task.tid)

    def _add_ip(self, task: _Task, event: Event) -> None:
        """-i on a signal line: where the signal stopped the tracee."""
        if self.opts.instruction_pointer:
            try:
                self.info.read(task.tid)
                event["ip"] = self.info.ip
            except P.PtraceError:
                pass

    def _signal_stop(self, task: _Task, sig: int) -> None:
        raw = P.get_siginfo(task.tid)
        if raw is None:  # no siginfo: not a signal-delivery stop (seized tracees report none such)
            self._resume(task)
            return
        if not task.silent and task.execd:
            self._close_open_line()
            dec = self._decoders()
            event = {"ev": "signal", "pid": task.tid, "tgid": task.tgid, "t": time.time_ns(),
                     "sig": dec.signal_name(sig), "info": dec.decode_siginfo(raw)}
            self._add_ip(task, event)
            self.sink(event)
        self._resume(task, sig)

    def _reap(self, pid: int, status: int) -> None:
        task = self.tasks.pop(pid, None)
        if task is None:
            self.other_children[pid] = status
            return
        if task.adopted:
            self.gone_before_announced.add(pid)
        if self.inject is not None:
            self.inject.forget(pid)
        if task.in_call and not task.silent:
            self._leave(task, None, False)
        if pid == self.main_pid:
            self.main_status = status
        task.mem.close()
        if task.silent or not task.execd:
            return
        self._close_open_line()
        event: Event = {"ev": "exit", "pid": pid, "tgid": task.tgid, "t": time.time_ns()}
        if os.WIFSIGNALED(status):
            event["signal"] = self._decoders().signal_name(os.WTERMSIG(status))
            event["core"] = os.WCOREDUMP(status)
        else:
            event["status"] = os.WEXITSTATUS(status)
        self.sink(event)

    # ---- syscalls ---------------------------------------------------------------------------
    def _enter(self, task: _Task, nr: int, raw: tuple[int, ...], mem: Any = None, t0: int = 0,
               enter_i386: Callable | None = None) -> None:
        """A call's entry; `mem` and `t0` (what the C loop captured, when it was) default to
        the live tracee and now."""
        if task.silent or (not task.execd and nr not in _EXECVE_NRS):
            return
        dec = self.dec or self._decoders()  # the first call may wait for the import: not its time
        t0 = t0 or time.time_ns()
        task.mem.stack_pointer = self.info.sp  # rt_sigreturn reads its signal frame there
        if enter_i386 is None:
            name = SYSCALL_NAMES.get(nr) or f"syscall_{nr:#x}"
            state = dec.enter(name, raw, mem or task.mem, self.dopts, task.previous)
        else:
            state = enter_i386(nr, raw, task.mem, self.dopts)
        self._entered(task, state, nr, t0)
        if self.fd_resolver is not None:
            fds = dec.fds_in(state.args)
            task.fds = self.fd_resolver.describe(task.tid, fds) if fds else None
        if self.inject is not None and task.execd and enter_i386 is None:  # nothing before the exec
            if self.inject.entering(task, nr):  # poke_enter= wrote where the arguments point
                task.state = dec.enter(name, raw, task.mem, self.dopts, task.previous)

    def _entered(self, task: _Task, state: Any, nr: int, t0: int) -> None:
        """The task is in its call now, decoded as `state`; a line another task left open
        gets its `<unfinished ...>`."""
        task.in_call = True
        task.state = state
        task.nr = nr
        task.t0 = t0
        task.unfinished = False
        if self.opts.instruction_pointer:
            task.ip = self.info.ip
        open_task = self.open_task
        if open_task is not None and open_task is not task:
            self._close_open_line()
        self.open_task = task

    def _personality(self, task: _Task, arch: int) -> None:
        """The task now makes its syscalls through another ABI: strace's `[ Process PID=N runs
        in 32 bit mode. ]` (a `personality` event), once per switch."""
        task.arch = arch
        if task.silent or not task.execd or arch not in PERSONALITIES:
            return
        self._close_open_line()
        self.sink({"ev": "personality", "pid": task.tid, "tgid": task.tgid, "t": time.time_ns(),
                   "mode": PERSONALITIES[arch]})

    def _enter_i386(self, task: _Task, nr: int, raw: tuple[int, ...]) -> None:
        """An `int $0x80` call of a 64-bit program: i386 names, traced by name (-e trace=)."""
        from sysrec.decode import i386
        if self.trace_names is not None and i386.syscall_name(nr) not in self.trace_names:
            return
        self._enter(task, nr, raw, enter_i386=i386.enter)

    def _leave(self, task: _Task, rval: int | None, is_error: bool) -> None:
        event = self._finish(task, rval, is_error)
        if event is not None:
            self.sink(event)

    def _leaving(self, task: _Task) -> Any:
        """A call's exit: the task is out of it; its EntryState (None: nothing to record)."""
        if task.reprint:
            task.reprint = False
            if self.open_task is task:
                self._close_open_line()
        state = task.state
        task.in_call = False
        task.state = None
        return state

    def _syscall_event(self, task: _Task, state: Any, done: Any, rval: int | None, err: str | None, t1: int,
                       marks: dict[str, Any] | None = None) -> Event:
        """The event of a call that returned (or never will: rval None), its line closed."""
        task.previous = state.name if rval is not None else None
        if self.open_task is not task:
            self._close_open_line()
        self.open_task = None
        event: Event = {
            "ev": "syscall", "pid": task.tid, "tgid": task.tgid, "name": state.name, "nr": task.nr,
            "raw": list(state.raw), "args": done.args, "n_entry": done.n_entry, "ret": rval,
            "errno": err, "rtext": done.rtext, "raux": done.raux, "t0": task.t0, "t1": t1,
            "resumed": task.unfinished,
        }
        if self.opts.instruction_pointer:
            event["ip"] = task.ip
        if marks is not None:
            event.update(marks)  # injected / delayed (sysrec.tracer.inject)
        if task.unfinished or rval is None:
            event["more"] = state.more  # how the split line reads (its row may depend on an argument)
        return event

    def _finish(self, task: _Task, rval: int | None, is_error: bool, mem: Any = None,
                t1: int = 0) -> Event | None:
        """The call's exit: decoded while the tracee is stopped; the event is the caller's to
        hand to the sink (None: nothing to record)."""
        state = self._leaving(task)
        if state is None:
            return None
        t1 = t1 or time.time_ns()
        marks = None
        if self.inject is not None:  # after t1: strace's -T leaves delay_exit out
            rval, is_error, marks = self.inject.exiting(task.tid, rval, is_error)
        dec = self.dec
        err = dec.errno_name(rval) if rval is not None and is_error else None
        done = dec.leave(state, rval, mem or task.mem, self.dopts)
        event = self._syscall_event(task, state, done, rval, err, t1, marks)
        resolver = self.fd_resolver
        if resolver is not None:
            fds = task.fds or {}
            if fds:
                event["fds"] = fds
            # What the kernel handed back is looked up now: dup2's target had another file
            # at entry, and a returned fd did not exist yet.
            later = dec.fds_in(done.args[done.n_entry:], done.rtext)
            if later and rval is not None:
                changed = {k: v for k, v in resolver.describe(task.tid, later).items() if fds.get(k) != v}
                if changed:
                    event["fds_exit"] = changed
            task.fds = None
        if self.context_hook is not None:
            ctx = self.context_hook(event)
            if ctx:
                event["ctx"] = ctx
        return event

    def _close_open_line(self) -> None:
        """Another line is about to print: the open call gets its `<unfinished ...>` (an `enter` event)."""
        task = self.open_task
        self.open_task = None
        if task is None or not task.in_call or task.state is None:
            return
        task.unfinished = True
        event: Event = {"ev": "enter", "pid": task.tid, "tgid": task.tgid, "name": task.state.name,
                        "args": task.state.args, "t0": task.t0, "more": task.state.more,
                        "raw": list(task.state.raw)}
        if task.fds:
            event["fds"] = task.fds
        if self.opts.instruction_pointer:
            event["ip"] = task.ip
        self.sink(event)


def _boot_resume(request: int, pid: int, sig: int = 0) -> None:
    """Restart a tracee through libc (start-up path); a tracee killed meanwhile reports its end next."""
    try:
        bootstrap.ptrace(request, pid, 0, sig)
    except ProcessLookupError:
        pass


def _ignored_before(old_handlers: dict[int, Any]) -> frozenset[int]:
    """Signals that were ignored before the tracer caught them (or that are ignored now)."""
    ignored = {sig for sig, handler in old_handlers.items() if handler == signal.SIG_IGN}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if sig not in old_handlers and signal.getsignal(sig) == signal.SIG_IGN:
            ignored.add(sig)
    return frozenset(ignored)


def _children_of(pid: int) -> set[int]:
    children: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                children.update(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            pass
    return children


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in _children_of(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _tgid_of(tid: int) -> int:
    try:
        with open(f"/proc/{tid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Tgid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return tid


MEMO_ENTRIES = 4096  # per table; both are emptied when one is full
MEMO_BYTES = 4096  # calls that captured more are decoded every time (and rarely repeat)


class DecodeMemo:
    """The C loop's calls decoded once per distinct input. What they print is a function of
    the syscall, the registers its row reads, the memory captured for it, the return value
    and the options (capture_spec admits no call whose decoders read anything else; none of
    them depends on the task's previous call, as restart_syscall does), and programs repeat
    calls: 90 % of a `find` trace's lines are repeats (fcntl(5, F_GETFD), close(5), the same
    stat). Decoded nodes are then shared between events: nothing downstream changes them.

    entered: (nr, registers read, captures) -> EntryState (each call gets its own, with its
    own registers); left: (that key, return value, is_error, captures) -> Decoded."""

    def __init__(self) -> None:
        self.entered: dict[tuple[Any, ...], Any] = {}
        self.left: dict[tuple[Any, ...], Any] = {}
        self.arities: dict[int, int] = {}  # syscall number -> registers its row reads (rows that never vary)

    def keep(self, table: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
        if len(table) >= MEMO_ENTRIES:
            self.entered.clear()
            self.left.clear()
        table[key] = value


def _memo_size(regions: tuple[tuple[int, int, bytes], ...]) -> int:
    return sum(len(region[2]) for region in regions)


def _pin_to_current_cpu() -> set[int] | None:
    """Pin the calling thread (and so the children it forks) to the CPU it runs on; return the
    mask to restore (None: not pinned)."""
    try:
        allowed = os.sched_getaffinity(0)
        if len(allowed) <= 1:
            return None
        with open("/proc/thread-self/stat", "rb") as fh:
            # field 39 (processor), counted after the parenthesised command name
            cpu = int(fh.read().rsplit(b")", 1)[1].split()[36])
        mask = {cpu if cpu in allowed else min(allowed)}
        os.sched_setaffinity(0, mask)
    except (OSError, ValueError, IndexError):
        return None
    return allowed


def _cpu_to_spare(allowed: set[int]) -> bool:
    """Whether the CPUs this process may use leave one for the program and half of another
    for a background import, by the 1-minute load average."""
    return len(allowed) - os.getloadavg()[0] >= 1.5


PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37


def _become_subreaper() -> int | None:
    """Orphaned tracees are re-parented to us, not to init, so that we reap them ourselves and
    no zombie outlives the trace. Returns the previous setting (None if unknown)."""
    previous = ctypes.c_int(0)
    if prctl(PR_GET_CHILD_SUBREAPER, ctypes.addressof(previous)) != 0:
        return None
    if previous.value == 0:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    return previous.value
