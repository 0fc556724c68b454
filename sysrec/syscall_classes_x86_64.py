"""strace 6.1's x86-64 syscall table as data: for every syscall it names, the number of
arguments it prints when it has no decoder of its own, and the `-e trace=%CLASS` classes it is
in; and the names and numbers of its two other x86-64 personalities (i386, x32), which
`-e trace=` accepts although they trace nothing in a 64-bit program.

Facts taken from strace 6.1's src/linux/{x86_64,i386,x32}/syscallent.h and
src/linux/generic/syscallent-common.h (flags: src/sysent.h).
"""

# number: (name, arguments, classes separated by spaces)
SYSCALLS: dict[int, tuple[str, int, str]] = {
    0: ("read", 3, "desc"),
    1: ("write", 3, "desc"),
    2: ("open", 3, "desc file"),
    3: ("close", 1, "desc"),
    4: ("stat", 2, "file stat %stat"),
    5: ("fstat", 2, "desc fstat %stat"),
    6: ("lstat", 2, "file lstat %stat"),
    7: ("poll", 3, "desc"),
    8: ("lseek", 3, "desc"),
    9: ("mmap", 6, "desc memory"),
    10: ("mprotect", 3, "memory"),
    11: ("munmap", 2, "memory"),
    12: ("brk", 1, "memory"),
    13: ("rt_sigaction", 4, "signal"),
    14: ("rt_sigprocmask", 4, "signal"),
    15: ("rt_sigreturn", 0, "signal"),
    16: ("ioctl", 3, "desc"),
    17: ("pread64", 4, "desc"),
    18: ("pwrite64", 4, "desc"),
    19: ("readv", 3, "desc"),
    20: ("writev", 3, "desc"),
    21: ("access", 2, "file"),
    22: ("pipe", 1, "desc"),
    23: ("select", 5, "desc"),
    24: ("sched_yield", 0, ""),
    25: ("mremap", 5, "memory"),
    26: ("msync", 3, "memory"),
    27: ("mincore", 3, "memory"),
    28: ("madvise", 3, "memory"),
    29: ("shmget", 3, "ipc"),
    30: ("shmat", 3, "memory ipc"),
    31: ("shmctl", 3, "ipc"),
    32: ("dup", 1, "desc"),
    33: ("dup2", 2, "desc"),
    34: ("pause", 0, "signal"),
    35: ("nanosleep", 2, ""),
    36: ("getitimer", 2, ""),
    37: ("alarm", 1, ""),
    38: ("setitimer", 3, ""),
    39: ("getpid", 0, "pure"),
    40: ("sendfile", 4, "desc network"),
    41: ("socket", 3, "network"),
    42: ("connect", 3, "network"),
    43: ("accept", 3, "network"),
    44: ("sendto", 6, "network"),
    45: ("recvfrom", 6, "network"),
    46: ("sendmsg", 3, "network"),
    47: ("recvmsg", 3, "network"),
    48: ("shutdown", 2, "network"),
    49: ("bind", 3, "network"),
    50: ("listen", 2, "network"),
    51: ("getsockname", 3, "network"),
    52: ("getpeername", 3, "network"),
    53: ("socketpair", 4, "network"),
    54: ("setsockopt", 5, "network"),
    55: ("getsockopt", 5, "network"),
    56: ("clone", 5, "process"),
    57: ("fork", 0, "process"),
    58: ("vfork", 0, "process"),
    59: ("execve", 3, "file process"),
    60: ("exit", 1, "process"),
    61: ("wait4", 4, "process"),
    62: ("kill", 2, "process signal"),
    63: ("uname", 1, ""),
    64: ("semget", 3, "ipc"),
    65: ("semop", 3, "ipc"),
    66: ("semctl", 4, "ipc"),
    67: ("shmdt", 1, "memory ipc"),
    68: ("msgget", 2, "ipc"),
    69: ("msgsnd", 4, "ipc"),
    70: ("msgrcv", 5, "ipc"),
    71: ("msgctl", 3, "ipc"),
    72: ("fcntl", 3, "desc"),
    73: ("flock", 2, "desc"),
    74: ("fsync", 1, "desc"),
    75: ("fdatasync", 1, "desc"),
    76: ("truncate", 2, "file"),
    77: ("ftruncate", 2, "desc"),
    78: ("getdents", 3, "desc"),
    79: ("getcwd", 2, "file"),
    80: ("chdir", 1, "file"),
    81: ("fchdir", 1, "desc"),
    82: ("rename", 2, "file"),
    83: ("mkdir", 2, "file"),
    84: ("rmdir", 1, "file"),
    85: ("creat", 2, "desc file"),
    86: ("link", 2, "file"),
    87: ("unlink", 1, "file"),
    88: ("symlink", 2, "file"),
    89: ("readlink", 3, "file"),
    90: ("chmod", 2, "file"),
    91: ("fchmod", 2, "desc"),
    92: ("chown", 3, "file"),
    93: ("fchown", 3, "desc"),
    94: ("lchown", 3, "file"),
    95: ("umask", 1, ""),
    96: ("gettimeofday", 2, "clock"),
    97: ("getrlimit", 2, ""),
    98: ("getrusage", 2, ""),
    99: ("sysinfo", 1, ""),
    100: ("times", 1, ""),
    101: ("ptrace", 4, ""),
    102: ("getuid", 0, "creds pure"),
    103: ("syslog", 3, ""),
    104: ("getgid", 0, "creds pure"),
    105: ("setuid", 1, "creds"),
    106: ("setgid", 1, "creds"),
    107: ("geteuid", 0, "creds pure"),
    108: ("getegid", 0, "creds pure"),
    109: ("setpgid", 2, ""),
    110: ("getppid", 0, "pure"),
    111: ("getpgrp", 0, "pure"),
    112: ("setsid", 0, ""),
    113: ("setreuid", 2, "creds"),
    114: ("setregid", 2, "creds"),
    115: ("getgroups", 2, "creds"),
    116: ("setgroups", 2, "creds"),
    117: ("setresuid", 3, "creds"),
    118: ("getresuid", 3, "creds"),
    119: ("setresgid", 3, "creds"),
    120: ("getresgid", 3, "creds"),
    121: ("getpgid", 1, ""),
    122: ("setfsuid", 1, "creds"),
    123: ("setfsgid", 1, "creds"),
    124: ("getsid", 1, ""),
    125: ("capget", 2, "creds"),
    126: ("capset", 2, "creds"),
    127: ("rt_sigpending", 2, "signal"),
    128: ("rt_sigtimedwait", 4, "signal"),
    129: ("rt_sigqueueinfo", 3, "process signal"),
    130: ("rt_sigsuspend", 2, "signal"),
    131: ("sigaltstack", 2, "signal"),
    132: ("utime", 2, "file"),
    133: ("mknod", 3, "file"),
    134: ("uselib", 1, "file"),
    135: ("personality", 1, ""),
    136: ("ustat", 2, "%statfs"),
    137: ("statfs", 2, "file statfs %statfs"),
    138: ("fstatfs", 2, "desc fstatfs %statfs"),
    139: ("sysfs", 3, ""),
    140: ("getpriority", 2, ""),
    141: ("setpriority", 3, ""),
    142: ("sched_setparam", 2, ""),
    143: ("sched_getparam", 2, ""),
    144: ("sched_setscheduler", 3, ""),
    145: ("sched_getscheduler", 1, ""),
    146: ("sched_get_priority_max", 1, ""),
    147: ("sched_get_priority_min", 1, ""),
    148: ("sched_rr_get_interval", 2, ""),
    149: ("mlock", 2, "memory"),
    150: ("munlock", 2, "memory"),
    151: ("mlockall", 1, "memory"),
    152: ("munlockall", 0, "memory"),
    153: ("vhangup", 0, ""),
    154: ("modify_ldt", 3, ""),
    155: ("pivot_root", 2, "file"),
    156: ("_sysctl", 1, ""),
    157: ("prctl", 5, "creds"),
    158: ("arch_prctl", 2, ""),
    159: ("adjtimex", 1, "clock"),
    160: ("setrlimit", 2, ""),
    161: ("chroot", 1, "file"),
    162: ("sync", 0, ""),
    163: ("acct", 1, "file"),
    164: ("settimeofday", 2, "clock"),
    165: ("mount", 5, "file"),
    166: ("umount2", 2, "file"),
    167: ("swapon", 2, "file"),
    168: ("swapoff", 1, "file"),
    169: ("reboot", 4, ""),
    170: ("sethostname", 2, ""),
    171: ("setdomainname", 2, ""),
    172: ("iopl", 1, ""),
    173: ("ioperm", 3, ""),
    174: ("create_module", 2, ""),
    175: ("init_module", 3, ""),
    176: ("delete_module", 2, ""),
    177: ("get_kernel_syms", 1, ""),
    178: ("query_module", 5, ""),
    179: ("quotactl", 4, "file"),
    180: ("nfsservctl", 3, ""),
    181: ("getpmsg", 5, "network"),
    182: ("putpmsg", 5, "network"),
    183: ("afs_syscall", 5, ""),
    184: ("tuxcall", 3, ""),
    185: ("security", 3, ""),
    186: ("gettid", 0, "pure"),
    187: ("readahead", 3, "desc"),
    188: ("setxattr", 5, "file"),
    189: ("lsetxattr", 5, "file"),
    190: ("fsetxattr", 5, "desc"),
    191: ("getxattr", 4, "file"),
    192: ("lgetxattr", 4, "file"),
    193: ("fgetxattr", 4, "desc"),
    194: ("listxattr", 3, "file"),
    195: ("llistxattr", 3, "file"),
    196: ("flistxattr", 3, "desc"),
    197: ("removexattr", 2, "file"),
    198: ("lremovexattr", 2, "file"),
    199: ("fremovexattr", 2, "desc"),
    200: ("tkill", 2, "process signal"),
    201: ("time", 1, "clock"),
    202: ("futex", 6, ""),
    203: ("sched_setaffinity", 3, ""),
    204: ("sched_getaffinity", 3, ""),
    205: ("set_thread_area", 1, ""),
    206: ("io_setup", 2, "memory"),
    207: ("io_destroy", 1, "memory"),
    208: ("io_getevents", 5, ""),
    209: ("io_submit", 3, ""),
    210: ("io_cancel", 3, ""),
    211: ("get_thread_area", 1, ""),
    212: ("lookup_dcookie", 3, ""),
    213: ("epoll_create", 1, "desc"),
    214: ("epoll_ctl_old", 4, ""),
    215: ("epoll_wait_old", 4, ""),
    216: ("remap_file_pages", 5, "memory"),
    217: ("getdents64", 3, "desc"),
    218: ("set_tid_address", 1, ""),
    219: ("restart_syscall", 0, ""),
    220: ("semtimedop", 4, "ipc"),
    221: ("fadvise64", 4, "desc"),
    222: ("timer_create", 3, ""),
    223: ("timer_settime", 4, ""),
    224: ("timer_gettime", 2, ""),
    225: ("timer_getoverrun", 1, ""),
    226: ("timer_delete", 1, ""),
    227: ("clock_settime", 2, "clock"),
    228: ("clock_gettime", 2, "clock"),
    229: ("clock_getres", 2, "clock"),
    230: ("clock_nanosleep", 4, ""),
    231: ("exit_group", 1, "process"),
    232: ("epoll_wait", 4, "desc"),
    233: ("epoll_ctl", 4, "desc"),
    234: ("tgkill", 3, "process signal"),
    235: ("utimes", 2, "file"),
    236: ("vserver", 5, ""),
    237: ("mbind", 6, "memory"),
    238: ("set_mempolicy", 3, "memory"),
    239: ("get_mempolicy", 5, "memory"),
    240: ("mq_open", 4, "desc"),
    241: ("mq_unlink", 1, ""),
    242: ("mq_timedsend", 5, "desc"),
    243: ("mq_timedreceive", 5, "desc"),
    244: ("mq_notify", 2, "desc"),
    245: ("mq_getsetattr", 3, "desc"),
    246: ("kexec_load", 4, ""),
    247: ("waitid", 5, "process"),
    248: ("add_key", 5, ""),
    249: ("request_key", 4, ""),
    250: ("keyctl", 5, ""),
    251: ("ioprio_set", 3, ""),
    252: ("ioprio_get", 2, ""),
    253: ("inotify_init", 0, "desc"),
    254: ("inotify_add_watch", 3, "desc file"),
    255: ("inotify_rm_watch", 2, "desc"),
    256: ("migrate_pages", 4, "memory"),
    257: ("openat", 4, "desc file"),
    258: ("mkdirat", 3, "desc file"),
    259: ("mknodat", 4, "desc file"),
    260: ("fchownat", 5, "desc file"),
    261: ("futimesat", 3, "desc file"),
    262: ("newfstatat", 4, "desc file fstat %stat"),
    263: ("unlinkat", 3, "desc file"),
    264: ("renameat", 4, "desc file"),
    265: ("linkat", 5, "desc file"),
    266: ("symlinkat", 3, "desc file"),
    267: ("readlinkat", 4, "desc file"),
    268: ("fchmodat", 3, "desc file"),
    269: ("faccessat", 3, "desc file"),
    270: ("pselect6", 6, "desc"),
    271: ("ppoll", 5, "desc"),
    272: ("unshare", 1, ""),
    273: ("set_robust_list", 2, ""),
    274: ("get_robust_list", 3, ""),
    275: ("splice", 6, "desc"),
    276: ("tee", 4, "desc"),
    277: ("sync_file_range", 4, "desc"),
    278: ("vmsplice", 4, "desc"),
    279: ("move_pages", 6, "memory"),
    280: ("utimensat", 4, "desc file"),
    281: ("epoll_pwait", 6, "desc"),
    282: ("signalfd", 3, "desc signal"),
    283: ("timerfd_create", 2, "desc"),
    284: ("eventfd", 1, "desc"),
    285: ("fallocate", 4, "desc"),
    286: ("timerfd_settime", 4, "desc"),
    287: ("timerfd_gettime", 2, "desc"),
    288: ("accept4", 4, "network"),
    289: ("signalfd4", 4, "desc signal"),
    290: ("eventfd2", 2, "desc"),
    291: ("epoll_create1", 1, "desc"),
    292: ("dup3", 3, "desc"),
    293: ("pipe2", 2, "desc"),
    294: ("inotify_init1", 1, "desc"),
    295: ("preadv", 4, "desc"),
    296: ("pwritev", 4, "desc"),
    297: ("rt_tgsigqueueinfo", 4, "process signal"),
    298: ("perf_event_open", 5, "desc"),
    299: ("recvmmsg", 5, "network"),
    300: ("fanotify_init", 2, "desc"),
    301: ("fanotify_mark", 5, "desc file"),
    302: ("prlimit64", 4, ""),
    303: ("name_to_handle_at", 5, "desc file"),
    304: ("open_by_handle_at", 3, "desc"),
    305: ("clock_adjtime", 2, "clock"),
    306: ("syncfs", 1, "desc"),
    307: ("sendmmsg", 4, "network"),
    308: ("setns", 2, "desc"),
    309: ("getcpu", 3, ""),
    310: ("process_vm_readv", 6, ""),
    311: ("process_vm_writev", 6, ""),
    312: ("kcmp", 5, ""),
    313: ("finit_module", 3, "desc"),
    314: ("sched_setattr", 3, ""),
    315: ("sched_getattr", 4, ""),
    316: ("renameat2", 5, "desc file"),
    317: ("seccomp", 3, ""),
    318: ("getrandom", 3, ""),
    319: ("memfd_create", 2, "desc"),
    320: ("kexec_file_load", 5, "desc"),
    321: ("bpf", 3, "desc"),
    322: ("execveat", 5, "desc file process"),
    323: ("userfaultfd", 1, "desc"),
    324: ("membarrier", 3, ""),
    325: ("mlock2", 3, "memory"),
    326: ("copy_file_range", 6, "desc"),
    327: ("preadv2", 6, "desc"),
    328: ("pwritev2", 6, "desc"),
    329: ("pkey_mprotect", 4, "memory"),
    330: ("pkey_alloc", 2, ""),
    331: ("pkey_free", 1, ""),
    332: ("statx", 5, "desc file fstat %stat"),
    333: ("io_pgetevents", 6, ""),
    334: ("rseq", 4, ""),
    424: ("pidfd_send_signal", 4, "desc process signal"),
    425: ("io_uring_setup", 2, "desc"),
    426: ("io_uring_enter", 6, "desc signal"),
    427: ("io_uring_register", 4, "desc memory"),
    428: ("open_tree", 3, "desc file"),
    429: ("move_mount", 5, "desc file"),
    430: ("fsopen", 2, "desc"),
    431: ("fsconfig", 5, "desc file"),
    432: ("fsmount", 3, "desc"),
    433: ("fspick", 3, "desc file"),
    434: ("pidfd_open", 2, "desc"),
    435: ("clone3", 2, "process"),
    436: ("close_range", 3, ""),
    437: ("openat2", 4, "desc file"),
    438: ("pidfd_getfd", 3, "desc"),
    439: ("faccessat2", 4, "desc file"),
    440: ("process_madvise", 5, "desc"),
    441: ("epoll_pwait2", 6, "desc"),
    442: ("mount_setattr", 5, "desc file"),
    443: ("quotactl_fd", 4, "desc"),
    444: ("landlock_create_ruleset", 3, "desc"),
    445: ("landlock_add_rule", 4, "desc"),
    446: ("landlock_restrict_self", 2, "desc"),
    447: ("memfd_secret", 1, "desc"),
    448: ("process_mrelease", 2, "desc"),
    449: ("futex_waitv", 5, ""),
    450: ("set_mempolicy_home_node", 4, "memory"),
}

