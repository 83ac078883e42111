/*
 * tests/mm/mmtest.h — a minimal KTAP harness for the memory manager's host tests.
 *
 * Each test file defines tests with MMTEST(name) { ... } and checks with EXPECT(cond); the
 * runner (main.c) prints one KTAP line per test. Tests run under ASan and UBSan, so a memory
 * error in the allocator logic aborts the binary and the missing results count as failures.
 */
#ifndef TESTS_MM_MMTEST_H
#define TESTS_MM_MMTEST_H

#include <stdbool.h>
#include <stdio.h>

struct mmtest {
	const char *name;
	void (*fn)(void);
};

extern bool mmtest_failed;

#define MMTEST(name)                                                                      \
	static void mmtest_##name(void);                                                  \
	__attribute__((used, section("mmtests"))) static const struct mmtest mmtest_desc_##name = \
		{ #name, mmtest_##name };                                                 \
	static void mmtest_##name(void)

#define EXPECT(cond)                                                                      \
	do {                                                                              \
		if (!(cond)) {                                                            \
			printf("    # %s:%d: expected %s\n", __FILE__, __LINE__, #cond);     \
			mmtest_failed = true;                                             \
		}                                                                         \
	} while (0)

#define EXPECT_EQ(a, b)                                                                   \
	do {                                                                              \
		long long mm_a_ = (long long)(a), mm_b_ = (long long)(b);                 \
		if (mm_a_ != mm_b_) {                                                     \
			printf("    # %s:%d: expected %s == %s (%lld vs %lld)\n", __FILE__,    \
			       __LINE__, #a, #b, mm_a_, mm_b_);                            \
			mmtest_failed = true;                                             \
		}                                                                         \
	} while (0)

/* A small deterministic PRNG so runs are reproducible. */
static inline unsigned long long mmtest_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif /* TESTS_MM_MMTEST_H */
