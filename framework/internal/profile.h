/*
 * internal/profile.h — the kernel's sampling profiler (panic/profile.c).
 *
 * With `profile` on the command line, every timer tick records where the CPU it interrupted
 * was: a kernel function (looked up in the embedded symbol table) or user mode. At power off
 * the functions that collected the most samples are printed. Under `-icount` the tick comes
 * every so many instructions, so the samples measure instructions, as `make bench` does;
 * `make profile` (mk/bench.mk) runs one benchmark item that way.
 */
#ifndef FW_INTERNAL_PROFILE_H
#define FW_INTERNAL_PROFILE_H

struct trap_frame;

/* Read the `profile` option (boot CPU, before the timer starts). */
void profile_init(void);
/* Record one sample of the interrupted context. Context: the timer interrupt. */
void profile_tick(const struct trap_frame *f);
/* Print the profile, when one was taken. Context: power off. */
void profile_report(void);

#endif /* FW_INTERNAL_PROFILE_H */
