// sysrec-test: -e trace=setsockopt
/* Option names at the less common levels strace knows (SCTP, Bluetooth, RDS, AX.25, TIPC, ...)
 * and its comment for an unknown name at each; a level it has no table for prints the name
 * as a number. */
#include "net.h"
#include <sys/socket.h>
#include <unistd.h>

static int s;

static void set(int level, int name, const char *text)
{
	int one = 1;
	long rc = setsockopt(s, level, name, &one, sizeof(one));
	expect_line(ret_text(rc), "setsockopt(%d, %s, [1], 4)", s, text);
}

int main(void)
{
	s = socket(AF_INET, SOCK_DGRAM, 0);
	set(132, 3, "SOL_SCTP, SCTP_NODELAY");
	set(132, 133, "SOL_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL");
	set(132, 99, "SOL_SCTP, 0x63 /* SCTP_??? */");
	set(274, 4, "SOL_BLUETOOTH, BT_SECURITY");
	set(274, 1, "SOL_BLUETOOTH, 0x1 /* BT_??? */");
	set(276, 29, "SOL_RDS, SO_TIMESTAMP_OLD");
	set(276, 10000, "SOL_RDS, RDS_INFO_COUNTERS");
	set(257, 25, "SOL_AX25, SO_BINDTODEVICE");
	set(271, 127, "SOL_TIPC, TIPC_IMPORTANCE");
	set(277, 0x80, "SOL_IUCV, SO_IPRMDATA_MSG");
	set(277, 1, "SOL_IUCV, 0x1 /* SO_??? */");
	set(101, 5, "SOL_CAN_RAW, CAN_RAW_FD_FRAMES");
	set(268, 0, "SOL_LLC, LLC_OPT_UNKNOWN");
	set(269, 192, "SOL_DCCP, DCCP_SOCKOPT_CCID_TX_INFO");
	set(256, 1, "SOL_IPX, IPX_TYPE");
	set(266, 11, "SOL_IRDA, IRLMP_WAITDEVICE");
	set(272, 6, "SOL_RXRPC, RXRPC_SUPPORTED_CMSG");
	set(273, 5, "SOL_PPPOL2TP, PPPOL2TP_SO_REORDERTO");
	set(275, 4, "SOL_PNPIPE, PNPIPE_INITSTATE");
	set(278, 129, "SOL_CAIF, CAIFSO_RSP_PARAM");
	set(280, 0, "SOL_NFC, NFC_LLCP_RW");
	set(279, 6, "SOL_ALG, ALG_SET_DRBG_ENTROPY");
	set(281, 1, "SOL_KCM, KCM_RECV_DISABLE");
	set(282, 2, "SOL_TLS, TLS_RX");
	set(283, 8, "SOL_XDP, XDP_OPTIONS");
	set(40, 8, "AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW");
	set(40, 4, "AF_VSOCK, 0x4 /* SO_VM_??? */");
	set(17, 103, "SOL_UDP, UDP_SEGMENT");
	set(6, 37, "SOL_TCP, TCP_TX_DELAY");
	set(58, 1, "SOL_ICMPV6, 1");
	set(136, 1, "SOL_UDPLITE, 1");
	set(263, 23, "SOL_PACKET, PACKET_IGNORE_OUTGOING");
	expect_exit(0);
	return 0;
}
