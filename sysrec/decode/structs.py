"""The C structures sysrec reads from a tracee, as construct definitions (x86-64 layout).

Each is compiled once (construct's compile() makes parsing 3-8x faster); nothing here uses
Computed(lambda) so every struct compiles.
"""

from __future__ import annotations

from construct import (Bytes, GreedyRange, Int8ul, Int16sl, Int16ub, Int16ul, Int32sl, Int32ub,
                       Int32ul, Int64sl, Int64ul, Padding, Struct)

from sysrec.decode.lazy_compile import compiled_later

sockaddr_family = compiled_later(Struct("family" / Int16ul))

sockaddr_in = compiled_later(Struct(
    "family" / Int16ul, "port" / Int16ub, "addr" / Bytes(4),
))

sockaddr_in6 = compiled_later(Struct(
    "family" / Int16ul, "port" / Int16ub, "flowinfo" / Int32ub, "addr" / Bytes(16),
    "scope_id" / Int32ul,
))

sockaddr_ll = compiled_later(Struct(
    "family" / Int16ul, "protocol" / Int16ub, "ifindex" / Int32sl, "hatype" / Int16ul,
    "pkttype" / Int8ul, "halen" / Int8ul, "addr" / Bytes(8),
))

in_pktinfo = compiled_later(Struct("ifindex" / Int32sl, "spec_dst" / Bytes(4), "addr" / Bytes(4)))

sockaddr_nl = compiled_later(Struct(
    "family" / Int16ul, "pad" / Int16ul, "pid" / Int32ul, "groups" / Int32ul,
))

timespec = compiled_later(Struct("tv_sec" / Int64sl, "tv_nsec" / Int64sl))
timeval = compiled_later(Struct("tv_sec" / Int64sl, "tv_usec" / Int64sl))

pollfd = Struct("fd" / Int32sl, "events" / Int16ul, "revents" / Int16ul)
pollfd_array = compiled_later(GreedyRange(pollfd))
POLLFD_SIZE = 8

# struct epoll_event is packed on x86-64: 12 bytes.
epoll_event = Struct("events" / Int32ul, "data" / Int64ul)
epoll_event_array = compiled_later(GreedyRange(epoll_event))
EPOLL_EVENT_SIZE = 12

iovec = Struct("base" / Int64ul, "len" / Int64ul)
iovec_array = compiled_later(GreedyRange(iovec))
IOVEC_SIZE = 16

msghdr = compiled_later(Struct(
    "name" / Int64ul, "namelen" / Int32ul, Padding(4), "iov" / Int64ul, "iovlen" / Int64ul,
    "control" / Int64ul, "controllen" / Int64ul, "flags" / Int32sl, Padding(4),
))
MSGHDR_SIZE = 56
MMSGHDR_SIZE = 64  # struct mmsghdr: a msghdr, then unsigned msg_len, padded

cmsghdr = compiled_later(Struct("len" / Int64ul, "level" / Int32sl, "type" / Int32sl))
CMSGHDR_SIZE = 16

linger = compiled_later(Struct("l_onoff" / Int32sl, "l_linger" / Int32sl))
# strace prints the ids as signed (an unset peer shows uid=-1).
ucred = compiled_later(Struct("pid" / Int32sl, "uid" / Int32sl, "gid" / Int32sl))

flock = compiled_later(Struct(
    "l_type" / Int16sl, "l_whence" / Int16sl, Padding(4), "l_start" / Int64sl,
    "l_len" / Int64sl, "l_pid" / Int32sl, Padding(4),
))
FLOCK_SIZE = 32

f_owner_ex = compiled_later(Struct("type" / Int32sl, "pid" / Int32sl))

# pselect6's sixth argument points to this pair.
pselect6_sigmask = compiled_later(Struct("ss" / Int64ul, "ss_len" / Int64ul))

int32 = compiled_later(Int32sl)
uint32 = compiled_later(Int32ul)

siginfo_head = compiled_later(Struct("signo" / Int32sl, "errno" / Int32sl, "code" / Int32sl, Padding(4)))
siginfo_kill = compiled_later(Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul))
siginfo_chld = compiled_later(Struct(
    Padding(16), "pid" / Int32sl, "uid" / Int32ul, "status" / Int32sl, Padding(4),
    "utime" / Int64sl, "stime" / Int64sl,
))
siginfo_rt = compiled_later(Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul, "value" / Int64ul))
siginfo_timer = compiled_later(Struct(Padding(16), "tid" / Int32sl, "overrun" / Int32sl,
                                      "value" / Int64ul))
siginfo_fault = compiled_later(Struct(Padding(16), "addr" / Int64ul))
siginfo_poll = compiled_later(Struct(Padding(16), "band" / Int64sl, "fd" / Int32sl))
siginfo_sys = compiled_later(Struct(Padding(16), "call_addr" / Int64ul, "syscall" / Int32sl,
                                    "arch" / Int32ul))
SIGINFO_SIZE = 128
