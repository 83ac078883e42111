/*
 * internal/power.h — ending the machine: QEMU's isa-debug-exit, ACPI-less halt.
 */
#ifndef FW_INTERNAL_POWER_H
#define FW_INTERNAL_POWER_H

#include <fw/types.h>

/* Exit codes the framework reports through isa-debug-exit (the runner maps them back). */
enum {
	POWER_EXIT_OK = 0,        /* clean shutdown, all ktests passed */
	POWER_EXIT_TEST_FAIL = 1, /* ktests ran, some failed */
	POWER_EXIT_PANIC = 2,     /* fw_panic() outside a ktest */
	POWER_EXIT_TRAP = 3,      /* an unrecoverable trap */
};

/*
 * power_exit - report `code` to the host through isa-debug-exit (port 0xf4; QEMU exits with
 * (code << 1) | 1) and, if that device is absent, halt. Never returns. Context: any.
 */
__attribute__((noreturn)) void power_exit(u32 code);

/* power_halt_all - stop this CPU for good (interrupts off, hlt loop). Context: any. */
__attribute__((noreturn)) void power_halt_all(void);

/* stack_guard_init - set the stack protector's guard (panic/panic.c). Context: early boot,
 * before any service (stack-protected) code runs. */
void stack_guard_init(u64 seed);

#endif /* FW_INTERNAL_POWER_H */
