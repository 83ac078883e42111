/*
 * lib/str_test.c — tests of fw/str.h (comparison, search, splitting, number parsing),
 * fw/strbuf.h (text building) and fw/fmt.h (checked formatting into a buffer).
 */
#include <fw/fmt.h>
#include <fw/str.h>
#include <fw/strbuf.h>

#include "ktest_compat.h"

KTEST(str, compare_and_search)
{
	struct str a = STR("hello world");
	KT_EXPECT(kt, str_len(a) == 11);
	KT_EXPECT(kt, str_eq(a, STR("hello world")) && !str_eq(a, STR("hello")));
	KT_EXPECT(kt, str_cmp(STR("abc"), STR("abd")) < 0 && str_cmp(STR("abd"), STR("abc")) > 0);
	KT_EXPECT(kt, str_cmp(STR("ab"), STR("abc")) < 0 && str_cmp(STR(""), STR("")) == 0);
	KT_EXPECT(kt, str_cmp(STR("\xff"), STR("a")) > 0);       /* bytes compare unsigned */
	KT_EXPECT(kt, str_starts_with(a, STR("hell")) && !str_starts_with(STR("he"), STR("hell")));
	KT_EXPECT(kt, str_ends_with(a, STR("world")) && !str_ends_with(a, STR("word")));
	KT_EXPECT(kt, str_find_char(a, 0, 'o').value == 4 && str_find_char(a, 5, 'o').value == 7);
	KT_EXPECT(kt, str_find_char(a, 0, 'z').err == -ENOENT);
	KT_EXPECT(kt, str_find(a, STR("wor")).value == 6 && str_find(a, STR("")).value == 0);
	KT_EXPECT(kt, str_find(a, STR("worlds")).err == -ENOENT);
	KT_EXPECT(kt, str_eq(str_sub(a, 6, 5).value, STR("world")));
	KT_EXPECT(kt, str_sub(a, 7, 5).err == -ERANGE);
	KT_EXPECT(kt, str_eq(str_skip(a, 6), STR("world")) && str_len(str_skip(a, 99)) == 0);
	KT_EXPECT(kt, str_eq(str_head(a, 5), STR("hello")));
	KT_EXPECT(kt, str_eq(str_trim(STR(" \t x y \r\n")), STR("x y")));
	KT_EXPECT(kt, str_len(str_trim(STR("   "))) == 0);
	KT_EXPECT(kt, str_at(a, 10).value == 'd' && str_at(a, 11).err == -ERANGE);
	KT_EXPECT(kt, str_len(str_empty()) == 0);
}

KTEST(str, split)
{
	struct str rest = STR("/usr//bin/"), tok;
	const struct str want[] = { STR(""), STR("usr"), STR(""), STR("bin"), STR("") };
	size_t n = 0;
	bool all = true;
	while (str_split_next(&rest, '/', &tok)) {
		all = all && n < 5 && str_eq(tok, want[n]);
		n++;
	}
	KT_EXPECT(kt, all && n == 5);
	rest = STR("one");
	KT_EXPECT(kt, str_split_next(&rest, ',', &tok) && str_eq(tok, STR("one")));
	KT_EXPECT(kt, !str_split_next(&rest, ',', &tok));
	rest = str_empty();
	KT_EXPECT(kt, !str_split_next(&rest, ',', &tok));
}

KTEST(str, parse_numbers)
{
	KT_EXPECT(kt, str_parse_u64(STR("0"), 10).value == 0);
	KT_EXPECT(kt, str_parse_u64(STR("18446744073709551615"), 10).value == UINT64_MAX);
	KT_EXPECT(kt, str_parse_u64(STR("18446744073709551616"), 10).err == -ERANGE);
	KT_EXPECT(kt, str_parse_u64(STR("0x1F"), 0).value == 31 && str_parse_u64(STR("1f"), 16).value == 31);
	KT_EXPECT(kt, str_parse_u64(STR("0X1f"), 16).value == 31);
	KT_EXPECT(kt, str_parse_u64(STR("0755"), 0).value == 0755);
	KT_EXPECT(kt, str_parse_u64(STR("+12"), 10).value == 12);
	KT_EXPECT(kt, str_parse_u64(STR("-1"), 10).err == -EINVAL);
	KT_EXPECT(kt, str_parse_u64(STR(""), 10).err == -EINVAL);
	KT_EXPECT(kt, str_parse_u64(STR("0x"), 0).err == -EINVAL);
	KT_EXPECT(kt, str_parse_u64(STR("12a"), 10).err == -EINVAL);
	KT_EXPECT(kt, str_parse_u64(STR("z"), 36).value == 35 && str_parse_u64(STR("1"), 37).err == -EINVAL);
	KT_EXPECT(kt, str_parse_u64(STR("101"), 2).value == 5 && str_parse_u64(STR("2"), 2).err == -EINVAL);
	KT_EXPECT(kt, str_parse_i64(STR("-9223372036854775808"), 10).value == INT64_MIN);
	KT_EXPECT(kt, str_parse_i64(STR("-9223372036854775809"), 10).err == -ERANGE);
	KT_EXPECT(kt, str_parse_i64(STR("9223372036854775807"), 10).value == INT64_MAX);
	KT_EXPECT(kt, str_parse_i64(STR("9223372036854775808"), 10).err == -ERANGE);
	KT_EXPECT(kt, str_parse_i64(STR("-0x10"), 0).value == -16);
	KT_EXPECT(kt, str_parse_i64(STR("-"), 10).err == -EINVAL);
}

