// sysrec-test: -e trace=getgroups,setgroups,capget,capset -s 3
/* Supplementary groups (cut after -s elements) and capability sets (two 32-bit words per set,
 * named bit by bit). */
#include "process.h"
#include <linux/capability.h>

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
	"CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
	"CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/* One 32-bit word of capabilities as strace names its bits; `base` is 0 or 32. */
static int word_text(char *out, size_t size, unsigned int bits, int base)
{
	int n = 0, any = 0;
	for (int b = 0; b < 32; b++) {
		int cap = base + b;
		if (!(bits >> b & 1) || cap >= (int) (sizeof(cap_names) / sizeof(*cap_names)))
			continue;
		n += snprintf(out + n, size - n, "%s1<<%s", any ? "|" : "", cap_names[cap]);
		any = 1;
		bits &= ~(1u << b);
	}
	if (bits)
		n += snprintf(out + n, size - n, any ? "|%#x" : "%#x /* CAP_??? */", bits);
	else if (!any)
		n += snprintf(out + n, size - n, "0");
	return n;
}

static const char *set_text(unsigned int lo, unsigned int hi)
{
	static char buf[3][1024];
	static int which;
	which = (which + 1) % 3;
	char *out = buf[which];
	int n = 0;
	out[0] = 0;
	if (lo || !hi)
		n += word_text(out + n, sizeof(buf[0]) - n, lo, 0);
	if (hi) {
		if (lo)
			n += snprintf(out + n, sizeof(buf[0]) - n, "|");
		word_text(out + n, sizeof(buf[0]) - n, hi, 32);
	}
	return out;
}

int main(void)
{
	gid_t groups[64];
	long rc = syscall(SYS_getgroups, 0, NULL);
	expect_line(rv(rc), "getgroups(0, NULL)");
	rc = syscall(SYS_getgroups, 64, groups);
	char list[512] = "[";
	for (long k = 0; k < rc && k < 3; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u", k ? ", " : "", groups[k]);
	strcat(list, rc > 3 ? ", ...]" : "]");
	expect_line(rv(rc), "getgroups(64, %s)", list);
	rc = syscall(SYS_getgroups, -1, groups);
	expect_line(rv(rc), "getgroups(-1, %p)", groups);

	gid_t mine[5] = {0, 1, 2, 3, -1};
	rc = syscall(SYS_setgroups, 5, mine);
	expect_line(rv(rc), "setgroups(5, [0, 1, 2, ...])");
	rc = syscall(SYS_setgroups, 2, &mine[3]);
	expect_line(rv(rc), "setgroups(2, [3, -1])");
	rc = syscall(SYS_setgroups, 0, NULL);
	expect_line(rv(rc), "setgroups(0, NULL)");
	rc = syscall(SYS_setgroups, 0, mine);
	expect_line(rv(rc), "setgroups(0, [])");
	rc = syscall(SYS_setgroups, -1, mine);
	expect_line(rv(rc), "setgroups(-1, %p)", mine);
	rc = syscall(SYS_setgroups, 1, 8);
	expect_line(rv(rc), "setgroups(1, 0x8)");

	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	rc = syscall(SYS_capget, &hdr, data);
	expect_line(rv(rc), "capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=%s, permitted=%s, inheritable=%s})",
		    set_text(data[0].effective, data[1].effective), set_text(data[0].permitted, data[1].permitted),
		    set_text(data[0].inheritable, data[1].inheritable));
	rc = syscall(SYS_capset, &hdr, data);
	expect_line(rv(rc), "capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=%s, permitted=%s, inheritable=%s})",
		    set_text(data[0].effective, data[1].effective), set_text(data[0].permitted, data[1].permitted),
		    set_text(data[0].inheritable, data[1].inheritable));
	hdr.version = _LINUX_CAPABILITY_VERSION_1;
	rc = syscall(SYS_capget, &hdr, data);
	expect_line(rv(rc), "capget({version=_LINUX_CAPABILITY_VERSION_1, pid=0}, {effective=%s, permitted=%s, inheritable=%s})",
		    set_text(data[0].effective, 0), set_text(data[0].permitted, 0), set_text(data[0].inheritable, 0));
	hdr.version = 0x12345678;
	rc = syscall(SYS_capget, &hdr, data);
	expect_line(rv(rc), "capget({version=0x12345678 /* _LINUX_CAPABILITY_VERSION_??? */, pid=0}, %p)", data);
	rc = syscall(SYS_capget, NULL, NULL);
	expect_line(rv(rc), "capget(NULL, NULL)");
	struct __user_cap_header_struct bad = {_LINUX_CAPABILITY_VERSION_3, -5};
	memset(data, 0, sizeof(data));
	data[1].effective = 1u << 8 | 1u << 30;
	data[0].permitted = 1u << 31;
	rc = syscall(SYS_capset, &bad, data);
	expect_line(rv(rc), "capset({version=_LINUX_CAPABILITY_VERSION_3, pid=-5}, {effective=%s, permitted=%s, inheritable=0})",
		    set_text(0, data[1].effective), set_text(data[0].permitted, 0));
	expect_exit(0);
	return 0;
}
