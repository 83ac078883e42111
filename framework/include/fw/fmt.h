/*
 * fw/fmt.h — checked formatting into a byte buffer: a literal format, integer and `str`
 * arguments only. The logging entry (fw/log.h, console side) builds on FMT_ARGS().
 *
 *     uint8_t line[64];
 *     struct result_size n = FMT(BYTES_OF_ARRAY(line), "pid %d: %s", pid, name);
 *
 * How it stays safe without a variadic function: FMT is a macro that wraps each argument in
 * a tagged `struct fmt_arg` chosen by _Generic from its static type (signed integers,
 * unsigned integers, `struct str`; a pointer or anything else does not compile), puts them
 * in an array, and calls fmt_write() with the array. The format must be a string literal.
 *
 * Conversions: %d %i (signed decimal), %u (unsigned decimal), %x %X (hex), %o (octal),
 * %c (one byte), %s (a str), %% ; optional flags '-' '0', a width (digits) and, for %s, a
 * precision (.N); length modifiers (l, ll, z, h) are accepted and ignored since every
 * argument arrives as 64 bits. A conversion whose argument is missing or of the wrong kind
 * prints "<?>" and makes the result -EINVAL (the text is still written).
 */
#ifndef FW_FMT_H
#define FW_FMT_H

#include <fw/libbase.h>
#include <fw/bytes.h>
#include <fw/result.h>

enum fmt_kind { FMT_END = 0, FMT_SIGNED, FMT_UNSIGNED, FMT_STR };

struct fmt_arg {
	enum fmt_kind kind;
	int64_t s;
	uint64_t u;
	struct str str;
};

/* An argument list built by FMT_ARGS (pointer and count kept together: private). */
struct FW_VALUE FW_FAT fmt_args {
	const struct fmt_arg *v FW_PRIVATE;
	size_t n FW_PRIVATE;
};

static inline struct fmt_arg fmt_arg_signed(long long v)
{
	return (struct fmt_arg){ .kind = FMT_SIGNED, .s = v, .u = (uint64_t)v };
}
static inline struct fmt_arg fmt_arg_unsigned(unsigned long long v)
{
	return (struct fmt_arg){ .kind = FMT_UNSIGNED, .s = (int64_t)v, .u = v };
}
static inline struct fmt_arg fmt_arg_str(struct str v)
{
	return (struct fmt_arg){ .kind = FMT_STR, .str = v };
}

/* FMT_ARG(x) - wrap one argument; the _Generic picks a function, which is then called, so
 * only the chosen conversion is type-checked against x. */
#define FMT_ARG(x)                                                                          \
	_Generic((x),                                                                       \
		_Bool: fmt_arg_unsigned,                                                    \
		char: fmt_arg_signed,                                                       \
		signed char: fmt_arg_signed,                                                \
		short: fmt_arg_signed,                                                      \
		int: fmt_arg_signed,                                                        \
		long: fmt_arg_signed,                                                       \
		long long: fmt_arg_signed,                                                  \
		unsigned char: fmt_arg_unsigned,                                            \
		unsigned short: fmt_arg_unsigned,                                           \
		unsigned int: fmt_arg_unsigned,                                             \
		unsigned long: fmt_arg_unsigned,                                            \
		unsigned long long: fmt_arg_unsigned,                                       \
		struct str: fmt_arg_str)(x)

/* Apply FMT_ARG to up to 12 arguments. */
#define __FW_FMT_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define __FW_FMT_COUNT(...) __FW_FMT_N(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __FW_FMT_CAT(a, b) __FW_FMT_CAT2(a, b)
#define __FW_FMT_CAT2(a, b) a##b
#define __FW_FMT_M1(a) FMT_ARG(a)
#define __FW_FMT_M2(a, ...) FMT_ARG(a), __FW_FMT_M1(__VA_ARGS__)
#define __FW_FMT_M3(a, ...) FMT_ARG(a), __FW_FMT_M2(__VA_ARGS__)
#define __FW_FMT_M4(a, ...) FMT_ARG(a), __FW_FMT_M3(__VA_ARGS__)
#define __FW_FMT_M5(a, ...) FMT_ARG(a), __FW_FMT_M4(__VA_ARGS__)
#define __FW_FMT_M6(a, ...) FMT_ARG(a), __FW_FMT_M5(__VA_ARGS__)
#define __FW_FMT_M7(a, ...) FMT_ARG(a), __FW_FMT_M6(__VA_ARGS__)
#define __FW_FMT_M8(a, ...) FMT_ARG(a), __FW_FMT_M7(__VA_ARGS__)
#define __FW_FMT_M9(a, ...) FMT_ARG(a), __FW_FMT_M8(__VA_ARGS__)
#define __FW_FMT_M10(a, ...) FMT_ARG(a), __FW_FMT_M9(__VA_ARGS__)
#define __FW_FMT_M11(a, ...) FMT_ARG(a), __FW_FMT_M10(__VA_ARGS__)
#define __FW_FMT_M12(a, ...) FMT_ARG(a), __FW_FMT_M11(__VA_ARGS__)
#define __FW_FMT_MAP(...) __FW_FMT_CAT(__FW_FMT_M, __FW_FMT_COUNT(__VA_ARGS__))(__VA_ARGS__)

/* FMT_ARGS(...) - a `struct fmt_args` over the (possibly empty) argument list. The trailing
 * FMT_END element keeps the array non-empty; it is not counted. The private pointer and count
 * are set together here, in the macro body, so they always describe the same array. */
#define FMT_ARGS(...)                                                                       \
	((struct fmt_args){                                                                 \
		.v = (const struct fmt_arg[]){ __VA_OPT__(__FW_FMT_MAP(__VA_ARGS__), ){         \
			.kind = FMT_END } },                                                \
		.n = 0 __VA_OPT__(+__FW_FMT_COUNT(__VA_ARGS__)) })

/*
 * fmt_write - format `fmt` with `args` into the start of `out`.
 * Returns the number of bytes written; on error `.value` still holds the bytes written (the
 * text so far is kept) and `.err` says why: -ENOSPC
 * when `out` was too small (the output is truncated), -EINVAL for a bad conversion or an
 * argument of the wrong kind, too few or too many arguments. Context: any (no allocation).
 */
struct result_size fmt_write(struct bytes out, struct str fmt, struct fmt_args args);

/* FMT(out, "literal format", args...) - fmt_write with a literal format. */
#define FMT(out, f, ...) fmt_write((out), STR(f), FMT_ARGS(__VA_ARGS__))

#endif /* FW_FMT_H */
