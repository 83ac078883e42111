/*
 * tests/mm/main.c — runs every MMTEST linked into the binary and prints KTAP.
 *
 * Tests are collected from the `mmtests` section (the linker provides its start and stop
 * symbols), so adding a test is only writing it.
 */
#include "mmtest.h"

bool mmtest_failed;

extern const struct mmtest __start_mmtests[], __stop_mmtests[];

int main(void)
{
	size_t n = (size_t)(__stop_mmtests - __start_mmtests);
	int failed = 0;
	printf("KTAP version 1\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		mmtest_failed = false;
		__start_mmtests[i].fn();
		printf("%sok %zu mm_host.%s\n", mmtest_failed ? "not " : "", i + 1,
		       __start_mmtests[i].name);
		fflush(stdout);
		failed += mmtest_failed;
	}
	return failed ? 1 : 0;
}
