// sysrec-test: -e trace=memfd_create,eventfd,eventfd2,signalfd,signalfd4,timerfd_create,timerfd_settime,timerfd_gettime,inotify_init,inotify_init1,inotify_add_watch,inotify_rm_watch -s 8
/* Calls that make special descriptors: their flags, memfd_create's name (cut at -s) and huge
 * page field, signalfd's mask (the address unless the size is the kernel's 8 bytes),
 * timerfd's itimerspecs (the old value at exit), inotify's watch mask and path. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "../expect.h"

/* `= 3`, or `= -1 EINVAL (...)` for the errors a call here may meet on another kernel. */
static const char *fd_result(long rc)
{
	static char buf[64];
	static const struct { int nr; const char *text; } errors[] = {
		{ EINVAL, "EINVAL (Invalid argument)" }, { EFAULT, "EFAULT (Bad address)" },
		{ ENOMEM, "ENOMEM (Cannot allocate memory)" }, { EPERM, "EPERM (Operation not permitted)" },
		{ ENOENT, "ENOENT (No such file or directory)" },
	};
	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "= %ld", rc);
		return buf;
	}
	for (unsigned i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].nr == errno) {
			snprintf(buf, sizeof(buf), "= -1 %s", errors[i].text);
			return buf;
		}
	snprintf(buf, sizeof(buf), "= -1 errno %d", errno);
	return buf;
}

