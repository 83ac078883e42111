/*
 * fw/strbuf.h — building text into a caller's buffer: appends of `str`s, bytes and formatted
 * numbers, with one sticky overflow error, and a `str` view of the result.
 *
 *     char path[256];
 *     struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(path));
 *     strbuf_add(&sb, STR("/proc/"));
 *     STRBUF_FMT(&sb, "%u/status", pid);
 *     if (strbuf_err(&sb))
 *             return -ENAMETOOLONG;
 *     struct str p = strbuf_str(&sb);
 *
 * An append that does not fit writes nothing (the text so far stays valid) and makes the
 * builder failed: later appends are ignored and strbuf_err() is -ENOSPC (-EINVAL for a bad
 * conversion in STRBUF_FMT). The builder only ever writes inside the slice it was given.
 */
#ifndef FW_STRBUF_H
#define FW_STRBUF_H

#include <fw/libbase.h>
#include <fw/bytes.h>
#include <fw/fmt.h>
#include <fw/str.h>

struct strbuf {
	struct bytes buf FW_PRIVATE;
	size_t len FW_PRIVATE;
	int err FW_PRIVATE; /* 0, or the first append's error */
};

/* strbuf_over - an empty builder writing into `buf`. */
static inline struct strbuf strbuf_over(struct bytes buf)
{
	return (struct strbuf){ .buf = buf, .len = 0, .err = 0 };
}
/* strbuf_str - the text built so far (valid while the buffer is and until the next append). */
struct str strbuf_str(const struct strbuf *sb);
/* strbuf_len - bytes built so far. */
static inline size_t strbuf_len(const struct strbuf *sb)
{
	return sb->len;
}
/* strbuf_err - 0, or the first failure: -ENOSPC (did not fit), -EINVAL (bad conversion). */
static inline int strbuf_err(const struct strbuf *sb)
{
	return sb->err;
}
/* strbuf_add - append `s` whole, or nothing (and fail) when it does not fit. */
void strbuf_add(struct strbuf *sb, struct str s);
/* strbuf_add_char - append one byte. */
void strbuf_add_char(struct strbuf *sb, char c);
/* strbuf_truncate - keep the first `len` bytes (no-op when len >= the current length);
 * clears nothing else: a failed builder stays failed. */
void strbuf_truncate(struct strbuf *sb, size_t len);
/* strbuf_add_fmt - append formatted text (use STRBUF_FMT); all or nothing, as strbuf_add. A
 * bad conversion fails the builder too. */
void strbuf_add_fmt(struct strbuf *sb, struct str fmt, struct fmt_args args);
#define STRBUF_FMT(sb, f, ...) strbuf_add_fmt((sb), STR(f), FMT_ARGS(__VA_ARGS__))

#endif /* FW_STRBUF_H */
