// sysrec-test: -e trace=ioctl
/* Socket requests on struct ifreq: a get prints the interface name at entry and the answer at
 * exit (nothing more when it failed); a set prints both at entry. SIOCGIFCONF's length is a
 * value-result; with a NULL buffer the program asks for the length only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../expect.h"

static const char *result(long rc)
{
	static char buf[64];
	if (rc >= 0) { snprintf(buf, sizeof buf, "= %ld", rc); return buf; }
	switch (errno) {
	case ENOTTY: return "= -1 ENOTTY (Inappropriate ioctl for device)";
	case EFAULT: return "= -1 EFAULT (Bad address)";
	case EINVAL: return "= -1 EINVAL (Invalid argument)";
	case EPERM: return "= -1 EPERM (Operation not permitted)";
	case ENODEV: return "= -1 ENODEV (No such device)";
	case ENOENT: return "= -1 ENOENT (No such file or directory)";
	}
	return "= -1 E??? (unexpected)";
}

/* IFF_* names in strace's order. */
static const char *iff_text(unsigned v)
{
	static const char *names[] = {"IFF_UP", "IFF_BROADCAST", "IFF_DEBUG", "IFF_LOOPBACK",
		"IFF_POINTOPOINT", "IFF_NOTRAILERS", "IFF_RUNNING", "IFF_NOARP", "IFF_PROMISC",
		"IFF_ALLMULTI", "IFF_MASTER", "IFF_SLAVE", "IFF_MULTICAST", "IFF_PORTSEL",
		"IFF_AUTOMEDIA", "IFF_DYNAMIC", "IFF_LOWER_UP", "IFF_DORMANT", "IFF_ECHO"};
	static char buf[512];
	buf[0] = 0;
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (v & (1u << i)) {
			if (buf[0]) strcat(buf, "|");
			strcat(buf, names[i]);
			v &= ~(1u << i);
		}
	if (v) sprintf(buf + strlen(buf), "%s%#x%s", buf[0] ? "|" : "", v, buf[0] ? "" : " /* IFF_??? */");
	if (!buf[0]) strcpy(buf, "0");
	return buf;
}

static const char *inet_text(const struct sockaddr *sa)
{
	static char buf[128];
	const struct sockaddr_in *in = (const void *) sa;
	snprintf(buf, sizeof buf, "{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
		 ntohs(in->sin_port), inet_ntoa(in->sin_addr));
	return buf;
}

static const char *len_text(int len)
{
	static char bufs[2][64];
	static int k;
	char *buf = bufs[k ^= 1];
	if (len > 0 && len % (int) sizeof(struct ifreq) == 0)
		snprintf(buf, 64, "%d /* %d * sizeof(struct ifreq) */", len, len / (int) sizeof(struct ifreq));
	else
		snprintf(buf, 64, "%d", len);
	return buf;
}

