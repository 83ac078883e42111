/*
 * tests/lib/kt.h — the test vocabulary shared by the host tests and the in-kernel ktests of
 * the safe-C library: KTEST(suite, name) { ... } with KT_EXPECT (record and continue) and
 * KT_ASSERT (record and end the test).
 *
 * In the kernel build this header defers to the framework's <fw/ktest.h>; on the host it
 * provides a small registry of its own (a linker section walked by host_main.c, which prints
 * KTAP). Tests that need host-only facilities (catching a failed FW_CHECK, allocation-failure
 * injection) sit under `#ifdef KT_HOST`.
 */
#ifndef TESTS_LIB_KT_H
#define TESTS_LIB_KT_H

#ifdef KT_HOST

#include <stdbool.h>

struct kt_ctx {
	int failures;
};

struct kt_case {
	const char *suite;
	const char *name;
	void (*fn)(struct kt_ctx *kt);
};

bool kt_record(struct kt_ctx *kt, bool ok, const char *expr, const char *file, int line);

#define KTEST(suite, name)                                                                  \
	static void kt_fn_##suite##_##name(struct kt_ctx *kt__);                             \
	static const struct kt_case kt_case_##suite##_##name                                \
		__attribute__((section("kt_cases"), used, aligned(8))) = {                  \
			#suite, #name, kt_fn_##suite##_##name                               \
		};                                                                          \
	static void kt_fn_##suite##_##name(struct kt_ctx *kt__ __attribute__((unused)))

#define KT_EXPECT(cond) ((void)kt_record(kt__, !!(cond), #cond, __FILE__, __LINE__))
#define KT_ASSERT(cond)                                                                     \
	do {                                                                                \
		if (!kt_record(kt__, !!(cond), #cond, __FILE__, __LINE__))                  \
			return;                                                             \
	} while (0)

#include "../../framework/host/port.h"

#else
#include <fw/ktest.h>
#endif

#endif /* TESTS_LIB_KT_H */
