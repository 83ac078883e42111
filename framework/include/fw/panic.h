/*
 * fw/panic.h — stopping the kernel with a report.
 *
 * fw_panic() prints its message (same literal-format rules as fw/log.h), the registers of the
 * caller, a symbolized backtrace, and stops the machine: a ktest boot reports the running test
 * as failed and goes on with the next test; any other boot halts every CPU.
 * FW_BUG_ON(cond) panics with the source location when cond is true — for states that cannot
 * happen; anything user space can cause must return an error instead.
 */
#ifndef FW_PANIC_H
#define FW_PANIC_H

#include <fw/log.h>

/*
 * fw_panic_write - report and stop. Needs: as fw_log_write. Never returns.
 * Context: any.
 */
__attribute__((noreturn)) void fw_panic_write(struct str fmt, struct fmt_args args);

#define fw_panic(f, ...) fw_panic_write(STR(f), FMT_ARGS(__VA_ARGS__))

#define FW_BUG_ON(cond)                                                                    \
	do {                                                                               \
		if (cond)                                                                  \
			fw_panic("BUG at " __FILE__ ":%d: " #cond, __LINE__);                          \
	} while (0)

#endif /* FW_PANIC_H */
