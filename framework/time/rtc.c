/*
 * rtc.c — the wall clock at boot, read from the CMOS real-time clock (fw/time.h).
 *
 * The MC146818-compatible RTC of the PC is reached through the index port 0x70 and the data
 * port 0x71. Registers: 0x00 seconds, 0x02 minutes, 0x04 hours, 0x07 day of month, 0x08
 * month, 0x09 year (two digits), 0x32 century (where the firmware keeps one; QEMU does),
 * 0x0A status A (bit 7: an update is in progress), 0x0B status B (bit 2: binary instead of
 * BCD, bit 1: 24-hour mode). A reading is taken when no update is in progress and repeated
 * until two consecutive readings agree, so a carry between registers cannot tear it. Bit 7 of
 * the index port masks NMIs on real hardware; it is kept set while the port is in use and
 * cleared after, as firmware leaves it.
 *
 * The RTC is read once, at the first call, under a raw lock (the ports are one shared index
 * register); later calls return the same value. The kernel keeps the wall clock as an offset
 * from the monotonic clock after that (kernel/time/).
 */
#include <fw/time.h>

#include "internal/rawlock.h"
#include "arch/x86_64/x86.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define RTC_NMI_OFF 0x80

enum rtc_reg {
	RTC_SEC = 0x00,
	RTC_MIN = 0x02,
	RTC_HOUR = 0x04,
	RTC_MDAY = 0x07,
	RTC_MON = 0x08,
	RTC_YEAR = 0x09,
	RTC_STATUS_A = 0x0a,
	RTC_STATUS_B = 0x0b,
	RTC_CENTURY = 0x32,
};

#define RTC_A_UIP 0x80
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM 0x80

struct rtc_time {
	u8 sec, min, hour, mday, mon, year, century;
};

static u8 rtc_read(enum rtc_reg reg)
{
	/* SAFETY: 0x70/0x71 are the CMOS index and data ports, owned by this file alone; a read
	 * has no effect beyond selecting the register. */
	outb(RTC_INDEX, (u8)(RTC_NMI_OFF | reg));
	/* SAFETY: as above. */
	return inb(RTC_DATA);
}

static void rtc_snapshot(struct rtc_time *t)
{
	/* Wait out an update in progress (it lasts under 2 ms); bounded so a missing or broken
	 * RTC cannot hang the boot. */
	for (u32 spins = 0; spins < 1000000u && (rtc_read(RTC_STATUS_A) & RTC_A_UIP); spins++)
		;
	t->sec = rtc_read(RTC_SEC);
	t->min = rtc_read(RTC_MIN);
	t->hour = rtc_read(RTC_HOUR);
	t->mday = rtc_read(RTC_MDAY);
	t->mon = rtc_read(RTC_MON);
	t->year = rtc_read(RTC_YEAR);
	t->century = rtc_read(RTC_CENTURY);
}

static bool rtc_same(const struct rtc_time *a, const struct rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->mday == b->mday &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century;
}

static u32 bcd(u8 v)
{
	return (u32)(v >> 4) * 10u + (v & 0x0fu);
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static i64 days_from_civil(i64 y, u32 m, u32 d)
{
	y -= m <= 2;
	i64 era = (y >= 0 ? y : y - 399) / 400;
	u32 yoe = (u32)(y - era * 400);                              /* [0, 399] */
	u32 doy = (153u * (m > 2 ? m - 3 : m + 9) + 2u) / 5u + d - 1; /* [0, 365] */
	u32 doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;          /* [0, 146096] */
	return era * 146097 + (i64)doe - 719468;
}

static struct fw_rawlock rtc_lock = RAW_SPINLOCK_INIT;
static i64 rtc_epoch;   /* guarded by rtc_lock */
static bool rtc_done;   /* guarded by rtc_lock */

static i64 rtc_read_epoch_locked(void);

i64 fw_rtc_unix_seconds(void)
{
	u64 flags = raw_spin_lock_irqsave(&rtc_lock);
	if (!rtc_done) {
		rtc_epoch = rtc_read_epoch_locked();
		rtc_done = true;
	}
	i64 secs = rtc_epoch;
	raw_spin_unlock_irqrestore(&rtc_lock, flags);
	return secs;
}

static i64 rtc_read_epoch_locked(void)
{
	struct rtc_time a, b;
	rtc_snapshot(&a);
	for (int tries = 0; tries < 8; tries++) {
		rtc_snapshot(&b);
		if (rtc_same(&a, &b))
			break;
		a = b;
	}
	u8 status_b = rtc_read(RTC_STATUS_B);
	/* SAFETY: as in rtc_read; index 0x0d (status D) is a harmless read-only register, left
	 * selected with NMIs enabled again. */
	outb(RTC_INDEX, 0x0d);

	bool binary = status_b & RTC_B_BINARY;
	bool pm = !(status_b & RTC_B_24H) && (a.hour & RTC_HOUR_PM);
	u8 hour_raw = (u8)(a.hour & ~RTC_HOUR_PM);
	u32 sec = binary ? a.sec : bcd(a.sec);
	u32 min = binary ? a.min : bcd(a.min);
	u32 hour = binary ? hour_raw : bcd(hour_raw);
	u32 mday = binary ? a.mday : bcd(a.mday);
	u32 mon = binary ? a.mon : bcd(a.mon);
	u32 year = binary ? a.year : bcd(a.year);
	u32 century = binary ? a.century : bcd(a.century);
	if (!(status_b & RTC_B_24H))
		hour = (hour % 12u) + (pm ? 12u : 0u);
	if (century >= 19 && century <= 30)
		year += century * 100u;
	else
		year += year < 70 ? 2000u : 1900u;

	i64 secs = 0;
	if (sec < 60 && min < 60 && hour < 24 && mday >= 1 && mday <= 31 && mon >= 1 && mon <= 12)
		secs = days_from_civil((i64)year, mon, mday) * 86400 + (i64)hour * 3600 +
		       (i64)min * 60 + (i64)sec;
	return secs;
}
