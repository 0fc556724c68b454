/* The ptrace stop loop in C: sysrec.tracer.engine's fast path (sysrec.tracer.cloop is the glue).
 *
 * run() waits for stops with the GIL released. A syscall stop of a registered task whose call
 * has a capture spec is answered here: PTRACE_GET_SYSCALL_INFO, the memory its decoders will
 * read (pread on the task's /proc/PID/mem fd, as sysrec.tracer.memory reads it), resume, and a
 * raw record appended to the batch. Every other stop is handed back to Python with the tracee
 * still stopped, after the batch (which Python decodes first, so the order of events is the
 * order of stops). A batch is also handed back when no stop is waiting, so that lines never
 * wait for the tracee's next call.
 *
 * Copyright: the sysrec authors. License: GPL-2.0-or-later.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INFO_REQUEST 0x420e /* PTRACE_GET_SYSCALL_INFO */
#define OP_ENTRY 1
#define OP_EXIT 2
#define OP_SECCOMP 3
#define EVENT_SECCOMP 7
#define ARCH_X86_64 0xc000003eu
#define MAX_NR 512
#define MAX_CAPS 4
#define MAX_GATE 8
#define PAGE 4096u
#define PATH_BYTES 4096u
#define TASK_SLOTS 65536u
/* Threaded: the decoder is woken when this many records wait, or when a stop waits for it;
 * otherwise it looks every POLL_NS (lines are never held back longer than that). */
#define WAKE_AT 64
#define POLL_NS 1000000L

/* Capture kinds (sysrec.tracer.capture_spec spells them). */
enum { CAP_STR = 1, CAP_FIXED = 2, CAP_RETBUF = 3, CAP_LEN_AT = 4, CAP_ARG_LEN = 5 };
/* Task states. */
enum { T_SLOW = 0, T_IDLE = 1, T_FAST_CALL = 2, T_PYTHON = 3 };
/* Per-syscall flags. */
enum { NR_TRACED = 1, NR_FAST = 2, NR_QUIET = 4 };

typedef struct {
    uint8_t kind, arg, arg2, at_exit;
    uint32_t size;
} cap_t;

typedef struct {
    uint8_t flags, ncaps, gate_arg, ngate;
    cap_t caps[MAX_CAPS];
    uint64_t gate[MAX_GATE];
} nr_spec_t;

typedef struct {
    int tid; /* 0: free slot */
    uint8_t state;
    int memfd;
    long nr;
    uint32_t saved_len;
    uint64_t args[6]; /* the current fast call's, for its exit captures */
} task_t;

