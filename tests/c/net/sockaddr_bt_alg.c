// sysrec-test: -e trace=connect
/* Bluetooth addresses, told apart by length (HCI 4/6, SCO 8, RFCOMM 10, L2CAP 12/14), with
 * L2CAP's named dynamic ranges; AF_ALG's NUL-expecting strings (cut with `...` when the NUL is
 * missing, never by -s) and its flags in strace's verbose style. */
#include "net.h"
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static int s;

static void conn(const void *addr, int len, const char *text)
{
	long rc = connect(s, addr, len);
	expect_line(ret_text(rc), "connect(%d, {sa_family=%s}, %d)", s, text, len);
}

int main(void)
{
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct { uint16_t family, dev, channel; } hci = { AF_BLUETOOTH, 3, 2 };
	conn(&hci, 6, "AF_BLUETOOTH, hci_dev=htobs(3), hci_channel=HCI_CHANNEL_MONITOR");
	conn(&hci, 4, "AF_BLUETOOTH, hci_dev=htobs(3)");
	hci.channel = 9;
	conn(&hci, 6, "AF_BLUETOOTH, hci_dev=htobs(3), hci_channel=0x9 /* HCI_CHANNEL_??? */");
	struct { uint16_t family; uint8_t b[6]; uint8_t channel, pad; } rc =
		{ AF_BLUETOOTH, { 1, 2, 3, 0xaa, 0xbb, 0xcc }, 7 };
	conn(&rc, 8, "AF_BLUETOOTH, sco_bdaddr=01:02:03:aa:bb:cc");
	conn(&rc, 10, "AF_BLUETOOTH, rc_bdaddr=01:02:03:aa:bb:cc, rc_channel=7");
	conn(&rc, 9, "AF_BLUETOOTH, sa_data=\"\\1\\2\\3\\252\\273\\314\\7\"");
	struct { uint16_t family, psm; uint8_t b[6]; uint16_t cid; uint8_t type, pad; }
		__attribute__((packed)) l2 = { AF_BLUETOOTH, 1, { 1, 2, 3, 4, 5, 6 }, 4, 1 };
	conn(&l2, 14, "AF_BLUETOOTH, l2_psm=htobs(L2CAP_PSM_SDP), l2_bdaddr=01:02:03:04:05:06, "
	     "l2_cid=htobs(L2CAP_CID_ATT), l2_bdaddr_type=BDADDR_LE_PUBLIC");
	conn(&l2, 12, "AF_BLUETOOTH, l2_psm=htobs(L2CAP_PSM_SDP), l2_bdaddr=01:02:03:04:05:06, "
	     "l2_cid=htobs(L2CAP_CID_ATT)");
	static const struct { uint16_t psm, cid; uint8_t type; const char *text; } l2s[] = {
		{ 5, 8, 3, "htobs(0x5 /* L2CAP_PSM_??? */), l2_bdaddr=01:02:03:04:05:06, "
		  "l2_cid=htobs(0x8 /* L2CAP_CID_??? */), l2_bdaddr_type=0x3 /* BDADDR_??? */" },
		{ 0x90, 0x41, 2, "htobs(L2CAP_PSM_LE_DYN_START+16), l2_bdaddr=01:02:03:04:05:06, "
		  "l2_cid=htobs(L2CAP_CID_DYN_START+1), l2_bdaddr_type=BDADDR_LE_RANDOM" },
		{ 0x100, 0x7f, 0, "htobs(0x100 /* L2CAP_PSM_??? */), l2_bdaddr=01:02:03:04:05:06, "
		  "l2_cid=htobs(L2CAP_CID_LE_DYN_END), l2_bdaddr_type=BDADDR_BREDR" },
		{ 0x1100, 0, 0, "htobs(L2CAP_PSM_DYN_START+255), l2_bdaddr=01:02:03:04:05:06, "
		  "l2_cid=htobs(0 /* L2CAP_CID_??? */), l2_bdaddr_type=BDADDR_BREDR" },
		{ 0xffff, 0x80, 0, "htobs(L2CAP_PSM_DYN_END), l2_bdaddr=01:02:03:04:05:06, "
		  "l2_cid=htobs(L2CAP_CID_DYN_START+64), l2_bdaddr_type=BDADDR_BREDR" },
	};
	for (unsigned i = 0; i < sizeof(l2s) / sizeof(l2s[0]); i++) {
		char text[256];
		l2.psm = l2s[i].psm;
		l2.cid = l2s[i].cid;
		l2.type = l2s[i].type;
		snprintf(text, sizeof(text), "AF_BLUETOOTH, l2_psm=%s", l2s[i].text);
		conn(&l2, 14, text);
	}

	struct { uint16_t family; char type[14]; uint32_t feat, mask; char name[64]; } alg =
		{ AF_ALG, "hash", 0, 0, "sha256" };
	conn(&alg, sizeof(alg), "AF_ALG, salg_type=\"hash\", salg_feat=0, salg_mask=0, salg_name=\"sha256\"");
	conn(&alg, 30, "AF_ALG, salg_type=\"hash\", salg_feat=0, salg_mask=0, salg_name=\"sha25\"...");
	conn(&alg, 24, "AF_ALG, sa_data=\"hash\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"");
	alg.feat = 0x1000;
	alg.mask = 0x1001;
	memcpy(alg.type, "abcdefghijklmn", 14);
	memset(alg.name, 'x', sizeof(alg.name));
	conn(&alg, sizeof(alg), "AF_ALG, salg_type=\"abcdefghijklm\"..., "
	     "salg_feat=0x1000 /* CRYPTO_ALG_KERN_DRIVER_ONLY */, "
	     "salg_mask=0x1001 /* CRYPTO_ALG_KERN_DRIVER_ONLY|0x1 */, salg_name=\"xxxxxxxxxxxxxxxxxxxx"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"...");
	alg.feat = 1;
	conn(&alg, 28, "AF_ALG, salg_type=\"abcdefghijklm\"..., salg_feat=0x1 /* CRYPTO_ALG_??? */, "
	     "salg_mask=0x1001 /* CRYPTO_ALG_KERN_DRIVER_ONLY|0x1 */, salg_name=\"xxx\"...");

	expect_exit(0);
	return 0;
}
