/*
 * time.c — reading and setting the clocks: clock_gettime, clock_getres, clock_settime,
 * gettimeofday, settimeofday, time, adjtimex, clock_adjtime (time/clock.h keeps the clocks).
 *
 * Linux's order of checks is kept: copy in (EFAULT), validate (EINVAL), then privilege (EPERM),
 * so an unprivileged caller with a bad value sees EINVAL as on Linux.
 */
#include <fw/errno.h>
#include <fw/sync.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <time/clock.h>
#include <time/cpu_clock.h>
#include <time/timerfd.h>
#include <uapi/misc.h>
#include <uapi/time.h>

DEFINE_UCOPY(utime_timespec, struct uapi_timespec);
DEFINE_UCOPY(utime_timeval, struct uapi_timeval);
DEFINE_UCOPY(utime_timezone, struct uapi_timezone);
DEFINE_UCOPY(utime_i64, i64);

/* The time zone settimeofday stores and gettimeofday reports (Linux keeps it for old
 * programs; the kernel itself ignores it). */
static struct uapi_timezone sys_tz;

static struct uapi_timespec ns_to_timespec(i64 ns)
{
	return (struct uapi_timespec){ .tv_sec = ns / UAPI_NSEC_PER_SEC, .tv_nsec = ns % UAPI_NSEC_PER_SEC };
}

/* settime_allowed - CAP_SYS_TIME, which Trellis has as effective uid 0. */
static bool settime_allowed(const struct thread *p)
{
	return p->fs.cred.euid == 0;
}

/* cpu_clock_read - the value of CPU clock `cid` (time/cpu_clock.h): 0, or -EINVAL. */
static int cpu_clock_read(struct thread *p, int cid, i64 *ns)
{
	struct thread *t = cpu_clock_owner(p, cid);
	if (!t)
		return -EINVAL;
	if (t->leader == p->leader)
		proc_acct_publish(p); /* the caller's own time, up to now */
	*ns = (i64)cpu_clock_read_ns(t, cid);
	proc_put(t);
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, int, clockid, uptr, tp)
{
	i64 ns;
	int cid = cpu_clock_id(clockid);
	int err = cid ? cpu_clock_read(p, cid, &ns) : clock_read_ns(clockid, &ns);
	if (err)
		return err;
	struct uapi_timespec ts = ns_to_timespec(ns);
	return utime_timespec_to_user(&ts, tp) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, clockid, uptr, res)
{
	i64 r;
	int cid = cpu_clock_id(clockid);
	if (cid) {
		struct thread *t = cpu_clock_owner(p, cid);
		if (!t)
			return -EINVAL;
		proc_put(t);
		/* Linux: a nanosecond for the SCHED clocks, a tick for PROF and VIRT */
		r = (cid & CPU_CLOCK_WHICH_MASK) == CPU_CLOCK_SCHED
			    ? 1
			    : (i64)((UAPI_NSEC_PER_SEC + FW_TICK_HZ - 1) / FW_TICK_HZ);
	} else {
		r = clock_res_ns(clockid);
		if (r < 0)
			return r;
	}
	if (!res.v)
		return 0;
	struct uapi_timespec ts = ns_to_timespec(r);
	return utime_timespec_to_user(&ts, res) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(gettimeofday, uptr, tv, uptr, tz)
{
	(void)p;
	if (tv.v) {
		i64 ns = clock_realtime_ns();
		struct uapi_timeval t = { .tv_sec = ns / UAPI_NSEC_PER_SEC,
					  .tv_usec = (ns % UAPI_NSEC_PER_SEC) / UAPI_NSEC_PER_USEC };
		if (utime_timeval_to_user(&t, tv))
			return -EFAULT;
	}
	if (tz.v) {
		struct uapi_timezone z = sys_tz;
		if (utime_timezone_to_user(&z, tz))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, uptr, tloc)
{
	(void)p;
	i64 secs = clock_realtime_ns() / UAPI_NSEC_PER_SEC;
	if (tloc.v && utime_i64_to_user(&secs, tloc))
		return -EFAULT;
	return secs;
}

/* set_realtime - the common end of settimeofday and clock_settime(CLOCK_REALTIME). */
static i64 set_realtime(const struct thread *p, const struct uapi_timespec *ts,
			const struct uapi_timezone *tz)
{
	if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= UAPI_NSEC_PER_SEC ||
		   ts->tv_sec >= INT64_MAX / UAPI_NSEC_PER_SEC))
		return -EINVAL;
	if (tz && (tz->tz_minuteswest > 15 * 60 || tz->tz_minuteswest < -15 * 60))
		return -EINVAL;
	if (!settime_allowed(p))
		return -EPERM;
	if (tz)
		sys_tz = *tz;
	if (ts) {
		int e = clock_set_realtime_ns(ts->tv_sec * UAPI_NSEC_PER_SEC + ts->tv_nsec);
		if (!e)
			timerfd_clock_was_set(); /* TFD_TIMER_CANCEL_ON_SET timers are cancelled */
		return e;
	}
	return 0;
}

