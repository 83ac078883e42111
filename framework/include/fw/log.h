/*
 * fw/log.h — the console logger with levels, for the framework and for services.
 *
 * A log call takes a *literal* format and integer arguments only:
 *
 *     fw_info("mounted %u inodes in %u us", count, elapsed_us);
 *
 * The format must be a string literal (the macro pastes "" in front, so anything else does not
 * compile). Each argument is wrapped by _Generic into a tagged `struct fw_log_arg`, so no pointer
 * can reach the formatter and a wrong conversion cannot read past the arguments: the formatter
 * checks the count, prints `<?>` for a conversion with no argument, and ignores extra ones.
 * Conversions: %d %i (signed), %u (unsigned), %x %X (hex), %c, %%, with an optional `0` flag and
 * width (`%08x`), and %s only for a `struct str` once the safe-C library provides one.
 *
 * Every line is prefixed with the monotonic time since reset (`[    0.012345] `) and, for
 * warnings and errors, the level. Lines below the console level (default: info; set with
 * `loglevel=N` on the command line: 0 err .. 3 debug) are dropped.
 *
 * Context: any, including interrupt and trap handlers (the console is polled, never sleeps).
 */
#ifndef FW_LOG_H
#define FW_LOG_H

#include <fw/types.h>

enum fw_log_level {
	FW_LOG_ERR = 0,
	FW_LOG_WARN = 1,
	FW_LOG_INFO = 2,
	FW_LOG_DEBUG = 3,
};

enum fw_log_arg_kind {
	FW_LOG_ARG_SIGNED,
	FW_LOG_ARG_UNSIGNED,
};

/* One formatted argument: an integer and whether it is signed. Built only by FW_LOG_ARG. */
struct fw_log_arg {
	enum fw_log_arg_kind kind;
	u64 bits;
};

static inline struct fw_log_arg fw_log_arg_signed(long long v)
{
	struct fw_log_arg a = { FW_LOG_ARG_SIGNED, (u64)v };
	return a;
}

static inline struct fw_log_arg fw_log_arg_unsigned(unsigned long long v)
{
	struct fw_log_arg a = { FW_LOG_ARG_UNSIGNED, v };
	return a;
}

#define FW_LOG_ARG(x)                                                                      \
	_Generic((x),                                                                      \
		_Bool: fw_log_arg_unsigned, char: fw_log_arg_signed,                       \
		signed char: fw_log_arg_signed, short: fw_log_arg_signed,                  \
		int: fw_log_arg_signed, long: fw_log_arg_signed,                           \
		long long: fw_log_arg_signed, unsigned char: fw_log_arg_unsigned,          \
		unsigned short: fw_log_arg_unsigned, unsigned int: fw_log_arg_unsigned,    \
		unsigned long: fw_log_arg_unsigned,                                        \
		unsigned long long: fw_log_arg_unsigned)(x)

/* Argument mapping for up to 8 arguments (more is a compile error, by design). */
#define FW_LOG_NARGS_(_1, _2, _3, _4, _5, _6, _7, _8, N, ...) N
#define FW_LOG_NARGS(...) FW_LOG_NARGS_(__VA_ARGS__ __VA_OPT__(,) 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define FW_LOG_MAP0()
#define FW_LOG_MAP1(a) FW_LOG_ARG(a)
#define FW_LOG_MAP2(a, ...) FW_LOG_ARG(a), FW_LOG_MAP1(__VA_ARGS__)
#define FW_LOG_MAP3(a, ...) FW_LOG_ARG(a), FW_LOG_MAP2(__VA_ARGS__)
#define FW_LOG_MAP4(a, ...) FW_LOG_ARG(a), FW_LOG_MAP3(__VA_ARGS__)
#define FW_LOG_MAP5(a, ...) FW_LOG_ARG(a), FW_LOG_MAP4(__VA_ARGS__)
#define FW_LOG_MAP6(a, ...) FW_LOG_ARG(a), FW_LOG_MAP5(__VA_ARGS__)
#define FW_LOG_MAP7(a, ...) FW_LOG_ARG(a), FW_LOG_MAP6(__VA_ARGS__)
#define FW_LOG_MAP8(a, ...) FW_LOG_ARG(a), FW_LOG_MAP7(__VA_ARGS__)
#define FW_LOG_CAT_(a, b) a##b
#define FW_LOG_CAT(a, b) FW_LOG_CAT_(a, b)
#define FW_LOG_MAP(...) FW_LOG_CAT(FW_LOG_MAP, FW_LOG_NARGS(__VA_ARGS__))(__VA_ARGS__)

/*
 * fw_log_emit - format one log line and write it to the console.
 * Needs: `fmt` a NUL-terminated literal (guaranteed by the fw_log macros), `args` an array of
 *        `nargs` arguments.
 * Guarantees: reads at most `nargs` arguments; the line is written whole (not interleaved with
 *        another CPU's line) and ends with a newline.
 * Context: any.
 */
void fw_log_emit(enum fw_log_level level, const char *fmt, const struct fw_log_arg *args,
		 size_t nargs);

#define fw_log(level, fmt, ...)                                                            \
	fw_log_emit((level), "" fmt "",                                                    \
		    (const struct fw_log_arg[FW_LOG_NARGS(__VA_ARGS__) + 1]){                  \
			    FW_LOG_MAP(__VA_ARGS__) },                                     \
		    FW_LOG_NARGS(__VA_ARGS__))

#define fw_err(fmt, ...) fw_log(FW_LOG_ERR, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_warn(fmt, ...) fw_log(FW_LOG_WARN, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_info(fmt, ...) fw_log(FW_LOG_INFO, fmt __VA_OPT__(,) __VA_ARGS__)
#define fw_debug(fmt, ...) fw_log(FW_LOG_DEBUG, fmt __VA_OPT__(,) __VA_ARGS__)

#endif /* FW_LOG_H */