int main(void)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0), v;
	struct ifreq r;
	memset(&r, 0, sizeof r);
	strcpy(r.ifr_name, "lo");
	long rc = ioctl(sk, SIOCGIFFLAGS, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFFLAGS, {ifr_name=\"lo\", ifr_flags=%s})", sk,
		    iff_text((unsigned short) r.ifr_flags));
	rc = ioctl(sk, SIOCGIFINDEX, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFINDEX, {ifr_name=\"lo\", ifr_ifindex=%d})", sk,
		    r.ifr_ifindex);
	int index = r.ifr_ifindex;
	rc = ioctl(sk, SIOCGIFMTU, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFMTU, {ifr_name=\"lo\", ifr_mtu=%d})", sk, r.ifr_mtu);
	rc = ioctl(sk, SIOCGIFHWADDR, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFHWADDR, {ifr_name=\"lo\", ifr_hwaddr={sa_family="
		    "ARPHRD_LOOPBACK, sa_data=00:00:00:00:00:00}})", sk);
	rc = ioctl(sk, SIOCGIFADDR, &r);
	if (rc == 0)
		expect_line(result(rc), "ioctl(%d, SIOCGIFADDR, {ifr_name=\"lo\", ifr_addr=%s})", sk,
			    inet_text(&r.ifr_addr));
	else
		expect_line(result(rc), "ioctl(%d, SIOCGIFADDR, {ifr_name=\"lo\"})", sk);
	memset(&r, 0, sizeof r);
	r.ifr_ifindex = index;
	rc = ioctl(sk, SIOCGIFNAME, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFNAME, {ifr_ifindex=%d, ifr_name=\"%s\"})", sk,
		    index, r.ifr_name);

	/* Failures: the get keeps only what it printed at entry. */
	memset(&r, 0, sizeof r);
	strcpy(r.ifr_name, "nosuch0");
	rc = ioctl(sk, SIOCGIFFLAGS, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFFLAGS, {ifr_name=\"nosuch0\"})", sk);
	r.ifr_ifindex = 99999;
	rc = ioctl(sk, SIOCGIFNAME, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFNAME, {ifr_ifindex=99999})", sk);
	rc = ioctl(sk, SIOCGIFMTU, NULL);
	expect_line(result(rc), "ioctl(%d, SIOCGIFMTU, NULL)", sk);
	rc = ioctl(sk, SIOCGIFINDEX, (void *) 8);
	expect_line(result(rc), "ioctl(%d, SIOCGIFINDEX, 0x8)", sk);
	strcpy(r.ifr_name, "nosuch0");
	r.ifr_mtu = 1500;
	rc = ioctl(sk, SIOCSIFMTU, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFMTU, {ifr_name=\"nosuch0\", ifr_mtu=1500})", sk);
	r.ifr_flags = IFF_UP | IFF_RUNNING | IFF_DYNAMIC;
	rc = ioctl(sk, SIOCSIFFLAGS, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFFLAGS, {ifr_name=\"nosuch0\", "
		    "ifr_flags=IFF_UP|IFF_RUNNING|IFF_DYNAMIC})", sk);

	/* SIOCGIFCONF: length only, then the entries. */
	struct ifconf c = {.ifc_len = 0, .ifc_buf = NULL};
	rc = ioctl(sk, SIOCGIFCONF, &c);
	expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, {ifc_len=%s, ifc_buf=NULL})", sk,
		    len_text(c.ifc_len));
	struct ifreq rs[8];
	c.ifc_len = sizeof rs;
	c.ifc_req = rs;
	rc = ioctl(sk, SIOCGIFCONF, &c);
	char entries[2048] = "";
	for (int i = 0; i < c.ifc_len / (int) sizeof(struct ifreq); i++)
		snprintf(entries + strlen(entries), sizeof entries - strlen(entries),
			 "%s{ifr_name=\"%s\", ifr_addr=%s}", i ? ", " : "", rs[i].ifr_name,
			 inet_text(&rs[i].ifr_addr));
	if (c.ifc_len != (int) sizeof rs)
		expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, {ifc_len=%s => %s, ifc_buf=[%s]})", sk,
			    len_text(sizeof rs), len_text(c.ifc_len), entries);
	else
		expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, {ifc_len=%s, ifc_buf=[%s]})", sk,
			    len_text(c.ifc_len), entries);
	/* Too short for one entry: the kernel writes none. */
	c.ifc_len = 7;
	c.ifc_req = (void *) 8;
	rc = ioctl(sk, SIOCGIFCONF, &c);
	expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, {ifc_len=7 => %d, ifc_buf=[]})", sk, c.ifc_len);
	c.ifc_len = sizeof(struct ifreq);
	c.ifc_req = (void *) 8;
	rc = ioctl(sk, SIOCGIFCONF, &c);
	expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, {ifc_len=%s, ifc_buf=0x8})", sk,
		    len_text(sizeof(struct ifreq)));
	rc = ioctl(sk, SIOCGIFCONF, (void *) 8);
	expect_line(result(rc), "ioctl(%d, SIOCGIFCONF, 0x8)", sk);

	/* Plain ints, and a request printed as an address only. */
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	rc = ioctl(tcp, SIOCATMARK, &v);
	expect_line(result(rc), "ioctl(%d, SIOCATMARK, [%d])", tcp, v);
	rc = ioctl(sk, SIOCINQ, &v);
	expect_line(result(rc), "ioctl(%d, FIONREAD, [%d])", sk, v);
	rc = ioctl(sk, SIOCOUTQ, &v);
	expect_line(result(rc), "ioctl(%d, TIOCOUTQ, [%d])", sk, v);
	struct timeval tv;
	rc = ioctl(sk, 0x8906 /* SIOCGSTAMP_OLD */, &tv);
	expect_line(result(rc), "ioctl(%d, SIOCGSTAMP_OLD, %p)", sk, &tv);
	expect_exit(0);
	return 0;
}
