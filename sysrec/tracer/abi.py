"""Kernel ABI numbers for ptrace on x86-64 (linux/ptrace.h, linux/audit.h, wait.h), as data.

Kept apart from `ptrace_ops` (the loop's requests) so that every module can use the numbers
without its ctypes set-up.
"""

# Requests.
PTRACE_TRACEME = 0
PTRACE_CONT = 7
PTRACE_KILL = 8
PTRACE_DETACH = 17
PTRACE_SYSCALL = 24
PTRACE_SETOPTIONS = 0x4200
PTRACE_GETEVENTMSG = 0x4201
PTRACE_GETSIGINFO = 0x4202
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
PTRACE_LISTEN = 0x4208
PTRACE_GET_SYSCALL_INFO = 0x420E

# Options.
O_TRACESYSGOOD = 0x1
O_TRACEFORK = 0x2
O_TRACEVFORK = 0x4
O_TRACECLONE = 0x8
O_TRACEEXEC = 0x10
O_TRACESECCOMP = 0x80
O_EXITKILL = 0x100000

# Event numbers (status >> 16 at a SIGTRAP stop).
EVENT_FORK = 1
EVENT_VFORK = 2
EVENT_CLONE = 3
EVENT_EXEC = 4
EVENT_VFORK_DONE = 5
EVENT_EXIT = 6
EVENT_SECCOMP = 7
# Under PTRACE_SEIZE: a group-stop (signal SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU), a new child's first
# stop, a PTRACE_INTERRUPT or the end of a group-stop after SIGCONT (signal SIGTRAP).
EVENT_STOP = 128

# struct ptrace_syscall_info ops.
INFO_NONE = 0
INFO_ENTRY = 1
INFO_EXIT = 2
INFO_SECCOMP = 3

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003  # a 64-bit program's `int $0x80`

WALL = 0x40000000  # __WALL
SYSCALL_TRAP = 0x80 | 5  # SIGTRAP | 0x80: a syscall-stop under PTRACE_O_TRACESYSGOOD
