/*
 * internal/format.h — the typed-argument front end of the formatter (console/format.c).
 */
#ifndef FW_INTERNAL_FORMAT_H
#define FW_INTERNAL_FORMAT_H

#include <fw/log.h>

/*
 * format_args - format `fmt` with the tagged integers `args[0..nargs)` into buf.
 * Guarantees: reads no argument past nargs; buf is NUL-terminated when cap > 0; returns the
 *             length written (truncated output is cut at cap - 1).
 * Context: any.
 */
size_t format_args(char *buf, size_t cap, const char *fmt, const struct fw_log_arg *args,
		   size_t nargs);

#endif /* FW_INTERNAL_FORMAT_H */
