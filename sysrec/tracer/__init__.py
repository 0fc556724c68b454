"""The tracing engine: runs a command under ptrace and turns its stops into record events.

    from sysrec.tracer import trace, TraceOptions
    result = trace(["nc", "-z", "127.0.0.1", "1"], TraceOptions(trace_set=NETWORK, follow=True),
                   sink=events.append)

`sink` receives every event dict in order (`syscall`, `enter`, `signal`, `spawn`, `exit`, as in
docs/record-format.md, without `seq`: RecordWriter.event numbers them). The caller decides where
events go (a RecordWriter, the strace renderer, both).

How it works (modules):
- `spawn`: fork; the child stops itself, is seized (PTRACE_SEIZE), installs the seccomp filter
  (`seccomp`: ALLOW for the named syscalls outside the set, TRACE for every other number, x32
  and foreign arches; a binary search over ranges so that untraced calls cost a few BPF
  instructions), and execs. Exec failures come back
  through a close-on-exec pipe.
- `engine`: one waitpid(-1, __WALL) loop, per-thread state, libc's ptrace() through ctypes for
  the requests (`ptrace_ops`, incl. PTRACE_GET_SYSCALL_INFO: one request per stop). Under seccomp
  a call costs two stops (the seccomp stop, then the exit stop via PTRACE_SYSCALL); without it,
  every call stops twice and the set is filtered here.
- `memory`: the decoders read tracee memory with pread() on /proc/TID/mem.
- `fds`, `sockets`: `-y`/`-yy` annotations, looked up in the tracee's network namespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sysrec.tracer.engine import ContextHook, Event, Sink, TraceOptions, TraceResult, Tracer
from sysrec.tracer.spawn import resolve_command

TYPE_CHECKING = False
if TYPE_CHECKING:
    from sysrec.tracer.spawn import StdSpec


def trace(argv: Sequence[str], options: TraceOptions, sink: Sink, *,
          context_hook: ContextHook | None = None, annotate_fds: bool = False,
          env: Mapping[str, str] | None = None, cwd: str | None = None,
          stdin: StdSpec = None, stdout: StdSpec = None, stderr: StdSpec = None,
          timeout: float | None = None, preload: Sequence[str] = (),
          credentials: object = None, inject: object = None, live_output: bool = True) -> TraceResult:
    """Run `argv` to completion under ptrace, feeding events to `sink`; return how it ended.

    - `context_hook(event)` runs at every recorded syscall's exit stop, while the tracee is still
      stopped, before the event reaches `sink`; a non-empty dict it returns becomes `event["ctx"]`.
      `sink` itself may get a syscall event once the tracee runs on (without seccomp: it then
      stops at its next syscall before doing anything visible); it must not read the tracee.
    - `annotate_fds`: fill `event["fds"]` (the `-y` form) even without `options.fd_decode`.
    - `env`, `cwd`, `stdin`/`stdout`/`stderr` (fd numbers or file objects) are the child's.
    - `preload`: module names to import in a background thread while the program starts (the
      decoders always are), e.g. the renderer the sink will use.
    - `credentials` (sysrec.tracer.credentials.credentials_for, -u): run the program as that user.
    - `inject` (sysrec.tracer.inject.Injector): -e inject=/fault=, tamper with traced calls.
    - `live_output`: the sink writes lines as they come to where the program may write too
      (a terminal, stderr). Under seccomp a traced call's exit then waits for its event to
      be handled; False (a file, a record): the program runs on meanwhile.
    - `timeout` seconds: the program is killed (SIGKILL) and `end` is "timeout".
    - SIGINT/SIGTERM/SIGHUP to this process (when `options.handle_signals`, main thread only)
      kill the program; `end` is "interrupted", `exit_status` 128+N for the signal received.
      "The program" is every tracee, every descendant of the traced command (traced or not),
      and every child this process gained during the trace (orphans are re-parented here: the
      calling process is a child subreaper while tracing). Children it had before are spared.
    - Raises CommandNotFound (exit_status 127) before forking when argv[0] cannot be found, and
      SysrecError when the program cannot be executed.

    Tracees are reaped with waitpid(-1, __WALL): a child of the calling process that is not a
    tracee and exits during the trace is reaped too; its wait status lands in
    `result.other_children`. Start long-lived helpers (servers) so that they are not this
    process's children, or read their status there.

    The tracing runs in the calling thread (ptrace requests must come from the tracer thread);
    with the C stop loop (sysrec.tracer.cloop) the events of the calls it answered may reach
    `sink` from a second thread, never two at once and always in order.
    With `options.same_cpu` the calling thread is pinned to its current CPU while tracing, and
    the tracee inherits that (the program then sees one CPU); the previous affinity is restored
    afterwards.
    """
    return Tracer(argv, options, sink, context_hook=context_hook, annotate_fds=annotate_fds,
                  env=env, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr,
                  timeout=timeout, preload=preload, credentials=credentials, inject=inject,
                  live_output=live_output).run()


__all__ = ["ContextHook", "Event", "Sink", "TraceOptions", "TraceResult", "resolve_command", "trace"]
