"""One run of one cell, inside a forked worker process that owns a private network namespace.

Process tree of a run (every box dies with its parent through PR_SET_PDEATHSIG or, for the
tracees, PTRACE_O_EXITKILL):

    sysrec (runner) ── worker: unshare(NEWNET [+NEWUSER]), sysctls, lo up
                          ├── server, preload steps   (own process groups, logs beside the record)
                          ├── delay link process       (with [link])
                          └── tracer process          (writes the record)
                                 └── client(s) under ptrace

The tracer runs in its own child so that its waitpid(-1) loop only ever sees the tracees.
With a `[link]` the client gets a namespace of its own (sysrec.sandbox.topology): the tracer
process moves there before it starts the capture and the client, and enters the server's
namespace only to read the listener's queue and the server's counters.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import shlex
import signal
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sysrec.errors import SysrecError, raise_interrupted
from sysrec.scenario.model import CLIENT_ARGS, LINK_ICMP, SERVER_INPUT, Cell, PreloadStep, Scenario, is_sysctl
from sysrec.sandbox import procs
from sysrec.sandbox.netns import enter_private_netns, entered, netns_id, open_netns, setns
from sysrec.sandbox.sockets import is_listening, listener_info
from sysrec.sandbox.sysctl import write_sysctls

if TYPE_CHECKING:
    from sysrec.sandbox.counters import RunCounters
    from sysrec.sandbox.topology import ClientHost

POLL = 0.01


class Interrupted(Exception):
    """SIGTERM from the runner (Ctrl-C there): tear down and report."""


@dataclass(frozen=True)
class RunJob:
    scenario: Scenario
    cell: Cell
    run: int
    record_path: str   # DIR/<scenario>/<cell>/run-<n>.jsonl
    capture: bool

    def log_path(self, role: str) -> str:
        return self.record_path[: -len(".jsonl")] + f".{role}.log"


# A write that failed for want of room or a working disk: the user's to fix, not a bug.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def output_failure(job: RunJob, err: BaseException) -> dict[str, Any] | None:
    """The result for a run whose record (or log) could not be written: names the file and the
    errno, exit status 2; None for any other error."""
    if not isinstance(err, OSError) or err.errno not in OUTPUT_ERRNOS:
        return None
    where = err.filename or job.record_path
    return {"ok": False, "status": 2,
            "error": f"{where}: cannot write: {err.strerror} (the record is valid up to its last whole line)"}


def _print_traceback() -> None:
    """Into the sandbox log, which may sit on the disk that just filled up."""
    try:
        traceback.print_exc()
    except OSError:
        pass


def start_worker(job: RunJob) -> tuple[int, int]:
    """Fork the worker; returns (pid, read end of its result pipe). The parent must be single-threaded."""
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        _worker_main(job, wfd)  # never returns
    os.close(wfd)
    return pid, rfd


def _worker_main(job: RunJob, result_fd: int) -> None:
    status = 0
    try:
        os.setpgid(0, 0)
        procs.die_with_parent()
        procs.become_subreaper()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _raise_interrupted)
        signal.signal(signal.SIGHUP, _raise_interrupted)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        log = os.open(job.log_path("sandbox"), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        try:
            result = run_in_sandbox(job)
        except Interrupted:
            result = {"ok": False, "interrupted": True, "error": "interrupted"}
        except SysrecError as err:
            result = {"ok": False, "error": str(err), "status": err.exit_status}
        except BaseException as err:
            result = output_failure(job, err)
            if result is None:  # a bug: keep the traceback beside the record
                result = {"ok": False, "error": f"internal error in the sandbox: {err!r} "
                                                f"(traceback in {job.log_path('sandbox')})", "status": 1}
                _print_traceback()
        os.write(result_fd, json.dumps(result).encode())
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _raise_interrupted(signum: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted()


def run_in_sandbox(job: RunJob) -> dict[str, Any]:
    """Set up the namespace, start server and preload steps, trace the client, tear down."""
    initial_netns = netns_id()
    enter_private_netns()
    write_sysctls(_sysctls(job.cell.settings), initial_netns=initial_netns)
    scenario = job.scenario
    started: list[procs.Started] = []
    tracer_pid = None
    link = None
    firewall = None
    client_host = None
    try:
        if scenario.link is not None:
            client_host = _build_client_host(job, initial_netns)
            link = _start_link(scenario, client_host.server_if)
            firewall = _add_firewall(job, client_host.server_if)
        listener = scenario.server.ready_listen if scenario.server else None
        if scenario.server is not None:
            _start_server(job, started)
        for index, step in enumerate(scenario.preload):
            _run_preload(job, index, step, listener, started)
        tracer_pid, tracer_rfd = _fork_tracer(job, listener, client_host)
        outcome = _wait_tracer(tracer_pid, tracer_rfd)
        tracer_pid = None
        return outcome
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if tracer_pid is not None:
            _stop_tracer(tracer_pid)
        procs.stop_all(started)
        if firewall is not None:
            try:
                firewall.remove()
            except Exception:  # the namespace goes away with the worker anyway
                traceback.print_exc()
        if link is not None:
            try:
                link.stop()
            except Exception:  # the namespace goes away with the worker anyway
                traceback.print_exc()
        procs.kill_descendants()
        if client_host is not None:
            client_host.close()


def _build_client_host(job: RunJob, initial_netns: str) -> ClientHost:
    """The client's namespace, joined to this one by a veth pair, with the cell's sysctls too
    (client-side settings such as tcp_syn_retries must reach the client)."""
    from sysrec.sandbox.topology import build_client_host
    link = job.scenario.link
    assert link is not None
    host = build_client_host(link.path_mtu)
    try:
        with entered(host.netns_fd):
            write_sysctls(_sysctls(job.cell.settings), initial_netns=initial_netns)
        if link.path_mtu is not None and job.cell.settings.get(LINK_ICMP, link.icmp) == "blocked":
            host.block_too_big()
    except BaseException:
        host.close()
        raise
    return host


def _sysctls(settings: dict[str, Any]) -> dict[str, Any]:
    """A cell's settings without its link keys (`link.server_input`, `link.icmp`), `var.NAME`
    values and client arguments (`client.args`), which are no sysctls."""
    return {name: value for name, value in settings.items() if is_sysctl(name)}


def _add_firewall(job: RunJob, interface: str) -> Any:
    """The cell's (or the link's) iptables rule for what reaches the server through `interface`."""
    scenario = job.scenario
    assert scenario.link is not None
    text = job.cell.settings.get(SERVER_INPUT, scenario.link.server_input)
    if text is None:
        return None
    from sysrec.link import LinkError
    from sysrec.link.firewall import add_input_rule
    key = f"matrix.{SERVER_INPUT}" if SERVER_INPUT in job.cell.settings else "link.server_input"
    try:
        return add_input_rule(interface, tuple(shlex.split(str(text))))
    except LinkError as err:
        raise SysrecError(f"{scenario.path}: key '{key}': {err}") from None


def _start_link(scenario: Scenario, interface: str) -> Any:
    """The `[link]` delay on the server's end of the veth pair, both directions, before the server starts."""
    assert scenario.link is not None
    try:
        from sysrec.link import LinkError, start_link
    except ImportError:
        raise SysrecError(f"{scenario.path}: key 'link': this build of sysrec has no delay link") from None
    try:
        return start_link(scenario.link.delay_ms, loss=scenario.link.loss, seed=scenario.link.seed,
                          interface=interface)
    except LinkError as err:
        raise SysrecError(f"{scenario.path}: key 'link': cannot build the delay link: {err}") from None


