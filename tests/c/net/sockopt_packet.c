// sysrec-test: -e trace=setsockopt,getsockopt
/* SOL_PACKET: ring requests and memberships (only at exactly their size), statistics cut by the
 * returned length. Without CAP_NET_RAW the socket is -1 and strace decodes the values anyway. */
#include "net.h"
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int p = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	long rc;
	struct tpacket_req req = { 4096, 4, 2048, 8 };
	rc = setsockopt(p, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_RX_RING, {tp_block_size=4096, "
		    "tp_block_nr=4, tp_frame_size=2048, tp_frame_nr=8}, 16)", p);
	rc = setsockopt(p, SOL_PACKET, PACKET_TX_RING, &req, 20);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_TX_RING, %p, 20)", p, &req);
	struct packet_mreq mr = { if_nametoindex("lo"), PACKET_MR_PROMISC, 3, { 0xa, 0xb, 0xc, 0xd } };
	rc = setsockopt(p, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_ADD_MEMBERSHIP, {mr_ifindex=if_nametoindex(\"lo\"), "
		    "mr_type=PACKET_MR_PROMISC, mr_alen=3, mr_address=0a:0b:0c}, 16)", p);
	mr.mr_type = 9;
	mr.mr_alen = 12;
	mr.mr_ifindex = 4242;
	rc = setsockopt(p, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof(mr));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_DROP_MEMBERSHIP, {mr_ifindex=4242, "
		    "mr_type=0x9 /* PACKET_MR_??? */, mr_alen=12, mr_address=0a:0b:0c:0d:00:00:00:00}, 16)", p);
	rc = setsockopt(p, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, 8);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_DROP_MEMBERSHIP, %p, 8)", p, &mr);
	int v = 2;
	rc = setsockopt(p, SOL_PACKET, PACKET_VERSION, &v, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, PACKET_VERSION, [2], 4)", p);
	rc = setsockopt(p, SOL_PACKET, 99, &v, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_PACKET, 0x63 /* PACKET_??? */, [2], 4)", p);

	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	rc = getsockopt(p, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	if (rc == 0)
		expect_line(ret_text(rc), "getsockopt(%d, SOL_PACKET, PACKET_STATISTICS, {tp_packets=%u, "
			    "tp_drops=%u}, [8])", p, st.tp_packets, st.tp_drops);
	else
		expect_line(ret_text(rc), "getsockopt(%d, SOL_PACKET, PACKET_STATISTICS, %p, [8])", p, &st);
	len = 6;
	rc = getsockopt(p, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	if (rc == 0) {
		unsigned char *drops = (unsigned char *) &st.tp_drops;
		expect_line(ret_text(rc), "getsockopt(%d, SOL_PACKET, PACKET_STATISTICS, {tp_packets=%u, "
			    "tp_drops=\"\\x%02x\\x%02x\"}, [6])", p, st.tp_packets, drops[0], drops[1]);
	} else {
		expect_line(ret_text(rc), "getsockopt(%d, SOL_PACKET, PACKET_STATISTICS, %p, [6])", p, &st);
	}
	expect_exit(0);
	return 0;
}
