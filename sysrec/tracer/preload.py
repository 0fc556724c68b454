"""Importing what the tracer will need while the traced program runs.

The tracer mostly waits in waitpid() (the GIL released), so the imports overlap with the
program's own run. They come in two parts, each waited for only by who needs it: first the
caller's (the sink's renderer and record writer: a program that made no traced call still has
its exit line), then the decoders (the first traced call). Two threads importing one module at
once can see it half-initialised, so whoever imports a module of a part waits for that part.
"""

from __future__ import annotations

import importlib
import os
import threading

from sysrec.deferred_imports import import_lean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Preloader:
    """A daemon thread importing `first`, then `then`; kept off the CPUs in `away_from` (the
    tracer's and the tracee's) when there are others in `allowed`."""

    def __init__(self, first: Sequence[str], then: Sequence[str], allowed: set[int], away_from: set[int]) -> None:
        self.first_done = threading.Event()
        self.thread = threading.Thread(target=self._work, args=(tuple(first), tuple(then), allowed - away_from),
                                       name="sysrec-preload", daemon=True)
        self.thread.start()

    def _work(self, first: tuple[str, ...], then: tuple[str, ...], others: set[int]) -> None:
        try:
            if others:
                os.sched_setaffinity(0, others)
        except OSError:
            pass
        try:
            import_lean()  # dataclasses and construct, the heaviest imports of both parts
            _import_all(first)
        finally:
            self.first_done.set()
        _import_all(then)

    def wait_first(self) -> None:
        """Wait until the first part is imported."""
        self.first_done.wait()

    def join(self) -> None:
        """Wait until everything is imported."""
        self.thread.join()


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the importer that needs it will raise properly
            pass
