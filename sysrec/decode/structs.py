"""The C structures sysrec reads from a tracee, as construct definitions (x86-64 layout).

Each is compiled once (construct's compile() makes parsing 3-8x faster); nothing here uses
Computed(lambda) so every struct compiles.
"""

from __future__ import annotations

from construct import (Bytes, GreedyRange, Int8ul, Int16sl, Int16ub, Int16ul, Int32sl, Int32ub,
                       Int32ul, Int64sl, Int64ul, Padding, Struct)

sockaddr_family = Struct("family" / Int16ul).compile()

sockaddr_in = Struct(
    "family" / Int16ul, "port" / Int16ub, "addr" / Bytes(4),
).compile()

sockaddr_in6 = Struct(
    "family" / Int16ul, "port" / Int16ub, "flowinfo" / Int32ub, "addr" / Bytes(16),
    "scope_id" / Int32ul,
).compile()

sockaddr_ll = Struct(
    "family" / Int16ul, "protocol" / Int16ub, "ifindex" / Int32sl, "hatype" / Int16ul,
    "pkttype" / Int8ul, "halen" / Int8ul, "addr" / Bytes(8),
).compile()

in_pktinfo = Struct("ifindex" / Int32sl, "spec_dst" / Bytes(4), "addr" / Bytes(4)).compile()

sockaddr_nl = Struct(
    "family" / Int16ul, "pad" / Int16ul, "pid" / Int32ul, "groups" / Int32ul,
).compile()

timespec = Struct("tv_sec" / Int64sl, "tv_nsec" / Int64sl).compile()
timeval = Struct("tv_sec" / Int64sl, "tv_usec" / Int64sl).compile()

pollfd = Struct("fd" / Int32sl, "events" / Int16ul, "revents" / Int16ul)
pollfd_array = GreedyRange(pollfd).compile()
POLLFD_SIZE = 8

# struct epoll_event is packed on x86-64: 12 bytes.
epoll_event = Struct("events" / Int32ul, "data" / Int64ul)
epoll_event_array = GreedyRange(epoll_event).compile()
EPOLL_EVENT_SIZE = 12

iovec = Struct("base" / Int64ul, "len" / Int64ul)
iovec_array = GreedyRange(iovec).compile()
IOVEC_SIZE = 16

msghdr = Struct(
    "name" / Int64ul, "namelen" / Int32ul, Padding(4), "iov" / Int64ul, "iovlen" / Int64ul,
    "control" / Int64ul, "controllen" / Int64ul, "flags" / Int32sl, Padding(4),
).compile()
MSGHDR_SIZE = 56
MMSGHDR_SIZE = 64  # struct mmsghdr: a msghdr, then unsigned msg_len, padded

cmsghdr = Struct("len" / Int64ul, "level" / Int32sl, "type" / Int32sl).compile()
CMSGHDR_SIZE = 16

linger = Struct("l_onoff" / Int32sl, "l_linger" / Int32sl).compile()
# strace prints the ids as signed (an unset peer shows uid=-1).
ucred = Struct("pid" / Int32sl, "uid" / Int32sl, "gid" / Int32sl).compile()

flock = Struct(
    "l_type" / Int16sl, "l_whence" / Int16sl, Padding(4), "l_start" / Int64sl,
    "l_len" / Int64sl, "l_pid" / Int32sl, Padding(4),
).compile()
FLOCK_SIZE = 32

f_owner_ex = Struct("type" / Int32sl, "pid" / Int32sl).compile()

# pselect6's sixth argument points to this pair.
pselect6_sigmask = Struct("ss" / Int64ul, "ss_len" / Int64ul).compile()

int32 = Int32sl.compile()
uint32 = Int32ul.compile()

siginfo_head = Struct("signo" / Int32sl, "errno" / Int32sl, "code" / Int32sl, Padding(4)).compile()
siginfo_kill = Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul).compile()
siginfo_chld = Struct(
    Padding(16), "pid" / Int32sl, "uid" / Int32ul, "status" / Int32sl, Padding(4),
    "utime" / Int64sl, "stime" / Int64sl,
).compile()
siginfo_rt = Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul, "value" / Int64ul).compile()
siginfo_timer = Struct(Padding(16), "tid" / Int32sl, "overrun" / Int32sl,
                       "value" / Int64ul).compile()
siginfo_fault = Struct(Padding(16), "addr" / Int64ul).compile()
siginfo_poll = Struct(Padding(16), "band" / Int64sl, "fd" / Int32sl).compile()
siginfo_sys = Struct(Padding(16), "call_addr" / Int64ul, "syscall" / Int32sl,
                     "arch" / Int32ul).compile()
SIGINFO_SIZE = 128
