// sysrec-test: -e trace=sendto,recvfrom,sendmsg
/* Netlink messages on NETLINK_ROUTE and NETLINK_SOCK_DIAG sockets: headers with each protocol's
 * type and flag names, ifaddrmsg/ifinfomsg/rtmsg/ndmsg with attributes (addresses, strings,
 * flags, integers, hex for the undecoded), a family struct cut short (`...`), trailing bytes, a
 * type without a struct, the inet_diag request, and what the kernel answers: NLMSG_ERROR with
 * the request echoed inside, NLMSG_DONE. sendmsg decodes because msg_name is AF_NETLINK. */
#include "net.h"
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define HDR "{nlmsg_len=%u, nlmsg_type=%s, nlmsg_flags=%s, nlmsg_seq=%u, nlmsg_pid=0}"
#define NLA(len, type) "{nla_len=" #len ", nla_type=" type "}"

static char buf[8192];

static void put_attr(char *at, unsigned short type, const void *data, unsigned short len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	memcpy(at, &nla, sizeof(nla));
	memcpy(at + NLA_HDRLEN, data, len);
}

int main(void)
{
	/* bound, as programs do: the protocol of an unbound netlink socket is not listed anywhere,
	 * and strace prints its messages with the generic NLMSG_ names */
	struct sockaddr_nl kernel = { AF_NETLINK };
	int rt = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	int diag = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	int rt2 = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	bind(rt, (void *) &kernel, sizeof(kernel));
	bind(diag, (void *) &kernel, sizeof(kernel));
	bind(rt2, (void *) &kernel, sizeof(kernel));

	/* RTM_GETADDR with a family byte only (glibc's getaddrinfo): the struct is cut short */
	struct { struct nlmsghdr h; unsigned char family; char pad[3]; } shortreq = {
		{ sizeof(shortreq), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 }, AF_UNSPEC };
	long rc = sendto(rt, &shortreq, sizeof(shortreq), 0, NULL, 0);
	expect_line(ret_text(rc), "sendto(%d, [" HDR ", {ifa_family=AF_UNSPEC, ...}], %zu, 0, NULL, 0)",
		    rt, (unsigned) sizeof(shortreq), "RTM_GETADDR", "NLM_F_REQUEST|NLM_F_DUMP", 1,
		    sizeof(shortreq));

	/* RTM_NEWADDR with attributes: IPv4 addresses, a label, flags, cache info, IFA_PROTO in hex */
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *h = (void *) buf;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	*ifa = (struct ifaddrmsg) { AF_INET, 8, IFA_F_PERMANENT, RT_SCOPE_HOST, 1 };
	char *at = buf + NLMSG_SPACE(sizeof(*ifa));
	struct in_addr a4 = { htonl(0x7f000001) };
	put_attr(at, IFA_LOCAL, &a4, 4); at += 8;
	put_attr(at, IFA_LABEL, "lo", 3); at += 8;
	unsigned int fl = IFA_F_PERMANENT | IFA_F_NODAD;
	put_attr(at, IFA_FLAGS, &fl, 4); at += 8;
	struct ifa_cacheinfo ci = { 1, 2, 3, 4 };
	put_attr(at, IFA_CACHEINFO, &ci, sizeof(ci)); at += 20;
	put_attr(at, 11 /* IFA_PROTO */, "\x01", 1); at += 8;
	*h = (struct nlmsghdr) { at - buf, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 2, 0 };
	rc = sendto(rt, buf, h->nlmsg_len, MSG_DONTWAIT, NULL, 0);
	expect_line(ret_text(rc), "sendto(%d, [" HDR ", {ifa_family=AF_INET, ifa_prefixlen=8, "
		    "ifa_flags=IFA_F_PERMANENT, ifa_scope=RT_SCOPE_HOST, ifa_index=if_nametoindex(\"lo\")}, ["
		    "[" NLA(8, "IFA_LOCAL") ", inet_addr(\"127.0.0.1\")], [" NLA(7, "IFA_LABEL") ", \"lo\"], "
		    "[" NLA(8, "IFA_FLAGS") ", IFA_F_NODAD|IFA_F_PERMANENT], [" NLA(20, "IFA_CACHEINFO")
		    ", {ifa_prefered=1, ifa_valid=2, cstamp=3, tstamp=4}], [" NLA(5, "IFA_PROTO") ", \"\\x01\"]]]"
		    ", %u, MSG_DONTWAIT, NULL, 0)", rt, h->nlmsg_len, "RTM_NEWADDR",
		    "NLM_F_REQUEST|NLM_F_EXCL|NLM_F_CREATE", 2, h->nlmsg_len);

	/* RTM_GETLINK of no such link, one attribute (no brackets around a lone one), then 4 stray
	 * bytes; on a socket of its own, whose only answer is the error */
	memset(buf, 0, sizeof(buf));
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	*ifi = (struct ifinfomsg) { .ifi_family = AF_PACKET, .ifi_type = 1, .ifi_index = 0x7fffffff,
				    .ifi_flags = IFF_UP | 0x80000000 };
	unsigned int mask = RTEXT_FILTER_VF | 0x100;
	put_attr(buf + NLMSG_SPACE(sizeof(*ifi)), IFLA_EXT_MASK, &mask, 4);
	*h = (struct nlmsghdr) { NLMSG_SPACE(sizeof(*ifi)) + 8, RTM_GETLINK, NLM_F_REQUEST, 3, 0 };
	memcpy(buf + h->nlmsg_len, "\xde\xad\xbe\xef", 4);
#define GETLINK HDR ", {ifi_family=AF_PACKET, ifi_type=ARPHRD_ETHER, ifi_index=2147483647, " \
	"ifi_flags=IFF_UP|0x80000000, ifi_change=0}, [" NLA(8, "IFLA_EXT_MASK") ", RTEXT_FILTER_VF|0x100]"
	rc = sendto(rt2, buf, h->nlmsg_len + 4, MSG_DONTWAIT, NULL, 0);
	expect_line(ret_text(rc), "sendto(%d, [[" GETLINK "], \"\\xde\\xad\\xbe\\xef\"], %u, "
		    "MSG_DONTWAIT, NULL, 0)", rt2, h->nlmsg_len, "RTM_GETLINK", "NLM_F_REQUEST", 3,
		    h->nlmsg_len + 4);
	unsigned int getlink_len = h->nlmsg_len;

	/* a type sysrec has no struct for: the family, the rest in hex */
	struct { struct nlmsghdr h; unsigned char family; char data[3]; } odd = {
		{ sizeof(odd), RTM_GETQDISC + 100, NLM_F_REQUEST, 4, 0 }, AF_INET6, "\x01\x02" };
	rc = sendto(rt, &odd, sizeof(odd), MSG_DONTWAIT, NULL, 0);
	expect_line(ret_text(rc), "sendto(%d, [" HDR ", {family=AF_INET6, data=\"\\x01\\x02\\x00\"}], %zu, "
		    "MSG_DONTWAIT, NULL, 0)",
		    rt, (unsigned) sizeof(odd), "0x8a /* RTM_??? */", "NLM_F_REQUEST", 4, sizeof(odd));

	/* the kernel's answer to the RTM_GETLINK: NLMSG_ERROR, the request echoed inside */
	int got = recvfrom(rt2, buf, sizeof(buf), 0, NULL, NULL);
	struct nlmsgerr *err = NLMSG_DATA(h);
	expect_line(ret_text(got), "recvfrom(%d, [{nlmsg_len=%u, nlmsg_type=NLMSG_ERROR, nlmsg_flags=0, "
		    "nlmsg_seq=3, nlmsg_pid=%d}, {error=-%s, msg=[" GETLINK "]}], %zu, 0, NULL, NULL)",
		    rt2, h->nlmsg_len, (int) h->nlmsg_pid, strerrorname_np(-err->error), getlink_len,
		    "RTM_GETLINK", "NLM_F_REQUEST", 3, sizeof(buf));

	/* NETLINK_SOCK_DIAG through sendmsg: an inet_diag_req_v2 that matches no socket */
	struct { struct nlmsghdr h; struct inet_diag_req_v2 r; } dreq = {
		{ sizeof(dreq), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 5, 0 },
		{ .sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_ext = 1 << (INET_DIAG_INFO - 1),
		  .idiag_states = 1 << 10 | 1 << 13, .id = { .idiag_sport = htons(80),
		  .idiag_src = { htonl(0x7f000001) }, .idiag_cookie = { 1, 2 } } } };
	struct iovec iov = { &dreq, sizeof(dreq) };
	struct msghdr m = { &kernel, sizeof(kernel), &iov, 1 };
	rc = sendmsg(diag, &m, 0);
	expect_line(ret_text(rc), "sendmsg(%d, {msg_name={sa_family=AF_NETLINK, nl_pid=0, "
		    "nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=[" HDR ", {sdiag_family=AF_INET, "
		    "sdiag_protocol=IPPROTO_TCP, idiag_ext=1<<(INET_DIAG_INFO-1), "
		    "idiag_states=1<<TCP_LISTEN|0x2000, id={idiag_sport=htons(80), idiag_dport=htons(0), "
		    "idiag_src=inet_addr(\"127.0.0.1\"), idiag_dst=inet_addr(\"0.0.0.0\"), idiag_if=0, "
		    "idiag_cookie=[1, 2]}}], iov_len=%zu}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0)",
		    diag, (unsigned) sizeof(dreq), "SOCK_DIAG_BY_FAMILY", "NLM_F_REQUEST|NLM_F_DUMP", 5,
		    sizeof(dreq));
	got = recvfrom(diag, buf, sizeof(buf), 0, NULL, NULL);
	expect_line(ret_text(got), "recvfrom(%d, [{nlmsg_len=20, nlmsg_type=NLMSG_DONE, "
		    "nlmsg_flags=NLM_F_MULTI, nlmsg_seq=5, nlmsg_pid=%d}, 0], %zu, 0, NULL, NULL)",
		    diag, (int) h->nlmsg_pid, sizeof(buf));
	expect_exit(0);
	return 0;
}
