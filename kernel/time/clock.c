/*
 * clock.c — Linux's clocks over the framework's monotonic clock (time/clock.h).
 *
 * MONOTONIC, MONOTONIC_RAW and BOOTTIME are the framework's clock (nanoseconds since reset;
 * Trellis never suspends, so BOOTTIME equals MONOTONIC, and there is no NTP slewing, so RAW
 * does too). REALTIME is MONOTONIC plus an offset fixed at boot from the CMOS RTC and moved
 * by settimeofday/clock_settime (and copied to the vDSO's data page with
 * fw_vdso_set_realtime_offset: the vDSO computes the same sums in user mode, docs/vdso.md);
 * TAI is REALTIME (no leap-second table, as Linux before
 * adjtimex sets one: offset 0). The COARSE clocks read the same counters (Linux serves them
 * from the last tick; a finer value is allowed) and report the tick as their resolution.
 * The CPU-time clocks are a process's (syscall/time.c reads them from proc/usage.h); here, with
 * no process, they read the monotonic clock.
 */
#include <fw/atomic.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/time.h>
#include <fw/vdso.h>
#include <time/clock.h>
#include <uapi/time.h>

DEFINE_ATOMIC(clock_atomic_i64, i64);

/* Wall clock = fw_time_ns() + realtime_offset_ns. */
static struct clock_atomic_i64 realtime_offset_ns;

void clock_init(void)
{
	u64 mono = fw_time_ns();
	i64 rtc = fw_rtc_unix_seconds();
	clock_atomic_i64_store(&realtime_offset_ns, rtc * UAPI_NSEC_PER_SEC - (i64)mono);
	fw_vdso_set_realtime_offset(clock_atomic_i64_load(&realtime_offset_ns));
	if (!rtc)
		fw_warn("clock: the RTC holds no valid date; the wall clock starts at 1970");
}

i64 clock_realtime_ns(void)
{
	return (i64)fw_time_ns() + clock_atomic_i64_load(&realtime_offset_ns);
}

int clock_set_realtime_ns(i64 ns)
{
	if (ns < 0)
		return -EINVAL;
	clock_atomic_i64_store(&realtime_offset_ns, ns - (i64)fw_time_ns());
	fw_vdso_set_realtime_offset(clock_atomic_i64_load(&realtime_offset_ns));
	return 0;
}

int clock_step_realtime_ns(i64 delta)
{
	i64 old = clock_atomic_i64_load(&realtime_offset_ns);
	for (;;) {
		i64 now = (i64)fw_time_ns() + old;
		if ((delta < 0 && now + delta < 0) || (delta > 0 && now > INT64_MAX - delta))
			return -EINVAL;
		if (clock_atomic_i64_cmpxchg(&realtime_offset_ns, &old, old + delta))
			break;
	}
	fw_vdso_set_realtime_offset(clock_atomic_i64_load(&realtime_offset_ns));
	return 0;
}

int clock_read_ns(i64 id, i64 *out)
{
	switch (id) {
	case UAPI_CLOCK_REALTIME:
	case UAPI_CLOCK_REALTIME_COARSE:
	case UAPI_CLOCK_REALTIME_ALARM:
	case UAPI_CLOCK_TAI:
		*out = clock_realtime_ns();
		return 0;
	case UAPI_CLOCK_MONOTONIC:
	case UAPI_CLOCK_MONOTONIC_RAW:
	case UAPI_CLOCK_MONOTONIC_COARSE:
	case UAPI_CLOCK_BOOTTIME:
	case UAPI_CLOCK_BOOTTIME_ALARM:
	case UAPI_CLOCK_PROCESS_CPUTIME_ID:
	case UAPI_CLOCK_THREAD_CPUTIME_ID:
		/* no process here: clock_gettime reads them from proc/usage.h (proc_cpu_ns); a
		 * caller without one (clock_nanosleep) gets the monotonic clock */
		*out = (i64)fw_time_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

i64 clock_res_ns(i64 id)
{
	switch (id) {
	case UAPI_CLOCK_REALTIME_COARSE:
	case UAPI_CLOCK_MONOTONIC_COARSE:
		return (i64)(FW_NSEC_PER_SEC / FW_TICK_HZ);
	default: {
		i64 unused;
		return clock_read_ns(id, &unused) ? -EINVAL : 1;
	}
	}
}
