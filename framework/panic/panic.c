/*
 * panic.c — fw_panic(): report the message, the caller's registers and a backtrace, then stop.
 *
 * In a ktest boot the running test is failed and the runner resumes (trap_recover_hook);
 * otherwise the machine stops and reports POWER_EXIT_PANIC to the host through
 * isa-debug-exit (the test runner maps it back; interactively, QEMU quits with the log shown).
 */
#include <fw/panic.h>

#include "internal/format.h"
#include "internal/power.h"
#include "internal/printk.h"
#include "internal/symbols.h"
#include "internal/trap.h"
#include "internal/x86.h"

static int panicking;

void fw_panic_emit(const char *fmt, const struct fw_log_arg *args, size_t nargs)
{
	char msg[256];
	format_args(msg, sizeof(msg), fmt, args, nargs);
	irq_disable();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) > 0) {
		kprintf_raw("\nnested panic: %s\n", msg);
		power_exit(POWER_EXIT_PANIC);
	}
	printk(FW_LOG_ERR, "PANIC: %s", msg);
	u64 rip = (u64)(uintptr_t)__builtin_return_address(0);
	u64 rbp = (u64)(uintptr_t)__builtin_frame_address(0);
	/* start at our caller: this function's frame record links to it.
	 * SAFETY: rbp is this function's own frame pointer (built with frame pointers), so
	 * [rbp] is the caller's saved %rbp on the current stack. */
	backtrace_print(rip - 1, rbp ? *(const u64 *)(uintptr_t)rbp : 0);
	kprintf_raw("--- end of panic report ---\n");
	u32 line = 0;
	sym_line(rip - 1, &line);
	struct trap_record rec = { TRAP_PANIC, 0, 0, line, rip };
	__atomic_store_n(&panicking, 0, __ATOMIC_SEQ_CST);
	trap_recover_hook(&rec);
	power_exit(POWER_EXIT_PANIC);
}
