/*
 * macros_test.c — regression tests of the ktest macros themselves (they pass when the
 * macros behave; run in every `ktest=all` boot).
 */
#include <fw/ktest.h>

static int calls;

static int count_call(void)
{
	return ++calls;
}

/*
 * Regression: KT_EXPECT_EQ/KT_ASSERT_EQ evaluated their first argument twice (once to
 * compare, once to print), so `KT_ASSERT_EQ(kt, kstack_alloc(&a), 0)` allocated two stacks.
 */
KTEST(ktest_macros, cmp_evaluates_value_once)
{
	calls = 0;
	KT_EXPECT_EQ(kt, count_call(), 1);
	KT_EXPECT_EQ(kt, calls, 1);
	KT_ASSERT_EQ(kt, count_call(), 2);
	KT_EXPECT_EQ(kt, calls, 2);
	KT_EXPECT_GE(kt, count_call(), 3);
	KT_EXPECT_EQ(kt, calls, 3);
}
