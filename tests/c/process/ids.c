// sysrec-test: -e trace=getpid,gettid,getppid,getpgrp,getpgid,getsid,setpgid,setsid,getuid,geteuid,getgid,getegid,setuid,setgid,setreuid,setregid,setresuid,setresgid,getresuid,getresgid,setfsuid,setfsgid
/* Process ids and credentials: plain returns, (uid_t) -1 printed as -1, getres*id's out
 * pointers (NULL, unreadable, after a failure). */
#include "process.h"

int main(void)
{
	long rc;
	rc = syscall(SYS_getpid);
	expect_line(rv(rc), "getpid()");
	rc = syscall(SYS_gettid);
	expect_line(rv(rc), "gettid()");
	rc = syscall(SYS_getppid);
	expect_line(rv(rc), "getppid()");
	rc = syscall(SYS_getpgrp);
	expect_line(rv(rc), "getpgrp()");
	rc = syscall(SYS_getpgid, 0);
	expect_line(rv(rc), "getpgid(0)");
	rc = syscall(SYS_getpgid, -1);
	expect_line(rv(rc), "getpgid(-1)");
	rc = syscall(SYS_getsid, 0);
	expect_line(rv(rc), "getsid(0)");
	rc = syscall(SYS_setpgid, 0, 0);
	expect_line(rv(rc), "setpgid(0, 0)");
	rc = syscall(SYS_setpgid, -5, 0);
	expect_line(rv(rc), "setpgid(-5, 0)");
	rc = syscall(SYS_setsid);
	expect_line(rv(rc), "setsid()");

	uid_t uid = syscall(SYS_getuid);
	expect_line(rv(uid), "getuid()");
	rc = syscall(SYS_geteuid);
	expect_line(rv(rc), "geteuid()");
	gid_t gid = syscall(SYS_getgid);
	expect_line(rv(gid), "getgid()");
	rc = syscall(SYS_getegid);
	expect_line(rv(rc), "getegid()");

	rc = syscall(SYS_setuid, uid);
	expect_line(rv(rc), "setuid(%u)", uid);
	rc = syscall(SYS_setuid, -1);
	expect_line(rv(rc), "setuid(-1)");
	rc = syscall(SYS_setgid, gid);
	expect_line(rv(rc), "setgid(%u)", gid);
	rc = syscall(SYS_setreuid, -1, -1);
	expect_line(rv(rc), "setreuid(-1, -1)");
	rc = syscall(SYS_setregid, -1, gid);
	expect_line(rv(rc), "setregid(-1, %u)", gid);
	rc = syscall(SYS_setresuid, -1, uid, -1);
	expect_line(rv(rc), "setresuid(-1, %u, -1)", uid);
	rc = syscall(SYS_setresgid, -1, -1, -1);
	expect_line(rv(rc), "setresgid(-1, -1, -1)");
	/* only the low 32 bits are the id */
	rc = syscall(SYS_setresgid, 0xffffffff00000000UL | gid, -1, -1);
	expect_line(rv(rc), "setresgid(%u, -1, -1)", gid);
	rc = syscall(SYS_setfsuid, -1);
	expect_line(rv(rc), "setfsuid(-1)");
	rc = syscall(SYS_setfsuid, uid);
	expect_line(rv(rc), "setfsuid(%u)", uid);
	rc = syscall(SYS_setfsgid, 4242);
	expect_line(rv(rc), "setfsgid(4242)");
	rc = syscall(SYS_setfsgid, gid);
	expect_line(rv(rc), "setfsgid(%u)", gid);

	uid_t r, e, s;
	rc = syscall(SYS_getresuid, &r, &e, &s);
	expect_line(rv(rc), "getresuid([%u], [%u], [%u])", r, e, s);
	rc = syscall(SYS_getresgid, &r, &e, &s);
	expect_line(rv(rc), "getresgid([%u], [%u], [%u])", r, e, s);
	rc = syscall(SYS_getresuid, NULL, &e, &s);
	expect_line(rv(rc), "getresuid(NULL, %p, %p)", &e, &s);
	rc = syscall(SYS_getresgid, &r, (void *) 8, &s);
	expect_line(rv(rc), "getresgid(%p, 0x8, %p)", &r, &s);
	expect_exit(0);
	return 0;
}
