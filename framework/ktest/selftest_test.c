/*
 * selftest_test.c — tests of the ktest runner itself, which fail on purpose. They run only
 * when named on the command line (`ktest=selftest_crash` ...; `ktest=all` skips selftest_*
 * suites), from tests/framework/test_runner.py, which checks that:
 *   selftest_crash   an unexpected trap, a failed KT_ASSERT and a panic each fail only their
 *                    own test, and the next test still runs;
 *   selftest_triple  a test that kills the machine (triple fault) leaves its suite's plan
 *                    short, which the host counts as failures;
 *   selftest_hang    a test hung with interrupts off is ended by the runner's timeout.
 */
#include <fw/ktest.h>
#include <fw/panic.h>

#include "arch/x86_64/x86.h"

static bool ran_past_assert;

KTEST(selftest_crash, a_traps_unexpectedly)
{
	/* SAFETY: deliberately reads an unmapped address: the runner must survive it. */
	KT_EXPECT(kt, *(volatile int *)(uintptr_t)0xffff900000002000ull == 0);
}

KTEST(selftest_crash, b_assert_fails)
{
	KT_ASSERT(kt, 1 + 1 == 3);
	ran_past_assert = true;
}

KTEST(selftest_crash, c_panics)
{
	fw_panic("selftest panic");
}

KTEST(selftest_crash, d_still_runs)
{
	KT_EXPECT(kt, !ran_past_assert);
}

KTEST(selftest_triple, a_kills_the_machine)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) empty = { 0, 0 };
	/* SAFETY: deliberately loads an empty IDT and raises #BP: #GP, then #DF, then a triple
	 * fault, which resets the machine (QEMU exits under -no-reboot). */
	__asm__ volatile("cli; lidt %0; int3" : : "m"(empty) : "memory");
}

KTEST(selftest_triple, b_never_runs)
{
	KT_EXPECT(kt, true);
}

KTEST(selftest_hang, a_hangs_with_interrupts_off)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}
