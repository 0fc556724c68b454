// sysrec-test: -e trace=setsockopt,getsockopt
/* SOL_SOCKET options with lengths shorter, longer and other than their type's, socket filters,
 * NULL and unreadable pointers, negative lengths. */
#include "net.h"
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static int s;

static long set(int name, const void *val, int len)
{
	return setsockopt(s, SOL_SOCKET, name, val, len);
}

static long get(int name, void *val, socklen_t *len)
{
	return getsockopt(s, SOL_SOCKET, name, val, len);
}

/* "[4]" or "[8 => 4]" */
static const char *lens(int before, int after)
{
	static char bufs[4][64];
	static int next;
	char *buf = bufs[next++ % 4];
	if (before == after)
		snprintf(buf, 64, "[%d]", before);
	else
		snprintf(buf, 64, "[%d => %d]", before, after);
	return buf;
}

int main(void)
{
	s = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1;
	char text[64] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
	long rc;

	rc = set(SO_REUSEADDR, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [1], 4)", s);
	rc = set(SO_REUSEADDR, &one, 2);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, %p, 2)", s, &one);
	rc = set(SO_REUSEADDR, text, 8);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [%d], 8)", s, *(int *) text);
	rc = set(SO_REUSEADDR, &one, -1);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, %p, -1)", s, &one);
	rc = set(SO_BINDTODEVICE, text, 40);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_BINDTODEVICE, \"%.32s\"..., 40)", s, text);
	rc = set(SO_BINDTODEVICE, text, -1);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_BINDTODEVICE, \"%.32s\"..., -1)", s, text);
	rc = set(SO_BINDTODEVICE, text, 0);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_BINDTODEVICE, \"\", 0)", s);
	rc = set(SO_BINDTODEVICE, NULL, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_BINDTODEVICE, NULL, 4)", s);
	rc = set(SO_BINDTODEVICE, (void *) 8, 5);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_BINDTODEVICE, 0x8, 5)", s);
	rc = set(SO_ATTACH_BPF, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_BPF, [1], 4)", s);
	rc = set(SO_TXREHASH, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_ENABLED], 4)", s);
	int seven = 7;
	rc = set(SO_TXREHASH, &seven, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_TXREHASH, [7 /* SOCK_TXREHASH_??? */], 4)", s);
	rc = set(SO_TXREHASH, &one, 2);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_TXREHASH, %p, 2)", s, &one);
	struct linger lg = { 1, 30 };
	rc = set(SO_LINGER, &lg, sizeof(lg));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=30}, 8)", s);
	rc = set(SO_LINGER, &lg, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_LINGER, %p, 4)", s, &lg);

	/* Filters: strace lists the instructions only with -v. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x800, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { 4, code };
	rc = set(SO_ATTACH_FILTER, &prog, sizeof(prog));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_FILTER, {len=4, filter=%p}, 16)",
		    s, code);
	rc = set(SO_ATTACH_FILTER, &prog, 8);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_FILTER, %p, 8)", s, &prog);
	rc = set(SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, "
		    "{len=4, filter=%p}, 16)", s, code);
	struct sock_fprog empty = { 0, NULL };
	rc = set(SO_ATTACH_FILTER, &empty, sizeof(empty));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_FILTER, {len=0, filter=NULL}, 16)", s);
	rc = set(SO_ATTACH_FILTER, (void *) 16, sizeof(empty));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_ATTACH_FILTER, 0x10, 16)", s);
	char out[400];
	socklen_t len = sizeof(out);
	rc = get(SO_GET_FILTER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_GET_FILTER, %p, %s)", s, out,
		    lens(sizeof(out), len));
	len = 2;
	rc = get(SO_GET_FILTER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_GET_FILTER, %p, [2])", s, out);
	rc = set(SO_DETACH_FILTER, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_SOCKET, SO_DETACH_FILTER, [1], 4)", s);

	/* getsockopt: int options cut short print hex; SO_TYPE is no int option to strace. */
	len = 2;
	rc = get(SO_ERROR, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_ERROR, \"\\x00\\x00\", [2])", s);
	len = 8;
	rc = get(SO_ERROR, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_ERROR, [0], %s)", s, lens(8, len));
	len = 8;
	rc = get(SO_TYPE, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_TYPE, [2], %s)", s, lens(8, len));
	len = 2;
	rc = get(SO_TYPE, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_TYPE, \"\\2\\0\", [2])", s);
	int rcvbuf = 0;
	len = 2;
	rc = get(SO_RCVBUF, &rcvbuf, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, \"\\x%02x\\x%02x\", [2])", s,
		    ((unsigned char *) &rcvbuf)[0], ((unsigned char *) &rcvbuf)[1]);
	len = 8;
	rc = get(SO_RCVBUF, &rcvbuf, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, [%d], %s)", s, rcvbuf, lens(8, len));
	len = 0;
	rc = get(SO_RCVBUF, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, %p, [0])", s, out);
	len = -1;
	rc = get(SO_RCVBUF, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, %p, [-1])", s, out);
	len = 4;
	rc = get(SO_RCVBUF, NULL, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, NULL, [4])", s);
	rc = get(SO_RCVBUF, out, NULL);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, %p, NULL)", s, out);
	rc = get(SO_RCVBUF, out, (void *) 8);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVBUF, %p, 0x8)", s, out);
	len = 16;
	memset(out, 0, sizeof(out));
	rc = get(SO_RCVTIMEO, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_RCVTIMEO_OLD, "
		    "\"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\", [16])", s);

	/* Structs cut by the returned length: whole fields by value, the cut one in hex. */
	len = 4;
	rc = get(SO_LINGER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_LINGER, {l_onoff=1}, [4])", s);
	len = 6;
	rc = get(SO_LINGER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=\"\\x1e\\x00\"}, [6])", s);
	len = 3;
	rc = get(SO_LINGER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_LINGER, {l_onoff=\"\\x01\\x00\\x00\"}, [3])", s);
	len = 20;
	rc = get(SO_LINGER, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=30}, %s)", s,
		    lens(20, len));
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct ucred cred;
	len = sizeof(cred);
	rc = getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_PEERCRED, {pid=%d, uid=%u, gid=%u}, [12])",
		    sv[0], cred.pid, cred.uid, cred.gid);
	len = 6;
	rc = getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len);
	unsigned char *uid = (unsigned char *) &cred.uid;
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, SO_PEERCRED, {pid=%d, uid=\"\\x%02x\\x%02x\"}, [6])",
		    sv[0], cred.pid, uid[0], uid[1]);
	len = 4;
	rc = getsockopt(s, SOL_SOCKET, 9999, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_SOCKET, 0x270f /* SO_??? */, %p, [4])", s, out);
	rc = setsockopt(s, -1, 1, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, 0xffffffff /* SOL_?? */, 1, [1], 4)", s);
	rc = setsockopt(s, 9999, -1, &one, 4);
	expect_line(ret_text(rc), "setsockopt(%d, 0x270f /* SOL_?? */, 4294967295, [1], 4)", s);

	expect_exit(0);
	return 0;
}
