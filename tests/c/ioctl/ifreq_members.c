// sysrec-test: -e trace=ioctl
/* The other struct ifreq members (map, netmask, broadcast and peer addresses, queue length,
 * metric, new name, hardware addresses of several types), bridge requests, and socket owner
 * ints. Every set request names an interface that does not exist, so nothing changes. */
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
	case ENXIO: return "= -1 ENXIO (No such device or address)";
	case EADDRNOTAVAIL: return "= -1 EADDRNOTAVAIL (Cannot assign requested address)";
	}
	return "= -1 E??? (unexpected)";
}

static const char *inet_text(const struct sockaddr *sa)
{
	static char bufs[2][128];
	static int k;
	char *buf = bufs[k ^= 1];
	const struct sockaddr_in *in = (const void *) sa;
	snprintf(buf, 128, "{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
		 ntohs(in->sin_port), inet_ntoa(in->sin_addr));
	return buf;
}

int main(void)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0), v = getpid();
	struct ifreq r;
	memset(&r, 0, sizeof r);
	strcpy(r.ifr_name, "lo");
	long rc = ioctl(sk, SIOCGIFMAP, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFMAP, {ifr_name=\"lo\", ifr_map={mem_start=%#lx, "
		    "mem_end=%#lx, base_addr=%#x, irq=%#x, dma=%#x, port=%#x}})", sk,
		    r.ifr_map.mem_start, r.ifr_map.mem_end, r.ifr_map.base_addr, r.ifr_map.irq,
		    r.ifr_map.dma, r.ifr_map.port);
	static const struct { unsigned long req; const char *name, *member; } addrs[] = {
		{SIOCGIFNETMASK, "SIOCGIFNETMASK", "ifr_netmask"},
		{SIOCGIFBRDADDR, "SIOCGIFBRDADDR", "ifr_broadaddr"},
		{SIOCGIFDSTADDR, "SIOCGIFDSTADDR", "ifr_dstaddr"},
	};
	for (unsigned i = 0; i < 3; i++) {
		rc = ioctl(sk, addrs[i].req, &r);
		if (rc == 0)
			expect_line(result(rc), "ioctl(%d, %s, {ifr_name=\"lo\", %s=%s})", sk,
				    addrs[i].name, addrs[i].member, inet_text(&r.ifr_addr));
		else
			expect_line(result(rc), "ioctl(%d, %s, {ifr_name=\"lo\"})", sk, addrs[i].name);
	}
	rc = ioctl(sk, SIOCGIFTXQLEN, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFTXQLEN, {ifr_name=\"lo\", ifr_qlen=%d})", sk, r.ifr_qlen);
	rc = ioctl(sk, SIOCGIFMETRIC, &r);
	expect_line(result(rc), "ioctl(%d, SIOCGIFMETRIC, {ifr_name=\"lo\", ifr_metric=%d})", sk,
		    r.ifr_metric);

	memset(&r, 0, sizeof r);
	strcpy(r.ifr_name, "nosuch0");
	strcpy(r.ifr_newname, "newname");
	rc = ioctl(sk, SIOCSIFNAME, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFNAME, {ifr_name=\"nosuch0\", ifr_newname=\"newname\"})", sk);
	memset(&r.ifr_hwaddr, 0, sizeof r.ifr_hwaddr);
	memcpy(r.ifr_hwaddr.sa_data, "\x01\x02\x03\x04\x05\x06\x07", 7);
	r.ifr_hwaddr.sa_family = 1;
	rc = ioctl(sk, SIOCSIFHWADDR, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFHWADDR, {ifr_name=\"nosuch0\", ifr_hwaddr={"
		    "sa_family=ARPHRD_ETHER, sa_data=01:02:03:04:05:06}})", sk);
	r.ifr_hwaddr.sa_family = 0xfffe;
	rc = ioctl(sk, SIOCSIFHWADDR, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFHWADDR, {ifr_name=\"nosuch0\", ifr_hwaddr={"
		    "sa_family=ARPHRD_NONE, sa_data=01:02:03:04:05:06:07:00:00:00:00:00:00:00}})", sk);
	r.ifr_hwaddr.sa_family = 999;
	rc = ioctl(sk, SIOCSIFHWADDR, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFHWADDR, {ifr_name=\"nosuch0\", ifr_hwaddr={"
		    "sa_family=0x3e7 /* ARPHRD_??? */, sa_data=01:02:03:04:05:06:07:00:00:00:00:00:00:00}})", sk);
	memset(&r.ifr_addr, 0, sizeof r.ifr_addr);
	struct sockaddr_in *in = (void *) &r.ifr_addr;
	in->sin_family = AF_INET;
	in->sin_port = htons(5);
	in->sin_addr.s_addr = inet_addr("10.1.2.3");
	rc = ioctl(sk, SIOCSIFADDR, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFADDR, {ifr_name=\"nosuch0\", ifr_addr=%s})", sk,
		    inet_text(&r.ifr_addr));
	memset(&r.ifr_map, 0, sizeof r.ifr_map);
	r.ifr_map.mem_start = 0x1000;
	r.ifr_map.irq = 5;
	rc = ioctl(sk, SIOCSIFMAP, &r);
	expect_line(result(rc), "ioctl(%d, SIOCSIFMAP, {ifr_name=\"nosuch0\", ifr_map={mem_start=0x1000, "
		    "mem_end=0, base_addr=0, irq=0x5, dma=0, port=0}})", sk);

	/* Bridges: a name (cut at IFNAMSIZ) or an interface index. */
	rc = ioctl(sk, SIOCBRDELBR, "nosuch-bridge-name");
	expect_line(result(rc), "ioctl(%d, SIOCBRDELBR, \"nosuch-bridge-na\"...)", sk);
	rc = ioctl(sk, SIOCBRDELBR, "nosuchbr0");
	expect_line(result(rc), "ioctl(%d, SIOCBRDELBR, \"nosuchbr0\")", sk);
	rc = ioctl(sk, SIOCBRADDBR, (void *) 8);
	expect_line(result(rc), "ioctl(%d, SIOCBRADDBR, 0x8)", sk);
	r.ifr_ifindex = 1; /* lo */
	rc = ioctl(sk, SIOCBRADDIF, &r);
	expect_line(result(rc), "ioctl(%d, SIOCBRADDIF, {ifr_ifindex=if_nametoindex(\"lo\")})", sk);
	r.ifr_ifindex = 99999;
	rc = ioctl(sk, SIOCBRDELIF, &r);
	expect_line(result(rc), "ioctl(%d, SIOCBRDELIF, {ifr_ifindex=99999})", sk);

	/* Socket owner: an int behind the pointer, read or written. */
	rc = ioctl(sk, FIOSETOWN, &v);
	expect_line(result(rc), "ioctl(%d, FIOSETOWN, [%d])", sk, v);
	v = 0;
	rc = ioctl(sk, FIOGETOWN, &v);
	expect_line(result(rc), "ioctl(%d, FIOGETOWN, [%d])", sk, v);
	rc = ioctl(sk, SIOCGPGRP, &v);
	expect_line(result(rc), "ioctl(%d, SIOCGPGRP, [%d])", sk, v);
	rc = ioctl(sk, SIOCOUTQNSD, &v);
	expect_line(result(rc), "ioctl(%d, SIOCOUTQNSD, %p)", sk, &v);
	expect_exit(0);
	return 0;
}
