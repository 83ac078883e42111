/*
 * power.c — stopping: the isa-debug-exit port the test runner attaches (iobase 0xf4, 4 bytes),
 * and a halt loop.
 */
#include "internal/power.h"
#include "arch/x86_64/x86.h"

#define DEBUG_EXIT_PORT 0xf4

void power_halt_all(void)
{
	irq_disable();
	for (;;)
		cpu_halt();
}

void power_exit(u32 code)
{
	/* SAFETY: port 0xf4 is QEMU's isa-debug-exit under the runner; on a machine without it
	 * the write goes nowhere and we halt below. */
	outl(DEBUG_EXIT_PORT, code);
	power_halt_all();
}