SYSCALL_DEFINE2(settimeofday, uptr, tv, uptr, tz)
{
	struct uapi_timeval t;
	struct uapi_timezone z;
	struct uapi_timespec ts = { 0 };
	if (tv.v) {
		if (utime_timeval_from_user(&t, tv))
			return -EFAULT;
		if (t.tv_usec < 0 || t.tv_usec >= 1000000)
			return -EINVAL;
		ts = (struct uapi_timespec){ .tv_sec = t.tv_sec, .tv_nsec = t.tv_usec * UAPI_NSEC_PER_USEC };
	}
	if (tz.v && utime_timezone_from_user(&z, tz))
		return -EFAULT;
	return set_realtime(p, tv.v ? &ts : NULL, tz.v ? &z : NULL);
}

/* clock_settime: only the wall clock can be set, as on Linux (the others are EINVAL; a CPU
 * clock named by a negative id is EPERM once it is found valid). */
SYSCALL_DEFINE2(clock_settime, int, clockid, uptr, tp)
{
	i64 unused;
	bool cpu = clockid < 0;
	if (cpu) {
		struct thread *t = cpu_clock_owner(p, clockid);
		if (!t)
			return -EINVAL;
		proc_put(t);
	} else if (clock_read_ns(clockid, &unused)) {
		return -EINVAL;
	}
	struct uapi_timespec ts;
	if (utime_timespec_from_user(&ts, tp))
		return -EFAULT;
	if (cpu)
		return -EPERM;
	if (clockid != UAPI_CLOCK_REALTIME)
		return -EINVAL;
	return set_realtime(p, &ts, NULL);
}

/*
 * adjtimex and clock_adjtime(CLOCK_REALTIME): the clock's NTP state as Linux reports it, and
 * the changes Trellis can honour. There is no NTP discipline (no PLL/FLL, no frequency or
 * tick adjustment, no slewing, no leap seconds, no TAI offset): the modes that would drive one
 * (ADJ_OFFSET, ADJ_FREQUENCY, ADJ_TIMECONST, ADJ_TAI, ADJ_TICK, adjtime(3)'s single-shot
 * offset, and status bits other than STA_UNSYNC) are -EINVAL after Linux's own checks. What
 * works: reading (modes 0, or ADJ_OFFSET_SS_READ: no adjtime(3) is ever in progress),
 * ADJ_SETOFFSET (steps the wall clock), ADJ_MAXERROR and ADJ_ESTERROR (the error estimates
 * an NTP daemon keeps; the maximum error grows by 500 us a second up to 16 s, as Linux's, and
 * reaching it marks the clock unsynchronised), ADJ_STATUS's STA_UNSYNC, ADJ_MICRO/ADJ_NANO
 * (the unit of `time` and `offset`). The return value is TIME_ERROR while STA_UNSYNC is set
 * (as from boot), else TIME_OK.
 */
