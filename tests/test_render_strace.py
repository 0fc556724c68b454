"""The strace-text renderer on hand-written event streams: strace 6.1's formats, byte for byte."""

from __future__ import annotations

import time

from sysrec.render.strace_text import RenderOptions, StraceRenderer, quote, render_node

CONNECT_ARGS = [{"$fd": 3}, {"sa_family": "AF_INET", "sin_port": "htons(10009)",
                             "sin_addr": 'inet_addr("127.0.0.1")'}, 16]


def sc(name, args, ret, pid=100, n_entry=None, **extra):
    ev = {"ev": "syscall", "pid": pid, "tgid": pid, "name": name, "args": args,
          "n_entry": len(args) if n_entry is None else n_entry, "ret": ret, "errno": None,
          "rtext": None, "raux": None, "t0": 1_700_000_000_000_000_000, "t1": 1_700_000_000_000_123_456,
          "resumed": False}
    ev.update(extra)
    return ev


def at40(head: str, tail: str) -> str:
    """strace's alignment: `= ...` starts at column 40, or one space after a longer head."""
    return (head.ljust(40) if len(head) < 40 else head + " ") + tail


def render(events, to_file=False, **opts):
    r = StraceRenderer(RenderOptions(**opts), to_file)
    return "".join(r.feed(e) for e in events) + r.finish()


def test_quote_escapes_like_strace():
    assert quote("hello\n\0\1\x7f\xff9a") == r'"hello\n\0\1\177\3779a"'
    assert quote('"\\\t\r\v\f') == r'"\"\\\t\r\v\f"'
    assert quote("\x001") == r'"\0001"'
    assert quote("\x00\x09", hexa=True) == r'"\x00\x09"'


def test_string_truncation_and_nodes():
    opts = RenderOptions(strsize=5)
    assert render_node({"$s": "abcdefgh", "n": 100}, opts) == '"abcde"...'
    assert render_node({"$s": "abc", "n": 3}, opts) == '"abc"'
    assert render_node({"$s": "abc", "n": 10}, opts) == '"abc"...'
    assert render_node({"$path": "/a/very/long/path"}, opts) == '"/a/very/long/path"'
    assert render_node({"$path": "x\0y", "abstract": True}, opts) == r'@"x\0y"'
    assert render_node({"$ptr": 0x7FFC90167ED4}, opts) == "0x7ffc90167ed4"
    assert render_node([{"$vr": [128, 16]}], opts) == "[128 => 16]"
    assert render_node({"$set": ["INT", "TERM"]}, opts) == "[INT TERM]"
    assert render_node({"$set": ["KILL", "STOP"], "neg": True}, opts) == "~[KILL STOP]"
    assert render_node({"a": 1, "b": {"c": "X"}}, opts) == "{a=1, b={c=X}}"
    assert render_node({"sa_family": "AF_INET6", "sin6_addr": {"$inet_pton": "::1"}}, opts) == \
        '{sa_family=AF_INET6, inet_pton(AF_INET6, "::1", &sin6_addr)}'


def test_return_value_aligned_at_column_40():
    assert render([sc("close", [{"$fd": 3}], 0)]) == "close(3)" + " " * 32 + "= 0\n"
    long = render([sc("connect", CONNECT_ARGS, -115, errno="EINPROGRESS")])
    assert long == ('connect(3, {sa_family=AF_INET, sin_port=htons(10009), sin_addr=inet_addr("127.0.0.1")}, 16) '
                    "= -1 EINPROGRESS (Operation now in progress)\n")


def test_return_texts():
    assert render([sc("pselect6", [4, "NULL", {"$set": [{"$fd": 3}]}, "NULL", "NULL", "NULL"], -514,
                      errno="ERESTARTNOHAND")]).endswith("= ? ERESTARTNOHAND (To be restarted if no handler)\n")
    assert render([sc("fcntl", [{"$fd": 3}, "F_GETFL"], 0x802, rtext="0x802",
                      raux="flags O_RDWR|O_NONBLOCK")]).endswith("= 0x802 (flags O_RDWR|O_NONBLOCK)\n")
    assert render([sc("poll", [[], 0, 0], 0, raux="Timeout")]).endswith("= 0 (Timeout)\n")
    assert render([sc("exit_group", [0], None)]) == "exit_group(0)" + " " * 27 + "= ?\n"


def test_fd_decoration_with_y_and_yy():
    ev = sc("socket", ["AF_INET", "SOCK_STREAM", "IPPROTO_TCP"], 3, rtext={"$fd": 3},
            fds={"3": {"y": "socket:[4242]", "yy": "TCP:[4242]"}})
    assert render([ev]).endswith("= 3\n")
    assert render([ev], fd_decode=1).endswith("= 3<socket:[4242]>\n")
    assert render([ev], fd_decode=2).endswith("= 3<TCP:[4242]>\n")