struct info {
    uint8_t op, pad[3];
    uint32_t arch;
    uint64_t ip, sp;
    union {
        struct { uint64_t nr, args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
        struct { uint64_t nr, args[6]; uint32_t ret_data; } seccomp;
    } u;
};

/* One raw call in the batch; its captured memory follows in the arena. */
typedef struct {
    int exiting, tid;
    int64_t nr_or_rval;
    int is_error;
    uint64_t args[6], ip, sp;
    int64_t t;
    size_t cap_off, cap_len;
    int ncaps;
} rec_t;

typedef struct {
    uint64_t addr;
    uint32_t req, got;
} region_t;

typedef struct {
    rec_t *recs;
    int nrecs;
    unsigned char *arena;
    size_t arena_len, arena_cap;
} batch_t;

typedef struct {
    PyObject_HEAD
    nr_spec_t spec[MAX_NR];
    task_t *tasks;
    int seccomp; /* stops at traced calls only: an exit resumes with PTRACE_CONT */
    int hold; /* exit stops are held until Python has written the event */
    int batch_max;
    batch_t bufs[2], *prod, *cons; /* run() fills prod; take() swaps it for cons */
    /* Threaded: run() never returns a batch; a decoder thread take()s them meanwhile. A stop
     * that needs the lines before it out waits here (GIL released) until the decoder has
     * handled every record produced: `consumed` is what it had taken when it came back. */
    int threaded, closed, aborted;
    uint64_t produced, taken, consumed;
    pthread_mutex_t mu;
    pthread_cond_t more, caught_up;
} Loop;

static task_t *task_find(Loop *self, int tid, int create)
{
    uint32_t h = ((uint32_t)tid * 2654435761u) & (TASK_SLOTS - 1);
    for (uint32_t n = 0; n < TASK_SLOTS; n++, h = (h + 1) & (TASK_SLOTS - 1)) {
        task_t *t = &self->tasks[h];
        if (t->tid == tid)
            return t;
        if (t->tid == 0) {
            if (!create)
                return NULL;
            t->tid = tid;
            t->memfd = -1;
            return t;
        }
    }
    return NULL;
}

static int arena_reserve(Loop *self, size_t more)
{
    if (self->prod->arena_len + more <= self->prod->arena_cap)
        return 0;
    size_t cap = self->prod->arena_cap ? self->prod->arena_cap : 1 << 16;
    while (cap < self->prod->arena_len + more)
        cap *= 2;
    unsigned char *p = realloc(self->prod->arena, cap);
    if (p == NULL)
        return -1;
    self->prod->arena = p;
    self->prod->arena_cap = cap;
    return 0;
}

/* pread what is readable of [addr, addr+len) into the arena as one region. */
static int capture(Loop *self, int fd, uint64_t addr, uint32_t len, int *count)
{
    if (arena_reserve(self, sizeof(region_t) + len) < 0)
        return -1;
    region_t *r = (region_t *)(self->prod->arena + self->prod->arena_len);
    unsigned char *data = (unsigned char *)(r + 1);
    ssize_t got = 0;
    if (addr != 0 && len > 0 && fd >= 0 && addr + len > addr && addr + len <= (uint64_t)INT64_MAX) {
        got = pread(fd, data, len, (off_t)addr);
        if (got < 0)
            got = 0;
    }
    r->addr = addr;
    r->req = len;
    r->got = (uint32_t)got;
    self->prod->arena_len += sizeof(region_t) + (size_t)got;
    /* keep regions 8-byte aligned */
    self->prod->arena_len = (self->prod->arena_len + 7) & ~(size_t)7;
    (*count)++;
    return 0;
}

static uint32_t read_u32(int fd, uint64_t addr, int *ok)
{
    uint32_t v = 0;
    *ok = addr != 0 && fd >= 0 && pread(fd, &v, 4, (off_t)addr) == 4;
    return v;
}

static int capture_all(Loop *self, task_t *t, const nr_spec_t *s, const uint64_t *args,
                       int exiting, int64_t rval, int *count)
{
    for (int i = 0; i < s->ncaps; i++) {
        const cap_t *c = &s->caps[i];
        if (c->at_exit != exiting)
            continue;
        uint64_t addr = args[c->arg];
        if (c->kind == CAP_STR) {
            /* read_cstring: the page the string starts on first, PATH_MAX bytes if no NUL there */
            uint32_t head = PAGE - (uint32_t)(addr & (PAGE - 1));
            size_t mark = self->prod->arena_len;
            int n = 0;
            if (capture(self, t->memfd, addr, head, &n) < 0)
                return -1;
            region_t *r = (region_t *)(self->prod->arena + mark);
            if (r->got == r->req && memchr(r + 1, 0, r->got) == NULL) {
                self->prod->arena_len = mark; /* replaced by the longer read */
                if (capture(self, t->memfd, addr, PATH_BYTES, &n) < 0)
                    return -1;
                r = (region_t *)(self->prod->arena + mark);
            }
            /* The string ends at its NUL: what the page holds after it is kept out (read_upto
             * answers past it as past a fault, which ends a string alike), so that the same
             * path captured twice is the same bytes (sysrec.tracer.engine.DecodeMemo). */
            const unsigned char *nul = memchr(r + 1, 0, r->got);
            if (nul != NULL) {
                r->got = (uint32_t)(nul - (const unsigned char *)(r + 1)) + 1;
                self->prod->arena_len = (mark + sizeof(region_t) + r->got + 7) & ~(size_t)7;
            }
            (*count)++;
        } else if (c->kind == CAP_FIXED) {
            if (capture(self, t->memfd, addr, c->size, count) < 0)
                return -1;
        } else if (c->kind == CAP_RETBUF) {
            uint32_t len = rval > 0 ? (uint32_t)(rval < c->size ? rval : c->size) : 0;
            if (len && capture(self, t->memfd, addr, len, count) < 0)
                return -1;
        } else if (c->kind == CAP_ARG_LEN) {
            /* a buffer the program hands over: as many bytes as an argument says, at most size */
            uint64_t want = args[c->arg2];
            uint32_t len = want < c->size ? (uint32_t)want : c->size;
            if (len && capture(self, t->memfd, addr, len, count) < 0)
                return -1;
        } else if (c->kind == CAP_LEN_AT) {
            /* a buffer whose length is the int at arg2, before or after the call */
            int ok;
            uint32_t len = read_u32(t->memfd, args[c->arg2], &ok);
            if (!exiting) {
                t->saved_len = ok ? len : 0;
                continue;
            }
            if (!ok || len < t->saved_len)
                len = t->saved_len;
            if ((int32_t)len <= 0)
                continue;
            if (len > c->size)
                len = c->size;
            if (capture(self, t->memfd, addr, len, count) < 0)
                return -1;
        }
    }
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Threaded: wait (mu held) until the decoder has handled every record produced; -1: aborted. */
static int wait_caught_up(Loop *self)
{
    if (self->consumed < self->produced)
        pthread_cond_signal(&self->more);
    while (!self->aborted && self->consumed < self->produced)
        pthread_cond_wait(&self->caught_up, &self->mu);
    return self->aborted ? -1 : 0;
}

/* A record is complete: count it; wake the decoder once a batch is worth it. */
static void publish(Loop *self)
{
    self->prod->nrecs++;
    if (self->threaded) {
        self->produced++;
        if (self->prod->nrecs == WAKE_AT)
            pthread_cond_signal(&self->more);
    }
}

static int gate_ok(const nr_spec_t *s, const uint64_t *args)
{
    if (!s->ngate)
        return 1;
    uint64_t v = args[s->gate_arg] & 0xffffffffu;
    for (int i = 0; i < s->ngate; i++)
        if (s->gate[i] == v)
            return 1;
    return 0;
}

static rec_t *new_rec(Loop *self)
{
    if (self->threaded && self->prod->nrecs >= self->batch_max)
        pthread_cond_signal(&self->more);
    while (self->threaded && self->prod->nrecs >= self->batch_max && !self->aborted)
        pthread_cond_wait(&self->caught_up, &self->mu);
    if (self->prod->nrecs >= self->batch_max)
        return NULL;
    rec_t *r = &self->prod->recs[self->prod->nrecs];
    memset(r, 0, sizeof *r);
    r->cap_off = self->prod->arena_len;
    return r;
}

/* What run() tells Python besides the batch. */
enum { STOP_NONE = 0, STOP_SLOW, STOP_HELD, STOP_NOCHILD, STOP_EINTR, STOP_ABORTED, STOP_NOMEM };

/* One stop, answered here when it can be: 1 answered, 0 for Python, 2 held (the exit is in the
 * batch, the tracee stays stopped until Python has written its event), -1 out of memory,
 * -3 aborted by the decoder thread (threaded). */
static int answer(Loop *self, int pid, int status)
{
    if ((status & 0xff) != 0x7f)
        return 0;
    int sig = (status >> 8) & 0xff, event = status >> 16;
    int syscall_stop = sig == (SIGTRAP | 0x80) && event == 0;
    int seccomp_stop = sig == SIGTRAP && event == EVENT_SECCOMP;
    if (!syscall_stop && !seccomp_stop)
        return 0;
    task_t *t = task_find(self, pid, 0);
    if (t == NULL || (t->state != T_IDLE && t->state != T_FAST_CALL))
        return 0;
    struct info info;
    if (ptrace(INFO_REQUEST, pid, (void *)sizeof info, &info) < 0)
        return 0;
    if (info.op == OP_EXIT) {
        long request = self->seccomp ? PTRACE_CONT : PTRACE_SYSCALL;
        if (t->state == T_IDLE) { /* an untraced call's exit (no seccomp filter) */
            ptrace(request, pid, 0, 0);
            return 1;
        }
        rec_t *r = new_rec(self);
        if (r == NULL)
            return 0;
        r->exiting = 1;
        r->tid = pid;
        r->nr_or_rval = info.u.exit.rval;
        r->is_error = info.u.exit.is_error;
        r->t = now_ns();
        r->ip = info.ip;
        r->sp = info.sp;
        if (capture_all(self, t, &self->spec[t->nr], t->args, 1, info.u.exit.rval, &r->ncaps) < 0)
            return -1;
        r->cap_len = self->prod->arena_len - r->cap_off;
        publish(self);
        t->state = T_IDLE;
        if (self->hold) {
            if (!self->threaded)
                return 2;
            if (wait_caught_up(self) < 0)
                return -3;
        }
        ptrace(request, pid, 0, 0);
        return 1;
    }
    if (info.op != OP_ENTRY && info.op != OP_SECCOMP)
        return 0;
    if (t->state != T_IDLE || info.arch != ARCH_X86_64 || info.u.entry.nr >= MAX_NR)
        return 0;
    const nr_spec_t *s = &self->spec[info.u.entry.nr];
    if (!(s->flags & NR_TRACED)) {
        /* untraced (no seccomp filter): let it run unless it could show something before the
         * batch's lines are out */
        if (!syscall_stop)
            return 0;
        if (self->threaded && !(s->flags & NR_QUIET) && wait_caught_up(self) < 0)
            return -3;
        if (self->threaded || self->prod->nrecs == 0 || (s->flags & NR_QUIET)) {
            ptrace(PTRACE_SYSCALL, pid, 0, 0);
            return 1;
        }
        return 0;
    }
    if (!(s->flags & NR_FAST) || !gate_ok(s, info.u.entry.args))
        return 0;
    rec_t *r = new_rec(self);
    if (r == NULL)
        return 0;
    r->tid = pid;
    r->nr_or_rval = (int64_t)info.u.entry.nr;
    memcpy(r->args, info.u.entry.args, sizeof r->args);
    memcpy(t->args, info.u.entry.args, sizeof t->args);
    r->ip = info.ip;
    r->sp = info.sp;
    r->t = now_ns();
    if (capture_all(self, t, s, r->args, 0, 0, &r->ncaps) < 0)
        return -1;
    r->cap_len = self->prod->arena_len - r->cap_off;
    publish(self);
    t->state = T_FAST_CALL;
    t->nr = (long)info.u.entry.nr;
    ptrace(PTRACE_SYSCALL, pid, 0, 0);
    return 1;
}

/* A tuple of `n` new references (stolen); NULL with every reference dropped if one is NULL. */
static PyObject *tuple_of(int n, PyObject **items)
{
    PyObject *tuple = NULL;
    for (int i = 0; i < n; i++)
        if (items[i] == NULL)
            goto fail;
    tuple = PyTuple_New(n);
    if (tuple == NULL)
        goto fail;
    for (int i = 0; i < n; i++)
        PyTuple_SET_ITEM(tuple, i, items[i]);
    return tuple;
fail:
    for (int i = 0; i < n; i++)
        Py_XDECREF(items[i]);
    return NULL;
}

/* The captures as ((addr, requested, bytes), ...), or None: built item by item (the batch is
 * turned into objects by the decoder thread, for every call: Py_BuildValue's format parsing
 * cost more than the objects). */
static PyObject *captures_of(batch_t *self, const rec_t *r)
{
    if (r->ncaps == 0)
        Py_RETURN_NONE;
    PyObject *caps = PyTuple_New(r->ncaps);
    if (caps == NULL)
        return NULL;
    size_t off = r->cap_off;
    for (int i = 0; i < r->ncaps; i++) {
        const region_t *g = (const region_t *)(self->arena + off);
        PyObject *parts[3] = {PyLong_FromUnsignedLongLong(g->addr), PyLong_FromUnsignedLong(g->req),
                              PyBytes_FromStringAndSize((const char *)(g + 1), (Py_ssize_t)g->got)};
        PyObject *item = tuple_of(3, parts);
        if (item == NULL) {
            Py_DECREF(caps);
            return NULL;
        }
        PyTuple_SET_ITEM(caps, i, item);
        off = (off + sizeof(region_t) + g->got + 7) & ~(size_t)7;
    }
    return caps;
}

static PyObject *record_of(batch_t *self, const rec_t *r)
{
    PyObject *caps = captures_of(self, r);
    if (caps == NULL)
        return NULL;
    if (r->exiting) {
        PyObject *items[8] = {PyLong_FromLong(1), PyLong_FromLong(r->tid), PyLong_FromLongLong(r->nr_or_rval),
                              PyLong_FromLong(r->is_error), PyLong_FromLongLong(r->t),
                              PyLong_FromUnsignedLongLong(r->ip), PyLong_FromUnsignedLongLong(r->sp), caps};
        return tuple_of(8, items);
    }
    PyObject *regs[6];
    for (int i = 0; i < 6; i++)
        regs[i] = PyLong_FromUnsignedLongLong(r->args[i]);
    PyObject *items[8] = {PyLong_FromLong(0), PyLong_FromLong(r->tid), PyLong_FromLongLong(r->nr_or_rval),
                          tuple_of(6, regs), PyLong_FromLongLong(r->t), PyLong_FromUnsignedLongLong(r->ip),
                          PyLong_FromUnsignedLongLong(r->sp), caps};
    return tuple_of(8, items);
}

static PyObject *batch_of(batch_t *self)
{
    PyObject *list = PyList_New(self->nrecs);
    if (list == NULL)
        return NULL;
    for (int i = 0; i < self->nrecs; i++) {
        PyObject *item = record_of(self, &self->recs[i]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    self->nrecs = 0;
    self->arena_len = 0;
    return list;
}

PyDoc_STRVAR(run_doc,
"run() -> (batch, why, pid, status)\n\n"
"Answer stops until one needs Python. batch: raw calls in stop order, entries\n"
"(0, tid, nr, args, t, ip, sp, captures) and exits (1, tid, rval, is_error, t, ip, sp,\n"
"captures), captures a tuple of (addr, requested, bytes) or None; threaded, always empty\n"
"(take() has them) and every record taken and handled before run() returns. why: 0 the\n"
"batch only, 1 a stop for Python (pid, status from waitpid, tracee stopped), 2 an exit held\n"
"(resume pid once its event is out), 3 no child left (ECHILD), 4 interrupted by a signal\n"
"(EINTR), 5 the decoder thread gave up (abort()).");

static PyObject *Loop_run(Loop *self, PyObject *Py_UNUSED(ignored))
{
    int why = STOP_NONE, pid = 0, status = 0;
    Py_BEGIN_ALLOW_THREADS
    for (;;) {
        int flags = __WALL;
        if (!self->threaded && self->prod->nrecs)
            flags |= WNOHANG; /* never keep lines back while no stop is waiting */
        pid = waitpid(-1, &status, flags);
        if (pid == 0) {
            why = STOP_NONE;
            break;
        }
        int got;
        if (pid < 0) {
            why = errno == EINTR ? STOP_EINTR : STOP_NOCHILD;
            pid = 0;
            got = 0;
        }
        if (self->threaded)
            pthread_mutex_lock(&self->mu);
        if (pid > 0) {
            got = answer(self, pid, status);
            why = got == 2 ? STOP_HELD : got == -1 ? STOP_NOMEM : got == -3 ? STOP_ABORTED : STOP_SLOW;
        }
        if (self->threaded) {
            if (got == 0 && wait_caught_up(self) < 0)
                why = STOP_ABORTED;
            pthread_mutex_unlock(&self->mu);
        }
        if (got == 1) {
            if (!self->threaded && self->prod->nrecs >= self->batch_max) {
                why = STOP_NONE;
                pid = 0;
                break;
            }
            continue;
        }
        break;
    }
    Py_END_ALLOW_THREADS
    if (why == STOP_NOMEM)
        return PyErr_NoMemory();
    PyObject *batch = self->threaded ? PyList_New(0) : batch_of(self->prod);
    if (batch == NULL)
        return NULL;
    return Py_BuildValue("(Niii)", batch, why, pid, status);
}

PyDoc_STRVAR(take_doc,
"take() -> list | None\n\n"
"Threaded: the records run() produced since the last take(), in order (waits for some, GIL\n"
"released); calling it again says the previous ones are handled. None once closed.");

static PyObject *Loop_take(Loop *self, PyObject *Py_UNUSED(ignored))
{
    int got = 0;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&self->mu);
    self->consumed = self->taken;
    pthread_cond_broadcast(&self->caught_up);
    while (self->prod->nrecs == 0 && !self->closed) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += POLL_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&self->more, &self->mu, &until);
    }
    if (self->prod->nrecs) {
        batch_t *full = self->prod;
        self->prod = self->cons;
        self->cons = full;
        self->taken += (uint64_t)full->nrecs;
        got = 1;
        pthread_cond_broadcast(&self->caught_up); /* room again */
    }
    pthread_mutex_unlock(&self->mu);
    Py_END_ALLOW_THREADS
    if (!got)
        Py_RETURN_NONE;
    return batch_of(self->cons);
}

static void finish(Loop *self, int aborted)
{
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&self->mu);
    self->closed = 1;
    self->aborted |= aborted;
    pthread_cond_broadcast(&self->more);
    pthread_cond_broadcast(&self->caught_up);
    pthread_mutex_unlock(&self->mu);
    Py_END_ALLOW_THREADS
}

