// sysrec-test: -e trace=connect
/* AF_RXRPC (a service and its IPv4/IPv6 transport, whole or as raw bytes), AF_IEEE802154 (short
 * or long addresses by type) and AF_NFC (with the LLCP part only at its full size). */
#include "net.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static int s;

static void conn(const void *addr, int len, const char *text)
{
	long rc = connect(s, addr, len);
	expect_line(ret_text(rc), "connect(%d, {sa_family=%s}, %d)", s, text, len);
}

struct rxrpc {
	uint16_t family, service, transport_type, transport_len;
	union { uint16_t family; struct sockaddr_in sin; struct sockaddr_in6 sin6; } t;
};

int main(void)
{
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct rxrpc rx = { AF_RXRPC, 1, SOCK_DGRAM, 16 };
	rx.t.sin = (struct sockaddr_in) { AF_INET, htons(7001), { inet_addr("10.0.0.1") } };
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x1 /* CM_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=16, transport={sin={sin_family=AF_INET, sin_port=htons(7001), "
	     "sin_addr=inet_addr(\"10.0.0.1\")}}");
	rx.service = 5;
	rx.transport_len = 6;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x5 /* ???_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=6, transport={sin={sin_family=AF_INET, \"\\33Y\\n\\0\"}}");
	rx.service = 0;
	rx.transport_type = 99;
	rx.transport_len = 2;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0 /* ???_SERVICE */, "
	     "transport_type=0x63 /* SOCK_??? */, transport_len=2, transport={sin={sin_family=AF_INET}}");
	rx.service = 2500;
	rx.transport_type = SOCK_DGRAM;
	rx.transport_len = 28;
	rx.t.sin6 = (struct sockaddr_in6) { .sin6_family = AF_INET6, .sin6_port = htons(7003),
					    .sin6_scope_id = if_nametoindex("lo") };
	inet_pton(AF_INET6, "fe80::1", &rx.t.sin6.sin6_addr);
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=28, transport={sin6={sin6_family=AF_INET6, sin6_port=htons(7003), "
	     "sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"fe80::1\", &sin6_addr), "
	     "sin6_scope_id=if_nametoindex(\"lo\")}}");
	rx.transport_len = 24;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=24, transport={sin6={sin6_family=AF_INET6, sin6_port=htons(7003), "
	     "sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"fe80::1\", &sin6_addr)}}");
	rx.transport_len = 10;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=10, transport={sin6={sin6_family=AF_INET6, \"\\33[\\0\\0\\0\\0\\376\\200\"}}");
	rx.t.family = 99;
	rx.transport_len = 6;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=6, transport={family=0x63 /* AF_??? */, \"\\33[\\0\\0\"}");
	rx.transport_len = 0;
	conn(&rx, sizeof(rx), "AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type=SOCK_DGRAM, "
	     "transport_len=0, transport={family=0x63 /* AF_??? */}");

	struct { uint16_t family, pad; int32_t type; uint16_t pan; uint8_t hw[8]; }
		__attribute__((aligned(4))) ie = { AF_IEEE802154, 0, 3, 0xffff, { 1, 2, 3, 4, 5, 6, 7, 8 } };
	conn(&ie, sizeof(ie), "AF_IEEE802154, addr={addr_type=0x3 /* IEEE802154_ADDR_LONG */, "
	     "pan_id=0xffff /* IEEE802154_PANID_BROADCAST */, hwaddr=01:02:03:04:05:06:07:08}");
	ie.type = 2;
	ie.pan = 0x1234;
	ie.hw[0] = 0xfe;
	ie.hw[1] = 0xff;
	conn(&ie, sizeof(ie), "AF_IEEE802154, addr={addr_type=0x2 /* IEEE802154_ADDR_SHORT */, "
	     "pan_id=0x1234, short_addr=0xfffe /* IEEE802154_ADDR_UNDEF */}");
	ie.type = 0;
	conn(&ie, sizeof(ie), "AF_IEEE802154, addr={addr_type=0 /* IEEE802154_ADDR_NONE */, pan_id=0x1234}");
	ie.type = -1;
	conn(&ie, sizeof(ie), "AF_IEEE802154, addr={addr_type=0xffffffff /* IEEE802154_ADDR_??? */, "
	     "pan_id=0x1234, hwaddr=fe:ff:03:04:05:06:07:08}");

	struct { uint16_t family, pad; uint32_t dev, target, proto; uint8_t dsap, ssap; char name[63];
		 uint64_t name_len; } nfc = { AF_NFC, 0, if_nametoindex("lo"), 0x20, 5 };
	conn(&nfc, 16, "AF_NFC, dev_idx=if_nametoindex(\"lo\"), target_idx=0x20, nfc_protocol=NFC_PROTO_NFC_DEP");
	conn(&nfc, 20, "AF_NFC, dev_idx=if_nametoindex(\"lo\"), target_idx=0x20, nfc_protocol=NFC_PROTO_NFC_DEP, ...");
	nfc.dsap = 1;
	nfc.ssap = 9;
	memcpy(nfc.name, "urn:nfc:sn:snep", 15);
	nfc.name_len = 15;
	nfc.proto = 77;
	nfc.dev = 4242;
	conn(&nfc, sizeof(nfc), "AF_NFC, dev_idx=4242, target_idx=0x20, nfc_protocol=0x4d /* NFC_PROTO_??? */, "
	     "dsap=0x1 /* LLCP_SAP_SDP */, ssap=0x9, service_name=\"urn:nfc:sn:snep\", service_name_len=15");
	nfc.name_len = 17;
	conn(&nfc, sizeof(nfc), "AF_NFC, dev_idx=4242, target_idx=0x20, nfc_protocol=0x4d /* NFC_PROTO_??? */, "
	     "dsap=0x1 /* LLCP_SAP_SDP */, ssap=0x9, service_name=\"urn:nfc:sn:snep\\0\\0\", service_name_len=17");

	expect_exit(0);
	return 0;
}
