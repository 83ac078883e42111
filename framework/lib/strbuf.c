/*
 * lib/strbuf.c — the text builder of fw/strbuf.h. Every append works on the free tail of the
 * slice (a checked sub-slice), so nothing is ever written outside it; an append that does
 * not fit is undone by restoring the length.
 */
#include <fw/strbuf.h>

/* tail - the unused rest of the buffer. */
static struct bytes tail(const struct strbuf *sb)
{
	return bytes_skip(sb->buf, sb->len).value;
}

struct str strbuf_str(const struct strbuf *sb)
{
	return str_from_bytes(bytes_head(sb->buf, sb->len));
}

void strbuf_add(struct strbuf *sb, struct str s)
{
	if (sb->err)
		return;
	struct result_size n = str_copy_to(tail(sb), s);
	if (n.err) {
		sb->err = n.err;
		return;
	}
	sb->len += n.value;
}

void strbuf_add_char(struct strbuf *sb, char c)
{
	if (sb->err)
		return;
	if (bytes_put_u8(sb->buf, sb->len, (uint8_t)c)) {
		sb->err = -ENOSPC;
		return;
	}
	sb->len++;
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len)
		sb->len = len;
}

void strbuf_add_fmt(struct strbuf *sb, struct str fmt, struct fmt_args args)
{
	if (sb->err)
		return;
	struct result_size n = fmt_write(tail(sb), fmt, args);
	if (n.err) {
		sb->err = n.err; /* the partial text past len is ignored */
		return;
	}
	sb->len += n.value;
}