static PyObject *Loop_close(Loop *self, PyObject *Py_UNUSED(ignored))
{
    finish(self, 0);
    Py_RETURN_NONE;
}

static PyObject *Loop_abort(Loop *self, PyObject *Py_UNUSED(ignored))
{
    finish(self, 1);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(set_task_doc,
"set_task(tid, state, memfd)\n\n"
"state 0: every stop to Python; 1: fast calls answered here; 3: in a call Python entered.");

static PyObject *Loop_set_task(Loop *self, PyObject *args)
{
    int tid, state, memfd;
    if (!PyArg_ParseTuple(args, "iii", &tid, &state, &memfd))
        return NULL;
    task_t *t = task_find(self, tid, state != T_SLOW);
    if (t != NULL) {
        t->state = (uint8_t)state;
        t->memfd = memfd;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(set_call_doc,
"set_call(nr, flags, gate_arg, gate_values, captures)\n\n"
"flags: 1 traced, 2 answered here, 4 quiet (an untraced call that may run while lines\n"
"are pending). captures: (kind, arg, arg2, at_exit, size) tuples.");

static PyObject *Loop_set_call(Loop *self, PyObject *args)
{
    int nr, flags, gate_arg;
    PyObject *gate, *caps;
    if (!PyArg_ParseTuple(args, "iiiOO", &nr, &flags, &gate_arg, &gate, &caps))
        return NULL;
    if (nr < 0 || nr >= MAX_NR || gate_arg < 0 || gate_arg > 5) {
        PyErr_SetString(PyExc_ValueError, "syscall number or gate argument out of range");
        return NULL;
    }
    nr_spec_t *s = &self->spec[nr];
    memset(s, 0, sizeof *s);
    PyObject *g = PySequence_Fast(gate, "gate_values must be a sequence");
    PyObject *c = g ? PySequence_Fast(caps, "captures must be a sequence") : NULL;
    if (c == NULL) {
        Py_XDECREF(g);
        return NULL;
    }
    Py_ssize_t ng = PySequence_Fast_GET_SIZE(g), nc = PySequence_Fast_GET_SIZE(c);
    if (ng > MAX_GATE || nc > MAX_CAPS) {
        Py_DECREF(g);
        Py_DECREF(c);
        PyErr_SetString(PyExc_ValueError, "too many gate values or captures");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < ng; i++)
        s->gate[i] = PyLong_AsUnsignedLongLongMask(PySequence_Fast_GET_ITEM(g, i));
    for (Py_ssize_t i = 0; i < nc; i++) {
        unsigned char kind, arg, arg2, at_exit;
        unsigned int size;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(c, i), "bbbbI", &kind, &arg, &arg2,
                              &at_exit, &size) || arg > 5 || arg2 > 5) {
            Py_DECREF(g);
            Py_DECREF(c);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "capture argument out of range");
            return NULL;
        }
        s->caps[i] = (cap_t){kind, arg, arg2, at_exit, size};
    }
    s->flags = (uint8_t)flags;
    s->gate_arg = (uint8_t)gate_arg;
    s->ngate = (uint8_t)ng;
    s->ncaps = (uint8_t)nc;
    Py_DECREF(g);
    Py_DECREF(c);
    Py_RETURN_NONE;
}

