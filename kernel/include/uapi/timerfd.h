/*
 * uapi/timerfd.h — timerfd's flags and struct itimerspec (linux/timerfd.h, linux/time_types.h),
 * as plain data.
 */
#ifndef KERNEL_UAPI_TIMERFD_H
#define KERNEL_UAPI_TIMERFD_H

#include <fw/types.h>

struct uapi_itimerspec {
	i64 interval_sec, interval_nsec; /* it_interval */
	i64 value_sec, value_nsec;       /* it_value */
};
_Static_assert(sizeof(struct uapi_itimerspec) == 32, "struct itimerspec");

#define UAPI_TFD_TIMER_ABSTIME (1u << 0)
#define UAPI_TFD_TIMER_CANCEL_ON_SET (1u << 1)
#define UAPI_TFD_CLOEXEC 02000000u /* O_CLOEXEC */
#define UAPI_TFD_NONBLOCK 04000u   /* O_NONBLOCK */

#endif /* KERNEL_UAPI_TIMERFD_H */
