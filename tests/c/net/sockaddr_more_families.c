// sysrec-test: -e trace=connect
/* The other address families strace decodes: vsock (reserved bits and the zero tail shown only
 * when set), Qualcomm IPC router, XDP (an fd only with XDP_SHARED_UMEM), MCTP (padding shown
 * when set), IPX and X.25; each shorter than its struct prints as raw sa_data. */
#include "net.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static int s;

static void conn(const void *addr, int len, const char *text)
{
	long rc = connect(s, addr, len);
	expect_line(ret_text(rc), "connect(%d, %s, %d)", s, text, len);
}

int main(void)
{
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct { uint16_t family, reserved1; uint32_t port, cid; uint8_t flags, zero[3]; } vm =
		{ AF_VSOCK, 0, 1234, 2, 1, { 0 } };
	conn(&vm, 16, "{sa_family=AF_VSOCK, svm_cid=VMADDR_CID_HOST, svm_port=0x4d2, "
	     "svm_flags=VMADDR_FLAG_TO_HOST}");
	vm.reserved1 = 7;
	vm.cid = 77;
	vm.port = 0xffffffff;
	vm.flags = 3;
	vm.zero[1] = 9;
	conn(&vm, 16, "{sa_family=AF_VSOCK, svm_reserved1=0x7, svm_cid=0x4d, svm_port=VMADDR_PORT_ANY, "
	     "svm_flags=VMADDR_FLAG_TO_HOST|0x2, svm_zero=\"\\x00\\x09\\x00\"}");
	vm = (typeof(vm)) { AF_VSOCK, 0, 5, 0xffffffff, 0, { 0 } };
	conn(&vm, 16, "{sa_family=AF_VSOCK, svm_cid=VMADDR_CID_ANY, svm_port=0x5, svm_flags=0}");
	conn(&vm, 12, "{sa_family=AF_VSOCK, sa_data=\"\\0\\0\\5\\0\\0\\0\\377\\377\\377\\377\"}");

	struct { uint16_t family, pad; uint32_t node, port; } qr = { AF_QIPCRTR, 0, 0xffffffff, 0xfffffffe };
	conn(&qr, 12, "{sa_family=AF_QIPCRTR, sq_node=QRTR_NODE_BCAST, sq_port=QRTR_PORT_CTRL}");
	qr.node = 3;
	qr.port = 4;
	conn(&qr, 12, "{sa_family=AF_QIPCRTR, sq_node=0x3, sq_port=0x4}");

	struct { uint16_t family, flags; uint32_t ifindex, queue, fd; } x =
		{ AF_XDP, 1, if_nametoindex("lo"), 3, 0 };
	conn(&x, 16, "{sa_family=AF_XDP, sxdp_flags=XDP_SHARED_UMEM, sxdp_ifindex=if_nametoindex(\"lo\"), "
	     "sxdp_queue_id=3, sxdp_shared_umem_fd=0}");
	x.flags = 0x12;
	x.fd = 5;
	x.ifindex = 4242;
	conn(&x, 16, "{sa_family=AF_XDP, sxdp_flags=XDP_COPY|0x10, sxdp_ifindex=4242, sxdp_queue_id=3, "
	     "sxdp_shared_umem_fd=0x5}");
	x.flags = 0;
	x.fd = 0;
	conn(&x, 16, "{sa_family=AF_XDP, sxdp_flags=0, sxdp_ifindex=4242, sxdp_queue_id=3}");

	struct { uint16_t family, pad0; uint32_t net; uint8_t addr, type, tag, pad1; } m =
		{ AF_MCTP, 0, 0, 0xff, 1, 8, 0 };
	conn(&m, 12, "{sa_family=AF_MCTP, smctp_network=MCTP_NET_ANY, smctp_addr={s_addr=MCTP_ADDR_ANY}, "
	     "smctp_type=0x1, smctp_tag=0x8}");
	m.pad0 = 3;
	m.pad1 = 4;
	m.net = 9;
	m.addr = 7;
	conn(&m, 12, "{sa_family=AF_MCTP, __smctp_pad0=0x3, smctp_network=0x9, smctp_addr={s_addr=0x7}, "
	     "smctp_type=0x1, smctp_tag=0x8, __smctp_pad1=0x4}");

	struct { uint16_t family, port; uint32_t net; uint8_t node[6]; uint8_t type, zero; } ipx =
		{ AF_IPX, htons(1234), htonl(0xabcdef), { 0, 1, 0xff, 3, 4, 5 }, 0, 0 };
	conn(&ipx, 16, "{sa_family=AF_IPX, sipx_port=htons(1234), sipx_network=htonl(0xabcdef), "
	     "sipx_node=[00, 0x1, 0xff, 0x3, 0x4, 0x5], sipx_type=00}");
	ipx.type = 5;
	ipx.zero = 7;
	ipx.net = 0;
	conn(&ipx, 16, "{sa_family=AF_IPX, sipx_port=htons(1234), sipx_network=htonl(0), "
	     "sipx_node=[00, 0x1, 0xff, 0x3, 0x4, 0x5], sipx_type=0x5, sipx_zero=0x7}");
	conn(&ipx, 15, "{sa_family=AF_IPX, sa_data=\"\\4\\322\\0\\0\\0\\0\\0\\1\\377\\3\\4\\5\\5\"}");

	struct { uint16_t family; char addr[16]; } x25 = { AF_X25, "12345" };
	conn(&x25, 18, "{sa_family=AF_X25, sx25_addr={x25_addr=\"12345\"}}");
	memset(x25.addr, '7', 16);
	conn(&x25, 18, "{sa_family=AF_X25, sx25_addr={x25_addr=\"777777777777777\"...}}");
	x25.addr[15] = 0;
	conn(&x25, 18, "{sa_family=AF_X25, sx25_addr={x25_addr=\"777777777777777\"}}");

	expect_exit(0);
	return 0;
}
