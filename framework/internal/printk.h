/*
 * internal/printk.h — formatted output for framework code.
 *
 * printk() is the framework's own printf (with compile-time format checking); like
 * fw_log_write() it prefixes the time and writes whole lines under the console lock.
 * kprintf_raw() writes without the timestamp prefix (continuation lines of a trap report).
 * Conversions: %d %i %u %x %X %c %s %p %lu %llx ... (l/ll/z length modifiers), `0`/`-` flags,
 * width.
 */
#ifndef FW_INTERNAL_PRINTK_H
#define FW_INTERNAL_PRINTK_H

#include <fw/log.h>
#include <fw/types.h>

#include <stdarg.h>

/* printk - a timestamped line at `level` (a line may be several '\n'-separated lines). */
__attribute__((format(printf, 2, 3))) void printk(enum fw_log_level level, const char *fmt, ...);

/* kprintf_raw - text as is, no prefix. */
__attribute__((format(printf, 1, 2))) void kprintf_raw(const char *fmt, ...);

/* Format into buf (always NUL-terminated when cap > 0); returns the length written. */
__attribute__((format(printf, 3, 4))) size_t ksnprintf(char *buf, size_t cap, const char *fmt,
						       ...);
size_t kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);

/* The console level: lines with level > this are dropped. */
extern enum fw_log_level console_loglevel;
/* logring_add - keep one logged line (its message, without the time prefix) in the log ring
 * (console/logring.c). Context: any. */
void logring_add(enum fw_log_level level, u64 ts_ns, const char *text, size_t len);

/* The raw console sink (serial). Context: any. */
void console_write(const char *s, size_t len);

/* console_recover - release the console lock if this CPU holds it: for code that abandons a
 * writer (the ktest runner resuming after a trap or timeout). Context: any. */
void console_recover(void);

/*
 * Capture: while enabled, console output is also copied into a buffer (used by ktests that
 * check the text of a trap report).
 */
void console_capture_start(void);
size_t console_capture_stop(void);
bool console_capture_has(const char *text, size_t len);

#endif /* FW_INTERNAL_PRINTK_H */