static int Loop_init(Loop *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"seccomp", "threaded", "hold", "batch_max", NULL};
    int seccomp = 0, threaded = 0, hold = -1, batch_max = 4096;
    if (self->tasks != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Loop is set up once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|ppii", kwlist, &seccomp, &threaded, &hold, &batch_max))
        return -1;
    if (batch_max < 1)
        batch_max = 1;
    self->seccomp = seccomp;
    self->hold = hold < 0 ? seccomp : hold; /* by default as the Python loop does */
    self->threaded = threaded;
    self->batch_max = batch_max;
    self->tasks = calloc(TASK_SLOTS, sizeof(task_t));
    for (int i = 0; i < 2; i++)
        self->bufs[i].recs = calloc((size_t)batch_max, sizeof(rec_t));
    if (self->tasks == NULL || self->bufs[0].recs == NULL || self->bufs[1].recs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->prod = &self->bufs[0];
    self->cons = &self->bufs[1];
    pthread_mutex_init(&self->mu, NULL);
    pthread_cond_init(&self->more, NULL);
    pthread_cond_init(&self->caught_up, NULL);
    return 0;
}

static void Loop_dealloc(Loop *self)
{
    free(self->tasks);
    if (self->prod != NULL) {
        pthread_mutex_destroy(&self->mu);
        pthread_cond_destroy(&self->more);
        pthread_cond_destroy(&self->caught_up);
    }
    for (int i = 0; i < 2; i++) {
        free(self->bufs[i].recs);
        free(self->bufs[i].arena);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Loop_methods[] = {
    {"run", (PyCFunction)Loop_run, METH_NOARGS, run_doc},
    {"take", (PyCFunction)Loop_take, METH_NOARGS, take_doc},
    {"close", (PyCFunction)Loop_close, METH_NOARGS, "Threaded: no more records; take() returns None."},
    {"abort", (PyCFunction)Loop_abort, METH_NOARGS, "Threaded: the decoder failed; run() returns 5."},
    {"set_task", (PyCFunction)Loop_set_task, METH_VARARGS, set_task_doc},
    {"set_call", (PyCFunction)Loop_set_call, METH_VARARGS, set_call_doc},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Loop_members[] = {
    {"threaded", T_INT, offsetof(Loop, threaded), READONLY, "records are take()n by another thread"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject LoopType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sysrec.tracer._stoploop.Loop",
    .tp_basicsize = sizeof(Loop),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The stop loop's C state: call specs, tasks, the batch.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Loop_init,
    .tp_dealloc = (destructor)Loop_dealloc,
    .tp_methods = Loop_methods,
    .tp_members = Loop_members,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_stoploop", "sysrec's ptrace stop loop in C (optional).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__stoploop(void)
{
    if (PyType_Ready(&LoopType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&LoopType);
    if (PyModule_AddObject(m, "Loop", (PyObject *)&LoopType) < 0) {
        Py_DECREF(&LoopType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
