"""The annotation table: (event, outcome, context) → what it means, and the kernel code behind it.

Rows are tried in order and the first that matches wins, so a specific row (ECONNRESET *with*
tcp_abort_on_overflow=1 and a rise in EmbryonicRsts) sits above the general one (any ECONNRESET).
Adding a failure mode means adding a row here; the engine never needs to change.

Columns:
- `calls`: syscall names (empty: any); `outcome`: see `facts.syscall_outcome` (errno name,
  `SO_ERROR=<value>`, `Timeout`, `POLLERR|POLLHUP`, `writable`, `readable`, `ready`, `EOF`, `ok`); `sockopt`: option of get/setsockopt.
- `states`: TCP state of the call's socket at this stop (ctx.tcp_state; None: not recorded).
- `waited`: True: the call blocked at least facts.WAITED_MS (a timeout ran out); False: it did not.
- `settings`: sysctls from the record's header (`context.settings`) that must hold.
- `counters`: conditions on kernel counter deltas since the record began: (name, op, number);
  `delta`: the same on this stop's own delta (what changed while this call ran, or since the last stop).
- packets: `flags` (`SYN|ACK`, `RST|ACK`, ... in facts.FLAG_ORDER), `from_server`, `retransmit`,
  `role` (`final-ack`: the client's first pure ACK after the SYN-ACK; for a server's RST, what it
  answered: `reset-after-final-ack`, `syn-refused`, `reset`; a client's pure ACK one below what it
  has sent: `window-probe` after the server advertised a zero window, else `keepalive-probe`; a
  client's RST right after a keepalive probe: `keepalive-reset`; a server's pure ACK with window 0:
  `zero-window`, or `zero-window-again` when its window was already 0).
- `flow`: what the packet capture proves about the call's own connection, anywhere in the record:
  `captured`, `syn_answered`, `syn_retransmitted`, `synack_retransmitted`, `reset_by_server`,
  `data_acked` (the server acknowledged data we sent: the connection left SYN-RECV on its side),
  `timed_out` (a call on it failed with ETIMEDOUT: the kernel gave it up);
  from the connect()'s own counter delta: `cookie` (answered with a SYN cookie),
  `syn_queue_full_drop` (SYN dropped on a full SYN queue, no cookies); from the listener readings:
  `listener_closed` (the scenario's listener was there at an earlier stop and is gone now),
  `listening` (it is there at this stop and the socket connected to its address; for a packet from
  the server: it comes from the listener's port while the listener was last seen up),
  `listener_has_room` (its accept queue was below its backlog at this stop — for a packet: at the last stop
  before it — so an unanswered SYN or ACK was not dropped by the listener for want of room),
  `listener_synrecv` (it holds SYN-RECV requests at this stop); from earlier calls on the same fd:
  `user_timeout` (TCP_USER_TIMEOUT > 0 was set), `final_ack_unheard` (connect() returned while the
  listener, with room, still held a SYN-RECV request: our final ACK had not reached it; also known to
  that connection's packets).
- `key`: the event explains the outcome; `--around` and the report's excerpts centre on it.
Text may use `{dt_ms}` (packets: the time since the packet the text refers to) and `{state}`.
"""

from __future__ import annotations

from dataclasses import dataclass

ABORT = "net.ipv4.tcp_abort_on_overflow"


@dataclass(frozen=True)
class Rule:
    id: str
    explain: str
    ref: str
    kind: str = "syscall"
    calls: frozenset[str] = frozenset()
    states: frozenset[str | None] = frozenset()
    outcome: frozenset[str] = frozenset()
    sockopt: str | None = None
    settings: tuple[tuple[str, str], ...] = ()
    counters: tuple[tuple[str, str, int], ...] = ()
    delta: tuple[tuple[str, str, int], ...] = ()
    flags: frozenset[str] = frozenset()
    from_server: bool | None = None
    retransmit: bool | None = None
    role: str | None = None
    flow: tuple[tuple[str, bool], ...] = ()
    key: bool = False
    waited: bool | None = None


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