# i386 (`@32`): every name strace knows, and the numbers it accepts (inclusive ranges)
I386_NAMES = frozenset("""
    _llseek _newselect _sysctl accept accept4 access acct add_key adjtimex afs_syscall alarm
    arch_prctl bdflush bind bpf break brk capget capset chdir chmod chown chown32 chroot
    clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
    clock_nanosleep clock_nanosleep_time64 clock_settime clock_settime64 clone clone3 close
    close_range connect copy_file_range creat create_module delete_module dup dup2 dup3
    epoll_create epoll_create1 epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2
    execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate
    fanotify_init fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64
    fdatasync fgetxattr finit_module flistxattr flock fork fremovexattr fsconfig fsetxattr
    fsmount fsopen fspick fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftime ftruncate
    ftruncate64 futex futex_time64 futex_waitv futimesat get_kernel_syms get_mempolicy
    get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid getegid32 geteuid
    geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid
    getpmsg getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit
    getrusage getsid getsockname getsockopt gettid gettimeofday getuid getuid32 getxattr gtty
    idle init_module inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel
    io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_setup io_submit io_uring_enter
    io_uring_register io_uring_setup ioctl ioperm iopl ioprio_get ioprio_set ipc kcmp kexec_load
    keyctl kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32
    lgetxattr link linkat listen listxattr llistxattr lock lookup_dcookie lremovexattr lseek
    lsetxattr lstat lstat64 madvise mbind membarrier memfd_create memfd_secret migrate_pages
    mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 modify_ldt mount
    mount_setattr move_mount move_pages mprotect mpx mq_getsetattr mq_notify mq_open
    mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap
    msgctl msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep
    nfsservctl nice oldfstat oldlstat oldolduname oldstat olduname open open_by_handle_at
    open_tree openat openat2 pause perf_event_open personality pidfd_getfd pidfd_open
    pidfd_send_signal pipe pipe2 pivot_root pkey_alloc pkey_free pkey_mprotect poll ppoll
    ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_madvise process_mrelease
    process_vm_readv process_vm_writev prof profil pselect6 pselect6_time64 ptrace putpmsg
    pwrite64 pwritev pwritev2 query_module quotactl quotactl_fd read readahead readdir readlink
    readlinkat readv reboot recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages
    removexattr rename renameat renameat2 request_key restart_syscall rmdir rseq rt_sigaction
    rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
    rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min
    sched_getaffinity sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval
    sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam
    sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop
    semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto set_mempolicy
    set_mempolicy_home_node set_robust_list set_thread_area set_tid_address setdomainname
    setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 sethostname
    setitimer setns setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid
    setresuid32 setreuid setreuid32 setrlimit setsid setsockopt settimeofday setuid setuid32
    setxattr sgetmask shmat shmctl shmdt shmget shutdown sigaction sigaltstack signal signalfd
    signalfd4 sigpending sigprocmask sigreturn sigsuspend socket socketcall socketpair splice
    ssetmask stat stat64 statfs statfs64 statx stime stty swapoff swapon symlink symlinkat sync
    sync_file_range syncfs sysfs sysinfo syslog tee tgkill time timer_create timer_delete
    timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create
    timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate
    truncate64 ugetrlimit ulimit umask umount umount2 uname unlink unlinkat unshare uselib
    userfaultfd ustat utime utimensat utimensat_time64 utimes vfork vhangup vm86 vm86old
    vmsplice vserver wait4 waitid waitpid write writev
""".split())
I386_NUMBERS: tuple[tuple[int, int], ...] = ((0, 221), (224, 250), (252, 284), (286, 386), (393, 414), (416, 450))

