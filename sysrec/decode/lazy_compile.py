"""construct's compile() deferred to each structure's first use, while the decoders load.

compile() generates and compiles Python source for a structure: ~120 structures at import of
sysrec.decode, most of its import time, and that import is on the path of the first traced call
(a full trace needs the decoders at the program's execve). A trace uses a handful of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import construct

_COMPILE = construct.Construct.compile


class LazyCompiled(construct.Construct):
    """Parses and builds as `definition.compile()` would, compiling at the first parse or build."""

    def __init__(self, definition: construct.Construct, filename: str | None = None) -> None:
        super().__init__()
        self.definition = definition
        self.flagbuildnone = definition.flagbuildnone
        self._filename = filename
        self._compiled: Any = None

    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = _COMPILE(self.definition, self._filename)
        return self._compiled

    def _parse(self, stream: Any, context: Any, path: Any) -> Any:
        return self.compiled()._parse(stream, context, path)

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


def _lazy(self: construct.Construct, filename: str | None = None) -> construct.Construct:
    return self if isinstance(self, (LazyCompiled, construct.Compiled)) else LazyCompiled(self, filename)


@contextlib.contextmanager
def compile_lazily() -> Iterator[None]:
    """compile() returns a LazyCompiled within the block (module-level definitions being loaded)."""
    construct.Construct.compile = _lazy  # type: ignore[method-assign]
    try:
        yield
    finally:
        construct.Construct.compile = _COMPILE  # type: ignore[method-assign]
