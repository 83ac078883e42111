/*
 * lib/ktest_compat.h — lets the safe-C library's tests (framework/lib/NAME_test.c) run both as
 * in-kernel ktests and as host tests under ASan + UBSan, with one vocabulary:
 *
 *     KTEST(suite, name) { KT_EXPECT(kt, cond); KT_ASSERT(kt, cond); }
 *     KT_EXPECT_FAILS(kt, fn)   fn (a `void fn(void)`) must stop on a failed FW_CHECK
 *
 * Kernel build: <fw/ktest.h> as is (the runner prints KTAP, a failed FW_CHECK is a panic that
 * ktest_expect_trap catches). Host build (-DKT_HOST): a small registry of the same shape — a
 * linker section walked by tests/lib/host_main.c, which prints KTAP; KT_ASSERT resumes the
 * runner's recovery point (no hidden return); a failed FW_CHECK is caught by the host port.
 * Tests that need host-only controls (allocation-failure injection, catching a check inside
 * an expression) sit under `#ifdef KT_HOST`.
 */
#ifndef FW_LIB_KTEST_COMPAT_H
#define FW_LIB_KTEST_COMPAT_H

#ifdef KT_HOST

#include <stdbool.h>

#include "../host/port.h"

struct ktest_ctx;

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_ctx *kt);
};

/* kt_record - count one expectation; a failed KT_ASSERT (stop) resumes the runner. */
void kt_record(struct ktest_ctx *kt, bool ok, const char *expr, const char *file, int line,
	       bool stop);

#define KTEST(suite, name)                                                                  \
	static void ktest_fn_##suite##__##name(struct ktest_ctx *kt);                       \
	static const struct ktest ktest_desc_##suite##__##name                              \
		__attribute__((section("kt_cases"), used, aligned(8))) = {                  \
			#suite, #name, ktest_fn_##suite##__##name                           \
		};                                                                          \
	static void ktest_fn_##suite##__##name(struct ktest_ctx *kt __attribute__((unused)))

#define KT_EXPECT(kt, cond) kt_record((kt), !!(cond), #cond, __FILE__, __LINE__, false)
#define KT_ASSERT(kt, cond) kt_record((kt), !!(cond), #cond, __FILE__, __LINE__, true)
#define KT_EXPECT_FAILS(kt, fn) KT_EXPECT((kt), HOST_FAILS(fn()))

#else

#include <fw/ktest.h>

/* KT_EXPECT_FAILS - fn() must stop on a failed FW_CHECK (a panic the runner catches). */
#define KT_EXPECT_FAILS(kt, fn)                                                             \
	do {                                                                                \
		struct ktest_trap kt__trap;                                                 \
		ktest_expect_trap((kt), (fn), &kt__trap);                                   \
		KT_EXPECT((kt), kt__trap.kind == KTEST_TRAP_PANIC);                         \
		KT_EXPECT((kt), KT_REPORT_HAS((kt), "FW_CHECK failed"));                    \
	} while (0)

#endif

#endif /* FW_LIB_KTEST_COMPAT_H */
