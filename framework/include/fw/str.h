/*
 * fw/str.h — `struct str`, length-delimited read-only text (no NUL terminator is needed or
 * looked for): comparison, searching, splitting, trimming and number parsing. Formatting
 * numbers into a buffer is fw/fmt.h.
 *
 * A `struct str` (defined in fw/libbase.h) is constructed only by the framework: STR("lit")
 * over a literal, str_from_bytes() over a slice the caller already holds, or the framework's
 * copy-in of a user path. All functions here are pure and bounds-checked; positions are byte
 * offsets. "Valid": ptr..ptr+len readable for as long as the str is used (constructors
 * guarantee it).
 */
#ifndef FW_STR_H
#define FW_STR_H

#include <fw/libbase.h>
#include <fw/bytes.h>
#include <fw/result.h>

DEFINE_RESULT(str_result, struct str);

/* The empty string. */
static inline struct str str_empty(void)
{
	return (struct str){ .ptr = NULL, .len = 0 };
}
/* str_len - length in bytes. */
static inline size_t str_len(struct str s)
{
	return s.len;
}
/* str_from_bytes - the bytes of `b` as text (no validation: text is just bytes). */
static inline struct str str_from_bytes(struct bytes b)
{
	/* SAFETY: same size, every bit pattern valid for both; the str only reads. */
	return (struct str){ .ptr = (const char *)b.ptr, .len = b.len };
}
/* str_at - the byte at `i`, or -ERANGE. */
struct result_u8 str_at(struct str s, size_t i);
/* str_eq - same length and bytes. */
bool str_eq(struct str a, struct str b);
/* str_cmp - <0, 0, >0 as in memcmp on the common prefix, then shorter first. */
int str_cmp(struct str a, struct str b);
bool str_starts_with(struct str s, struct str prefix);
bool str_ends_with(struct str s, struct str suffix);
/* str_find_char - offset of the first `c` at or after `from`; -ENOENT if none. */
struct result_size str_find_char(struct str s, size_t from, char c);
/* str_find - offset of the first occurrence of `needle` (empty needle: 0); -ENOENT if none. */
struct result_size str_find(struct str s, struct str needle);
/* str_sub - the text [off, off+len); -ERANGE if it does not fit. */
struct str_result str_sub(struct str s, size_t off, size_t len);
/* str_skip - without the first `n` bytes (empty if n >= len). */
struct str str_skip(struct str s, size_t n);
/* str_head - at most the first `n` bytes. */
struct str str_head(struct str s, size_t n);
/* str_trim - without leading and trailing ASCII spaces, tabs, CR and LF. */
struct str str_trim(struct str s);

/*
 * str_split_next - split off the next token before separator `sep`.
 * Needs: `rest` is the text still to split. Returns false when `rest` was already consumed;
 * else stores the token (text up to the first `sep`, or all of it) in `*tok` and leaves the
 * text after that `sep` in `*rest`. Empty tokens are reported ("a//b" gives a, "", b).
 * Iterate:   struct str rest = path, tok;  while (str_split_next(&rest, '/', &tok)) ...
 * Note: an empty text that came from a slice or a literal (STR("")) yields one empty token;
 * str_empty() is the only "nothing left" value and yields none.
 */
bool str_split_next(struct str *rest, char sep, struct str *tok);

/*
 * str_parse_u64 / str_parse_i64 - the whole of `s` as an integer in `base` (2..36), or base 0
 * for C-style auto-detection (0x hex, 0 octal, else decimal). A leading '+' is accepted, '-'
 * only by the signed parser. -EINVAL: empty, a bad digit, or trailing text; -ERANGE: overflow.
 */
struct result_u64 str_parse_u64(struct str s, unsigned base);
struct result_i64 str_parse_i64(struct str s, unsigned base);

/* str_copy_to - copy `s` into the start of `dst`; the copied length, or -ENOSPC (nothing
 * copied) when it does not fit. */
struct result_size str_copy_to(struct bytes dst, struct str s);

#endif /* FW_STR_H */
