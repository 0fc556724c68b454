// sysrec-test: -e trace=setsockopt,getsockopt
/* SOL_IP/SOL_IPV6 membership structs and netfilter option names, ICMP_FILTER on a raw socket
 * (a set of ICMP types, `~[...]` when most bits are set), and SOL_NETLINK's ints and arrays. */
#include "net.h"
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	char out[64];
	socklen_t len;
	int zero = 0;
	long rc;
	unsigned lo = if_nametoindex("lo");

	struct ip_mreq mr = { { inet_addr("224.0.0.1") }, { inet_addr("127.0.0.1") } };
	rc = setsockopt(s, SOL_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr(\"224.0.0.1\"), "
		    "imr_interface=inet_addr(\"127.0.0.1\")}, 8)", s);
	rc = setsockopt(s, SOL_IP, IP_DROP_MEMBERSHIP, &mr, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IP_DROP_MEMBERSHIP, %p, 4)", s, &mr);
	struct group_req g = { lo };
	struct sockaddr_in *group = (void *) &g.gr_group;
	group->sin_family = AF_INET;
	group->sin_addr.s_addr = inet_addr("224.1.1.1");
	rc = setsockopt(s, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, MCAST_JOIN_GROUP, {gr_interface=if_nametoindex(\"lo\"), "
		    "gr_group={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"224.1.1.1\")}}, %zu)",
		    s, sizeof(g));
	rc = setsockopt(s, SOL_IP, MCAST_LEAVE_GROUP, &g, 10);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, MCAST_LEAVE_GROUP, %p, 10)", s, &g);
	rc = setsockopt(s, SOL_IP, IP_MULTICAST_ALL, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IP_MULTICAST_ALL, [0], 4)", s);
	rc = setsockopt(s, SOL_IP, IP_UNICAST_IF, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IP_UNICAST_IF, [0], 4)", s);
	rc = setsockopt(s, SOL_IP, 64, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IPT_SO_SET_REPLACE, [0], 4)", s);
	len = 4;
	rc = getsockopt(s, SOL_IP, 64, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_IP, IPT_SO_GET_INFO, %p, [4])", s, out);
	rc = setsockopt(s, SOL_IP, 1152, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IP, IP_VS_SO_SET_NONE, [0], 4)", s);
	len = 4;
	rc = getsockopt(s, SOL_IP, 98, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_IP, 0x62 /* IP_??? */, %p, [4])", s, out);

	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct ipv6_mreq m6 = { .ipv6mr_interface = lo };
	inet_pton(AF_INET6, "ff02::1", &m6.ipv6mr_multiaddr);
	rc = setsockopt(s6, SOL_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof(m6));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IPV6, IPV6_ADD_MEMBERSHIP, {inet_pton(AF_INET6, \"ff02::1\", "
		    "&ipv6mr_multiaddr), ipv6mr_interface=if_nametoindex(\"lo\")}, 20)", s6);
	m6.ipv6mr_interface = 4242;
	rc = setsockopt(s6, SOL_IPV6, IPV6_LEAVE_ANYCAST, &m6, sizeof(m6));
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IPV6, IPV6_LEAVE_ANYCAST, {inet_pton(AF_INET6, \"ff02::1\", "
		    "&ipv6mr_multiaddr), ipv6mr_interface=4242}, 20)", s6);
	rc = setsockopt(s6, SOL_IPV6, IPV6_JOIN_ANYCAST, &m6, 8);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IPV6, IPV6_JOIN_ANYCAST, %p, 8)", s6, &m6);
	rc = setsockopt(s6, SOL_IPV6, IPV6_FREEBIND, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IPV6, IPV6_FREEBIND, [0], 4)", s6);
	rc = setsockopt(s6, SOL_IPV6, 64, &zero, 4);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_IPV6, IP6T_SO_SET_REPLACE, [0], 4)", s6);
	len = 4;
	rc = getsockopt(s6, SOL_IPV6, 68, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_IPV6, IP6T_SO_GET_REVISION_MATCH, %p, [4])", s6, out);

	int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (r >= 0) {
		unsigned int filter = (1 << 8) | (1 << 0) | (1 << 20);
		rc = setsockopt(r, SOL_RAW, 1, &filter, 4);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, ICMP_FILTER, [ICMP_ECHOREPLY ICMP_ECHO "
			    "0x14 /* ICMP_??? */], 4)", r);
		filter = ~filter;
		rc = setsockopt(r, SOL_RAW, 1, &filter, 4);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, ICMP_FILTER, ~[ICMP_ECHOREPLY ICMP_ECHO "
			    "0x14 /* ICMP_??? */], 4)", r);
		rc = setsockopt(r, SOL_RAW, 1, &filter, 2);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, ICMP_FILTER, ~[ICMP_ECHOREPLY ICMP_ECHO], 2)", r);
		rc = setsockopt(r, SOL_RAW, 1, &filter, 0);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, ICMP_FILTER, %p, 0)", r, &filter);
		len = 4;
		rc = getsockopt(r, SOL_RAW, 1, out, &len);
		expect_line(ret_text(rc), "getsockopt(%d, SOL_RAW, ICMP_FILTER, ~[ICMP_ECHOREPLY ICMP_ECHO "
			    "0x14 /* ICMP_??? */], [4])", r);
		len = 1;
		rc = getsockopt(r, SOL_RAW, 1, out, &len);
		expect_line(ret_text(rc), "getsockopt(%d, SOL_RAW, ICMP_FILTER, ~[ICMP_ECHOREPLY], [1])", r);
		filter = 0;
		rc = setsockopt(r, SOL_RAW, 1, &filter, 4);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, ICMP_FILTER, [], 4)", r);
		rc = setsockopt(r, SOL_RAW, 5, &filter, 4);
		expect_line(ret_text(rc), "setsockopt(%d, SOL_RAW, 0x5 /* RAW_??? */, [0], 4)", r);
	}

	int n = socket(AF_NETLINK, SOCK_RAW, 0);
	int seven = 7;
	rc = setsockopt(n, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &seven, 2);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, %p, 2)", n, &seven);
	rc = setsockopt(n, SOL_NETLINK, NETLINK_PKTINFO, &seven, 8);
	expect_line(ret_text(rc), "setsockopt(%d, SOL_NETLINK, NETLINK_PKTINFO, [7], 8)", n);
	unsigned int groups[2] = { 0xffff, 0xffff };
	len = 8;
	rc = getsockopt(n, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, [%u, %u], [8])",
		    n, groups[0], groups[1]);
	len = 1;
	rc = getsockopt(n, SOL_NETLINK, NETLINK_PKTINFO, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_NETLINK, NETLINK_PKTINFO, %p, [1])", n, out);
	len = 4;
	rc = getsockopt(n, SOL_NETLINK, 99, out, &len);
	expect_line(ret_text(rc), "getsockopt(%d, SOL_NETLINK, 0x63 /* NETLINK_??? */, %p, [4])", n, out);

	expect_exit(0);
	return 0;
}
