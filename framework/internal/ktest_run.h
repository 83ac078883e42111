/*
 * internal/ktest_run.h — the ktest runner's entry points for boot code (ktest/ktest.c).
 */
#ifndef FW_INTERNAL_KTEST_RUN_H
#define FW_INTERNAL_KTEST_RUN_H

#include <fw/types.h>

/* Register the runner's trap stack (so paging_init unmaps its guard). Context: early boot. */
void ktest_early_init(void);

/*
 * ktest_main - if the command line asks for tests (`ktest=all` or `ktest=SUITE`), run them,
 * print KTAP and power off with the verdict; otherwise return.
 * Context: boot CPU, after framework init, interrupts enabled.
 */
void ktest_main(void);

/* Called by the timer tick: ends a test that exceeded its time budget. Context: interrupt. */
void ktest_watchdog_tick(void);

#endif /* FW_INTERNAL_KTEST_RUN_H */
