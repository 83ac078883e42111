/*
 * log.c — timestamped, levelled lines: printk() for the framework, fw_log_write() for services.
 *
 * printk() formats with the framework's printf (console/format.c); fw_log_write() with the
 * safe-C library's fmt_write() (tagged arguments). Every line, of every level, goes into the
 * log ring (console/logring.c) first; only lines at or below the console level are printed. A line is formatted into a stack buffer with
 * its prefix (`[seconds.micros] ` and, for
 * warnings and errors, `WARN: ` / `ERROR: `), then written with one console_write() so lines
 * stay whole. Lines longer than the buffer are cut.
 */
#include <fw/bytes.h>
#include <fw/log.h>
#include <fw/time.h>

#include "internal/printk.h"

#define LINE_MAX 512u

enum fw_log_level console_loglevel = FW_LOG_INFO;

static size_t prefix(char *buf, size_t cap, enum fw_log_level level)
{
	u64 ns = fw_time_ns();
	u64 us = ns / 1000;
	const char *tag = level == FW_LOG_ERR ? "ERROR: " : level == FW_LOG_WARN ? "WARN: " : "";
	return ksnprintf(buf, cap, "[%5lu.%06lu] %s", (unsigned long)(us / 1000000),
			 (unsigned long)(us % 1000000), tag);
}

static void finish_line(char *buf, size_t len)
{
	if (len >= LINE_MAX - 1)
		len = LINE_MAX - 2;
	/* SAFETY: len <= LINE_MAX - 2 after the clamp above, so len - 1 and len are in buf. */
	if (len == 0 || buf[len - 1] != '\n')
		buf[len++] = '\n';
	console_write(buf, len);
}

void printk(enum fw_log_level level, const char *fmt, ...)
{
	char buf[LINE_MAX];
	u64 ts = fw_time_ns();
	size_t n = prefix(buf, sizeof(buf), level);
	size_t start = n;
	va_list ap;
	va_start(ap, fmt);
	/* SAFETY: n < sizeof(buf) (the prefix is short), so buf + n and the remaining size are valid. */
	n += kvsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* SAFETY: start <= n < sizeof(buf): the message part of the line. */
	logring_add(level, ts, buf + start, n - start);
	if (level > console_loglevel)
		return;
	finish_line(buf, n);
}

void kprintf_raw(const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n);
}

void fw_log_write(enum fw_log_level level, struct str fmt, struct fmt_args args)
{
	char buf[LINE_MAX];
	u8 msg[LINE_MAX];
	u64 ts = fw_time_ns();
	/* fmt_write keeps what it wrote even on error (truncation, a bad conversion) */
	struct result_size r = fmt_write(BYTES_OF_ARRAY(msg), fmt, args);
	/* SAFETY: r.value <= sizeof(msg); the bytes are text (chars of the same size). */
	logring_add(level, ts, (const char *)msg, r.value);
	if (level > console_loglevel)
		return;
	size_t n = prefix(buf, sizeof(buf), level);
	for (size_t i = 0; i < r.value && n < sizeof(buf) - 2; i++)
		buf[n++] = (char)msg[i];
	finish_line(buf, n);
}

size_t fmt_to_cstr(char *buf, size_t cap, struct str fmt, struct fmt_args args)
{
	u8 msg[LINE_MAX];
	struct result_size r = fmt_write(BYTES_OF_ARRAY(msg), fmt, args);
	size_t n = 0;
	for (; n < r.value && n + 1 < cap; n++)
		/* SAFETY: n < r.value <= sizeof(msg) and n + 1 < cap (the caller's buffer size). */
		buf[n] = (char)msg[n];
	if (cap)
		buf[n] = '\0';
	return n;
}
