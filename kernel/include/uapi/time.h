/*
 * uapi/time.h — Linux's clock identifiers and the time structures of the time system calls
 * (linux/time.h, linux/time_types.h), as plain data. tests/kernel/t_uapi.c compares the
 * layouts against /usr/include.
 */
#ifndef KERNEL_UAPI_TIME_H
#define KERNEL_UAPI_TIME_H

#include <fw/types.h>

/* clockid_t values (linux/time.h). */
#define UAPI_CLOCK_REALTIME 0
#define UAPI_CLOCK_MONOTONIC 1
#define UAPI_CLOCK_PROCESS_CPUTIME_ID 2
#define UAPI_CLOCK_THREAD_CPUTIME_ID 3
#define UAPI_CLOCK_MONOTONIC_RAW 4
#define UAPI_CLOCK_REALTIME_COARSE 5
#define UAPI_CLOCK_MONOTONIC_COARSE 6
#define UAPI_CLOCK_BOOTTIME 7
#define UAPI_CLOCK_REALTIME_ALARM 8
#define UAPI_CLOCK_BOOTTIME_ALARM 9
#define UAPI_CLOCK_TAI 11
#define UAPI_MAX_CLOCKS 16
#define UAPI_TIMER_ABSTIME 0x01 /* clock_nanosleep, timer_settime */

#define UAPI_NSEC_PER_SEC 1000000000ll
#define UAPI_NSEC_PER_USEC 1000ll

struct uapi_timeval {
	i64 tv_sec;
	i64 tv_usec;
};
_Static_assert(sizeof(struct uapi_timeval) == 16, "struct timeval");

/* getitimer/setitimer: the timers (linux/time.h) and struct itimerval. */
#define UAPI_ITIMER_REAL 0
#define UAPI_ITIMER_VIRTUAL 1
#define UAPI_ITIMER_PROF 2

struct uapi_itimerval {
	struct uapi_timeval it_interval;
	struct uapi_timeval it_value;
};
_Static_assert(sizeof(struct uapi_itimerval) == 32, "struct itimerval");

struct uapi_timezone {
	i32 tz_minuteswest;
	i32 tz_dsttime;
};
_Static_assert(sizeof(struct uapi_timezone) == 8, "struct timezone");

/* adjtimex(2) / clock_adjtime(2): struct timex (x86-64 layout, explicit padding). */
struct uapi_timex {
	u32 modes;
	u32 pad0;
	i64 offset, freq, maxerror, esterror;
	i32 status;
	u32 pad1;
	i64 constant, precision, tolerance;
	struct uapi_timeval time;
	i64 tick, ppsfreq, jitter;
	i32 shift;
	u32 pad2;
	i64 stabil, jitcnt, calcnt, errcnt, stbcnt;
	i32 tai;
	u32 reserved[11];
};
_Static_assert(sizeof(struct uapi_timex) == 208, "struct timex");

#define UAPI_ADJ_OFFSET 0x0001
#define UAPI_ADJ_FREQUENCY 0x0002
#define UAPI_ADJ_MAXERROR 0x0004
#define UAPI_ADJ_ESTERROR 0x0008
#define UAPI_ADJ_STATUS 0x0010
#define UAPI_ADJ_TIMECONST 0x0020
#define UAPI_ADJ_TAI 0x0080
#define UAPI_ADJ_SETOFFSET 0x0100
#define UAPI_ADJ_MICRO 0x1000
#define UAPI_ADJ_NANO 0x2000
#define UAPI_ADJ_TICK 0x4000
#define UAPI_ADJ_ADJTIME 0x8000      /* with ADJ_OFFSET: ADJ_OFFSET_SINGLESHOT (adjtime(3)) */
#define UAPI_ADJ_OFFSET_READONLY 0x2000 /* with ADJ_OFFSET_SINGLESHOT: ADJ_OFFSET_SS_READ */

#define UAPI_STA_PLL 0x0001
#define UAPI_STA_PPSFREQ 0x0002
#define UAPI_STA_PPSTIME 0x0004
#define UAPI_STA_FLL 0x0008
#define UAPI_STA_INS 0x0010
#define UAPI_STA_DEL 0x0020
#define UAPI_STA_UNSYNC 0x0040
#define UAPI_STA_FREQHOLD 0x0080
#define UAPI_STA_NANO 0x2000
#define UAPI_STA_RONLY 0xff00 /* PPSSIGNAL..CLK: the kernel's, not the caller's */

#define UAPI_TIME_OK 0
#define UAPI_TIME_ERROR 5

#endif /* KERNEL_UAPI_TIME_H */