#define NTP_PHASE_LIMIT 16000000ll /* us: Linux's (MAXPHASE / NSEC_PER_USEC) << 5 */
#define NTP_MAXERROR_GROWTH 500ll  /* us a second: Linux's MAXFREQ / NSEC_PER_USEC */
#define NTP_TICK_USEC 10000ll      /* 1,000,000 / USER_HZ (100) */
#define NTP_TOLERANCE 32768000ll   /* 500 ppm << 16: Linux's MAXFREQ_SCALED / PPM_SCALE */
#define NTP_TIME_CONSTANT 2ll
#define NTP_SUPPORTED_MODES                                                                 \
	(UAPI_ADJ_MAXERROR | UAPI_ADJ_ESTERROR | UAPI_ADJ_STATUS | UAPI_ADJ_SETOFFSET |     \
	 UAPI_ADJ_MICRO | UAPI_ADJ_NANO)

DEFINE_UCOPY(utime_timex, struct uapi_timex);

static struct spinlock ntp_lock = SPINLOCK_INIT(ntp_lock);
static i32 ntp_status GUARDED_BY(&ntp_lock) = UAPI_STA_UNSYNC;
static i64 ntp_maxerror GUARDED_BY(&ntp_lock) = NTP_PHASE_LIMIT; /* at ntp_maxerror_at */
static u64 ntp_maxerror_at GUARDED_BY(&ntp_lock);                 /* fw_time_ns */
static i64 ntp_esterror GUARDED_BY(&ntp_lock) = NTP_PHASE_LIMIT;

/* ntp_maxerror_now - the maximum error now (grown since it was set); reaching the limit
 * marks the clock unsynchronised, as Linux's second_overflow does. */
static i64 ntp_maxerror_now(u64 now) REQUIRES(&ntp_lock)
{
	u64 secs = (now - ntp_maxerror_at) / (u64)UAPI_NSEC_PER_SEC;
	i64 e = secs >= (u64)NTP_PHASE_LIMIT ? NTP_PHASE_LIMIT
					     : ntp_maxerror + (i64)secs * NTP_MAXERROR_GROWTH;
	if (e >= NTP_PHASE_LIMIT) {
		e = NTP_PHASE_LIMIT;
		ntp_status |= UAPI_STA_UNSYNC;
	}
	return e;
}

/* adjtimex_validate - Linux's ntp_validate_timex: the permission and range checks, in its
 * order. */
static int adjtimex_validate(const struct thread *p, const struct uapi_timex *tx)
{
	u32 m = tx->modes;
	if (m & UAPI_ADJ_ADJTIME) {
		if ((m & UAPI_ADJ_OFFSET) == 0 || (m & ~(UAPI_ADJ_ADJTIME | UAPI_ADJ_OFFSET |
							UAPI_ADJ_OFFSET_READONLY)))
			return -EINVAL; /* single-shot must come alone */
		if (!(m & UAPI_ADJ_OFFSET_READONLY) && !settime_allowed(p))
			return -EPERM;
	} else {
		if (m && !settime_allowed(p))
			return -EPERM;
		if ((m & UAPI_ADJ_TICK) &&
		    (tx->tick < 900000 / 100 || tx->tick > 1100000 / 100))
			return -EINVAL;
	}
	if (m & UAPI_ADJ_SETOFFSET) {
		if (!settime_allowed(p))
			return -EPERM;
		i64 limit = (m & UAPI_ADJ_NANO) ? UAPI_NSEC_PER_SEC : 1000000;
		if (tx->time.tv_usec < 0 || tx->time.tv_usec >= limit)
			return -EINVAL;
	}
	if ((m & UAPI_ADJ_FREQUENCY) &&
	    (tx->freq < INT64_MIN / 1000 || tx->freq > INT64_MAX / 1000))
		return -EINVAL;
	return 0;
}