# -- server and preload --------------------------------------------------------------------

def _start_server(job: RunJob, started: list[procs.Started]) -> None:
    server = job.scenario.server
    assert server is not None
    item = procs.start("server", server.command.resolve(job.cell.settings), job.log_path("server"))
    started.append(item)
    deadline = time.monotonic() + server.start_timeout
    ready_at = time.monotonic() + server.ready_delay
    while True:
        code = item.proc.poll()
        if code is not None:
            raise item.failure(f"exited with status {code} before it was ready")
        if server.ready_listen is not None:
            if is_listening(*server.ready_listen):
                break
        elif time.monotonic() >= ready_at:
            break
        if time.monotonic() >= deadline:
            host, port = server.ready_listen or ("?", 0)
            raise item.failure(f"was not ready after {server.start_timeout:g} s "
                               f"(no TCP listener on {host}:{port} in the namespace)")
        time.sleep(POLL)
    if server.ready_listen is not None and server.ready_delay:
        time.sleep(server.ready_delay)


def _run_preload(job: RunJob, index: int, step: PreloadStep, listener: tuple[str, int] | None,
                 started: list[procs.Started]) -> None:
    role = f"preload[{index}]"
    item = procs.start(role, step.command.resolve(job.cell.settings), job.log_path(f"preload-{index}"))
    started.append(item)
    deadline = time.monotonic() + step.timeout
    if not step.keep:
        while (code := item.proc.poll()) is None:
            if time.monotonic() >= deadline:
                raise item.failure(f"did not exit within {step.timeout:g} s (set keep = true for a "
                                   "step that runs alongside the client)")
            time.sleep(POLL)
        if code != 0:
            raise item.failure(f"exited with status {code}")
        time.sleep(step.delay)
        return
    if step.until_queue is not None:
        if listener is None:
            raise SysrecError(f"{job.scenario.path}: key '{role}.until_queue': needs server.ready.listen")
        while True:
            info = listener_info(*listener)
            if info is not None and int(info["queue"]) >= step.until_queue:
                break
            code = item.proc.poll()
            if code is not None:
                raise item.failure(f"exited with status {code} before the accept queue held "
                                   f"{step.until_queue}")
            if time.monotonic() >= deadline:
                depth = info["queue"] if info else "no listener"
                raise item.failure(f"left the accept queue at {depth} after {step.timeout:g} s, "
                                   f"expected {step.until_queue}")
            time.sleep(POLL)
    time.sleep(step.delay)
    code = item.proc.poll()
    if code is not None and code != 0:
        raise item.failure(f"exited with status {code}")


