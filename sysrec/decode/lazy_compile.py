"""construct's compile() deferred to the parses that pay for it.

compile() generates and compiles Python source for a structure: ~120 structures in the decoder
families, most of their import time, and that import is on the path of the first traced call
(a full trace needs the decoders at the program's execve). A trace uses a handful of them, most
once or twice (uname, statfs, the stack rlimit while a program starts): a compile costs 1-2 ms
(the first one ~5 ms more, construct names its module with hashlib), dozens of interpreted
parses. Each family writes `compiled_later(Struct(...))` where construct's own spelling is
`Struct(...).compile()`: the structure is parsed by construct's interpreter until its
COMPILE_AT_USE-th parse, then compiled (at its first build, for tools and tests), whichever way
its module was imported (through sysrec.decode, the renderer's signature rows, a test).
tests/test_fast_paths.py holds both ways equal for every structure of the families.
"""

from __future__ import annotations

from typing import Any

import construct

COMPILE_AT_USE = 16


class LazyCompiled(construct.Construct):
    """Parses and builds as `definition.compile()` would, compiled once it is used enough."""

    def __init__(self, definition: construct.Construct, filename: str | None = None) -> None:
        super().__init__()
        self.definition = definition
        self.flagbuildnone = definition.flagbuildnone
        self._filename = filename
        self._compiled: Any = None
        self._parses = 0

    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = self.definition.compile(self._filename)
        return self._compiled

    def _parse(self, stream: Any, context: Any, path: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            self._parses += 1
            if self._parses < COMPILE_AT_USE:
                return self.definition._parse(stream, context, path)
            compiled = self.compiled()
        return compiled._parse(stream, context, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: Any) -> Any:
        return self.compiled()._build(obj, stream, context, path)

    def _sizeof(self, context: Any, path: Any) -> Any:
        return self.definition._sizeof(context, path)

    def _emitparse(self, code: Any) -> Any:  # inside a structure compiled as a whole
        return self.definition._compileparse(code)

    def _emitbuild(self, code: Any) -> Any:
        return self.definition._compilebuild(code)

    def compile(self, filename: str | None = None) -> Any:
        return self.compiled()


def compiled_later(definition: construct.Construct, filename: str | None = None) -> construct.Construct:
    """`definition.compile()`, done once the structure is used enough (COMPILE_AT_USE)."""
    return definition if isinstance(definition, (LazyCompiled, construct.Compiled)) else \
        LazyCompiled(definition, filename)
