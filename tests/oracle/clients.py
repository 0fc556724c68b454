"""Small deterministic socket clients for the oracle suite: `clients.py SCENARIO [ARG]`.

Each scenario makes the same syscalls on every run, so that its strace and sysrec traces can be
compared line by line (after normalizing pids, ephemeral ports and addresses). The peers on
fixed ports (7000 echo, 7001 hello, 7002 udp echo) are served by netns_run.py, untraced.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

ECHO, HELLO, UDP_ECHO = ("127.0.0.1", 7000), ("127.0.0.1", 7001), ("127.0.0.1", 7002)
CLOSED = ("127.0.0.1", 1)
libc = ctypes.CDLL(None, use_errno=True)


def tcp_echo() -> None:
    """Blocking client: connect, send, receive, names, shutdown."""
    s = socket.socket()
    s.connect(ECHO)
    s.sendall(b"ping \x00\x01\xff\"quoted\"\t" + b"z" * 40)
    s.recv(7)
    s.getsockname()
    s.getpeername()
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()


def refused_select() -> None:
    """Non-blocking connect to a closed port, select() for writability, SO_ERROR."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
    err = s.connect_ex(CLOSED)
    assert err == 115, err
    select.select([], [s], [], 5)
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 111
    s.close()


def refused_poll() -> None:
    """The same through poll(): POLLOUT|POLLERR|POLLHUP, then SO_ERROR."""
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(CLOSED)
    p = select.poll()
    p.register(s, select.POLLOUT)
    p.poll(5000)
    s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    try:
        s.connect(CLOSED)
    except OSError:
        pass
    s.close()