# -- the traced client ---------------------------------------------------------------------

def _fork_tracer(job: RunJob, listener: tuple[str, int] | None,
                 client_host: ClientHost | None) -> tuple[int, int]:
    rfd, wfd = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(rfd)
            procs.die_with_parent()
            # Until the tracer takes SIGTERM over (it then kills its tracee and ends the record
            # as interrupted), SIGTERM still closes the record with a footer.
            signal.signal(signal.SIGTERM, raise_interrupted)
            server_netns_fd = None
            if client_host is not None:
                server_netns_fd = open_netns()
                setns(client_host.netns_fd)
            outcome = _trace_client(job, listener, server_netns_fd, client_host)
            os.write(wfd, json.dumps(outcome).encode())
        except BaseException as err:
            try:
                result = output_failure(job, err) or {
                    "ok": False, "error": str(err) or repr(err),
                    "status": err.exit_status if isinstance(err, SysrecError) else 1}
                os.write(wfd, json.dumps(result).encode())
            except BaseException:
                status = 1
            _print_traceback()
        finally:
            os._exit(status)
    os.close(wfd)
    return pid, rfd


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except InterruptedError:
            continue
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _wait_tracer(pid: int, rfd: int) -> dict[str, Any]:
    try:
        try:
            data = _read_all(rfd)
        except Interrupted:
            _stop_tracer(pid)
            raise
        finally:
            os.close(rfd)
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if not data:
        return {"ok": False, "error": "the tracer process died without a result", "status": 1}
    return json.loads(data)


