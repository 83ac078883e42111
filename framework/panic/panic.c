/*
 * panic.c — fw_panic(): report the message, the caller's registers and a backtrace, then stop.
 *
 * In a ktest boot the running test is failed and the runner resumes (trap_recover_hook);
 * otherwise the machine stops and reports POWER_EXIT_PANIC to the host through
 * isa-debug-exit (the test runner maps it back; interactively, QEMU quits with the log shown).
 */
#include <fw/panic.h>

#include "internal/format.h"
#include "internal/panic_internal.h"
#include "internal/power.h"
#include "internal/printk.h"
#include "internal/symbols.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

static int panicking;

/* Report msg with a backtrace starting at `rip` (a return address) and frame `rbp`. */
__attribute__((noreturn)) static void panic_report(const char *msg, u64 rip, u64 rbp)
{
	irq_disable();
	/* SAFETY: atomic counter of panics in progress. */
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) > 0) {
		kprintf_raw("\nnested panic: %s\n", msg);
		power_exit(POWER_EXIT_PANIC);
	}
	printk(FW_LOG_ERR, "PANIC: %s", msg);
	backtrace_print(rip - 1, rbp);
	kprintf_raw("--- end of panic report ---\n");
	u32 line = 0;
	sym_line(rip - 1, &line);
	struct trap_record rec = { TRAP_PANIC, 0, 0, line, rip };
	/* SAFETY: atomic reset before resuming a ktest. */
	__atomic_store_n(&panicking, 0, __ATOMIC_SEQ_CST);
	trap_recover_hook(&rec);
	power_exit(POWER_EXIT_PANIC);
}

/* The caller's saved %rbp. SAFETY: rbp is the current function's own frame pointer (all code
 * keeps frame pointers), so [rbp] is the caller's saved %rbp on the current stack. */
#define CALLER_RBP() (*(const u64 *)(uintptr_t)__builtin_frame_address(0))

void fw_panic_write(struct str fmt, struct fmt_args args)
{
	char msg[256];
	fmt_to_cstr(msg, sizeof(msg), fmt, args);
	/* SAFETY: the compiler's view of this frame's return address (frame pointers kept). */
	panic_report(msg, (u64)(uintptr_t)__builtin_return_address(0), CALLER_RBP());
}

void panic_message(const char *msg)
{
	/* SAFETY: as above. */
	panic_report(msg, (u64)(uintptr_t)__builtin_return_address(0), CALLER_RBP());
}

/*
 * The stack protector's guard and failure handler (services are built with
 * -fstack-protector-strong -mstack-protector-guard=global). The guard is set once at boot from
 * the TSC (stack_guard_init) before any protected function runs.
 */
u64 __stack_chk_guard = 0x595e9fbd94fda766ull;

__attribute__((noreturn)) void __stack_chk_fail(void);

void __stack_chk_fail(void)
{
	fw_panic("stack protector: a service stack frame was overwritten");
}

void stack_guard_init(u64 seed)
{
	/* mix: a zero low byte stops string overflows from copying past the guard intact */
	u64 g = (seed ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
	__stack_chk_guard = (g ^ (g >> 31)) & ~0xffull;
}