def connect_nonblocking_ok() -> None:
    """EINPROGRESS that succeeds: pselect6 with a timeout, then data."""
    s = socket.socket()
    fl = fcntl.fcntl(s, fcntl.F_GETFL)
    fcntl.fcntl(s, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    s.connect_ex(HELLO)
    select.select([], [s], [], 2.5)
    s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    select.select([s], [], [], 2.5)
    s.recv(100)
    s.close()


def ipv6() -> None:
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.bind(("::1", 7100))
    srv.listen(1)
    c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    c.connect(("::1", 7100))
    a, _ = srv.accept()
    a.send(b"six")
    c.recv(3)
    a.getsockname()
    c.getpeername()
    try:
        socket.socket(socket.AF_INET6).connect(("::1", 1))
    except OSError:
        pass
    v4mapped = socket.socket(socket.AF_INET6)
    try:
        v4mapped.connect(("::ffff:127.0.0.1", 7000))
    except OSError:
        pass
    for sock in (a, c, srv, v4mapped):
        sock.close()


def unix(path: str) -> None:
    """AF_UNIX: a path socket, an abstract one, a socketpair passing an fd."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    a, _ = srv.accept()
    c.getpeername()
    a.getsockname()
    ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ab.bind("\0sysrec-oracle\0x")
    ab.getsockname()
    x, y = socket.socketpair()
    x.sendmsg([b"fd"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", c.fileno()))])
    msg, anc, flags, _ = y.recvmsg(10, socket.CMSG_SPACE(4))
    for level, kind, data in anc:
        os.close(struct.unpack("i", data[:4])[0])
    for sock in (a, c, srv, ab, x, y):
        sock.close()
    os.unlink(path)


def udp() -> None:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"dgram-1", UDP_ECHO)
    u.recvfrom(100)
    u.sendmsg([b"ab", b"cd"], [], 0, UDP_ECHO)
    u.recvmsg(100)
    u.connect(UDP_ECHO)
    u.send(b"connected")
    u.recv(100)
    u.setblocking(False)
    try:
        u.recv(10)
    except BlockingIOError:
        pass
    local = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    local.bind(("127.0.0.1", 7200))
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u2.bind(("127.0.0.1", 7201))
    u2.sendto(b"x" * 100, ("127.0.0.1", 7200))
    local.recvfrom_into(bytearray(10), 10, socket.MSG_TRUNC)
    for sock in (u, local, u2):
        sock.close()


class _Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class _Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint), ("iov", ctypes.c_void_p),
                ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p),
                ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]


class _Mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", _Msghdr), ("len", ctypes.c_uint)]


def mmsg() -> None:
    """sendmmsg/recvmmsg (glibc's resolver sends its queries with sendmmsg)."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 7400))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.connect(("127.0.0.1", 7400))
    keep = []

    def vector(payloads, size=None):
        msgs = (_Mmsghdr * len(payloads))()
        for k, data in enumerate(payloads):
            buf = ctypes.create_string_buffer(data, size or len(data))
            iov = _Iovec(ctypes.cast(buf, ctypes.c_void_p), size or len(data))
            keep.extend((buf, iov))
            msgs[k].hdr.iov = ctypes.cast(ctypes.pointer(iov), ctypes.c_void_p)
            msgs[k].hdr.iovlen = 1
        return msgs
    libc.sendmmsg(tx.fileno(), vector([b"one", b"second\n"]), 2, socket.MSG_NOSIGNAL)
    incoming = vector([b"", b"", b""], 16)
    libc.recvmmsg(rx.fileno(), incoming, 3, socket.MSG_DONTWAIT, None)
    libc.recvmmsg(rx.fileno(), incoming, 3, socket.MSG_DONTWAIT, ctypes.byref(_Timespec(0, 1000)))
    rx.close()
    tx.close()


class _PollFd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def poll_family() -> None:
    """poll and ppoll with events, revents and timeouts."""
    x, y = socket.socketpair()
    p = select.poll()
    p.register(x, select.POLLIN | select.POLLPRI)
    p.register(y, select.POLLOUT)
    p.poll(0)
    y.send(b"1")
    p.poll(100)
    fds = (_PollFd * 2)(_PollFd(x.fileno(), select.POLLIN, 0), _PollFd(-1, select.POLLIN, 0))
    libc.ppoll(fds, 2, ctypes.byref(_Timespec(1, 0)), None)
    mask = ctypes.create_string_buffer(8)
    libc.sigemptyset(mask)
    libc.sigaddset(mask, signal.SIGINT)
    libc.sigaddset(mask, signal.SIGTERM)
    x.recv(1)
    libc.ppoll(fds, 1, ctypes.byref(_Timespec(0, 0)), mask)
    x.close()
    y.close()


def select_family() -> None:
    """select (glibc: pselect6) and the select syscall itself, in/out sets, Timeout."""
    x, y = socket.socketpair()
    a, b = socket.socketpair()
    y.send(b"1")
    select.select([x, a], [x, b], [], 1)
    select.select([a], [], [], 0)
    select.select([], [], [x], 0.25)
    fdset = ctypes.create_string_buffer(128)
    fdset[x.fileno() // 8] = bytes([1 << (x.fileno() % 8)])

    class Timeval(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]
    libc.syscall(23, x.fileno() + 1, fdset, None, None, ctypes.byref(Timeval(0, 100000)))
    libc.syscall(23, 0, None, None, None, ctypes.byref(Timeval(0, 0)))
    srv = socket.socket()
    srv.bind(("127.0.0.1", 7800))
    srv.listen(1)
    c = socket.create_connection(("127.0.0.1", 7800))
    conn, _ = srv.accept()
    c.send(b"!", socket.MSG_OOB)
    select.select([conn], [conn], [conn], 1)  # urgent data: `except [fd]`
    p = select.poll()
    p.register(conn, select.POLLPRI | select.POLLIN | select.POLLRDBAND)
    p.poll(10)
    conn.recv(1, socket.MSG_OOB)
    for sock in (x, y, a, b, srv, c, conn):
        sock.close()


def epoll_family() -> None:
    x, y = socket.socketpair()
    e = select.epoll()
    e.register(x, select.EPOLLIN | select.EPOLLET)
    e.register(y, select.EPOLLOUT)
    e.poll(0.1)
    e.modify(y, select.EPOLLIN | select.EPOLLRDHUP)
    e.unregister(x)
    e.poll(0.01)
    y.send(b"z")
    e.register(x, select.EPOLLIN)
    events = ctypes.create_string_buffer(12 * 4)
    libc.epoll_pwait(e.fileno(), events, 4, 10, None)
    e.close()
    x.close()
    y.close()


SOCKET_OPTIONS = [
    (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1), (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
    (socket.SOL_SOCKET, socket.SO_RCVBUF, 65536), (socket.SOL_SOCKET, socket.SO_SNDBUF, 32768),
    (socket.SOL_SOCKET, socket.SO_REUSEPORT, 1), (socket.SOL_SOCKET, socket.SO_BROADCAST, 0),
    (socket.SOL_SOCKET, socket.SO_OOBINLINE, 1), (socket.SOL_SOCKET, socket.SO_PRIORITY, 3),
    (socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1), (socket.SOL_SOCKET, socket.SO_MARK, 0),
    (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 10),
    (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 5), (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3),
    (socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 3), (socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1200),
    (socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1), (socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1000),
    (socket.IPPROTO_TCP, socket.TCP_SYNCNT, 2), (socket.IPPROTO_TCP, socket.TCP_LINGER2, 5),
    (socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 4096), (socket.IPPROTO_TCP, socket.TCP_CORK, 0),
    (socket.IPPROTO_IP, socket.IP_TOS, 16), (socket.IPPROTO_IP, socket.IP_TTL, 9),
]


def sockopts() -> None:
    """Many options set and read back, struct-valued ones, lengths the kernel changes."""
    s = socket.socket()
    for level, name, value in SOCKET_OPTIONS:
        try:
            s.setsockopt(level, name, value)
        except OSError:
            pass
        s.getsockopt(level, name)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("qq", 1, 500))
    s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16)
    s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)
    s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR, 8)
    s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2)
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"reno")
    s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    for bad in ((socket.SOL_SOCKET, 99), (2000, 5), (socket.IPPROTO_TCP, 99)):
        try:
            s.setsockopt(*bad, 1)
        except OSError:
            pass
        try:
            s.getsockopt(*bad)
        except OSError:
            pass
    libc.setsockopt(s.fileno(), socket.IPPROTO_TCP, socket.TCP_NODELAY, None, 4)
    libc.getsockopt(s.fileno(), socket.IPPROTO_TCP, socket.TCP_NODELAY, None, None)
    u = socket.socket(socket.AF_UNIX)
    u.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    s.close()
    u.close()