KTEST(str, copy_to_and_from_bytes)
{
	char buf[8];
	struct bytes b = BYTES_OF_ARRAY(buf);
	KT_EXPECT(kt, str_copy_to(b, STR("abc")).value == 3 && buf[2] == 'c');
	KT_EXPECT(kt, str_copy_to(b, STR("123456789")).err == -ENOSPC);
	KT_EXPECT(kt, str_eq(str_from_bytes(bytes_head(b, 3)), STR("abc")));
}

KTEST(fmt, conversions)
{
	char buf[64];
	struct bytes b = BYTES_OF_ARRAY(buf);
	struct result_size r = FMT(b, "x=%d u=%u h=%x H=%X o=%o c=%c s=%s %%", -42, 7u, 255, 255u,
				   8, 'A', STR("str"));
	KT_EXPECT(kt, r.err == 0);
	KT_EXPECT(kt, str_eq(str_from_bytes(bytes_head(b, r.value)), STR("x=-42 u=7 h=ff H=FF o=10 c=A s=str %")));
	r = FMT(b, "[%5d][%-5d][%05d][%3s][%-3s|][%.2s]", 42, 42, -42, STR("a"), STR("b"), STR("xyz"));
	KT_EXPECT(kt, str_eq(str_from_bytes(bytes_head(b, r.value)),
			 STR("[   42][42   ][-0042][  a][b  |][xy]")));
	r = FMT(b, "%ld %llu %zu", (long)INT64_MIN, (unsigned long long)UINT64_MAX, (size_t)3);
	KT_EXPECT(kt, r.err == 0 && str_eq(str_from_bytes(bytes_head(b, r.value)),
				       STR("-9223372036854775808 18446744073709551615 3")));
	r = FMT(b, "no args");
	KT_EXPECT(kt, r.err == 0 && r.value == 7);
	bool t = true;
	r = FMT(b, "%d", t);
	KT_EXPECT(kt, r.err == 0 && buf[0] == '1');
}

KTEST(fmt, errors_and_truncation)
{
	char small[8];
	struct bytes b = BYTES_OF_ARRAY(small);
	struct result_size r = FMT(b, "%s", STR("0123456789"));
	KT_EXPECT(kt, r.err == -ENOSPC && r.value == 8 && small[7] == '7');
	char buf[32];
	b = BYTES_OF_ARRAY(buf);
	r = FMT(b, "%s", 5);                                 /* int where a str belongs */
	KT_EXPECT(kt, r.err == -EINVAL && str_eq(str_from_bytes(bytes_head(b, r.value)), STR("<?>")));
	r = FMT(b, "%d", STR("x"));
	KT_EXPECT(kt, r.err == -EINVAL);
	r = FMT(b, "%d %d", 1);                              /* too few */
	KT_EXPECT(kt, r.err == -EINVAL);
	r = FMT(b, "%d", 1, 2);                              /* too many */
	KT_EXPECT(kt, r.err == -EINVAL && r.value == 1);
	r = FMT(b, "%q", 1);
	KT_EXPECT(kt, r.err == -EINVAL);
	r = FMT(b, "trailing %");
	KT_EXPECT(kt, r.err == -EINVAL);
	r = FMT(bytes_empty(), "x");
	KT_EXPECT(kt, r.err == -ENOSPC && r.value == 0);
}

KTEST(strbuf, build_and_overflow)
{
	char buf[16];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(buf));
	strbuf_add(&sb, STR("/proc/"));
	STRBUF_FMT(&sb, "%u/st", 42u);
	KT_EXPECT(kt, strbuf_err(&sb) == 0 && str_eq(strbuf_str(&sb), STR("/proc/42/st")));
	strbuf_add(&sb, STR("atus!"));                      /* 11 + 5 = 16: fits exactly */
	KT_EXPECT(kt, strbuf_err(&sb) == 0 && strbuf_len(&sb) == 16);
	strbuf_add_char(&sb, 'x');                           /* full: fails, text kept */
	KT_EXPECT(kt, strbuf_err(&sb) == -ENOSPC && str_eq(strbuf_str(&sb), STR("/proc/42/status!")));
	strbuf_add(&sb, STR(""));                            /* sticky */
	KT_EXPECT(kt, strbuf_err(&sb) == -ENOSPC);
	sb = strbuf_over(BYTES_OF_ARRAY(buf));
	strbuf_add(&sb, STR("0123456789"));
	STRBUF_FMT(&sb, "%d%d", 123456, 7);                   /* 7 more do not fit: all or nothing */
	KT_EXPECT(kt, strbuf_err(&sb) == -ENOSPC && str_eq(strbuf_str(&sb), STR("0123456789")));
	sb = strbuf_over(BYTES_OF_ARRAY(buf));
	strbuf_add(&sb, STR("abc/def"));
	strbuf_truncate(&sb, 3);
	strbuf_add_char(&sb, '!');
	KT_EXPECT(kt, str_eq(strbuf_str(&sb), STR("abc!")));
	STRBUF_FMT(&sb, "%s", 5);                            /* a bad conversion fails it */
	KT_EXPECT(kt, strbuf_err(&sb) == -EINVAL && str_eq(strbuf_str(&sb), STR("abc!")));
}