CONNECT = _s("connect")
SO_ERROR_CALL = _s("getsockopt")
READINESS = _s("select", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_pwait2")
IO_CALLS = _s("read", "recvfrom", "recvmsg", "readv", "write", "sendto", "sendmsg", "writev")
READS = _s("read", "recvfrom", "recvmsg", "readv")
WRITES = _s("write", "sendto", "sendmsg", "writev")

RESET_BY_OVERFLOW = (
    "the listener's accept queue was full when our final ACK arrived, and "
    "tcp_abort_on_overflow=1 made it answer with RST instead of dropping the ACK"
)
SYN_DROPPED = (
    "our SYN met a full accept queue and the listener dropped it: no SYN-ACK, no RST; "
    "the client only retransmits its SYN (kernels >= 4.10 drop SYNs while the queue is full, "
    "whatever tcp_abort_on_overflow says)"
)

NO_OVERFLOW = (("TcpExtListenOverflows", "==", 0),)   # no final ACK met a full accept queue in the run
ACK_LOST = ("our final ACK of the handshake never reached the listener (its accept queue has room, so "
            "it did not drop it): lost or filtered on the way")
SYN_RETRIES_VS_USER_TIMEOUT = (
    "tcp_write_timeout(): gives up when the retransmissions reach tcp_syn_retries (+ "
    "tcp_syn_linear_timeouts, 6.7+) or when retransmits_timed_out() finds the budget spent — "
    "TCP_USER_TIMEOUT when set, else the time tcp_syn_retries exponential retransmissions take; "
    "tcp_clamp_rto_to_user_timeout() cuts the last timer short; tcp_write_err(ETIMEDOUT)")

RULES: tuple[Rule, ...] = (
    # --- the connection attempt -------------------------------------------------------------
    Rule("connect-tw-recycled", calls=CONNECT, outcome=_s("ok", "EINPROGRESS"), key=True,
         delta=(("TcpExtTWRecycled", ">", 0),),
         explain="this connection's four-tuple was still held by a TIME_WAIT socket of an earlier "
                 "connection; the kernel let the new one take it over (TWRecycled +1)",
         ref="__inet_check_established() → tcp_twsk_unique(): allowed with TCP timestamps (PAWS), for a port "
             "connect() picked only when net.ipv4.tcp_tw_reuse allows it, for a port the caller bound always"),
    Rule("connect-inprogress", calls=CONNECT, outcome=_s("EINPROGRESS"),
         explain="non-blocking connect started: SYN sent, the handshake continues in the kernel",
         ref="__inet_stream_connect(): O_NONBLOCK returns -EINPROGRESS after tcp_v4_connect()"),
    Rule("connect-addrnotavail-no-timestamps", calls=CONNECT, outcome=_s("EADDRNOTAVAIL"), key=True,
         settings=(("net.ipv4.tcp_timestamps", "0"),),
         explain="no usable four-tuple: the local port is held by a TIME_WAIT socket of an earlier connection "
                 "to the same server, and without TCP timestamps it may never be taken over",
         ref="__inet_check_established() → tcp_twsk_unique() false without tw_ts_recent_stamp → -EADDRNOTAVAIL"),
    Rule("connect-addrnotavail", calls=CONNECT, outcome=_s("EADDRNOTAVAIL"), key=True,
         explain="no local port left for this destination: every port of net.ipv4.ip_local_port_range is "
                 "held by a connection or a TIME_WAIT socket to the same server (TIME_WAIT lasts 60 s)",
         ref="__inet_hash_connect(): no port passes __inet_check_established() → -EADDRNOTAVAIL"),
    Rule("bind-addrinuse", calls=_s("bind"), outcome=_s("EADDRINUSE"), key=True,
         explain="the port is taken: another socket holds it — a TIME_WAIT socket of an earlier connection "
                 "counts too, unless both it and this socket set SO_REUSEADDR",
         ref="inet_csk_get_port() → inet_csk_bind_conflict()"),
    Rule("connect-ok-ack-unheard", calls=CONNECT, outcome=_s("ok"), key=True,
         flow=(("listener_synrecv", True), ("listener_has_room", True), ("ack_in_flight", False)),
         counters=NO_OVERFLOW,
         explain="connected, as far as the client knows: the SYN-ACK arrived and our socket is ESTABLISHED, "
                 "but the listener still holds this connection as a SYN-RECV request — our final ACK has "
                 "not reached it (lost, filtered, or still in flight). A client that sends first completes "
                 "the handshake anyway: its data segment carries the same ACK",
         ref="tcp_rcv_synsent_state_process() → tcp_finish_connect() on our side; the server's request "
             "stays in SYN-RECV until tcp_check_req() accepts an ACK for it"),
    Rule("connect-ok", calls=CONNECT, outcome=_s("ok"),
         explain="connected: the handshake finished before connect() returned",
         ref="__inet_stream_connect() waits in inet_wait_for_connect()"),
    Rule("connect-refused", calls=CONNECT, outcome=_s("ECONNREFUSED"), key=True,
         explain="nothing listens on that port: the SYN was answered with RST",
         ref="tcp_v4_send_reset() for a SYN without a socket; tcp_reset() in SYN_SENT sets ECONNREFUSED"),
    Rule("connect-hostunreach", calls=CONNECT, outcome=_s("EHOSTUNREACH"), key=True,
         explain="an ICMP host unreachable answered the SYN (a router, or a firewall's REJECT "
                 "--reject-with icmp-host-unreachable), or no route to the host",
         ref="tcp_v4_err(): ICMP_HOST_UNREACH → EHOSTUNREACH in SYN_SENT; ip_route_connect() → -EHOSTUNREACH"),
    Rule("connect-no-nscd", calls=CONNECT, outcome=_s("ENOENT"),
         explain="no such socket file: glibc's name lookup asks nscd first and, without it, falls back "
                 "to /etc/hosts and DNS (harmless)",
         ref="glibc __nscd_open_socket(); kernel unix_find_bsd() → -ENOENT"),
    Rule("connect-timedout-user-timeout", calls=CONNECT, outcome=_s("ETIMEDOUT"), key=True,
         flow=(("user_timeout", True),),
         explain="no answer to the SYN before TCP_USER_TIMEOUT ran out: a user timeout replaces the time "
                 "budget of tcp_syn_retries — shorter or longer — while the number of retransmissions "
                 "tcp_syn_retries (+ tcp_syn_linear_timeouts) allows still caps it",
         ref=SYN_RETRIES_VS_USER_TIMEOUT),
    Rule("connect-timedout-synretries", calls=CONNECT, outcome=_s("ETIMEDOUT"), key=True,
         counters=(("TcpExtListenOverflows", ">", 0),),
         explain="every SYN was dropped by the full listener until tcp_syn_retries ran out",
         ref="tcp_conn_request() drops SYNs on sk_acceptq_is_full() (5ea8ea2cb7f1, 4.10); "
             "tcp_write_timeout() gives up after tcp_syn_retries"),
    Rule("connect-timedout-unheard", calls=CONNECT, outcome=_s("ETIMEDOUT"), key=True,
         flow=(("listener_has_room", True),),
         counters=(("TcpExtListenDrops", "==", 0), ("TcpExtTCPReqQFullDrop", "==", 0)),
         explain="no answer to any SYN before tcp_syn_retries ran out, although the listener has room in "
                 "its accept queue: the SYNs never reached it (dropped on the way — a firewall's DROP, a "
                 "host that is gone)",
         ref=SYN_RETRIES_VS_USER_TIMEOUT),
    Rule("connect-timedout", calls=CONNECT, outcome=_s("ETIMEDOUT"), key=True,
         explain="no answer to the SYN before tcp_syn_retries ran out",
         ref="tcp_write_timeout(): retransmits >= tcp_syn_retries → tcp_write_err(ETIMEDOUT)"),
    Rule("client-defer-accept", calls=_s("setsockopt"), sockopt="TCP_DEFER_ACCEPT",
         explain="on a client socket TCP_DEFER_ACCEPT delays the handshake's final ACK (~200 ms), "
                 "so the SYN is answered while the ACK lands later",
         ref="tcp_rcv_synsent_state_process(): defer_accept → inet_csk_reset_xmit_timer(ICSK_TIME_DACK)"),
    Rule("sockopt-keepcnt", calls=_s("setsockopt"), sockopt="TCP_KEEPCNT",
         explain="keepalive on this socket: after TCP_KEEPIDLE seconds without a received segment a probe, "
                 "then one every TCP_KEEPINTVL; TCP_KEEPCNT unanswered probes end the connection with "
                 "ETIMEDOUT (with TCP_USER_TIMEOUT set, that time decides instead of the count)",
         ref="tcp_keepalive_timer(): icsk_probes_out >= keepalive_probes() → tcp_write_err()"),
    Rule("sockopt-user-timeout", calls=_s("setsockopt"), sockopt="TCP_USER_TIMEOUT", outcome=_s("ok"),
         explain="TCP_USER_TIMEOUT: how long (ms) a SYN or sent data may stay unacknowledged, a zero window "
                 "stay shut or, with keepalive, the peer stay silent before the kernel gives up with "
                 "ETIMEDOUT; it replaces the budgets of tcp_syn_retries, tcp_retries2 and TCP_KEEPCNT "
                 "(0: the defaults)",
         ref="do_tcp_setsockopt() → tcp_sock_set_user_timeout(); read by tcp_write_timeout() "
             "(retransmits_timed_out()), tcp_clamp_rto_to_user_timeout(), tcp_probe_timer(), "
             "tcp_keepalive_timer()"),
    Rule("sockopt-rcvtimeo", calls=_s("setsockopt"), sockopt="SO_RCVTIMEO_OLD",
         explain="SO_RCVTIMEO: a blocking read gives up with EAGAIN after this long; the connection is not "
                 "affected",
         ref="sock_setsockopt() → sock_set_timeout(&sk->sk_rcvtimeo); sock_rcvtimeo()"),
    Rule("sockopt-sndtimeo", calls=_s("setsockopt"), sockopt="SO_SNDTIMEO_OLD",
         explain="SO_SNDTIMEO: a blocking send that finds no room in the send buffer gives up after this "
                 "long (EAGAIN, or the bytes it could queue); the connection is not affected",
         ref="sock_setsockopt() → sock_set_timeout(&sk->sk_sndtimeo); sk_stream_wait_memory()"),
    Rule("sockopt-sndbuf", calls=_s("setsockopt"), sockopt="SO_SNDBUF",
         explain="SO_SNDBUF: the send buffer, doubled by the kernel for its bookkeeping; a send blocks once "
                 "unacknowledged and unsent data fill it",
         ref="sock_setsockopt(): sk_sndbuf = max(val * 2, SOCK_MIN_SNDBUF)"),
    Rule("sockopt-rcvbuf", calls=_s("setsockopt"), sockopt="SO_RCVBUF",
         explain="SO_RCVBUF: the receive buffer (doubled by the kernel); it bounds the window this socket "
                 "advertises",
         ref="sock_setsockopt(): sk_rcvbuf = max(val * 2, SOCK_MIN_RCVBUF); tcp_select_initial_window()"),
    Rule("listen", calls=_s("listen"), outcome=_s("ok"),
         explain="listening: the accept queue holds backlog+1 connections (capped by net.core.somaxconn)",
         ref="sk_acceptq_is_full(): sk_ack_backlog > sk_max_ack_backlog"),

    # --- waiting for the handshake ------------------------------------------------------------
    Rule("wait-timeout-synq-drop", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("SYN_SENT", None),
         flow=(("syn_queue_full_drop", True),),
         explain="timed out waiting for the handshake: the listener's SYN queue was full and, without SYN "
                 "cookies, our SYN was dropped (TCPReqQFullDrop); the client retransmits it after 1 s",
         ref="tcp_conn_request(): inet_csk_reqsk_queue_is_full() → tcp_syn_flood_action() false → drop"),
    Rule("wait-timeout-syn-unanswered", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("SYN_SENT", None),
         flow=(("captured", True), ("syn_answered", False)), counters=(("TcpExtListenOverflows", ">", 0),),
         explain="timed out waiting for the handshake: " + SYN_DROPPED,
         ref="tcp_conn_request(): sk_acceptq_is_full() → drop (commit 5ea8ea2cb7f1, Linux 4.10)"),
    Rule("wait-timeout-syn-dropped", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("SYN_SENT", None), flow=(("syn_answered", False),),
         counters=(("TcpExtListenOverflows", ">", 0), ("TcpExtEmbryonicRsts", "==", 0)),
         explain="timed out waiting for the handshake: " + SYN_DROPPED,
         ref="tcp_conn_request(): sk_acceptq_is_full() → drop (commit 5ea8ea2cb7f1, Linux 4.10)"),
    Rule("wait-timeout-ack-lost-held", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("ESTABLISHED", None),
         flow=(("synack_retransmitted", True), ("listener_synrecv", True), ("listener_has_room", True)),
         counters=NO_OVERFLOW,
         explain="timed out on a connection that is ESTABLISHED for us and still a SYN-RECV request on the "
                 "server: " + ACK_LOST + "; it retransmits its SYN-ACK until tcp_synack_retries runs out, "
                 "and has not accepted the connection, so a server that speaks first says nothing",
         ref="reqsk_timer_handler() → inet_rtx_syn_ack(), 1 s then doubling, net.ipv4.tcp_synack_retries"),
    Rule("wait-timeout-ack-lost-expired", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("ESTABLISHED", None),
         flow=(("synack_retransmitted", True), ("listener_synrecv", False), ("listener_has_room", True)),
         counters=NO_OVERFLOW,
         explain="timed out on a connection the server has forgotten: " + ACK_LOST + "; the listener "
                 "retransmitted its SYN-ACK tcp_synack_retries times, then dropped the request without a "
                 "word (no RST). Our socket stays ESTABLISHED; the first segment we send will be reset",
         ref="reqsk_timer_handler(): num_timeout >= tcp_synack_retries → inet_csk_reqsk_queue_drop_and_put()"),
    Rule("wait-timeout-zero-window", calls=READINESS, outcome=_s("Timeout"), key=True,
         counters=(("TcpExtTCPWinProbe", ">", 0),),
         explain="not writable before the timeout: the server's window is closed (it stopped reading) and "
                 "our send buffer is full behind it; the persist timer keeps probing the window",
         ref="tcp_poll(): no EPOLLOUT while !sk_stream_is_writeable(); tcp_probe_timer() → tcp_send_probe0()"),
    Rule("wait-timeout-half-open", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("ESTABLISHED", None), flow=(("synack_retransmitted", True),),
         explain="timed out on a connection that looks ESTABLISHED but that the server still holds in "
                 "SYN-RECV (our final ACK met a full accept queue, tcp_abort_on_overflow=0, and its SYN-ACK "
                 "is retransmitted): no data will come until the queue has room",
         ref="tcp_check_req(): listen_overflow → inet_rsk(req)->acked = 1; reqsk_timer_handler()"),
    Rule("wait-timeout-pmtu-blackhole", calls=READINESS, outcome=_s("Timeout"), key=True,
         states=_s("ESTABLISHED", None), settings=(("link.icmp", "blocked"),), flow=(("syn_answered", True),),
         counters=(("TcpExtTCPTimeouts", ">", 0),),
         explain="timed out on a connected socket behind a router whose ICMP \"fragmentation needed\" is "
                 "blocked: the server's full-sized segments are dropped at the narrower hop, the server "
                 "never learns why and resends them on timeouts (TCPTimeouts) — a path-MTU black hole",
         ref="ip_forward(): too big with DF → icmp_send(ICMP_FRAG_NEEDED), dropped; server "
             "tcp_retransmit_timer(); rescue only by tcp_write_timeout() → tcp_mtu_probing()"),
    Rule("wait-timeout-idle", calls=READINESS, outcome=_s("Timeout"), states=_s("ESTABLISHED", "CLOSE_WAIT"),
         explain="timed out on a connected socket: the server sent nothing (a listener that never accepts "
                 "never reads or writes)",
         ref="do_select()/do_poll(): no event before the timeout"),
    Rule("wait-timeout-idle-answered", calls=READINESS, outcome=_s("Timeout"), states=_s(None),
         flow=(("syn_answered", True), ("reset_by_server", False)),
         explain="timed out on a connection whose handshake was answered: the server sent nothing (a "
                 "listener that never accepts never reads or writes)",
         ref="do_select()/do_poll(): no event before the timeout"),
    Rule("wait-timeout", calls=READINESS, outcome=_s("Timeout"),
         explain="nothing became ready before the timeout",
         ref="do_select()/do_poll() timeout"),
    Rule("wait-error-timed-out", calls=READINESS, outcome=_s("POLLERR|POLLHUP"),
         counters=(("TcpExtTCPAbortOnTimeout", ">", 0),),
         explain="woken with POLLHUP: the kernel has given the connection up after a timeout (retransmissions, "
                 "keepalive or window probes unanswered); ETIMEDOUT is pending in SO_ERROR unless a call "
                 "already reported it",
         ref="tcp_write_err() → tcp_done() sets SHUTDOWN_MASK; tcp_poll() → EPOLLHUP (EPOLLERR while sk_err is set)"),
    Rule("wait-reset-overflow", calls=READINESS, outcome=_s("POLLERR|POLLHUP"), key=True,
         settings=((ABORT, "1"),), counters=(("TcpExtEmbryonicRsts", ">", 0),),
         explain="woken by POLLERR|POLLHUP: the listener reset this connection — " + RESET_BY_OVERFLOW
                 + "; the ECONNRESET waits in SO_ERROR until a read, write or getsockopt fetches it",
         ref="tcp_check_req() embryonic_reset; client tcp_reset() → tcp_done(); tcp_poll(): EPOLLERR "
             "for sk_err, EPOLLHUP for SHUTDOWN_MASK"),
    Rule("wait-error", calls=READINESS, outcome=_s("POLLERR|POLLHUP"), key=True,
         explain="woken by POLLERR|POLLHUP: the connection failed (reset or refused); SO_ERROR holds the errno",
         ref="tcp_poll(): EPOLLERR when sk_err is set, EPOLLHUP once both directions are shut"),
    Rule("wait-readable", calls=READINESS, outcome=_s("readable"),
         explain="readable: data, a FIN or an error is waiting; the next read tells which",
         ref="tcp_poll(): EPOLLIN when data is queued or RCV_SHUTDOWN is set"),
    Rule("wait-ready", calls=READINESS, outcome=_s("writable", "ready"),
         explain="ready: for a connecting socket, writable means the handshake ended "
                 "(successfully or not); SO_ERROR tells which",
         ref="tcp_poll(): EPOLLOUT once the state leaves SYN_SENT/SYN_RECV"),

    # --- the result of the handshake, as the client reads it ----------------------------------
    Rule("so-error-reset-overflow", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=ECONNRESET"), key=True,
         settings=((ABORT, "1"),), counters=(("TcpExtEmbryonicRsts", ">", 0),),
         explain="SO_ERROR=ECONNRESET: the peer reset the connection during the handshake — "
                 + RESET_BY_OVERFLOW,
         ref="tcp_check_req(): syn_recv_sock() fails on a full queue → embryonic_reset, "
             "EmbryonicRsts +1; client tcp_reset() sets ECONNRESET"),
    Rule("so-error-reset", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=ECONNRESET"), key=True,
         explain="SO_ERROR=ECONNRESET: the peer reset the connection",
         ref="tcp_reset(): sk_err = ECONNRESET outside SYN_SENT/CLOSE_WAIT"),
    Rule("so-error-refused-firewall", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=ECONNREFUSED"), key=True,
         flow=(("listening", True),),
         explain="SO_ERROR=ECONNREFUSED although the listener it aimed at is up: a firewall on the way refused "
                 "the SYN for it — with a forged RST (REJECT --reject-with tcp-reset) or an ICMP port "
                 "unreachable (REJECT's default); the packet trace shows which",
         ref="iptables REJECT: nf_send_reset() → tcp_reset(), or ICMP_PORT_UNREACH → tcp_v4_err(); "
             "both end SYN_SENT with ECONNREFUSED"),
    Rule("so-error-hostunreach", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=EHOSTUNREACH"), key=True,
         explain="SO_ERROR=EHOSTUNREACH: an ICMP host unreachable answered the SYN (a router, or a firewall's "
                 "REJECT --reject-with icmp-host-unreachable); in SYN_SENT it ends the attempt at once",
         ref="tcp_v4_err(): ICMP_HOST_UNREACH → EHOSTUNREACH (icmp_err_convert); SYN_SENT → "
             "tcp_done_with_error()"),
    Rule("so-error-refused", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=ECONNREFUSED"), key=True,
         explain="SO_ERROR=ECONNREFUSED: nothing listens on that port; the SYN was answered with RST",
         ref="tcp_v4_send_reset() for a SYN without a socket; tcp_reset() in SYN_SENT sets ECONNREFUSED"),
    Rule("so-error-timedout", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=ETIMEDOUT"), key=True,
         explain="SO_ERROR=ETIMEDOUT: no answer to the SYN before tcp_syn_retries ran out",
         ref="tcp_write_timeout() → tcp_write_err(ETIMEDOUT)"),
    Rule("so-error-ok-ack-dropped", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), key=True,
         settings=((ABORT, "0"),), flow=(("synack_retransmitted", True),),
         explain="SO_ERROR=0: connected as far as the client knows, yet the listener's SYN-ACK for this "
                 "connection is retransmitted: the full accept queue dropped our final ACK silently "
                 "(tcp_abort_on_overflow=0) and the server holds the connection in SYN-RECV",
         ref="tcp_check_req(): listen_overflow with abort_on_overflow=0 → inet_rsk(req)->acked = 1, "
             "no RST; reqsk_timer_handler() retransmits the SYN-ACK"),
    Rule("so-error-ok-accepted", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), flow=(("data_acked", True),),
         explain="SO_ERROR=0: connected, and the server acknowledges our data: this connection got a "
                 "place in the accept queue",
         ref="tcp_check_req() → syn_recv_sock() succeeded: inet_csk_complete_hashdance()"),
    Rule("so-error-ok-maybe-ack-dropped", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), key=True,
         settings=((ABORT, "0"),), counters=(("TcpExtListenOverflows", ">", 0),),
         explain="SO_ERROR=0: connected as far as the client knows. The accept queue overflowed in this "
                 "run with tcp_abort_on_overflow=0: a connection whose final ACK overflowed looks exactly "
                 "like this to the client, while the server holds it in SYN-RECV",
         ref="tcp_check_req(): listen_overflow with abort_on_overflow=0 → inet_rsk(req)->acked = 1, no RST"),
    Rule("so-error-ok-reset-later", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"),
         flow=(("reset_by_server", True),),
         explain="SO_ERROR=0: the handshake completed on the client's side; the listener resets this "
                 "connection later (see the RST)",
         ref="tcp_finish_connect() at the SYN-ACK; the RST comes from tcp_check_req() when the ACK lands"),
    Rule("so-error-ok-synq-drop", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), key=True,
         states=_s("SYN_SENT"), flow=(("syn_queue_full_drop", True),),
         explain="SO_ERROR=0, but the socket is still in SYN_SENT: nothing has failed *yet*, and nothing "
                 "is connected. The listener's SYN queue was full and, without SYN cookies, it dropped our "
                 "SYN (TCPReqQFullDrop); the client retransmits it after 1 s",
         ref="tcp_conn_request(): inet_csk_reqsk_queue_is_full() → tcp_syn_flood_action() false → drop"),
    Rule("so-error-ok-still-connecting", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), key=True,
         states=_s("SYN_SENT", "SYN_RECV"),
         explain="SO_ERROR=0 while the socket is still in {state}: no error *yet*, but not connected either "
                 "— the handshake has not completed",
         ref="sock_getsockopt(SO_ERROR) → sock_error(): 0 until tcp_reset()/tcp_write_err() set sk_err"),
    Rule("so-error-ok-server-closed", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), states=_s("CLOSE_WAIT"),
         explain="SO_ERROR=0: connected; the server has already accepted and closed its side (our socket "
                 "received its FIN: CLOSE_WAIT)",
         ref="tcp_fin(): ESTABLISHED → CLOSE_WAIT"),
    Rule("so-error-ok", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"), states=_s("ESTABLISHED", None),
         explain="SO_ERROR=0: the handshake completed (the client is ESTABLISHED)",
         ref="tcp_rcv_synsent_state_process() → tcp_finish_connect()"),
    Rule("so-error-zero", calls=SO_ERROR_CALL, outcome=_s("SO_ERROR=0"),
         explain="SO_ERROR=0: no error pending on the socket (state {state})",
         ref="sock_getsockopt(SO_ERROR) → sock_error()"),

    # --- the first read or write ------------------------------------------------------------
    Rule("io-read-through-blackhole", calls=_s("read", "recvfrom", "recvmsg", "readv"), outcome=_s("ok"),
         key=True, settings=(("link.icmp", "blocked"),), counters=(("TcpExtTCPTimeouts", ">", 0),),
         explain="data at last through the black hole: after its retransmission timeouts the server's "
                 "black-hole detection (net.ipv4.tcp_mtu_probing ≥ 1) cut its MSS (to tcp_base_mss, or to "
                 "half of it when probing was already on), and segments that small fit the narrower hop",
         ref="tcp_write_timeout(): retransmits_timed_out(tcp_retries1) → tcp_mtu_probing() → tcp_sync_mss(); "
             "tcp_retransmit_skb() refragments to the new MSS"),
    Rule("io-timedout-zero-window", calls=IO_CALLS, outcome=_s("ETIMEDOUT"), key=True,
         counters=(("TcpExtTCPWinProbe", ">", 0),),
         explain="ETIMEDOUT: the server's window stayed closed (it stopped reading) and TCP_USER_TIMEOUT ran "
                 "out while the persist timer probed it; the server answered every probe, so without the "
                 "user timeout the probes would go on indefinitely. No RST is sent",
         ref="tcp_probe_timer(): now - icsk_probes_tstamp >= icsk_user_timeout → tcp_write_err(); answered "
             "probes reset icsk_probes_out in tcp_ack(), so tcp_retries2 does not end it (RFC 1122 4.2.2.17)"),
    Rule("io-timedout-keepalive", calls=IO_CALLS, outcome=_s("ETIMEDOUT"), key=True,
         counters=(("TcpExtTCPKeepAlive", ">", 0),),
         explain="ETIMEDOUT: the connection was idle and none of its keepalive probes was answered: after "
                 "TCP_KEEPCNT probes (with TCP_USER_TIMEOUT: once that long passed without an answer, "
                 "whatever the count) the kernel reset the connection (RST) and reported the timeout",
         ref="tcp_keepalive_timer(): icsk_probes_out >= keepalive_probes(), or elapsed >= icsk_user_timeout → "
             "tcp_send_active_reset(), tcp_write_err()"),
    Rule("io-timedout-retransmit", calls=IO_CALLS, outcome=_s("ETIMEDOUT"), key=True,
         counters=(("TcpExtTCPTimeouts", ">", 0),),
         explain="ETIMEDOUT: our data was never acknowledged; retransmitted with the timeout doubling each "
                 "time until tcp_retries2's budget — or TCP_USER_TIMEOUT, counted from the first "
                 "retransmission — ran out. No RST is sent",
         ref="tcp_retransmit_timer() → tcp_write_timeout(): retransmits_timed_out() (tcp_model_timeout() of "
             "tcp_retries2, or icsk_user_timeout) → tcp_write_err()"),
    Rule("io-timedout", calls=IO_CALLS, outcome=_s("ETIMEDOUT"), key=True,
         explain="ETIMEDOUT: the kernel gave the connection up (retransmissions, keepalive or window probes "
                 "went unanswered for too long)",
         ref="tcp_write_err(): sk_err = ETIMEDOUT"),
    Rule("io-reset-overflow", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         settings=((ABORT, "1"),), counters=(("TcpExtEmbryonicRsts", ">", 0),),
         explain="ECONNRESET: " + RESET_BY_OVERFLOW,
         ref="tcp_check_req() → embryonic_reset (EmbryonicRsts +1); client tcp_reset()"),
    Rule("io-reset-synrecv-expired", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         flow=(("synack_retransmitted", True), ("reset_by_server", True), ("listener_has_room", True)),
         counters=NO_OVERFLOW,
         explain="ECONNRESET: the server never completed this handshake — " + ACK_LOST + ", and its SYN-RECV "
                 "request expired after tcp_synack_retries — so our data reached a listener that knew "
                 "nothing of it, and a listener answers an ACK with RST",
         ref="reqsk_timer_handler() drops the request; tcp_v4_rcv() → tcp_rcv_state_process() in LISTEN: "
             "th->ack → tcp_v4_send_reset(); client tcp_reset()"),
    Rule("io-reset-listener-closed", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         flow=(("listener_closed", True),),
         explain="ECONNRESET: the server closed its listening socket (a restart, a deploy) while this "
                 "connection waited in its accept queue, never accepted: every queued connection is reset",
         ref="tcp_close() of a listener → inet_csk_listen_stop() → inet_child_forget() → tcp_disconnect() "
             "→ tcp_send_active_reset()"),
    Rule("io-reset-unread", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         counters=(("TcpExtTCPAbortOnClose", ">", 0),),
         explain="ECONNRESET: the server closed its socket with received data it had never read, so its "
                 "kernel sent RST instead of FIN (TCPAbortOnClose); data that arrived before the RST can "
                 "still be read, the error comes after it",
         ref="tcp_close(): data_was_unread → tcp_send_active_reset() (RFC 2525 §2.17); client tcp_reset(); "
             "tcp_recvmsg() returns queued data before sk_err"),
    Rule("io-reset-abort", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         counters=(("TcpExtTCPAbortOnData", ">", 0),),
         explain="ECONNRESET: the server aborted the connection — close() with SO_LINGER {{on, 0 s}} sends RST "
                 "and no FIN (the kernel counts it as TCPAbortOnData)",
         ref="tcp_close(): SOCK_LINGER && !sk_lingertime → tcp_disconnect() → tcp_send_active_reset()"),
    Rule("io-reset", calls=IO_CALLS, outcome=_s("ECONNRESET"), key=True,
         explain="ECONNRESET: the peer reset the connection",
         ref="tcp_reset(): sk_err = ECONNRESET"),
    Rule("io-epipe-after-overflow-reset", calls=IO_CALLS, outcome=_s("EPIPE"), key=True,
         settings=((ABORT, "1"),), counters=(("TcpExtEmbryonicRsts", ">", 0),),
         explain="EPIPE: the listener reset this connection (accept queue full, tcp_abort_on_overflow=1); "
                 "its pending ECONNRESET was already consumed (by getsockopt(SO_ERROR)), so a send on "
                 "the closed socket reports EPIPE",
         ref="tcp_sendmsg_locked() → sk_stream_error(): sock_error() first, -EPIPE once sk_err is cleared"),
    Rule("io-epipe-reset-after-fin", calls=IO_CALLS, outcome=_s("EPIPE"), key=True,
         counters=(("TcpExtTCPAbortOnClose", ">", 0),),
         explain="EPIPE, not ECONNRESET: the server had sent its FIN (we were in CLOSE_WAIT), then closed with "
                 "our data unread and sent RST; a reset in CLOSE_WAIT is reported as EPIPE, and the write "
                 "raises SIGPIPE",
         ref="tcp_reset(): CLOSE_WAIT → sk_err = EPIPE; tcp_close() data_was_unread → RST; "
             "sk_stream_error() → send_sig(SIGPIPE)"),
    Rule("io-epipe-after-timeout", calls=IO_CALLS, outcome=_s("EPIPE"), key=True,
         counters=(("TcpExtTCPAbortOnTimeout", ">", 0),),
         explain="EPIPE: the kernel already gave this connection up with a timeout; ETIMEDOUT was reported "
                 "once (sock_error() clears it), and a write on the closed socket now gets EPIPE (and SIGPIPE "
                 "unless it is ignored)",
         ref="tcp_write_err() → tcp_done(); tcp_sendmsg_locked() → sk_stream_error() → -EPIPE"),
    Rule("io-epipe", calls=IO_CALLS, outcome=_s("EPIPE"), key=True,
         explain="EPIPE: writing to a connection that is already closed or was reset",
         ref="sk_stream_error(): -EPIPE after shutdown or reset"),
    Rule("io-send-into-overflow", calls=_s("write", "sendto", "sendmsg", "writev"), outcome=_s("ok"), key=True,
         settings=((ABORT, "0"),), delta=(("TcpExtListenOverflows", ">", 0),),
         explain="sent, as far as the client knows; but the segment reached a listener still holding this "
                 "connection in SYN-RECV with a full accept queue: it counts as the handshake's final ACK "
                 "again, overflows again (ListenOverflows +1) and is dropped; the data waits in our send queue",
         ref="tcp_v4_rcv() → tcp_check_req(): syn_recv_sock() fails on sk_acceptq_is_full(), abort_on_overflow=0"),
    Rule("io-send-to-forgotten", calls=_s("sendto", "sendmsg"), outcome=_s("ok"), key=True,
         flow=(("final_ack_unheard", True), ("reset_by_server", True)),
         explain="sent — into our own send queue: the server never heard our final ACK and has dropped its "
                 "SYN-RECV request (tcp_synack_retries), so this segment reaches a listener that answers "
                 "it with RST",
         ref="tcp_sendmsg_locked() queues and returns; the listener's tcp_rcv_state_process(): ACK in "
             "LISTEN → tcp_v4_send_reset()"),
    Rule("io-send-completes-handshake", calls=_s("sendto", "sendmsg"), outcome=_s("ok"), key=True,
         flow=(("final_ack_unheard", True), ("reset_by_server", False)),
         explain="sent: the listener had not seen our final ACK when connect() returned; this data segment "
                 "carries the same acknowledgement, so the server takes it as the end of the handshake "
                 "(and keeps the data for the accepted socket) — the lost ACK costs nothing",
         ref="tcp_v4_rcv() → tcp_check_req(): the ACK of the SYN-ACK → syn_recv_sock(); "
             "tcp_child_process() queues the data"),
    # send calls only: they name a socket for certain (a write() may go to a file)
    Rule("io-write-after-fin", calls=_s("sendto", "sendmsg"), outcome=_s("ok"), key=True,
         states=_s("CLOSE_WAIT", "CLOSE"),
         explain="sent: a FIN from the peer only ends its sending side (half-close), so our data is still "
                 "accepted; a peer that has closed completely answers it with RST (the socket is {state} "
                 "when the call returns)",
         ref="tcp_sendmsg_locked(): CLOSE_WAIT may still send (only SEND_SHUTDOWN stops it)"),
    Rule("io-eagain-rcvtimeo", calls=READS, outcome=_s("EAGAIN"), waited=True, key=True,
         explain="EAGAIN after blocking for the receive timeout (SO_RCVTIMEO): nothing arrived. An idle "
                 "connection without keepalive runs no timer at all: whether the peer is there or has "
                 "vanished, the socket stays {state}",
         ref="tcp_recvmsg_locked(): sock_rcvtimeo() ran out → -EAGAIN; no keepalive timer without SO_KEEPALIVE"),
    Rule("io-eagain-sndtimeo-zero-window", calls=WRITES, outcome=_s("EAGAIN"), waited=True, key=True,
         counters=(("TcpExtTCPWinProbe", ">", 0),),
         explain="EAGAIN after blocking for the send timeout (SO_SNDTIMEO): the send buffer stayed full "
                 "because the server's window is closed (it stopped reading); to TCP the connection is fine "
                 "({state}) and the persist timer keeps probing the window",
         ref="sk_stream_wait_memory() → -EAGAIN when sk_sndtimeo runs out; tcp_probe_timer() → tcp_send_probe0()"),
    Rule("io-eagain-sndtimeo", calls=WRITES, outcome=_s("EAGAIN"), waited=True,
         explain="EAGAIN after blocking for the send timeout (SO_SNDTIMEO): no room came free in the send "
                 "buffer",
         ref="sk_stream_wait_memory() → -EAGAIN when sk_sndtimeo runs out"),
    Rule("io-eagain", calls=IO_CALLS, outcome=_s("EAGAIN"),
         explain="no data yet on a non-blocking socket",
         ref="tcp_recvmsg(): -EAGAIN when the receive queue is empty and O_NONBLOCK"),
    Rule("io-eof", calls=IO_CALLS, outcome=_s("EOF"), key=True,
         explain="end of stream: the peer closed its side (FIN)",
         ref="tcp_recvmsg() returns 0 once RCV_SHUTDOWN is set by tcp_fin()"),

    # --- packets --------------------------------------------------------------------------
    Rule("pkt-keepalive-probe", kind="packet", flags=_s("ACK"), from_server=False, role="keepalive-probe",
         explain="keepalive probe, {dt_ms} ms after our previous packet: an ACK one byte below what the server "
                 "acknowledged, which a live peer must answer",
         ref="tcp_keepalive_timer() → tcp_write_wakeup() → tcp_xmit_probe_skb() (TCPKeepAlive)"),
    Rule("pkt-keepalive-reset", kind="packet", flags=_s("RST", "RST|ACK"), from_server=False,
         role="keepalive-reset",
         explain="our RST: keepalive gave up after its last probe went unanswered; the kernel resets the "
                 "connection it abandons and reports ETIMEDOUT",
         ref="tcp_keepalive_timer() → tcp_send_active_reset(), tcp_write_err()"),
    Rule("pkt-rst-after-timeout", kind="packet", flags=_s("RST", "RST|ACK"), from_server=False,
         flow=(("timed_out", True),),
         explain="RST from our host: the kernel had already given this connection up (timeout), so a late "
                 "segment from the server found no socket and was answered with a reset",
         ref="tcp_v4_rcv(): no socket → tcp_v4_send_reset()"),
    Rule("pkt-window-probe", kind="packet", flags=_s("ACK"), from_server=False, role="window-probe",
         explain="zero-window probe, {dt_ms} ms after our previous packet: the server's window is closed, so the "
                 "persist timer asks whether it has opened; the interval doubles each time",
         ref="tcp_probe_timer() → tcp_send_probe0() → tcp_write_wakeup() → tcp_xmit_probe_skb() (TCPWinProbe)"),
    Rule("pkt-zero-window", kind="packet", flags=_s("ACK"), from_server=True, role="zero-window",
         explain="the server advertises a zero window: its receive buffer is full because its application "
                 "does not read; our data waits in our send buffer",
         ref="tcp_select_window() returns 0 (TCPToZeroWindowAdv)"),
    Rule("pkt-zero-window-again", kind="packet", flags=_s("ACK"), from_server=True, role="zero-window-again",
         explain="the window is still zero (the server answers our probe; replies to probes less than 500 ms "
                 "apart are rate-limited)",
         ref="tcp_sequence() fails for the probe → tcp_send_dupack(); tcp_oow_rate_limited() "
             "(net.ipv4.tcp_invalid_ratelimit)"),
    Rule("pkt-data-retransmit", kind="packet", flags=_s("PSH|ACK"), from_server=False, retransmit=True,
         flow=(("timed_out", True),),
         explain="our data again, {dt_ms} ms after the previous copy: still not acknowledged (the first "
                 "copy ~2 RTT after the original is a tail loss probe, then the retransmission timeout "
                 "doubles each time)",
         ref="tcp_send_loss_probe(); tcp_retransmit_timer() → tcp_retransmit_skb(), inet_csk_rto_backoff()"),
    Rule("pkt-rst-overflow", kind="packet", flags=_s("RST", "RST|ACK"), from_server=True, key=True,
         settings=((ABORT, "1"),), role="reset-after-final-ack",
         explain="RST from the listener {dt_ms} ms after our final ACK: accept queue full, "
                 "tcp_abort_on_overflow=1",
         ref="tcp_check_req() → embryonic_reset → tcp_v4_send_reset()"),
    Rule("pkt-rst-refused-firewall", kind="packet", flags=_s("RST|ACK"), from_server=True, role="syn-refused",
         flow=(("listening", True),), key=True,
         explain="RST answering our SYN although a listener holds that port: a firewall forged it "
                 "(REJECT --reject-with tcp-reset); the listener never saw the SYN",
         ref="iptables REJECT → nf_send_reset()"),
    Rule("pkt-rst-refused", kind="packet", flags=_s("RST|ACK"), from_server=True, role="syn-refused",
         explain="RST answering our SYN: no listener on that port",
         ref="tcp_v4_rcv(): no socket → tcp_v4_send_reset()"),
    Rule("pkt-rst-synrecv-expired", kind="packet", flags=_s("RST", "RST|ACK"), from_server=True, key=True,
         flow=(("synack_retransmitted", True), ("listener_has_room", True)),
         counters=NO_OVERFLOW,
         explain="RST from the listener, for a segment of a connection the server no longer knows — its SYN-RECV request expired after tcp_synack_retries "
                 "without our final ACK",
         ref="reqsk_timer_handler() → inet_csk_reqsk_queue_drop_and_put(); then tcp_rcv_state_process() in "
             "LISTEN: ACK → tcp_v4_send_reset()"),
    Rule("pkt-rst", kind="packet", flags=_s("RST", "RST|ACK"), from_server=True,
         explain="RST from the server",
         ref="tcp_v4_send_reset()"),
    Rule("pkt-icmp-frag-needed", kind="packet", flags=_s("ICMP fragmentation-needed", "ICMP packet-too-big"),
         key=True,
         explain="the router's next hop is narrower than the segment it was given: it dropped it and says "
                 "so; the server lowers its path MTU and resends in smaller segments at once",
         ref="ip_forward() → icmp_send(ICMP_FRAG_NEEDED); icmp_unreach() → tcp_v4_err() → "
             "tcp_v4_mtu_reduced() → tcp_simple_retransmit() (IPv6: tcp_v6_err() → tcp_v6_mtu_reduced())"),
    Rule("pkt-icmp-port-unreachable", kind="packet", flags=_s("ICMP port-unreachable"), key=True,
         explain="ICMP port unreachable for our SYN: a hard error in SYN_SENT, the connection attempt "
                 "ends with ECONNREFUSED",
         ref="icmp_unreach() → tcp_v4_err(): icmp_err_convert[ICMP_PORT_UNREACH] = ECONNREFUSED, tcp_done()"),
    Rule("pkt-icmp-host-unreachable", kind="packet", flags=_s("ICMP host-unreachable"), key=True,
         explain="ICMP host unreachable for our SYN: in SYN_SENT the attempt ends at once with EHOSTUNREACH",
         ref="icmp_unreach() → tcp_v4_err(): icmp_err_convert[ICMP_HOST_UNREACH] = EHOSTUNREACH, tcp_done()"),
    Rule("pkt-syn-retransmit-unheard", kind="packet", flags=_s("SYN"), from_server=False, retransmit=True,
         key=True, flow=(("listener_has_room", True),),
         counters=(("TcpExtListenDrops", "==", 0), ("TcpExtTCPReqQFullDrop", "==", 0)),
         explain="SYN retransmitted {dt_ms} ms after the previous one: nothing answered, yet the listener "
                 "has room in its accept queue — the SYN never reached it (dropped on the way: a "
                 "firewall, a host that is gone)",
         ref="tcp_retransmit_timer() in SYN_SENT: 1 s apart for the first tcp_syn_linear_timeouts "
             "retransmissions (6.7+), then doubling (TCP_TIMEOUT_INIT << n)"),
    Rule("pkt-syn-retransmit", kind="packet", flags=_s("SYN"), from_server=False, retransmit=True,
         key=True,
         explain="SYN retransmitted {dt_ms} ms after the previous one: the listener did not answer",
         ref="tcp_retransmit_timer() in SYN_SENT; the listener dropped the SYN in tcp_conn_request()"),
    Rule("pkt-synack-retransmit-ack-lost", kind="packet", flags=_s("SYN|ACK"), from_server=True,
         retransmit=True, key=True, flow=(("listener_has_room", True),),
         counters=NO_OVERFLOW,
         explain="SYN-ACK retransmitted {dt_ms} ms after the previous one: " + ACK_LOST + "; the server "
                 "still holds the request in SYN-RECV",
         ref="reqsk_timer_handler() → inet_rtx_syn_ack(): 1 s, then doubling, up to tcp_synack_retries"),
    Rule("pkt-synack-retransmit", kind="packet", flags=_s("SYN|ACK"), from_server=True, retransmit=True,
         key=True,
         explain="SYN-ACK retransmitted: the listener dropped our final ACK and still holds SYN-RECV",
         ref="reqsk_timer_handler() → inet_rtx_syn_ack() (tcp_synack_retries)"),
    Rule("pkt-final-ack-lost", kind="packet", flags=_s("ACK"), from_server=False, role="final-ack",
         flow=(("synack_retransmitted", True), ("listener_has_room", True)),
         counters=NO_OVERFLOW,
         explain="our final ACK of the handshake, {dt_ms} ms after the SYN-ACK — the SYN-ACK comes again "
                 "later: this ACK never reached the listener",
         ref="tcp_rcv_synsent_state_process() → tcp_send_ack(); we are ESTABLISHED from here "
             "(tcp_finish_connect()), the server is not"),
    Rule("pkt-final-ack-unheard", kind="packet", flags=_s("ACK"), from_server=False, role="final-ack",
         flow=(("final_ack_unheard", True),), counters=NO_OVERFLOW,
         explain="our final ACK of the handshake, {dt_ms} ms after the SYN-ACK — when connect() returned, the "
                 "listener still held the request in SYN-RECV: this ACK had not reached it (lost, filtered "
                 "or still in flight)",
         ref="tcp_rcv_synsent_state_process() → tcp_send_ack(); the request leaves SYN-RECV only in "
             "tcp_check_req()"),
    Rule("pkt-final-ack", kind="packet", flags=_s("ACK"), from_server=False, role="final-ack",
         explain="our final ACK of the handshake, {dt_ms} ms after the SYN-ACK",
         ref="tcp_rcv_synsent_state_process() → tcp_send_ack() (held ~200 ms by TCP_DEFER_ACCEPT on the client; a scenario [link] adds its own delay on top)"),
    Rule("pkt-syn", kind="packet", flags=_s("SYN"), from_server=False,
         explain="SYN: the client opens the handshake",
         ref="tcp_connect()"),
    Rule("pkt-synack-cookie", kind="packet", flags=_s("SYN|ACK"), from_server=True, flow=(("cookie", True),),
         explain="SYN-ACK carrying a SYN cookie: the listener keeps no request socket for us; our final "
                 "ACK's cookie will rebuild the connection",
         ref="tcp_conn_request(): want_cookie → cookie_v4_init_sequence(), SyncookiesSent +1"),
    Rule("pkt-synack", kind="packet", flags=_s("SYN|ACK"), from_server=True,
         explain="SYN-ACK: the listener answered; it now holds a request sock (SYN-RECV)",
         ref="tcp_conn_request() → send_synack()"),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
assert len(RULES_BY_ID) == len(RULES), "rule ids must be unique"
