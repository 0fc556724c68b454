"""`-P PATH`: only the calls that touch PATH, as strace's pathtrace decides it.

A call matches when one of its path arguments is PATH, or one of its fd arguments refers to
PATH (what /proc/PID/fd/N named when the call started: the tracer records that in the event's
`fds` when -P is given). The arguments are the ones the decoders print at entry (`$path` and
`$fd` nodes); for a call sysrec does not decode, the first raw argument is taken as strace's
fallback does (a path for file calls, an fd otherwise). Negative fds (AT_FDCWD) never match.

PATH is matched as given and, when it differs, as realpath() resolves it (strace says so on
stderr unless `-e quiet=path-resolution`). Calls that do not match are left out of the record
too, as with a trace set.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Mapping

from sysrec.cstring import quote_bytes


def selected_paths(requested: list[str]) -> tuple[list[str], list[str]]:
    """The paths to match, and strace's notes on the ones realpath() resolved differently."""
    paths: list[str] = []
    notes = []
    for path in requested:
        if path not in paths:
            paths.append(path)
        try:
            resolved = os.path.realpath(path, strict=True)
        except OSError:
            continue
        if resolved != path:
            notes.append(f"Requested path {_quoted(path)} resolved into {_quoted(resolved)}")
            if resolved not in paths:
                paths.append(resolved)
    return paths, notes


def _has_decoder(name: str) -> bool:
    from sysrec.decode.signatures import PER_CALL_ROWS, SIGNATURES

    return name in SIGNATURES or name in PER_CALL_ROWS


def _quoted(path: str) -> str:
    return quote_bytes(os.fsencode(path))


def _nodes(args: list[Any]) -> Iterator[Any]:
    """The top-level argument nodes and the members of fd pairs / lists (dup2's, pollfds)."""
    for node in args:
        yield node
        if isinstance(node, dict) and "$vr" in node:
            yield from node["$vr"]
        elif isinstance(node, list):
            for item in node:
                yield item
                if isinstance(item, dict):
                    yield from (v for v in item.values() if isinstance(v, dict))


class PathFilter:
    """Decides, per call, whether -P lets it through; a split call (`enter`, then `syscall`)
    gets one decision."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = {os.fsencode(p) for p in paths}
        self.decided: dict[tuple[int, int], bool] = {}

    def matches(self, event: Mapping[str, Any]) -> bool:
        key = (event.get("pid", 0), event.get("t0", 0))
        known = self.decided.pop(key, None) if event.get("ev") == "syscall" else self.decided.get(key)
        if known is not None:
            return known
        verdict = self._match(event)
        if event.get("ev") == "enter":
            self.decided[key] = verdict
        return verdict

    def _match(self, event: Mapping[str, Any]) -> bool:
        args = list(event.get("args") or [])
        n_entry = event.get("n_entry")
        if isinstance(n_entry, int) and event.get("ev") == "syscall":
            args = args[:n_entry]
        fds = event.get("fds") or {}
        pid = event.get("pid", 0)
        decoded = False
        for node in _nodes(args):
            if not isinstance(node, dict):
                continue
            if "$path" in node and not node.get("abstract"):
                decoded = True
                if node["$path"].encode("latin-1", "replace") in self.paths:
                    return True
            elif "$fd" in node and node.get("name") is None:
                decoded = True
                if self._fd_matches(pid, node["$fd"], fds):
                    return True
            elif "$s" in node:
                decoded = True
        if decoded or _has_decoder(event.get("name", "")):
            return False
        return self._raw_matches(event, pid)

    def _fd_matches(self, pid: int, fd: Any, fds: Mapping[str, Any]) -> bool:
        if not isinstance(fd, int) or fd < 0:
            return False
        info = fds.get(str(fd))
        target = info.get("y") if isinstance(info, dict) else info if isinstance(info, str) else None
        if target is None:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                return False
        return os.fsencode(target) in self.paths

    def _raw_matches(self, event: Mapping[str, Any], pid: int) -> bool:
        """strace's fallback for calls it has no rule for: the first argument, an fd."""
        raw = event.get("raw") or []
        if not raw:
            return False
        fd = raw[0] & 0xFFFFFFFF
        fd = fd - (1 << 32) if fd >= 1 << 31 else fd
        return self._fd_matches(pid, fd, event.get("fds") or {})