def fcntl_family() -> None:
    s = socket.socket()
    fl = fcntl.fcntl(s, fcntl.F_GETFL)
    fcntl.fcntl(s, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    fcntl.fcntl(s, fcntl.F_GETFL)
    fcntl.fcntl(s, fcntl.F_SETFL, os.O_NONBLOCK | os.O_APPEND | 0x10000000)
    fcntl.fcntl(s, fcntl.F_GETFD)
    fcntl.fcntl(s, fcntl.F_SETFD, 0)
    fcntl.fcntl(s, fcntl.F_GETFD)
    fcntl.fcntl(s, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
    d = fcntl.fcntl(s, fcntl.F_DUPFD, 20)
    e = fcntl.fcntl(s, fcntl.F_DUPFD_CLOEXEC, 30)
    r, w = os.pipe()
    fcntl.fcntl(r, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
    fcntl.fcntl(s, fcntl.F_SETOWN, os.getpid() * 0 + 1)
    fcntl.fcntl(s, fcntl.F_GETOWN)
    try:
        fcntl.fcntl(s, 0x777)
    except OSError:
        pass
    try:
        fcntl.fcntl(999, fcntl.F_GETFL)
    except OSError:
        pass
    for fd in (d, e, r, w):
        os.close(fd)
    s.close()


def forking() -> None:
    """A parent that accepts, a child that connects and exits with 3, SIGCHLD."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 7300))
    srv.listen(1)
    pid = os.fork()
    if pid == 0:
        c = socket.socket()
        c.connect(("127.0.0.1", 7300))
        c.send(b"from child")
        os._exit(3)
    a, _ = srv.accept()
    while a.recv(100):
        pass
    os.waitpid(pid, 0)
    a.close()
    srv.close()


def threaded() -> None:
    """Three threads connect to the echo peer at the same time. The barriers keep every socket
    open until all are connected, so the three fds are 3, 4, 5 whatever the scheduling."""
    connected, done = threading.Barrier(3), threading.Barrier(3)

    def one() -> None:
        c = socket.create_connection(ECHO)
        connected.wait()
        c.sendall(b"thread")  # the same bytes from each: which thread gets which fd is a race
        c.recv(100)
        done.wait()
        c.close()
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def interrupted() -> None:
    """A signal with a handler interrupts pselect6 (ERESTARTNOHAND), poll
    (ERESTART_RESTARTBLOCK) and accept4 (ERESTARTSYS)."""
    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop()
    signal.signal(signal.SIGALRM, handler)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 7900))
    listener.listen(1)
    for wait in (lambda: select.select([s], [], [], 30), lambda: select.poll().poll(30000),
                 listener.accept):
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        try:
            wait()
        except Stop:
            pass
    s.close()
    listener.close()


def many_fds() -> None:
    """Arrays longer than -s: strace prints 32 elements, then `...`; accept without addresses."""
    pairs = [socket.socketpair() for _ in range(20)]
    socks = [s for pair in pairs for s in pair]
    p = select.poll()
    for s in socks:
        p.register(s, select.POLLOUT)
    p.poll(0)
    e = select.epoll()
    for s in socks:
        e.register(s, select.EPOLLOUT)
    e.poll(0, 64)
    select.select([], socks, [], 0)
    a, b = pairs[0]
    a.sendmsg([b"x"] * 40)
    b.recvmsg_into([bytearray(1) for _ in range(40)])
    os.close(libc.syscall(213, 5))  # epoll_create
    events = ctypes.create_string_buffer(12 * 4)
    libc.syscall(441, e.fileno(), events, 4, ctypes.byref(_Timespec(0, 1000)), None,
                 ctypes.c_long(8))  # epoll_pwait2
    libc.syscall(288, a.fileno(), None, None, 0)  # accept4
    libc.syscall(43, a.fileno(), None, None)  # accept
    e.close()
    for s in socks:
        s.close()


def ancillary() -> None:
    """Control messages (timestamp, IP_PKTINFO, IP_TTL), AF_PACKET and netlink addresses."""
    ip_recvttl, ip_pktinfo, so_timestampns = 12, 8, 35
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 7600))
    u.setsockopt(socket.IPPROTO_IP, ip_recvttl, 1)
    u.setsockopt(socket.IPPROTO_IP, ip_pktinfo, 1)
    u.setsockopt(socket.SOL_SOCKET, so_timestampns, 1)
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v.sendto(b"ttl", ("127.0.0.1", 7600))
    u.recvmsg(10, 256)
    p = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x800))
    p.bind(("lo", 0x86DD, 4, 772, b"\x01\x02"))
    p.getsockname()
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    nl.setsockopt(270, 11, 1)  # SOL_NETLINK, NETLINK_EXT_ACK
    nl.bind((0, 0))
    for sock in (u, v, p, nl):
        sock.close()


def signals() -> None:
    """SIGPIPE from a write to a closed peer (delivered to a tracee even when ignored), and a
    child SIGKILLed while it blocks in accept(): `<unfinished ...>) = ?`, `killed by SIGKILL`."""
    x, y = socket.socketpair()
    y.close()
    try:
        x.send(b"lost")
    except BrokenPipeError:
        pass
    try:
        x.send(b"quiet", socket.MSG_NOSIGNAL)
    except BrokenPipeError:
        pass
    x.close()
    pid = os.fork()
    if pid == 0:
        srv = socket.socket()
        srv.bind(("127.0.0.1", 7500))
        srv.listen(1)
        srv.accept()
        os._exit(0)
    # Wait until the child is inside accept4, whatever the machine's load, with calls outside
    # the trace set only (pread, nanosleep), so the trace does not depend on how long it takes.
    # Sleeping (S), not in a tracer's stop (t) at the entry: the entry line is out.
    syscall = os.open(f"/proc/{pid}/syscall", os.O_RDONLY)
    stat = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    while not (os.pread(syscall, 64, 0).startswith(b"288 ")
               and os.pread(stat, 512, 0).rsplit(b")", 1)[1].split()[0] == b"S"):
        time.sleep(0.005)
    os.close(syscall)
    os.close(stat)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def job_control() -> None:
    """A child stops its parent (SIGSTOP) while the parent blocks in poll(), checks that it stays
    stopped, continues it (SIGCONT) and reports what it saw through the pipe the parent polls:
    `? ERESTARTNOHAND`, `--- SIGSTOP ...`, `--- stopped by SIGSTOP ---`, `--- SIGCONT ...`, the
    restarted poll, and a read() showing the parent's state while stopped (strace: `t,t`)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        parent = os.getppid()
        syscall = os.open(f"/proc/{parent}/syscall", os.O_RDONLY)
        stat = os.open(f"/proc/{parent}/stat", os.O_RDONLY)

        def state() -> bytes:
            return os.pread(stat, 512, 0).rsplit(b")", 1)[1].split()[0]

        def in_poll(*calls: bytes) -> bool:  # asleep in one of these calls, not in a tracer's stop
            return os.pread(syscall, 64, 0).split(b" ")[0] in calls and state() == b"S"

        while not in_poll(b"7"):  # poll
            time.sleep(0.005)
        os.kill(parent, signal.SIGSTOP)
        deadline = time.monotonic() + 10
        while state() not in (b"t", b"T") and time.monotonic() < deadline:
            time.sleep(0.005)
        first = state()
        time.sleep(0.3)  # a tracer that resumed it would have let it run by now
        seen = first + b"," + state()
        os.kill(parent, signal.SIGCONT)
        # Back in its restarted poll before this child ends: SIGCONT is then taken before the
        # SIGCHLD of the exit (both pending at once, the lower number, SIGCHLD, would come first).
        deadline = time.monotonic() + 10
        while not in_poll(b"7", b"219") and time.monotonic() < deadline:  # poll, or restart_syscall
            time.sleep(0.005)
        os.write(wfd, seen)
        os._exit(0)
    poller = select.poll()
    poller.register(rfd, select.POLLIN)
    poller.poll()
    os.read(rfd, 16)
    os.waitpid(pid, 0)


def thread_execve() -> None:
    """A non-leader thread execs while the leader waits in recvfrom(): the leader's call never
    returns, and the thread takes over its pid (strace: `+++ superseded by execve in pid N +++`)."""
    waiting, _peer = socket.socketpair()
    leader = threading.get_native_id()

    def worker() -> None:
        # Go on only once the leader sits in recvfrom (nr 45), so every run prints the same lines.
        fd = os.open(f"/proc/self/task/{leader}/syscall", os.O_RDONLY)  # one close(), not one a try
        while os.pread(fd, 64, 0).split(b" ", 1)[0] != b"45":
            time.sleep(0.001)
        os.close(fd)
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
        os.execv("/bin/true", ["true"])

    threading.Thread(target=worker).start()
    waiting.recv(8)
    os._exit(3)  # never reached: the exec ends this thread


SCENARIOS = {f.__name__: f for f in (
    tcp_echo, mmsg, refused_select, refused_poll, connect_nonblocking_ok, ipv6, unix, udp, poll_family,
    select_family, epoll_family, sockopts, fcntl_family, forking, threaded, interrupted, signals, many_fds, ancillary,
    thread_execve, job_control)}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](*sys.argv[2:])
