"""construct's compile() deferred to each structure's first use.

compile() generates and compiles Python source for a structure: ~120 structures in the decoder
families, most of their import time, and that import is on the path of the first traced call
(a full trace needs the decoders at the program's execve). A trace uses a handful of them.
Each family writes `compiled_later(Struct(...))` where construct's own spelling is
`Struct(...).compile()`: the structure compiles at its first parse or build, whichever way its
module was imported (through sysrec.decode, the renderer's signature rows, a test).
"""

from __future__ import annotations

from typing import Any

import construct


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
            self._compiled = self.definition.compile(self._filename)
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


def compiled_later(definition: construct.Construct, filename: str | None = None) -> construct.Construct:
    """`definition.compile()`, done at the structure's first parse or build."""
    return definition if isinstance(definition, (LazyCompiled, construct.Compiled)) else \
        LazyCompiled(definition, filename)
