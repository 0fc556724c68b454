"""Importing construct and dataclasses without the standard modules they import for features
sysrec never uses.

construct imports pdb and traceback (its Debugger), pickle (`Pickled`) and hashlib (the module
names of compiled parsers); dataclasses imports inspect (a signature for the docstring of a
class without one: every dataclass of sysrec's has a docstring). On a slow VM those are ~50 ms
of the ~100 ms that the decoders take to import, and a full trace's first line waits for that
import (the program runs on meanwhile, its calls kept for decoding). While the two import, each of these modules is a stand-in in
`sys.modules` that imports the real module at its first attribute use; the stand-ins leave
`sys.modules` right after, so that every later `import` gets the real module.
"""

from __future__ import annotations

import importlib
import sys
import types

UNUSED_BY_SYSREC = ("pdb", "traceback", "pickle", "hashlib", "inspect")
IMPORTED_LEAN = ("dataclasses", "construct")


class StandIn(types.ModuleType):
    """A module not imported yet: the first attribute asked for imports it."""

    def __getattr__(self, attr: str) -> object:
        real = sys.modules.get(self.__name__)
        if real is None or real is self:
            sys.modules.pop(self.__name__, None)
            real = importlib.import_module(self.__name__)
        return getattr(real, attr)


def import_lean() -> None:
    """Import construct and dataclasses with the modules above deferred (a no-op once both are
    imported; a module some import already brought in is left as it is)."""
    if all(name in sys.modules for name in IMPORTED_LEAN):
        return
    standing_in = [name for name in UNUSED_BY_SYSREC if name not in sys.modules]
    for name in standing_in:
        sys.modules[name] = StandIn(name)
    try:
        for name in IMPORTED_LEAN:
            importlib.import_module(name)
    finally:
        for name in standing_in:
            if isinstance(sys.modules.get(name), StandIn):
                del sys.modules[name]
