/*
 * fw/log.h — the console logger with levels, for the framework and for services.
 *
 * A log call takes a *literal* format and integer or `struct str` arguments only:
 *
 *     fw_info("mounted %s: %u inodes in %u us", name, count, elapsed_us);
 *
 * The format must be a string literal (STR() rejects anything else) and each argument is
 * wrapped by the safe-C library's FMT_ARGS (fw/fmt.h) into a tagged value, so no raw pointer
 * reaches the formatter; a conversion with a missing or mismatched argument prints `<?>`.
 * Conversions: %d %i %u %x %X %o %c %s (a str) %%, flags `-` `0`, width, %.Ns.
 *
 * Every line is prefixed with the monotonic time since reset (`[    0.012345] `) and, for
 * warnings and errors, the level. Lines above the console level (default: info; set with
 * `loglevel=N` on the command line: 0 err .. 3 debug) are dropped. Lines are cut at 512 bytes.
 *
 * Context: any, including interrupt and trap handlers (the console is polled, never sleeps).
 */
#ifndef FW_LOG_H
#define FW_LOG_H

#include <fw/bytes.h>
#include <fw/fmt.h>
#include <fw/types.h>

enum fw_log_level {
	FW_LOG_ERR = 0,
	FW_LOG_WARN = 1,
	FW_LOG_INFO = 2,
	FW_LOG_DEBUG = 3,
};

/*
 * fw_log_write - format one log line and write it to the console.
 * Needs: `fmt` and `args` from the fw_log macros (a literal and FMT_ARGS).
 * Guarantees: the line is written whole (not interleaved with another CPU's line) and ends
 *             with a newline.
 * Context: any.
 */
void fw_log_write(enum fw_log_level level, struct str fmt, struct fmt_args args);

/* The kernel log's memory (console/logring.c): every line logged, of every level, whether the
 * console printed it or not, numbered from 0 at boot; the last 512 are kept (text cut at 240
 * bytes, without the time prefix). */
struct fw_log_record {
	uint64_t seq;
	uint64_t ts_ns; /* fw_time_ns() when logged */
	enum fw_log_level level;
	size_t len;     /* bytes of text copied */
};
/* fw_log_bounds - the oldest record still kept (*first) and the next sequence number to be
 * written (*next). Context: any. */
void fw_log_bounds(uint64_t *first, uint64_t *next);
/* fw_log_read - record `seq`, or the oldest kept when seq was overwritten: its header in *rec,
 * its text in the start of `text` (cut to it). Returns 0, or -ENOENT when seq >= next (not
 * written yet). Context: any. */
int fw_log_read(uint64_t seq, struct fw_log_record *rec, struct bytes text);
/* fw_log_set_console_level / fw_log_console_level - which levels the console prints (at or
 * below it; `loglevel=` sets it at boot). Context: any. */
void fw_log_set_console_level(enum fw_log_level level);
enum fw_log_level fw_log_console_level(void);

#define fw_log(level, f, ...) fw_log_write((level), STR(f), FMT_ARGS(__VA_ARGS__))

#define fw_err(fmt, ...) fw_log(FW_LOG_ERR, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_warn(fmt, ...) fw_log(FW_LOG_WARN, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_info(fmt, ...) fw_log(FW_LOG_INFO, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_debug(fmt, ...) fw_log(FW_LOG_DEBUG, fmt __VA_OPT__(,) __VA_ARGS__)

#endif /* FW_LOG_H */
