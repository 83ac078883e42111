/*
 * lib/str.c — the out-of-line part of fw/str.h: comparison, search, splitting, trimming and
 * integer parsing over length-delimited text. Every loop index is below the length of the
 * valid str it indexes (fw/str.h), which is the whole safety argument.
 */
#include <fw/str.h>

static inline struct str mk(const char *p, size_t len)
{
	return (struct str){ .ptr = p, .len = len };
}

struct result_u8 str_at(struct str s, size_t i)
{
	if (i >= s.len)
		return result_u8_err(-ERANGE);
	/* SAFETY: i < s.len. */
	return result_u8_ok((uint8_t)s.ptr[i]);
}

int str_cmp(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	for (size_t i = 0; i < n; i++) {
		/* SAFETY: i < n <= both lengths. */
		uint8_t x = (uint8_t)a.ptr[i], y = (uint8_t)b.ptr[i];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1);
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && str_cmp(a, b) == 0;
}

bool str_starts_with(struct str s, struct str prefix)
{
	return prefix.len <= s.len && str_eq(mk(s.ptr, prefix.len), prefix);
}

bool str_ends_with(struct str s, struct str suffix)
{
	/* SAFETY: suffix.len <= s.len, so the tail starts inside s. */
	return suffix.len <= s.len && str_eq(mk(s.ptr + (s.len - suffix.len), suffix.len), suffix);
}

struct result_size str_find_char(struct str s, size_t from, char c)
{
	for (size_t i = from; i < s.len; i++)
		/* SAFETY: i < s.len. */
		if (s.ptr[i] == c)
			return result_size_ok(i);
	return result_size_err(-ENOENT);
}

struct result_size str_find(struct str s, struct str needle)
{
	if (needle.len > s.len)
		return result_size_err(-ENOENT);
	for (size_t i = 0; i + needle.len <= s.len; i++)
		/* SAFETY: i + needle.len <= s.len. */
		if (str_eq(mk(s.ptr + i, needle.len), needle))
			return result_size_ok(i);
	return result_size_err(-ENOENT);
}

struct str_result str_sub(struct str s, size_t off, size_t len)
{
	if (len > s.len || off > s.len - len)
		return str_result_err(-ERANGE);
	/* SAFETY: [off, off+len) is inside s (checked above). */
	return str_result_ok(len ? mk(s.ptr + off, len) : mk(s.ptr, 0));
}

struct str str_skip(struct str s, size_t n)
{
	if (n >= s.len)
		return mk(s.ptr, 0);
	/* SAFETY: n < s.len. */
	return mk(s.ptr + n, s.len - n);
}

struct str str_head(struct str s, size_t n)
{
	return mk(s.ptr, n < s.len ? n : s.len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str str_trim(struct str s)
{
	size_t a = 0, b = s.len;
	/* SAFETY: a < b <= s.len on every access below. */
	while (a < b && is_space(s.ptr[a]))
		a++;
	while (b > a && is_space(s.ptr[b - 1]))
		b--;
	return str_sub(s, a, b - a).value;
}

bool str_split_next(struct str *rest, char sep, struct str *tok)
{
	/* A consumed rest is marked by a NULL base; an empty-but-live rest (after a trailing
	 * separator) still yields one empty token. */
	if (rest->ptr == NULL && rest->len == 0)
		return false;
	struct result_size at = str_find_char(*rest, 0, sep);
	if (at.err) {
		*tok = *rest;
		*rest = mk(NULL, 0);
		return true;
	}
	*tok = mk(rest->ptr, at.value);
	/* SAFETY: at.value < rest->len, so the text after the separator starts inside rest. */
	*rest = mk(rest->ptr + at.value + 1, rest->len - at.value - 1);
	return true;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* parse_mag - the unsigned magnitude of s (no sign) in base (0 = auto). */
static struct result_u64 parse_mag(struct str s, unsigned base)
{
	size_t i = 0;
	if (base == 1 || base > 36)
		return result_u64_err(-EINVAL);
	if (base == 0 || base == 16) {
		/* SAFETY: s.len >= 2 before reading ptr[0], ptr[1]. */
		if (s.len >= 2 && s.ptr[0] == '0' && (s.ptr[1] == 'x' || s.ptr[1] == 'X')) {
			i = 2;
			base = 16;
		} else if (base == 0) {
			/* SAFETY: s.len >= 2 before reading ptr[0]. */
			base = (s.len >= 2 && s.ptr[0] == '0') ? 8 : 10;
		}
	}
	if (i >= s.len)
		return result_u64_err(-EINVAL);
	uint64_t v = 0;
	for (; i < s.len; i++) {
		/* SAFETY: i < s.len. */
		int d = digit_value(s.ptr[i]);
		if (d >= (int)base)
			return result_u64_err(-EINVAL);
		if (fw_mul_overflow(v, (uint64_t)base, &v) || fw_add_overflow(v, (uint64_t)d, &v))
			return result_u64_err(-ERANGE);
	}
	return result_u64_ok(v);
}

struct result_u64 str_parse_u64(struct str s, unsigned base)
{
	/* SAFETY: s.len >= 1 before reading ptr[0]. */
	if (s.len && s.ptr[0] == '+')
		s = str_skip(s, 1);
	return parse_mag(s, base);
}

struct result_i64 str_parse_i64(struct str s, unsigned base)
{
	bool neg = false;
	/* SAFETY: s.len >= 1 before reading ptr[0]. */
	if (s.len && (s.ptr[0] == '+' || s.ptr[0] == '-')) {
		neg = s.ptr[0] == '-';
		s = str_skip(s, 1);
	}
	struct result_u64 m = parse_mag(s, base);
	if (m.err)
		return result_i64_err(m.err);
	if (neg) {
		if (m.value > (uint64_t)INT64_MAX + 1)
			return result_i64_err(-ERANGE);
		return result_i64_ok(m.value == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m.value);
	}
	if (m.value > (uint64_t)INT64_MAX)
		return result_i64_err(-ERANGE);
	return result_i64_ok((int64_t)m.value);
}

struct result_size str_copy_to(struct bytes dst, struct str s)
{
	if (s.len > bytes_len(dst))
		return result_size_err(-ENOSPC);
	/* SAFETY: s is valid for s.len bytes; the slice is read-only as a source. The cast
	 * drops const only to build a source slice that bytes_copy never writes through. */
	int e = bytes_copy(dst, __fw_bytes_raw((uint8_t *)s.ptr, s.len));
	return e ? result_size_err(e) : result_size_ok(s.len);
}
