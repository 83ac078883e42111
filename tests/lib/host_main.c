/*
 * tests/lib/host_main.c — runs every KTEST case linked into a host test binary (the safe-C
 * library's framework/lib/NAME_test.c and tests/lib/t_*.c; the kernel services' tests/kernel/
 * t_*.c) and prints KTAP: one subtest per suite, named KT_HOST_SUITE_PREFIX + the suite
 * ("safec_" unless the build defines it), one result per case, failing expressions as diagnostics. A failed KT_ASSERT ends its
 * case through the recovery point set here. KT_ONLY=SUITE in the environment runs one suite
 * (the ThreadSanitizer build runs only `threads`). Exit status 0 when all passed (make test
 * reads the KTAP, not the status).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../framework/lib/ktest_compat.h"

#ifndef KT_HOST_SUITE_PREFIX
#define KT_HOST_SUITE_PREFIX "safec_"
#endif

extern const struct ktest __start_kt_cases[], __stop_kt_cases[];

struct ktest_ctx {
	int failures;
	jmp_buf stop;
};

void kt_record(struct ktest_ctx *kt, bool ok, const char *expr, const char *file, int line,
	       bool stop)
{
	if (ok)
		return;
	kt->failures++;
	printf("        # %s:%d: %s failed: %s\n", file, line, stop ? "assertion" : "expectation",
	       expr);
	if (stop)
		longjmp(kt->stop, 1);
}

int main(void)
{
	size_t n = (size_t)(__stop_kt_cases - __start_kt_cases);
	const char *suites[128];
	size_t nsuites = 0;
	const char *only = getenv("KT_ONLY");
	for (size_t i = 0; i < n; i++) {
		if (only && strcmp(only, __start_kt_cases[i].suite))
			continue;
		size_t j = 0;
		while (j < nsuites && strcmp(suites[j], __start_kt_cases[i].suite))
			j++;
		if (j == nsuites && nsuites < 128)
			suites[nsuites++] = __start_kt_cases[i].suite;
	}
	int bad_suites = 0;
	printf("KTAP version 1\n1..%zu\n", nsuites);
	for (size_t s = 0; s < nsuites; s++) {
		size_t count = 0, k = 0;
		int bad = 0;
		for (size_t i = 0; i < n; i++)
			count += !strcmp(__start_kt_cases[i].suite, suites[s]);
		printf("    KTAP version 1\n    # Subtest: " KT_HOST_SUITE_PREFIX "%s\n    1..%zu\n", suites[s], count);
		for (size_t i = 0; i < n; i++) {
			const struct ktest *c = &__start_kt_cases[i];
			if (strcmp(c->suite, suites[s]))
				continue;
			static struct ktest_ctx kt;
			kt.failures = 0;
			if (setjmp(kt.stop) == 0)
				c->fn(&kt);
			fflush(stdout);
			printf("    %sok %zu %s\n", kt.failures ? "not " : "", ++k, c->name);
			bad |= kt.failures != 0;
		}
		printf("%sok %zu " KT_HOST_SUITE_PREFIX "%s\n", bad ? "not " : "", s + 1, suites[s]);
		bad_suites += bad;
	}
	return bad_suites ? 1 : 0;
}
