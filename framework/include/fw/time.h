/*
 * fw/time.h — the monotonic clock, the periodic tick and the boot-time wall clock (RTC).
 *
 * fw_time_ns() counts nanoseconds since the machine was reset (the CPU's time-stamp counter
 * starts at 0 with the virtual machine, so the first log line's stamp is the time the firmware
 * took). The source is the TSC, calibrated against the PIT at boot; where the TSC is missing,
 * does not advance, or gives inconsistent calibrations, the HPET main counter is used instead
 * (`clock=hpet` on the command line forces it). The tick is the local APIC timer in periodic
 * mode at FW_TICK_HZ.
 */
#ifndef FW_TIME_H
#define FW_TIME_H

#include <fw/types.h>

#define FW_TICK_HZ 250u
#define FW_NSEC_PER_SEC 1000000000ull
#define FW_NSEC_PER_MSEC 1000000ull
#define FW_NSEC_PER_USEC 1000ull

/*
 * fw_time_ns - monotonic nanoseconds since reset.
 * Guarantees: never decreases, as seen from any one CPU (and across CPUs: readings are clamped
 *             to the largest value returned so far).
 * Context: any.
 */
u64 fw_time_ns(void);

/*
 * fw_time_coarse_ns - the latest fw_time_ns() reading any CPU took (the tick takes one at
 * least every tick): at most a tick behind, never ahead, and a plain load. For deadlines that
 * need no precision (a user time slice). Context: any.
 */
u64 fw_time_coarse_ns(void);

/*
 * fw_time_ticks - number of timer ticks since the tick was started (0 before that).
 * Context: any.
 */
u64 fw_time_ticks(void);

/*
 * fw_time_boot_entry_ns - fw_time_ns() at the first instruction of the kernel.
 * Context: any, after boot.
 */
u64 fw_time_boot_entry_ns(void);

/*
 * fw_time_source_is_tsc - whether fw_time_ns() reads the TSC (false: the HPET fallback).
 * Context: any, after boot.
 */
bool fw_time_source_is_tsc(void);

/*
 * fw_rtc_unix_seconds - the wall-clock time read from the CMOS real-time clock, in seconds
 * since 1970-01-01 00:00:00 UTC (the RTC is assumed to keep UTC, as QEMU's does by default).
 * Read from the hardware at the first call and cached: every later call returns the same
 * value, so pair it with fw_time_ns() taken at the first call to keep a running wall clock.
 * Returns 0 when the RTC holds no valid date.
 * Context: any (takes an IRQ-disabling raw lock the first time; spins at most ~2 ms).
 */
i64 fw_rtc_unix_seconds(void);

#endif /* FW_TIME_H */
