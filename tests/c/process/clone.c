// sysrec-test: -e trace=clone,clone3
/* clone: strace's names and order of the x86-64 arguments, which of parent_tid, tls and
 * child_tidptr the flags bring, the exit signal in the low byte; clone3's struct and what the
 * kernel writes back. The children are not traced (no -f): each exits at once. */
#include "process.h"
#include <linux/sched.h>
#include <signal.h>
#include <sys/wait.h>

static void reap(void)
{
	while (waitpid(-1, NULL, __WALL) > 0)
		;
}

static long do_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls)
{
	long rc = syscall(SYS_clone, flags, stack, ptid, ctid, tls);
	if (rc == 0)
		syscall(SYS_exit, 0);
	return rc;
}

static long do_clone3(struct clone_args *args, size_t size)
{
	long rc = syscall(SYS_clone3, args, size);
	if (rc == 0)
		syscall(SYS_exit, 0);
	return rc;
}

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int ptid = 0, ctid = 0;
	long rc;

	rc = do_clone(SIGCHLD, NULL, NULL, NULL, 0);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=SIGCHLD)");
	rc = do_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, NULL, NULL, &ctid, 0);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=%p)", &ctid);
	rc = do_clone(CLONE_PARENT_SETTID | SIGCHLD, NULL, &ptid, NULL, 0);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=CLONE_PARENT_SETTID|SIGCHLD, parent_tid=[%d])", ptid);
	rc = do_clone(CLONE_SETTLS | SIGCHLD, NULL, NULL, NULL, fs_base());
	expect_line(rv(rc), "clone(child_stack=NULL, flags=CLONE_SETTLS|SIGCHLD, tls=%#lx)", fs_base());
	rc = do_clone(0, NULL, NULL, NULL, 0);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=0)");
	rc = do_clone(0x400000 | SIGCHLD, NULL, NULL, NULL, 0);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=0x400000 /* CLONE_??? */|SIGCHLD)");
	reap();

	/* failures: the arguments print all the same; parent_tid then shows its address */
	char stack[64];
	rc = do_clone(CLONE_SIGHAND | SIGCHLD, stack, NULL, NULL, 0);
	expect_line(rv(rc), "clone(child_stack=%p, flags=CLONE_SIGHAND|SIGCHLD)", stack);
	rc = do_clone(CLONE_THREAD | CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_CHILD_CLEARTID, NULL, &ptid, &ctid, 0x1000);
	expect_line(rv(rc), "clone(child_stack=NULL, flags=CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=%p, tls=0x1000, child_tidptr=%p)", &ptid, &ctid);

	struct clone_args args;
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	rc = do_clone3(&args, sizeof(args));
	expect_line(rv(rc), "clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88)");

	int pidfd = -1;
	args.flags = CLONE_PIDFD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID;
	args.pidfd = (unsigned long) &pidfd;
	args.parent_tid = (unsigned long) &ptid;
	args.child_tid = (unsigned long) &ctid;
	rc = do_clone3(&args, sizeof(args));
	expect_line(rv(rc), "clone3({flags=CLONE_PIDFD|CLONE_PARENT_SETTID|CLONE_CHILD_SETTID, pidfd=%p, child_tid=%p, parent_tid=%p, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {pidfd=[%d], parent_tid=[%d]}, 88)",
		    &pidfd, &ctid, &ptid, pidfd, ptid);
	reap();

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_VM | CLONE_SETTLS | 0x400000000ULL;
	args.exit_signal = 0xffffffff;
	args.stack = (unsigned long) stack;
	args.stack_size = sizeof(stack);
	args.tls = 0x1234;
	rc = do_clone3(&args, sizeof(args));
	expect_line(rv(rc), "clone3({flags=CLONE_VM|CLONE_SETTLS|0x400000000, exit_signal=4294967295, stack=%p, stack_size=0x40, tls=0x1234}, 88)", stack);

	memset(&args, 0, sizeof(args));
	pid_t tids[2] = {1, 2};
	args.set_tid = (unsigned long) tids;
	args.set_tid_size = 2;
	args.flags = CLONE_INTO_CGROUP | CLONE_NEWTIME;
	args.cgroup = 12345;
	rc = do_clone3(&args, sizeof(args));
	expect_line(rv(rc), "clone3({flags=CLONE_NEWTIME|CLONE_INTO_CGROUP, exit_signal=0, stack=NULL, stack_size=0, set_tid=[1, 2], set_tid_size=2, cgroup=12345}, 88)");
	args.set_tid_size = 40;
	args.flags = 0;
	rc = do_clone3(&args, 80);
	expect_line(rv(rc), "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, set_tid=%p, set_tid_size=40}, 80)", tids);

	rc = do_clone3(&args, 32);
	expect_line(rv(rc), "clone3(%p, 32)", &args);
	rc = do_clone3((void *) 8, sizeof(args));
	expect_line(rv(rc), "clone3(0x8, 88)");
	expect_exit(0);
	return 0;
}
