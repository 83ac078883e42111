/*
 * symbols_test.c — ktests of the embedded symbol and line tables.
 */
#include <fw/ktest.h>

#include "internal/ktest_run.h"
#include "internal/symbols.h"

static bool str_eq(const char *a, const char *b)
{
	size_t i = 0;
	/* SAFETY: both are NUL-terminated; the loop stops at the first NUL. */
	while (a[i] && a[i] == b[i])
		i++;
	return a[i] == b[i];
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = 0, m = 0;
	/* SAFETY: NUL-terminated strings; n >= m is checked before s + n - m. */
	while (s[n])
		n++;
	while (suffix[m])
		m++;
	return n >= m && str_eq(s + n - m, suffix);
}

KTEST(symbols, table_present)
{
	KT_EXPECT(kt, symbols_present());
}

KTEST(symbols, lookup_by_address)
{
	/* SAFETY: the address of a function, used for lookups only. */
	u64 addr = (u64)(uintptr_t)ktest_main;
	u64 off = 99;
	const char *name = sym_lookup(addr + 5, &off);
	KT_ASSERT(kt, name != NULL);
	KT_EXPECT(kt, str_eq(name, "ktest_main"));
	KT_EXPECT_EQ(kt, off, 5u);
	KT_EXPECT_EQ(kt, sym_address("ktest_main"), addr);
}

KTEST(symbols, line_of_address)
{
	/* SAFETY: as above. */
	u64 addr = (u64)(uintptr_t)ktest_main;
	u32 line = 0;
	const char *file = sym_line(addr, &line);
	KT_ASSERT(kt, file != NULL);
	KT_EXPECT(kt, ends_with(file, "framework/ktest/ktest.c"));
	KT_EXPECT_GT(kt, line, 0u);
}

KTEST(symbols, unknown_address)
{
	u64 off;
	KT_EXPECT(kt, sym_lookup(0x1000, &off) == NULL);
	KT_EXPECT(kt, sym_address("no_such_function_anywhere") == 0);
}
