// sysrec-test: -e trace=prctl
/* prctl: each common option's own arguments (strings, signals, capabilities, out-pointers),
 * the return texts (`1 (SUID_DUMP_USER)`), unknown options in hex. */
#include "process.h"
#include <signal.h>

/* `= 0x3 (PR_SPEC_PRCTL|PR_SPEC_ENABLE)`: a speculation state in hex, then its bits. */
static const char *spec_text(long rc)
{
	static const char *const names[] = {"PR_SPEC_PRCTL", "PR_SPEC_ENABLE", "PR_SPEC_DISABLE",
					    "PR_SPEC_FORCE_DISABLE", "PR_SPEC_DISABLE_NOEXEC"};
	static char buf[256];
	if (rc < 0)
		return rv(rc);
	if (rc == 0)
		return "= 0 (PR_SPEC_NOT_AFFECTED)";
	int n = snprintf(buf, sizeof(buf), "= %#lx (", rc);
	const char *sep = "";
	for (int b = 0; b < 5; b++)
		if (rc >> b & 1) {
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", sep, names[b]);
			sep = "|";
		}
	if (rc >> 5)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%#lx", sep, rc & ~0x1fL);
	snprintf(buf + n, sizeof(buf) - n, ")");
	return buf;
}

int main(void)
{
	long rc;
	char name[32];

	rc = syscall(SYS_prctl, PR_SET_NAME, "short", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"short\")");
	rc = syscall(SYS_prctl, PR_SET_NAME, "0123456789abcdefXYZ", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"0123456789abcde\"...)");
	rc = syscall(SYS_prctl, PR_SET_NAME, "0123456789abcde", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"0123456789abcde\"...)");
	rc = syscall(SYS_prctl, PR_SET_NAME, "0123456789abcd", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"0123456789abcd\")");
	rc = syscall(SYS_prctl, PR_SET_NAME, "tab\there", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"tab\\there\")");
	rc = syscall(SYS_prctl, PR_SET_NAME, NULL, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, NULL)");
	rc = syscall(SYS_prctl, PR_SET_NAME, "worker", 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, \"worker\")");
	rc = syscall(SYS_prctl, PR_SET_NAME, 8, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NAME, 0x8)");
	rc = syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_NAME, \"%s\")", name);
	rc = syscall(SYS_prctl, PR_GET_NAME, 8, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_NAME, 0x8)");

	int sig = -1;
	rc = syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_PDEATHSIG, SIGTERM)");
	rc = syscall(SYS_prctl, PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_PDEATHSIG, [SIGTERM])");
	rc = syscall(SYS_prctl, PR_SET_PDEATHSIG, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_PDEATHSIG, 0)");
	rc = syscall(SYS_prctl, PR_SET_PDEATHSIG, 200, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_PDEATHSIG, 200)");
	rc = syscall(SYS_prctl, PR_GET_PDEATHSIG, NULL, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_PDEATHSIG, NULL)");

	rc = syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	expect_line(rc == 1 ? "= 1 (SUID_DUMP_USER)" : rv(rc), "prctl(PR_GET_DUMPABLE)");
	rc = syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_DUMPABLE, SUID_DUMP_USER)");
	rc = syscall(SYS_prctl, PR_SET_DUMPABLE, 7, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_DUMPABLE, 0x7 /* SUID_DUMP_??? */)");
	rc = syscall(SYS_prctl, PR_GET_KEEPCAPS, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_KEEPCAPS)");
	rc = syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_SECCOMP)");
	rc = syscall(SYS_prctl, PR_SET_SECCOMP, 5, 1, 2, 3);
	expect_line(rv(rc), "prctl(PR_SET_SECCOMP, 0x5 /* SECCOMP_MODE_??? */, 0x1, 0x2, 0x3)");
	rc = syscall(SYS_prctl, PR_SET_SECCOMP, 2, NULL, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL)");

	rc = syscall(SYS_prctl, PR_CAPBSET_READ, 21, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN)");
	rc = syscall(SYS_prctl, PR_CAPBSET_READ, 99, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_CAPBSET_READ, 0x63 /* CAP_??? */)");

	unsigned int reaper = 7;
	rc = syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_CHILD_SUBREAPER, 1)");
	rc = syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, &reaper, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_CHILD_SUBREAPER, [%u])", reaper);
	rc = syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, 8, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_CHILD_SUBREAPER, 0x8)");

	rc = syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)");
	rc = syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)");
	rc = syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0x10, 0, 0xdeadbeefUL);
	expect_line(rv(rc), "prctl(PR_SET_NO_NEW_PRIVS, 1, 0x10, 0, 0xdeadbeef)");

	void *tidaddr = NULL;
	rc = syscall(SYS_prctl, PR_GET_TID_ADDRESS, &tidaddr, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_TID_ADDRESS, [%p])", tidaddr);
	rc = syscall(SYS_prctl, PR_SET_TIMERSLACK, 50000, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_TIMERSLACK, 50000)");
	rc = syscall(SYS_prctl, PR_GET_TIMERSLACK, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_TIMERSLACK)");
	rc = syscall(SYS_prctl, PR_GET_SECUREBITS, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_SECUREBITS)");
	rc = syscall(SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_KEEPCAPS, 0)");
	rc = syscall(SYS_prctl, PR_SET_PTRACER, -1, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY)");
	rc = syscall(SYS_prctl, PR_SET_PTRACER, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_PTRACER, 0)");
	rc = syscall(SYS_prctl, PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_TASK_PERF_EVENTS_ENABLE)");

	rc = syscall(SYS_prctl, PR_SET_SECUREBITS, 0x11, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_SECUREBITS, SECBIT_NOROOT|SECBIT_KEEP_CAPS)");
	rc = syscall(SYS_prctl, PR_GET_SECUREBITS, 0, 0, 0, 0);
	expect_line(rc == 0x11 ? "= 0x11 (SECBIT_NOROOT|SECBIT_KEEP_CAPS)" : rv(rc), "prctl(PR_GET_SECUREBITS)");
	rc = syscall(SYS_prctl, PR_SET_SECUREBITS, 0, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_SECUREBITS, 0)");
	rc = syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 21, 0, 0);
	expect_line(rv(rc), "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SYS_ADMIN, 0, 0)");
	rc = syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)");
	rc = syscall(SYS_prctl, PR_CAP_AMBIENT, 9, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_CAP_AMBIENT, 0x9 /* PR_CAP_AMBIENT_??? */, 0, 0, 0)");
	rc = syscall(SYS_prctl, PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 0, 0)");
	int tsc = 0;
	rc = syscall(SYS_prctl, PR_GET_TSC, &tsc, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_TSC, [%s])", tsc == PR_TSC_ENABLE ? "PR_TSC_ENABLE" : "PR_TSC_SIGSEGV");
	rc = syscall(SYS_prctl, PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_TSC, PR_TSC_ENABLE)");
	rc = syscall(SYS_prctl, PR_MCE_KILL_GET, 0, 0, 0, 0);
	expect_line(rc == 2 ? "= 2 (PR_MCE_KILL_DEFAULT)" : rc == 1 ? "= 1 (PR_MCE_KILL_EARLY)" : rc == 0 ? "= 0 (PR_MCE_KILL_LATE)" : rv(rc),
		    "prctl(PR_MCE_KILL_GET, 0, 0, 0, 0)");
	rc = syscall(SYS_prctl, PR_GET_SPECULATION_CTRL, 7, 0, 0, 0);
	expect_line(rv(rc), "prctl(PR_GET_SPECULATION_CTRL, 0x7 /* PR_SPEC_??? */)");
	rc = syscall(SYS_prctl, PR_SET_SPECULATION_CTRL, 9, 4, 0, 0);
	expect_line(rv(rc), "prctl(PR_SET_SPECULATION_CTRL, 0x9 /* PR_SPEC_??? */, 0x4)");
	rc = syscall(SYS_prctl, PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, 0, 0, 0);
	expect_line(spec_text(rc), "prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH)");

	char buf[64];
	rc = syscall(SYS_prctl, 0x53564d41, 0, buf, sizeof(buf), "anon-name");
	expect_line(rv(rc), "prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, %p, 64, \"anon-name\")", buf);
	rc = syscall(SYS_prctl, 0x53564d41, 3, 1, 2, 3);
	expect_line(rv(rc), "prctl(PR_SET_VMA, 0x3 /* PR_SET_VMA_??? */, 0x1, 0x2, 0x3)");
	rc = syscall(SYS_prctl, 0x7777, 1, 2, 3, 4);
	expect_line(rv(rc), "prctl(0x7777 /* PR_??? */, 0x1, 0x2, 0x3, 0x4)");
	expect_exit(0);
	return 0;
}
