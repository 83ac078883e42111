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

#define UAPI_NSEC_PER_SEC 1000000000ll
#define UAPI_NSEC_PER_USEC 1000ll

struct uapi_timeval {
	i64 tv_sec;
	i64 tv_usec;
};
_Static_assert(sizeof(struct uapi_timeval) == 16, "struct timeval");

struct uapi_timezone {
	i32 tz_minuteswest;
	i32 tz_dsttime;
};
_Static_assert(sizeof(struct uapi_timezone) == 8, "struct timezone");

#endif /* KERNEL_UAPI_TIME_H */
