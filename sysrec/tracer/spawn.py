"""Starting the tracee: fork, the child stops itself (SIGSTOP), the parent seizes it, then the
child installs the seccomp filter and execs.

PTRACE_SEIZE rather than PTRACE_TRACEME, as strace does: only a seized tracee reports a group-stop
as a PTRACE_EVENT_STOP that the tracer can answer with PTRACE_LISTEN, so that `kill -STOP` or
Ctrl-Z keeps the program stopped until SIGCONT. The child is seized while it is stopped, with its
options (PTRACE_O_TRACESECCOMP among them) in the same request, so that the options exist before
the filter does (FIELD-NOTES §4): a SECCOMP_RET_TRACE with no tracer listening makes the syscall
fail with ENOSYS. An exec failure travels back through a close-on-exec pipe.
"""

from __future__ import annotations

import os
import signal

from sysrec.errors import CommandNotFound, SysrecError
from sysrec.tracer.bootstrap import prctl
from sysrec.tracer.seccomp import PreparedFilter

TYPE_CHECKING = False  # typing stays off the start-up path (see engine)
PR_SET_PDEATHSIG = 1
if TYPE_CHECKING:
    from typing import IO, Any, Mapping, Sequence

    StdSpec = int | IO[bytes] | IO[str] | None  # an fd number or a file object


def resolve_command(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None) -> str:
    """The executable's path, found like a shell would; CommandNotFound (exit 127) otherwise.

    A name with a slash is taken as is (relative to `cwd`, where the child will run)."""
    if not argv:
        raise SysrecError("no command given to trace (usage: sysrec trace [OPTIONS] -- CMD [ARG...])")
    name = argv[0]
    if "/" in name:
        where = os.path.join(cwd, name) if cwd is not None else name
        if not os.path.exists(where):
            raise CommandNotFound(f"{name}: no such file or directory")
        if os.path.isdir(where) or not os.access(where, os.X_OK):
            raise CommandNotFound(f"{name}: not an executable file", exit_status=126)
        return name  # the child execs it after its chdir, as given (strace shows it so)
    for directory in (env or os.environ).get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise CommandNotFound(f"{name}: command not found")


def _fileno(spec: StdSpec) -> int | None:
    if spec is None:
        return None
    if isinstance(spec, int):
        return spec
    return spec.fileno()


class Spawned:
    """The forked child and the read end of its exec-error pipe (EOF at a successful exec,
    "errno:message" when exec failed)."""

    __slots__ = ("pid", "error_pipe")

    def __init__(self, pid: int, error_pipe: int) -> None:
        self.pid = pid
        self.error_pipe = error_pipe

    def exec_error(self) -> tuple[int, str] | None:
        """(errno, message) the child reported before dying, if it never reached the new program."""
        try:
            data = os.read(self.error_pipe, 4096)
        except OSError:
            return None
        if not data:
            return None
        code, _, what = data.decode(errors="replace").partition(":")
        try:
            number = int(code)
        except ValueError:
            return 0, what
        return number, f"{what}: {os.strerror(number)}" if number else what

    def close(self) -> None:
        if self.error_pipe >= 0:
            os.close(self.error_pipe)
            self.error_pipe = -1


def startup_environ() -> dict[bytes, bytes]:
    """The environment sysrec was started with, as the program would have had it. Not
    os.environ: Python's C-locale coercion adds LC_CTYPE=C.UTF-8 there when no locale is set,
    and the traced program would inherit that (it changes what e.g. `ls` prints)."""
    try:
        with open("/proc/self/environ", "rb") as fh:
            raw = fh.read()
    except OSError:
        return dict(os.environb)
    env: dict[bytes, bytes] = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep and key:
            env.setdefault(key, value)
    return env


def spawn_traced(path: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: str | None = None, stdin: StdSpec = None, stdout: StdSpec = None,
                 stderr: StdSpec = None, seccomp: PreparedFilter | None = None,
                 ignored_signals: frozenset[int] = frozenset(), credentials: Any = None) -> Spawned:
    """Fork a child that stops itself (SIGSTOP), then installs `seccomp` and execs `path`.

    `credentials` (sysrec.tracer.credentials, -u) are taken on before the stop.
    `ignored_signals`: signals the program must start with ignored (they were ignored when sysrec
    started; exec keeps SIG_IGN, so this is how an ignored SIGINT reaches a background job's tracee).

    The caller must wait for that stop (waitpid with WUNTRACED: it is not traced yet), seize the
    child with its options, and continue it (SIGCONT).
    """
    argv_b = [os.fsencode(a) for a in argv]
    path_b = os.fsencode(path)
    if env is None:
        env_b = startup_environ()
    else:
        env_b = {os.fsencode(k): os.fsencode(v) for k, v in env.items()}
    fds = [_fileno(stdin), _fileno(stdout), _fileno(stderr)]
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # child: keep it to syscalls, no allocation-heavy Python
        stage = "exec"
        try:
            os.close(rfd)
            for target, fd in enumerate(fds):
                if fd is not None and fd != target:
                    os.dup2(fd, target, inheritable=True)
                elif fd is not None:
                    os.set_inheritable(fd, True)
            if cwd is not None:
                stage = f"chdir {cwd}"
                os.chdir(cwd)
            # Python ignores SIGPIPE and SIGXFSZ itself, and the tracer catches SIGINT/SIGTERM/SIGHUP:
            # the program gets the dispositions sysrec was started with (an ignored one stays ignored).
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN if sig in ignored_signals else signal.SIG_DFL)
            if credentials is not None:
                stage = f"run as {credentials.user}"
                credentials.apply()
            stage = "stop for the tracer"
            # Not traced yet, so EXITKILL does not cover this window: if sysrec dies before it
            # seizes us, we must not stay stopped forever.
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:
                os._exit(127)
            os.kill(os.getpid(), signal.SIGSTOP)  # returns once seized and sent SIGCONT
            prctl(PR_SET_PDEATHSIG, 0)  # seized with EXITKILL now; the program keeps its own semantics
            if seccomp is not None:
                stage = "seccomp filter"
                seccomp.install()
            stage = argv[0] if argv else path
            os.execve(path_b, argv_b, env_b)
        except OSError as err:
            os.write(wfd, f"{err.errno or 0}:{stage}".encode())
        except BaseException:
            os.write(wfd, f"0:{stage}".encode())
        finally:
            os._exit(127)
    os.close(wfd)
    os.set_blocking(rfd, False)
    return Spawned(pid=pid, error_pipe=rfd)
