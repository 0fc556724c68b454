// sysrec-test: -e trace=ioctl
/* Request families strace names with a parameter taken from the number: the size
 * (EVIOCGNAME(256)), the number (MIXER_READ(13)), an event type or an axis; " or " joins a
 * table name for the same number. All on fd -1, so every argument prints as an address. */
#include <errno.h>
#include <linux/hiddev.h>
#include <linux/hidraw.h>
#include <linux/input.h>
#include <linux/joystick.h>
#include <linux/soundcard.h>
#include <linux/spi/spidev.h>
#include <linux/uinput.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include "../expect.h"

#define BADF "= -1 EBADF (Bad file descriptor)"

int main(void)
{
	uint64_t d;
	static const struct { unsigned long code; const char *text; } requests[] = {
		{EVIOCGNAME(256), "EVIOCGNAME(256)"},
		{EVIOCGBIT(0, 8), "EVIOCGBIT(0, 8)"},
		{EVIOCGBIT(EV_KEY, 96), "EVIOCGBIT(EV_KEY, 96)"},
		{EVIOCGBIT(7, 8), "EVIOCGBIT(0x7 /* EV_??? */, 8)"},
		{EVIOCGABS(ABS_MT_SLOT), "EVIOCGABS(ABS_MT_SLOT)"},
		{EVIOCGABS(0x3f), "EVIOCGABS(0x3f /* ABS_??? */)"},
		{EVIOCGKEY(64), "EVIOCGKEY(64)"},
		{EVIOCGVERSION, "EVIOCGVERSION"},
		{HIDIOCGRAWNAME(64), "HIDIOCGRAWNAME(64)"},
		{HIDIOCGPHYS(8), "HIDIOCGPHYS(8)"},
		{HIDIOCGVERSION, "HIDIOCGRDESCSIZE or HIDIOCGVERSION"},
		{HIDIOCSFEATURE(16), "HIDIOCSFEATURE(16)"},
		{HIDIOCGFEATURE(16), "HIDIOCGFEATURE(16)"},
		{_IOW('M', 200, int), "MIXER_WRITE(200)"},
		{SOUND_MIXER_READ_VOLUME, "MIXER_READ(0)"},
		{UI_GET_SYSNAME(64), "UI_GET_SYSNAME(64)"},
		{JSIOCGNAME(128), "JSIOCGNAME(128)"},
		{SPI_IOC_MESSAGE(2), "SPI_IOC_MESSAGE(64)"},
		{_IOC(_IOC_READ, 'E', 0x99, 8), "_IOC(_IOC_READ, 0x45, 0x99, 0x8)"},
	};
	for (unsigned i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		ioctl(-1, requests[i].code, &d);
		expect_line(BADF, "ioctl(-1, %s, %p)", requests[i].text, &d);
	}
	expect_exit(0);
	return 0;
}
