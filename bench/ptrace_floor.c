/* The least any ptrace tracer can cost here: stop at each syscall's entry and exit, ask
 * PTRACE_GET_SYSCALL_INFO, resume. No memory read, no decoding, no output. bench/run.py runs it
 * beside strace and sysrec: a ratio to strace below this one's is out of reach for a tracer that
 * stops twice per call.
 *
 *   ptrace_floor [--colocate] [--seccomp NR] CMD [ARG...]
 *
 * Without --seccomp every call stops (strace -f, no -e); with it a seccomp filter stops only at
 * syscall NR and the exit is caught with PTRACE_SYSCALL (strace --seccomp-bpf -e trace=NAME).
 * Children are followed (-f). Prints the number of stops on stderr.
 *
 * --colocate: the tracer stays on its CPU and a thread keeps every other CPU busy, so that the
 * scheduler wakes the tracee where the tracer runs (the tracee's own affinity is untouched):
 * the best placement a tracer can get without pinning its subject.
 *
 * Copyright: the sysrec authors. License: GPL-2.0-or-later.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define INFO_REQUEST 0x420e /* PTRACE_GET_SYSCALL_INFO */
#define EVENT_SECCOMP 7

static int install_filter(long nr)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof code / sizeof code[0], code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static volatile int traced_done;
static cpu_set_t others;

static void *keep_busy(void *unused)
{
    (void)unused;
    pthread_setaffinity_np(pthread_self(), sizeof others, &others);
    while (!traced_done)
        __asm__ volatile("pause");
    return NULL;
}

/* Stay on this CPU; a thread spins on the others (none left: nothing to do). */
static void colocate(pthread_t *spinner)
{
    cpu_set_t allowed, here;
    sched_getaffinity(0, sizeof allowed, &allowed);
    CPU_ZERO(&here);
    CPU_SET(sched_getcpu(), &here);
    CPU_XOR(&others, &allowed, &here);
    if (CPU_COUNT(&others) == 0)
        return;
    sched_setaffinity(0, sizeof here, &here);
    pthread_create(spinner, NULL, keep_busy, NULL);
}

int main(int argc, char **argv)
{
    long seccomp_nr = -1;
    int first = 1, colocated = 0;
    pthread_t spinner;
    if (argc > first && strcmp(argv[first], "--colocate") == 0) {
        colocated = 1;
        first++;
    }
    if (argc > first + 1 && strcmp(argv[first], "--seccomp") == 0) {
        seccomp_nr = atol(argv[first + 1]);
        first += 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: ptrace_floor [--colocate] [--seccomp NR] CMD [ARG...]\n");
        return 2;
    }
    pid_t child = fork();
    if (child == 0) {
        raise(SIGSTOP);
        if (seccomp_nr >= 0 && install_filter(seccomp_nr) != 0)
            _exit(126);
        execvp(argv[first], argv + first);
        _exit(127);
    }
    int status;
    waitpid(child, &status, WUNTRACED);
    long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                   PTRACE_O_TRACECLONE | (seccomp_nr >= 0 ? PTRACE_O_TRACESECCOMP : 0);
    if (ptrace(PTRACE_SEIZE, child, 0, options) != 0) {
        perror("ptrace_floor: PTRACE_SEIZE");
        return 1;
    }
    if (colocated) /* after the fork: the child keeps the affinity it had */
        colocate(&spinner);
    kill(child, SIGCONT);
    long idle = seccomp_nr >= 0 ? PTRACE_CONT : PTRACE_SYSCALL;
    long stops = 0;
    int code = 0;
    unsigned char info[88];
    for (;;) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0)
            break;
        if (!WIFSTOPPED(status)) {
            if (pid == child)
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        int sig = WSTOPSIG(status), event = status >> 16;
        long request = idle;
        int deliver = 0;
        if (sig == (SIGTRAP | 0x80)) { /* a syscall stop: with a filter, the exit of a traced call */
            stops++;
            ptrace(INFO_REQUEST, pid, sizeof info, info);
        } else if (sig == SIGTRAP && event == EVENT_SECCOMP) {
            stops++;
            ptrace(INFO_REQUEST, pid, sizeof info, info);
            request = PTRACE_SYSCALL; /* on to its exit */
        } else if (event == PTRACE_EVENT_STOP) { /* a group-stop stays one; other traps run on */
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
                request = PTRACE_LISTEN;
        } else if (event == 0 && sig != SIGTRAP) {
            deliver = sig;
        }
        ptrace(request, pid, 0, deliver);
    }
    traced_done = 1;
    fprintf(stderr, "ptrace_floor: %ld stops\n", stops);
    return code;
}
