"""A signature row: how each argument of one syscall prints, at entry or at exit, and what
its return value means. Family modules build their `ROWS` tables from these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sysrec.decode.args import fd_arg, int_arg, uint_arg, ulong_arg
from sysrec.decode.common import ArgDecoder, Call, Node

AuxFn = Callable[[Call], tuple[Node, Node]]


@dataclass(frozen=True)
class Arg:
    """One argument of a signature row: its decoder, and whether it prints at exit."""

    decode: ArgDecoder
    at_exit: bool = False


def E(decode: ArgDecoder) -> Arg:
    """An argument printed at entry."""
    return Arg(decode)


def X(decode: ArgDecoder) -> Arg:
    """An argument printed at exit (the kernel writes it, or it follows one that does)."""
    return Arg(decode, at_exit=True)


@dataclass(frozen=True)
class Signature:
    """One syscall's row: its arguments in order, and how a successful return prints."""

    args: tuple[Arg, ...]
    returns_fd: bool = False
    aux: AuxFn | None = None  # (rtext, raux) of a successful return
    snapshot: Callable[[Call], None] | None = None  # entry: remember what the kernel overwrites
    # How a call cut by other output (`<unfinished ...>`) is split. By default the entry text
    # ends in ", " and the resumed text starts with the next argument. `comma_at_exit`: the entry
    # text ends without it and the resumed text starts with ", " (clone). `continues`: the first
    # exit-time argument continues the last entry-time one as ` => new` (sendfile's offset,
    # clone3's struct); its decoder returns a `{"$cont": node}`.
    comma_at_exit: bool = False
    continues: bool = False
    # Derived once from `args`, for the tracer's hot path: how many print at entry, and the
    # decoders of the entry-time and (index, decoder) of the exit-time arguments; `more`: the
    # entry text ends in ", ".
    n_entry: int = field(init=False, repr=False, compare=False)
    more: bool = field(init=False, repr=False, compare=False)
    at_entry: tuple[ArgDecoder, ...] = field(init=False, repr=False, compare=False)
    at_exit: tuple[tuple[int, ArgDecoder], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n_entry = next((i for i, arg in enumerate(self.args) if arg.at_exit), len(self.args))
        object.__setattr__(self, "n_entry", n_entry)
        object.__setattr__(self, "more", n_entry < len(self.args) and not self.comma_at_exit
                           and not self.continues)
        object.__setattr__(self, "at_entry", tuple(arg.decode for arg in self.args[:n_entry]))
        object.__setattr__(self, "at_exit", tuple((i, arg.decode) for i, arg in enumerate(self.args)
                                                  if i >= n_entry))


# What an exit-time decoder returns for an argument strace leaves out of this call's line: the
# ` => [4]` of sendfile's offset appears only when the call copied something.
ABSENT = object()

FD, INT, UINT, ULONG = E(fd_arg), E(int_arg), E(uint_arg), E(ulong_arg)