# x32 (`@x32`; numbers without the x32 bit): every name strace knows, and the numbers it accepts (inclusive ranges)
X32_NAMES = frozenset("""
    _sysctl#64 accept accept4 access acct add_key adjtimex afs_syscall alarm arch_prctl bind bpf
    brk capget capset chdir chmod chown chroot clock_adjtime clock_getres clock_gettime
    clock_nanosleep clock_settime clone clone3 close close_range connect copy_file_range creat
    create_module#64 delete_module dup dup2 dup3 epoll_create epoll_create1 epoll_ctl
    epoll_ctl_old#64 epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old#64 eventfd eventfd2
    execve execve#64 execveat execveat#64 exit exit_group faccessat faccessat2 fadvise64
    fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat fchown fchownat fcntl fdatasync
    fgetxattr finit_module flistxattr flock fork fremovexattr fsconfig fsetxattr fsmount fsopen
    fspick fstat fstatfs fsync ftruncate futex futex_waitv futimesat get_kernel_syms#64
    get_mempolicy get_robust_list get_robust_list#64 get_thread_area#64 getcpu getcwd getdents
    getdents64 getegid geteuid getgid getgroups getitimer getpeername getpgid getpgrp getpid
    getpmsg getppid getpriority getrandom getresgid getresuid getrlimit getrusage getsid
    getsockname getsockopt getsockopt#64 gettid gettimeofday getuid getxattr init_module
    inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy
    io_getevents io_pgetevents io_setup io_setup#64 io_submit io_submit#64 io_uring_enter
    io_uring_register io_uring_setup ioctl ioctl#64 ioperm iopl ioprio_get ioprio_set kcmp
    kexec_file_load kexec_load kexec_load#64 keyctl kill landlock_add_rule
    landlock_create_ruleset landlock_restrict_self lchown lgetxattr link linkat listen listxattr
    llistxattr lookup_dcookie lremovexattr lseek lsetxattr lstat madvise mbind membarrier
    memfd_create memfd_secret migrate_pages mincore mkdir mkdirat mknod mknodat mlock mlock2
    mlockall mmap modify_ldt mount mount_setattr move_mount move_pages move_pages#64 mprotect
    mq_getsetattr mq_notify mq_notify#64 mq_open mq_timedreceive mq_timedsend mq_unlink mremap
    msgctl msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep
    newfstatat nfsservctl#64 open open_by_handle_at open_tree openat openat2 pause
    perf_event_open personality pidfd_getfd pidfd_open pidfd_send_signal pipe pipe2 pivot_root
    pkey_alloc pkey_free pkey_mprotect poll ppoll prctl pread64 preadv preadv#64 preadv2
    preadv2#64 prlimit64 process_madvise process_mrelease process_vm_readv process_vm_readv#64
    process_vm_writev process_vm_writev#64 pselect6 ptrace ptrace#64 putpmsg pwrite64 pwritev
    pwritev#64 pwritev2 pwritev2#64 query_module#64 quotactl quotactl_fd read readahead readlink
    readlinkat readv readv#64 reboot recvfrom recvfrom#64 recvmmsg recvmmsg#64 recvmsg
    recvmsg#64 remap_file_pages removexattr rename renameat renameat2 request_key
    restart_syscall rmdir rseq rt_sigaction rt_sigaction#64 rt_sigpending rt_sigpending#64
    rt_sigprocmask rt_sigqueueinfo rt_sigqueueinfo#64 rt_sigreturn rt_sigreturn#64 rt_sigsuspend
    rt_sigtimedwait rt_sigtimedwait#64 rt_tgsigqueueinfo rt_tgsigqueueinfo#64
    sched_get_priority_max sched_get_priority_min sched_getaffinity sched_getattr sched_getparam
    sched_getscheduler sched_rr_get_interval sched_setaffinity sched_setattr sched_setparam
    sched_setscheduler sched_yield seccomp security select semctl semget semop semtimedop
    sendfile sendmmsg sendmmsg#64 sendmsg sendmsg#64 sendto set_mempolicy
    set_mempolicy_home_node set_robust_list set_robust_list#64 set_thread_area#64
    set_tid_address setdomainname setfsgid setfsuid setgid setgroups sethostname setitimer setns
    setpgid setpriority setregid setresgid setresuid setreuid setrlimit setsid setsockopt
    setsockopt#64 settimeofday setuid setxattr shmat shmctl shmdt shmget shutdown sigaltstack
    sigaltstack#64 signalfd signalfd4 socket socketpair splice stat statfs statx swapoff swapon
    symlink symlinkat sync sync_file_range syncfs sysfs sysinfo syslog tee tgkill time
    timer_create timer_create#64 timer_delete timer_getoverrun timer_gettime timer_settime
    timerfd_create timerfd_gettime timerfd_settime times tkill truncate tuxcall umask umount2
    uname unlink unlinkat unshare uselib#64 userfaultfd ustat utime utimensat utimes vfork
    vhangup vmsplice vmsplice#64 vserver#64 wait4 waitid waitid#64 write writev writev#64
""".split())
X32_NUMBERS: tuple[tuple[int, int], ...] = ((0, 334), (424, 450), (512, 547))
