"""What each event kind may hold, as data: the reader checks every event against it, so a
renderer never meets a field of the wrong type and a bad record is one line naming file:line.

A check is a function value -> error text (None when the value is fine). Optional keys are
checked when present; unknown keys and unknown event kinds pass (forward compatibility).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

Check = Callable[[Any], "str | None"]
MAX_DEPTH = 64


def _int(v: Any) -> str | None:
    return None if type(v) is int else "an integer"


def _str(v: Any) -> str | None:
    return None if type(v) is str else "a string"


def _bool(v: Any) -> str | None:
    return None if type(v) is bool else "true or false"


def _optional(check: Check) -> Check:
    def optional(v: Any) -> str | None:
        return None if v is None else check(v)
    return optional


def _list_of(check: Check) -> Check:
    def list_of(v: Any) -> str | None:
        if type(v) is not list:
            return "a list"
        for item in v:
            if check(item) is not None:
                return f"a list of {check(item)}s"
        return None
    return list_of


def _map_of(check: Check) -> Check:
    def map_of(v: Any) -> str | None:
        if type(v) is not dict:
            return "an object"
        for item in v.values():
            why = check(item)
            if why is not None:
                return f"an object of {why}s"
        return None
    return map_of


def _object(v: Any) -> str | None:
    return None if type(v) is dict else "an object"


# Keys that give a node its kind, and what their values must be (docs/record-format.md, Nodes).
_NODE_KEYS: dict[str, Check] = {
    "$fd": _int, "$s": _str, "$path": _str, "$ptr": _int, "$inet_pton": _str,
    "$vr": lambda v: None if type(v) is list and len(v) == 2 else "a list of two nodes",
    "$set": lambda v: None if type(v) is list else "a list",
    "$cont": lambda v: node(v),
    "$named": _str,
}
_NODE_EXTRAS: dict[str, Check] = {"n": _int, "x": _bool, "abstract": _bool, "neg": _bool, "name": _str}


def node(v: Any, depth: int = 0) -> str | None:
    """Why `v` is not a node (None: it is one)."""
    kind = type(v)
    if kind is int or kind is str or kind is bool or v is None:
        return None
    if depth > MAX_DEPTH:
        return f"a node nested at most {MAX_DEPTH} deep"
    if kind is list:
        for item in v:
            why = node(item, depth + 1)
            if why is not None:
                return why
        return None
    if kind is not dict:
        return "a node (int, string, list or object)"
    for key, check in _NODE_KEYS.items():
        if key in v:
            why = check(v[key])
            if why is not None:
                return f'a node whose "{key}" is {why}'
            for extra, extra_check in _NODE_EXTRAS.items():
                if extra in v and extra_check(v[extra]) is not None:
                    return f'a node whose "{extra}" is {extra_check(v[extra])}'
            if key in ("$vr", "$set"):
                return node(v[key], depth + 1)
            if key == "$named":
                return node(v.get("v"), depth + 1)
            return None
    for item in v.values():
        why = node(item, depth + 1)
        if why is not None:
            return why
    return None


def nodes(v: Any) -> str | None:
    """Why `v` is not a list of nodes (an event's `args`)."""
    return node(v) if type(v) is list else "a list of nodes"


def _fd_info(v: Any) -> str | None:
    if type(v) is str:
        return None
    if type(v) is not dict or any(type(x) is not str for x in v.values()):
        return "a path or an object of strings"
    return None


def _ctx(v: Any) -> str | None:
    if type(v) is not dict:
        return "an object"
    counters = v.get("counters")
    if counters is not None and _map_of(_int)(counters) is not None:
        return 'an object whose "counters" are integers'
    listener = v.get("listener")
    if listener is not None and (type(listener) is not dict or
                                 any(type(x) is not (str if k == "addr" else int) for k, x in listener.items())):
        return 'an object whose "listener" holds an "addr" string and integers'
    if v.get("tcp_state") is not None and type(v["tcp_state"]) is not str:
        return 'an object whose "tcp_state" is a string'
    return None


def _injected(v: Any) -> str | None:
    """-e inject=: what the tracer made of the call (sysrec.tracer.inject)."""
    return None if v in ("error", "retval") else '"error" or "retval"'


_COMMON: dict[str, Check] = {"seq": _int, "pid": _int, "tgid": _int, "t": _int}

# event kind -> {key: (required, check)}
EVENTS: dict[str, dict[str, tuple[bool, Check]]] = {
    "syscall": {"pid": (True, _int), "name": (True, _str), "nr": (False, _int),
                "raw": (False, _list_of(_int)), "args": (False, nodes), "n_entry": (False, _int),
                "ret": (False, _optional(_int)), "errno": (False, _optional(_str)),
                "rtext": (False, node), "raux": (False, node), "t0": (False, _optional(_int)),
                "t1": (False, _optional(_int)), "resumed": (False, _bool), "more": (False, _bool),
                "fds": (False, _map_of(_fd_info)), "fds_exit": (False, _map_of(_fd_info)), "ctx": (False, _ctx),
                "injected": (False, _injected), "delayed": (False, _bool), "poked": (False, _bool)},
    "enter": {"pid": (True, _int), "name": (True, _str), "args": (False, nodes), "more": (False, _bool),
              "t0": (False, _optional(_int)), "fds": (False, _map_of(_fd_info))},
    "signal": {"pid": (True, _int), "sig": (True, _str), "info": (False, node),
               "stopped": (False, _bool)},
    "spawn": {"pid": (True, _int), "parent": (False, _int), "kind": (False, _str)},
    "personality": {"pid": (True, _int), "mode": (True, _str)},
    "exit": {"pid": (True, _int), "status": (False, _int), "signal": (False, _optional(_str)),
             "core": (False, _bool), "superseded_by": (False, _int)},
    "counters": {"netns": (False, _str), "values": (True, _map_of(_int)), "phase": (False, _str),
                 "by_role": (False, _map_of(_object))},
    "packet": {"t": (True, _int), "ifname": (False, _str), "dir": (False, _str),
               "family": (False, _str), "proto": (False, _str), "src": (False, _str),
               "dst": (False, _str), "sport": (False, _int), "dport": (False, _int),
               "ttl": (False, _int), "ip_id": (False, _int), "ip_len": (False, _int),
               "len": (False, _int), "flags": (False, _list_of(_str)), "seq_no": (False, _int),
               "ack_no": (False, _int), "win": (False, _int), "opts": (False, _list_of(_str)),
               "urg_ptr": (False, _int), "raw": (False, _str), "icmp_type": (False, _int),
               "icmp_code": (False, _int), "icmp": (False, _str), "mtu": (False, _int),
               "inner": (False, _object), "at": (False, _str)},
    "warning": {"msg": (False, _str)},
    "footer": {"end": (True, _str), "exit_status": (False, _int), "events": (False, _int),
               "syscalls": (False, _int), "end_ns": (False, _int), "error": (False, _str)},
}

HEADER: dict[str, tuple[bool, Check]] = {
    "argv": (False, _list_of(_str)), "start_ns": (False, _int), "kernel": (False, _str),
    "trace_set": (False, _optional(_list_of(_str))), "seccomp": (False, _bool),
    "options": (False, _object), "context": (False, _object),
}


def _fields(obj: Mapping[str, Any], fields: Mapping[str, tuple[bool, Check]]) -> str | None:
    for key, (required, check) in fields.items():
        if key not in obj:
            if required:
                return f'no "{key}"'
            continue
        why = check(obj[key])
        if why is not None:
            return f'"{key}" must be {why}'
    return None


def event_problem(obj: Mapping[str, Any]) -> str | None:
    """What is wrong with one event (None: it is well-formed)."""
    kind = obj.get("ev")
    if type(kind) is not str:
        return '"ev" must be a string'
    for key, check in _COMMON.items():
        if key in obj and check(obj[key]) is not None:
            return f'"{key}" must be {check(obj[key])}'
    fields = EVENTS.get(kind)
    return _fields(obj, fields) if fields is not None else None


def header_problem(obj: Mapping[str, Any]) -> str | None:
    return _fields(obj, HEADER)