def test_unfinished_and_resumed_lines():
    enter = {"ev": "enter", "pid": 5977, "tgid": 5977, "name": "read", "args": [{"$fd": 3}],
             "t0": 1}
    other = sc("write", [{"$fd": 1}, {"$s": "x\n", "n": 2}, 2], 2, pid=5978)
    done = sc("read", [{"$fd": 3}, {"$s": "x\n", "n": 2}, 4096], 2, pid=5977, n_entry=1, resumed=True)
    spawn = {"ev": "spawn", "pid": 5978, "parent": 5977, "t": 0, "kind": "fork"}
    out = render([spawn, enter, other, done], follow=True)
    assert out.splitlines() == [
        "[pid  5977] read(3,  <unfinished ...>",
        at40('[pid  5978] write(1, "x\\n", 2)', "= 2"),
        '[pid  5977] <... read resumed>"x\\n", 4096) = 2',
    ]
    entry_only = {"ev": "enter", "pid": 7, "name": "close", "args": [{"$fd": 3}], "t0": 1}
    assert render([entry_only]) == "close(3 <unfinished ...>\n"
    assert render([sc("close", [{"$fd": 3}], 0, pid=7, resumed=True)]) == "<... close resumed>)" + " " * 20 + "= 0\n"


def test_call_that_never_returned():
    accept = sc("accept4", [{"$fd": 5}], None, n_entry=1)
    assert render([accept]) == at40("accept4(5,  <unfinished ...>)", "= ?\n")
    resumed = sc("accept4", [{"$fd": 5}], None, n_entry=1, resumed=True)
    assert render([resumed]) == "<... accept4 resumed> <unfinished ...>) = ?\n"


def test_pid_prefixes_follow_strace_rules():
    spawn = {"ev": "spawn", "pid": 8, "parent": 7, "t": 0, "kind": "fork"}
    exit8 = {"ev": "exit", "pid": 8, "tgid": 8, "t": 0, "status": 0}
    line7 = sc("listen", [{"$fd": 3}, 5], 0, pid=7)
    stderr = render([line7, spawn, line7, exit8, line7], follow=True).splitlines()
    assert stderr[0].startswith("listen(3, 5)")
    assert stderr[1].startswith("[pid     7] listen(3, 5)")
    assert stderr[2] == "[pid     8] +++ exited with 0 +++"
    assert stderr[3].startswith("listen(3, 5)")
    to_file = render([line7, spawn, exit8], to_file=True, follow=True).splitlines()
    assert to_file[0] == at40("7     listen(3, 5)", "= 0")
    assert to_file[1] == "8     +++ exited with 0 +++"
    assert render([line7], to_file=True).startswith("listen(")


def test_superseded_leader_counts_as_gone_before_its_line():
    """A thread's execve: the leader's line and the exit of the program after it print without
    the `[pid N]` prefix on stderr (two processes became one); with -o, under the leader's pid."""
    spawn = {"ev": "spawn", "pid": 8, "parent": 7, "tgid": 7, "t": 0, "kind": "thread"}
    gone = sc("recvfrom", [{"$fd": 3}], None, pid=7, n_entry=1, resumed=True)
    superseded = {"ev": "exit", "pid": 7, "tgid": 7, "t": 0, "superseded_by": 8}
    done = {"ev": "exit", "pid": 7, "tgid": 7, "t": 0, "status": 0}
    stderr = render([spawn, gone, superseded, done], follow=True).splitlines()
    assert stderr == ["[pid     7] <... recvfrom resumed> <unfinished ...>) = ?",
                      "+++ superseded by execve in pid 8 +++", "+++ exited with 0 +++"]
    to_file = render([spawn, superseded, done], to_file=True, follow=True).splitlines()
    assert to_file == ["7     +++ superseded by execve in pid 8 +++", "7     +++ exited with 0 +++"]


def test_signal_and_exit_lines():
    sig = {"ev": "signal", "pid": 1, "tgid": 1, "t": 0, "sig": "SIGCHLD",
           "info": {"si_signo": "SIGCHLD", "si_code": "CLD_EXITED", "si_pid": 2, "si_uid": 0,
                    "si_status": 0, "si_utime": 0, "si_stime": 0}}
    assert render([sig]) == ("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, "
                             "si_status=0, si_utime=0, si_stime=0} ---\n")
    assert render([{"ev": "exit", "pid": 1, "t": 0, "signal": "SIGKILL", "core": False}]) == "+++ killed by SIGKILL +++\n"
    assert render([{"ev": "exit", "pid": 1, "t": 0, "signal": "SIGSEGV", "core": True}]) == \
        "+++ killed by SIGSEGV (core dumped) +++\n"
    assert render([{"ev": "exit", "pid": 1, "t": 0, "status": 3}]) == "+++ exited with 3 +++\n"
    assert render([{"ev": "counters", "t": 0, "values": {}}, {"ev": "warning", "t": 0, "msg": "x"}]) == ""


def test_timestamps_and_durations():
    ev = sc("close", [{"$fd": 3}], 0)
    assert render([ev], syscall_times=True).endswith("= 0 <0.000123>\n")
    assert render([ev], timestamps=3).startswith("1700000000.000000 close(3)")
    clock = time.strftime("%H:%M:%S", time.localtime(1_700_000_000))
    assert render([ev], timestamps=2).startswith(f"{clock}.000000 close(3)")
    assert render([ev], timestamps=1).startswith(f"{clock} close(3)")
    later = dict(ev, t0=ev["t0"] + 1_500_000)
    rel = render([ev, later], relative=True).splitlines()
    assert rel[0].startswith("     0.000000 close(3)") and rel[1].startswith("     0.001500 close(3)")
    assert render([sc("exit_group", [0], None)], syscall_times=True).endswith("= ? <unavailable>\n")
