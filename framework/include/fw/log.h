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

#define fw_log(level, f, ...) fw_log_write((level), STR(f), FMT_ARGS(__VA_ARGS__))

#define fw_err(fmt, ...) fw_log(FW_LOG_ERR, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_warn(fmt, ...) fw_log(FW_LOG_WARN, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_info(fmt, ...) fw_log(FW_LOG_INFO, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_debug(fmt, ...) fw_log(FW_LOG_DEBUG, fmt __VA_OPT__(,) __VA_ARGS__)

#endif /* FW_LOG_H */