/* do_adjtimex - the common part: 0 and *tx filled in with the state, or -errno. */
static i64 do_adjtimex(const struct thread *p, struct uapi_timex *tx)
{
	int e = adjtimex_validate(p, tx);
	if (e)
		return e;
	u32 m = tx->modes;
	bool ss_read = (m & UAPI_ADJ_ADJTIME) && (m & UAPI_ADJ_OFFSET_READONLY);
	if (!ss_read && (m & ~(u32)NTP_SUPPORTED_MODES))
		return -EINVAL; /* a discipline Trellis does not have (see above) */
	if ((m & UAPI_ADJ_STATUS) &&
	    (tx->status & ~UAPI_STA_RONLY & ~(UAPI_STA_UNSYNC | UAPI_STA_NANO)))
		return -EINVAL;
	if (m & UAPI_ADJ_SETOFFSET) {
		i64 unit = (m & UAPI_ADJ_NANO) ? 1 : UAPI_NSEC_PER_USEC;
		if (tx->time.tv_sec > INT64_MAX / UAPI_NSEC_PER_SEC - 1 ||
		    tx->time.tv_sec < INT64_MIN / UAPI_NSEC_PER_SEC + 1)
			return -EINVAL;
		e = clock_step_realtime_ns(tx->time.tv_sec * UAPI_NSEC_PER_SEC +
					   tx->time.tv_usec * unit);
		if (e)
			return e;
		timerfd_clock_was_set(); /* as settimeofday: CANCEL_ON_SET timerfds */
	}
	u64 now = fw_time_ns();
	spin_lock(&ntp_lock);
	if (m & UAPI_ADJ_NANO)
		ntp_status |= UAPI_STA_NANO;
	if (m & UAPI_ADJ_MICRO)
		ntp_status &= ~UAPI_STA_NANO;
	if (m & UAPI_ADJ_STATUS)
		ntp_status = (ntp_status & UAPI_STA_RONLY) | (ntp_status & UAPI_STA_NANO) |
			     (tx->status & UAPI_STA_UNSYNC);
	if (m & UAPI_ADJ_MAXERROR) {
		ntp_maxerror = tx->maxerror < 0 ? 0 : tx->maxerror;
		ntp_maxerror_at = now;
	}
	if (m & UAPI_ADJ_ESTERROR)
		ntp_esterror = tx->esterror < 0 ? 0 : tx->esterror;
	i64 maxerror = ntp_maxerror_now(now);
	i32 status = ntp_status;
	i64 esterror = ntp_esterror;
	spin_unlock(&ntp_lock);
	i64 rt = clock_realtime_ns();
	bool nano = (status & UAPI_STA_NANO) != 0;
	struct uapi_timex out = {
		.modes = tx->modes,
		.maxerror = maxerror,
		.esterror = esterror,
		.status = status,
		.constant = NTP_TIME_CONSTANT,
		.precision = 1,
		.tolerance = NTP_TOLERANCE,
		.time = { .tv_sec = rt / UAPI_NSEC_PER_SEC,
			  .tv_usec = nano ? rt % UAPI_NSEC_PER_SEC
					  : rt % UAPI_NSEC_PER_SEC / UAPI_NSEC_PER_USEC },
		.tick = NTP_TICK_USEC,
	};
	*tx = out;
	return (status & UAPI_STA_UNSYNC) ? UAPI_TIME_ERROR : UAPI_TIME_OK;
}

SYSCALL_DEFINE1(adjtimex, uptr, buf)
{
	struct uapi_timex tx;
	if (utime_timex_from_user(&tx, buf))
		return -EFAULT;
	i64 r = do_adjtimex(p, &tx);
	if (r >= 0 && utime_timex_to_user(&tx, buf))
		return -EFAULT;
	return r;
}

/* clock_adjtime(clock, tx): CLOCK_REALTIME is adjtimex; Linux's other clocks (the CPU
 * clocks too) cannot be adjusted (EOPNOTSUPP), an unknown one is EINVAL. */
SYSCALL_DEFINE2(clock_adjtime, int, clockid, uptr, buf)
{
	struct uapi_timex tx;
	if (utime_timex_from_user(&tx, buf))
		return -EFAULT;
	i64 unused;
	if (clockid < 0) /* Linux: a CPU clock has no adjustment; which 3 is a PTP clock's fd */
		return (clockid & 7) == 3 ? -EINVAL : -EOPNOTSUPP;
	if (clock_read_ns(clockid, &unused))
		return -EINVAL;
	if (clockid != UAPI_CLOCK_REALTIME)
		return -EOPNOTSUPP;
	i64 r = do_adjtimex(p, &tx);
	if (r >= 0 && utime_timex_to_user(&tx, buf))
		return -EFAULT;
	return r;
}
