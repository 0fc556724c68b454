// sysrec-test: -e trace=socket,socketpair,shutdown,accept4,listen
/* socket()'s family, type and per-family protocol names, unknown values of each, socketpair's
 * plain protocol, shutdown's and accept4's unknown bits. */
#include "net.h"
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void sock(long family, long type, long proto, const char *text)
{
	long rc = syscall(SYS_socket, family, type, proto);
	expect_line(ret_text(rc), "socket(%s)", text);
}

int main(void)
{
	sock(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP,
	     "AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP");
	sock(AF_INET, SOCK_DGRAM | 0x40, 0, "AF_INET, SOCK_DGRAM|0x40 /* SOCK_??? */, IPPROTO_IP");
	sock(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | 0x40, 0,
	     "AF_INET, SOCK_DGRAM|SOCK_NONBLOCK|0x40, IPPROTO_IP");
	sock(AF_INET, 12, 0, "AF_INET, 0xc /* SOCK_??? */, IPPROTO_IP");
	sock(AF_INET, 12 | SOCK_CLOEXEC, 0, "AF_INET, SOCK_CLOEXEC|0xc, IPPROTO_IP");
	sock(99, SOCK_STREAM, 0, "0x63 /* AF_??? */, SOCK_STREAM, 0");
	sock(0xffffffffL, SOCK_STREAM, 7, "0xffffffff /* AF_??? */, SOCK_STREAM, 7");
	sock(AF_INET, SOCK_STREAM, 999, "AF_INET, SOCK_STREAM, 0x3e7 /* IPPROTO_??? */");
	sock(AF_INET6, SOCK_STREAM, 0xffffffffL, "AF_INET6, SOCK_STREAM, 0xffffffff /* IPPROTO_??? */");
	sock(AF_NETLINK, SOCK_RAW, 99, "AF_NETLINK, SOCK_RAW, 0x63 /* NETLINK_??? */");
	sock(AF_PACKET, SOCK_RAW, htons(0x1234), "AF_PACKET, SOCK_RAW, htons(0x1234 /* ETH_P_??? */)");
	sock(AF_PACKET, SOCK_DGRAM, htons(ETH_P_8021AD), "AF_PACKET, SOCK_DGRAM, htons(ETH_P_8021AD)");
	sock(AF_INET6, SOCK_RAW, IPPROTO_MH, "AF_INET6, SOCK_RAW, IPPROTO_MH");
	sock(AF_UNIX, SOCK_STREAM, 5, "AF_UNIX, SOCK_STREAM, 5");
	sock(AF_BLUETOOTH, SOCK_STREAM, 3, "AF_BLUETOOTH, SOCK_STREAM, BTPROTO_RFCOMM");
	sock(AF_BLUETOOTH, SOCK_STREAM, 9, "AF_BLUETOOTH, SOCK_STREAM, 0x9 /* BTPROTO_??? */");
	sock(AF_CAN, SOCK_RAW, 1, "AF_CAN, SOCK_RAW, CAN_RAW");
	sock(AF_IRDA, SOCK_RAW, 2, "AF_IRDA, SOCK_RAW, CAN_BCM");
	sock(AF_IRDA, SOCK_RAW, 9, "AF_IRDA, SOCK_RAW, 0x9 /* IRDAPROTO_??? */");
	sock(AF_AX25, SOCK_RAW, 0xcc, "AF_AX25, SOCK_RAW, 0xcc /* AX25_P_IP */");
	sock(AF_AX25, SOCK_RAW, 5, "AF_AX25, SOCK_RAW, 0x5 /* AX25_P_??? */");
	sock(AF_RXRPC, SOCK_DGRAM, AF_INET, "AF_RXRPC, SOCK_DGRAM, AF_INET");
	sock(AF_ISDN, SOCK_RAW, 0x21, "AF_ISDN, SOCK_RAW, ISDN_P_B_RAW");
	sock(AF_PHONET, SOCK_DGRAM, 1, "AF_PHONET, SOCK_DGRAM, PN_PROTO_PHONET");
	sock(AF_CAIF, SOCK_SEQPACKET, 3, "AF_CAIF, SOCK_SEQPACKET, CAIFPROTO_UTIL");
	sock(AF_NFC, SOCK_SEQPACKET, 1, "AF_NFC, SOCK_SEQPACKET, NFC_SOCKPROTO_LLCP");
	sock(AF_KCM, SOCK_DGRAM, 0, "AF_KCM, SOCK_DGRAM, KCMPROTO_CONNECTED");
	sock(AF_SMC, SOCK_STREAM, 1, "AF_SMC, SOCK_STREAM, SMCPROTO_SMC6");

	int sv[2];
	long rc = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	expect_line(ret_text(rc), "socketpair(AF_UNIX, SOCK_STREAM, 0, [%d, %d])", sv[0], sv[1]);
	rc = socketpair(AF_INET, SOCK_STREAM, 6, sv);
	expect_line(ret_text(rc), "socketpair(AF_INET, SOCK_STREAM, 6, %p)", sv);
	rc = socketpair(AF_UNIX, SOCK_STREAM, 0, (void *) 8);
	expect_line(ret_text(rc), "socketpair(AF_UNIX, SOCK_STREAM, 0, 0x8)");

	int s = sv[0];
	rc = shutdown(s, 7);
	expect_line(ret_text(rc), "shutdown(%d, 0x7 /* SHUT_??? */)", s);
	rc = syscall(SYS_shutdown, s, 0xffffffffL);
	expect_line(ret_text(rc), "shutdown(%d, 0xffffffff /* SHUT_??? */)", s);
	rc = shutdown(s, SHUT_RDWR);
	expect_line(ret_text(rc), "shutdown(%d, SHUT_RDWR)", s);
	rc = listen(s, -1);
	expect_line(ret_text(rc), "listen(%d, -1)", s);
	rc = accept4(s, NULL, NULL, 0x40);
	expect_line(ret_text(rc), "accept4(%d, NULL, NULL, 0x40 /* SOCK_??? */)", s);
	rc = accept4(s, NULL, NULL, SOCK_CLOEXEC | 0x40);
	expect_line(ret_text(rc), "accept4(%d, NULL, NULL, SOCK_CLOEXEC|0x40)", s);
	rc = accept4(s, (void *) 8, (void *) 16, 0);
	expect_line(ret_text(rc), "accept4(%d, 0x8, 0x10, 0)", s);

	expect_exit(0);
	return 0;
}
