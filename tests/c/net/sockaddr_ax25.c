// sysrec-test: -e trace=connect -s 3
/* AF_AX25: callsigns as text when sane, raw bytes with the text in a comment when odd, raw
 * only when the text would not print; the full form with digipeaters, cut by the length and,
 * as any array, after -s entries (-s 3 here; raw callsigns are never cut). */
#include "net.h"
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

struct ax25 { unsigned char c[7]; };
struct full { uint16_t family; struct ax25 call; int ndigis; struct ax25 digi[8]; };

static int s;

/* A callsign as AX.25 stores it: six characters shifted left, blank-padded, then the SSID. */
static struct ax25 callsign(const char *text, int ssid)
{
	struct ax25 a;
	size_t n = strlen(text);
	for (size_t i = 0; i < 6; i++)
		a.c[i] = (i < n ? text[i] : ' ') << 1;
	a.c[6] = ssid << 1;
	return a;
}

static void conn(const void *addr, int len, const char *text)
{
	long rc = connect(s, addr, len);
	expect_line(ret_text(rc), "connect(%d, {sa_family=AF_AX25, %s}, %d)", s, text, len);
}

int main(void)
{
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct full a = { AF_AX25, callsign("N0CALL", 5) };
	conn(&a, 16, "sax25_call=N0CALL-5, sax25_ndigis=0");
	a.call = callsign("AB1", 12);
	conn(&a, 16, "sax25_call=AB1-12, sax25_ndigis=0");
	a.call = callsign("", 0);
	conn(&a, 16, "sax25_call=*, sax25_ndigis=0");
	a.call = callsign("ab", 0);
	conn(&a, 16, "sax25_call={ax25_call=\"\\xc2\\xc4\\x40\\x40\\x40\\x40\\x00\"} /* ab-0 */, sax25_ndigis=0");
	a.call = callsign("A B", 0);
	conn(&a, 16, "sax25_call={ax25_call=\"\\x82\\x40\\x84\\x40\\x40\\x40\\x00\"} /* A B-0 */, sax25_ndigis=0");
	a.call = callsign("A*", 0);
	conn(&a, 16, "sax25_call={ax25_call=\"\\x82\\x54\\x40\\x40\\x40\\x40\\x00\"}, sax25_ndigis=0");
	a.call = callsign("N0CALL", 0);
	a.call.c[6] = 0x61;
	conn(&a, 16, "sax25_call={ax25_call=\"\\x9c\\x60\\x86\\x82\\x98\\x98\\x61\"} /* N0CALL-0 */, "
	     "sax25_ndigis=0");

	a.call = callsign("N0CALL", 1);
	a.ndigis = 2;
	a.digi[0] = callsign("DIGI1", 0);
	a.digi[1] = callsign("DIGI2", 3);
	conn(&a, 16 + 14, "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=2}, fsa_digipeater=[DIGI1-0, DIGI2-3]");
	conn(&a, 16 + 10, "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=2}, fsa_digipeater=[DIGI1-0, ...], ...");
	conn(&a, 16 + 7, "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=2}, fsa_digipeater=[DIGI1-0, ...]");
	conn(&a, sizeof(a), "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=2}, fsa_digipeater=[DIGI1-0, DIGI2-3]");
	a.ndigis = 0;
	conn(&a, 20, "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=0}, ...");
	a.ndigis = 5;
	a.digi[2] = callsign("DIGI3", 0);
	a.digi[3] = callsign("DIGI4", 0);
	conn(&a, sizeof(a), "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=5}, "
	     "fsa_digipeater=[DIGI1-0, DIGI2-3, DIGI3-0, ...]");
	a.ndigis = -1;
	conn(&a, 16, "fsa_ax25={sax25_call=N0CALL-1, sax25_ndigis=-1}");
	expect_exit(0);
	return 0;
}