def _stop_tracer(pid: int) -> None:
    """SIGTERM makes the tracer kill its tracees and close the record as `interrupted`."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(POLL)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def client_argv(job: RunJob) -> list[str]:
    argv = job.scenario.client.command.resolve(job.cell.settings)
    if CLIENT_ARGS in job.cell.settings:   # the cell's own arguments, after the scenario's
        argv += shlex.split(str(job.cell.settings[CLIENT_ARGS]))
    count = job.scenario.client.count
    if count > 1:
        from sysrec.probes import probe_interpreter
        fanout = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fanout.py")
        stagger = ["--stagger-ms", f"{job.scenario.client.stagger_ms:g}"] if job.scenario.client.stagger_ms else []
        argv = [probe_interpreter(), fanout, *stagger, str(count), *argv]
    return argv


def _trace_client(job: RunJob, listener: tuple[str, int] | None, server_netns_fd: int | None,
                  client_host: ClientHost | None) -> dict[str, Any]:
    """In the tracer process (in the client's namespace): header, start counters, traced syscalls
    with ctx, packets, end counters, footer. Returns how the client ended."""
    from sysrec.record import RecordWriter
    from sysrec.sandbox.context import StopContext
    from sysrec.sandbox.counters import RunCounters
    from sysrec.syscalls import DEFAULT_SET
    from sysrec.tracer import TraceOptions, trace

    client = job.scenario.client
    argv = client_argv(job)
    trace_set = list(client.trace) if client.trace is not None else list(DEFAULT_SET)
    # The client sees the machine as it is, unless its scenario pins it to the tracer's CPU for a
    # race that must resolve one way (three deferred final ACKs reaching a full accept queue one
    # after the other, not on two CPUs at once); the record says so.
    options = TraceOptions(trace_set=trace_set, follow=client.follow or client.count > 1,
                           seccomp=True, strsize=32, fd_decode=2, same_cpu=client.same_cpu)
    context = {"scenario": job.scenario.name, "cell": job.cell.name, "settings": dict(job.cell.settings),
               "run": job.run, "role": "client"}
    if client.same_cpu:
        context["same_cpu"] = True
    injector = None
    if client.inject:
        from sysrec.tracer.inject import Injector, Rules
        injector = Injector(Rules.from_expressions(client.inject)[0])
        if injector.rules.needs_syscall_stops:
            options = options._replace(seccomp=False)
    link = job.scenario.link
    if link is not None and client_host is not None:
        # Packets are captured at the client's end of the link: readers need to know it was there.
        context["link"] = {"delay_ms": link.delay_ms, "loss": link.loss, **client_host.describe()}
        if "router" in context["link"]:
            context["link"]["router"]["icmp"] = job.cell.settings.get(LINK_ICMP, link.icmp)
    namespaces = {"client": netns_id()}
    if server_netns_fd is not None:
        with entered(server_netns_fd):
            namespaces["server"] = netns_id()
    else:
        namespaces["server"] = namespaces["client"]
    context["netns"] = namespaces
    counters = RunCounters(server_netns_fd)
    with RecordWriter(job.record_path, nofollow=True) as writer:
        writer.header(argv, trace_set, options.seccomp,
                      {"strsize": options.strsize, "fd_decode": options.fd_decode, "follow": options.follow,
                       **({"inject": list(client.inject)} if client.inject else {})}, context=context)
        capture = _start_capture(writer, server_netns_fd, client_host) if job.capture else None
        hook = StopContext(listener, counters)
        _counters_event(writer, counters, namespaces, "start")
        # The tracer imports its decoders while the client starts (a win for `sysrec trace`); here
        # that would stall the client's first calls and bunch up a burst's first connections.
        import sysrec.decode.calls  # noqa: F401  (the decoders themselves: sysrec.decode loads them lazily)
        log = os.open(job.log_path("client"), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o644)
        try:
            result = trace(argv, options, writer.event, context_hook=hook, stdin=0, stdout=log,
                           stderr=log, timeout=client.timeout, inject=injector)
        except SysrecError as err:
            writer.footer("error", err.exit_status, error=str(err))
            raise
        finally:
            os.close(log)
            hook.close()
        if capture is not None:
            # Packets the link still holds arrive up to one round trip later; wait for them.
            settle_s = 0.05 + (2 * link.delay_ms / 1000 if link is not None else 0.0)
            _stop_capture(writer, capture, settle_s)
        _counters_event(writer, counters, namespaces, "end")
        counters.close()
        writer.footer(result.end, result.exit_status)
    return {"ok": True, "end": result.end, "exit_status": result.exit_status,
            "kernel": platform.release()}


def _counters_event(writer: Any, counters: RunCounters, namespaces: dict[str, str], phase: str) -> None:
    """A snapshot, which is also the baseline of the next stop's deltas."""
    values, by_role = counters.snapshot()
    event: dict[str, Any] = {"ev": "counters", "t": time.time_ns(), "netns": namespaces["server"],
                             "values": values, "phase": phase}
    if by_role is not None:
        event["by_role"] = {role: {"netns": namespaces[role], "values": part} for role, part in by_role.items()}
    writer.event(event)


def _start_capture(writer: Any, server_netns_fd: int | None, client_host: ClientHost | None) -> Any:
    """Every interface of the client's namespace; with a link also the server's end, for the ICMP
    that reaches the server's host (a router's "fragmentation needed" never passes the client)."""
    try:
        from sysrec.capture import start_capture
        from sysrec.capture.afpacket import open_sockets
    except ImportError:
        return None
    try:
        server_end = []
        if server_netns_fd is not None and client_host is not None:
            with entered(server_netns_fd):
                server_end = open_sockets([client_host.server_if])
        return start_capture(server_end=server_end)
    except Exception as err:  # capture is optional: say so in the record and go on
        writer.event({"ev": "warning", "t": time.time_ns(), "msg": f"packet capture not started: {err}"})
        return None


def _stop_capture(writer: Any, handle: Any, settle_s: float) -> None:
    try:
        packets = handle.stop(settle_s=settle_s)
        for packet in packets:
            writer.event(packet)
        for warning in getattr(handle, "warnings", []):
            writer.event({"ev": "warning", "t": time.time_ns(), "msg": warning})
    except Exception as err:
        writer.event({"ev": "warning", "t": time.time_ns(), "msg": f"packet capture failed: {err}"})
    finally:
        handle.close()
