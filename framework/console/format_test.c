/*
 * format_test.c — ktests of the formatter: the va_list front end framework code uses and the
 * typed front end of fw/log.h (which must never read past its arguments).
 */
#include <fw/ktest.h>
#include <fw/log.h>

#include "internal/printk.h"

static bool str_eq(const char *a, const char *b)
{
	size_t i = 0;
	/* SAFETY: both are NUL-terminated literals; the loop stops at the first NUL. */
	while (a[i] && a[i] == b[i])
		i++;
	return a[i] == b[i];
}

KTEST(log, printf_conversions)
{
	char buf[96];
	ksnprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c|%%", -42, 7u, 0xabu, 0x1234ul, "hi",
		  'z');
	KT_EXPECT(kt, str_eq(buf, "-42|    7|ab  |00001234|hi|z|%"));
	ksnprintf(buf, sizeof(buf), "%05d", -42);
	KT_EXPECT(kt, str_eq(buf, "-0042"));
	ksnprintf(buf, sizeof(buf), "%lu", 18446744073709551615ul);
	KT_EXPECT(kt, str_eq(buf, "18446744073709551615"));
}

KTEST(log, truncates_at_capacity)
{
	char buf[8];
	size_t n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
	KT_EXPECT_EQ(kt, n, 7u);
	KT_EXPECT(kt, str_eq(buf, "0123456"));
}

KTEST(log, log_line_reaches_console)
{
	console_capture_start();
	fw_info("ktest log line %u of %d: %s", 1u, -1, STR("str arg"));
	console_capture_stop();
	KT_EXPECT(kt, console_capture_has("ktest log line 1 of -1: str arg\n", 32));
	KT_EXPECT(kt, console_capture_has("] ktest log", 11)); /* after the timestamp */
}

KTEST(log, log_missing_argument_marked)
{
	console_capture_start();
	fw_warn("only %d of %d", 1);
	console_capture_stop();
	KT_EXPECT(kt, console_capture_has("WARN: only 1 of <?>\n", 20));
}

KTEST(log, level_filter)
{
	console_capture_start();
	fw_debug("a debug line that the default level drops");
	console_capture_stop();
	KT_EXPECT(kt, !console_capture_has("a debug line", 12));
}

/* The log ring keeps lines the console does not print (debug) with increasing numbers. */
KTEST(log, ring_keeps_every_level)
{
	u64 first, next;
	fw_log_bounds(&first, &next);
	fw_debug("ktest-ring %u", 4242);
	u64 first2, next2;
	fw_log_bounds(&first2, &next2);
	KT_ASSERT(kt, next2 > next);
	bool found = false;
	u8 want[] = "ktest-ring 4242";
	for (u64 seq = next; seq < next2 && !found; seq++) { /* other CPUs may log meanwhile */
		struct fw_log_record rec;
		u8 text[64];
		KT_ASSERT(kt, fw_log_read(seq, &rec, BYTES_OF_ARRAY(text)) == 0);
		KT_EXPECT_EQ(kt, rec.seq, seq);
		found = rec.level == FW_LOG_DEBUG && rec.len == sizeof want - 1 &&
			bytes_eq(bytes_head(BYTES_OF_ARRAY(text), rec.len),
				 bytes_head(BYTES_OF_ARRAY(want), sizeof want - 1));
	}
	KT_EXPECT(kt, found);
	struct fw_log_record rec;
	u8 text[64];
	KT_EXPECT(kt, fw_log_read(~0ull, &rec, BYTES_OF_ARRAY(text)) == -ENOENT);
	/* a stale number reads the oldest record kept */
	KT_EXPECT(kt, fw_log_read(0, &rec, BYTES_OF_ARRAY(text)) == 0 && rec.seq >= first2);
}