int main(void)
{
	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page, 4096);

	long rc = syscall(SYS_memfd_create, "short", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	expect_line(fd_result(rc), "memfd_create(\"short\", MFD_CLOEXEC|MFD_ALLOW_SEALING)");
	rc = syscall(SYS_memfd_create, "longer-name", 0);
	expect_line(fd_result(rc), "memfd_create(\"longer-n\"..., 0)");
	rc = syscall(SYS_memfd_create, "eightchr", 0);
	expect_line(fd_result(rc), "memfd_create(\"eightchr\", 0)");
	rc = syscall(SYS_memfd_create, "h", MFD_HUGETLB | MFD_HUGE_2MB | 0x10);
	expect_line(fd_result(rc), "memfd_create(\"h\", MFD_HUGETLB|0x10|21<<MFD_HUGE_SHIFT)");
	rc = syscall(SYS_memfd_create, page, 0);
	expect_line("= -1 EFAULT (Bad address)", "memfd_create(%#lx, 0)", (unsigned long) page);
	rc = syscall(SYS_memfd_create, NULL, 0x100000000L | 0x40);
	expect_line("= -1 EINVAL (Invalid argument)", "memfd_create(NULL, 0x40 /* MFD_??? */)");

	rc = syscall(SYS_eventfd, 7);
	expect_line(fd_result(rc), "eventfd(7)");
	rc = syscall(SYS_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	expect_line(fd_result(rc), "eventfd2(0, EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK)");
	rc = syscall(SYS_eventfd2, -1, 0x10);
	expect_line("= -1 EINVAL (Invalid argument)", "eventfd2(4294967295, 0x10 /* EFD_??? */)");

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 1);
	rc = syscall(SYS_signalfd, -1, &set, 8);
	expect_line(fd_result(rc), "signalfd(-1, [USR1 RT_3], 8)");
	rc = syscall(SYS_signalfd4, -1, &set, 8, SFD_CLOEXEC | SFD_NONBLOCK);
	expect_line(fd_result(rc), "signalfd4(-1, [USR1 RT_3], 8, SFD_CLOEXEC|SFD_NONBLOCK)");
	rc = syscall(SYS_signalfd4, -1, &set, 4, 0);
	expect_line("= -1 EINVAL (Invalid argument)", "signalfd4(-1, %#lx, 4, 0)", (unsigned long) &set);
	rc = syscall(SYS_signalfd4, -1, page, 8, 1);
	expect_line("= -1 EFAULT (Bad address)", "signalfd4(-1, %#lx, 8, 0x1 /* SFD_??? */)",
		    (unsigned long) page);
	sigfillset(&set);
	rc = syscall(SYS_signalfd4, -1, &set, 8, 0);
	expect_line(fd_result(rc), "signalfd4(-1, ~[RTMIN RT_1], 8, 0)");

	int tfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	expect_line(fd_result(tfd), "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)");
	rc = syscall(SYS_timerfd_create, CLOCK_BOOTTIME_ALARM + 5, 0x4);
	expect_line("= -1 EINVAL (Invalid argument)", "timerfd_create(0xe /* CLOCK_??? */, 0x4 /* TFD_??? */)");
	struct itimerspec its = { { 0, 500 }, { 100, 0 } }, old;
	rc = syscall(SYS_timerfd_settime, tfd, 0, &its, NULL);
	expect_line("= 0", "timerfd_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=500}, "
		    "it_value={tv_sec=100, tv_nsec=0}}, NULL)", tfd);
	its.it_value.tv_sec = 0;
	rc = syscall(SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, page);
	expect_line("= -1 EFAULT (Bad address)", "timerfd_settime(%d, TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET, "
		    "{it_interval={tv_sec=0, tv_nsec=500}, it_value={tv_sec=0, tv_nsec=0}}, %#lx)",
		    tfd, (unsigned long) page);
	rc = syscall(SYS_timerfd_settime, tfd, 0, &its, &old);
	expect_line("= 0", "timerfd_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=500}, "
		    "it_value={tv_sec=0, tv_nsec=0}}, {it_interval={tv_sec=0, tv_nsec=500}, "
		    "it_value={tv_sec=%ld, tv_nsec=%ld}})", tfd, (long) old.it_value.tv_sec,
		    (long) old.it_value.tv_nsec);
	its.it_value.tv_nsec = -1;
	rc = syscall(SYS_timerfd_settime, tfd, 0, &its, page);
	expect_line("= -1 EINVAL (Invalid argument)", "timerfd_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=500}, "
		    "it_value={tv_sec=0, tv_nsec=18446744073709551615}}, %#lx)", tfd, (unsigned long) page);
	rc = syscall(SYS_timerfd_settime, tfd, 0, page, NULL);
	expect_line("= -1 EFAULT (Bad address)", "timerfd_settime(%d, 0, %#lx, NULL)", tfd,
		    (unsigned long) page);
	rc = syscall(SYS_timerfd_gettime, tfd, &old);
	expect_line("= 0", "timerfd_gettime(%d, {it_interval={tv_sec=0, tv_nsec=500}, "
		    "it_value={tv_sec=0, tv_nsec=0}})", tfd);
	rc = syscall(SYS_timerfd_gettime, -1, &old);
	expect_line("= -1 EBADF (Bad file descriptor)", "timerfd_gettime(-1, %#lx)", (unsigned long) &old);

	int ifd = syscall(SYS_inotify_init);
	expect_line(fd_result(ifd), "inotify_init()");
	rc = syscall(SYS_inotify_init1, IN_NONBLOCK | IN_CLOEXEC);
	expect_line(fd_result(rc), "inotify_init1(IN_NONBLOCK|IN_CLOEXEC)");
	rc = syscall(SYS_inotify_init1, 1);
	expect_line("= -1 EINVAL (Invalid argument)", "inotify_init1(0x1 /* IN_??? */)");
	int wd = syscall(SYS_inotify_add_watch, ifd, "/tmp/a-path-longer-than-s",
			 IN_MODIFY | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR | 0x8000000);
	expect_line("= -1 EINVAL (Invalid argument)", "inotify_add_watch(%d, \"/tmp/a-path-longer-than-s\", "
		    "IN_MODIFY|IN_CREATE|IN_DELETE_SELF|IN_ONLYDIR|0x8000000)", ifd);
	wd = syscall(SYS_inotify_add_watch, ifd, "/", IN_ALL_EVENTS | IN_ONESHOT);
	expect_line(fd_result(wd), "inotify_add_watch(%d, \"/\", IN_ACCESS|IN_MODIFY|IN_ATTRIB|IN_CLOSE_WRITE|"
		    "IN_CLOSE_NOWRITE|IN_OPEN|IN_MOVED_FROM|IN_MOVED_TO|IN_CREATE|IN_DELETE|IN_DELETE_SELF|"
		    "IN_MOVE_SELF|IN_ONESHOT)", ifd);
	rc = syscall(SYS_inotify_add_watch, ifd, page, IN_ACCESS);
	expect_line("= -1 EFAULT (Bad address)", "inotify_add_watch(%d, %#lx, IN_ACCESS)", ifd, (unsigned long) page);
	rc = syscall(SYS_inotify_rm_watch, ifd, wd);
	expect_line("= 0", "inotify_rm_watch(%d, %d)", ifd, wd);
	rc = syscall(SYS_inotify_rm_watch, ifd, -1);
	expect_line("= -1 EINVAL (Invalid argument)", "inotify_rm_watch(%d, -1)", ifd);

	expect_exit(0);
	return 0;
}
