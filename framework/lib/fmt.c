/*
 * lib/fmt.c — fmt_write(): the printf subset of fw/fmt.h over tagged arguments, written into
 * a byte slice. Output goes through one put_byte() that bounds-checks against the slice, so a
 * short buffer truncates (and reports -ENOSPC) instead of overflowing.
 */
#include <fw/fmt.h>
#include <fw/str.h>

struct out {
	struct bytes buf;
	size_t pos;
	int err;
};

static void put_byte(struct out *o, uint8_t c)
{
	if (bytes_put_u8(o->buf, o->pos, c)) {
		o->err = o->err ? o->err : -ENOSPC;
		return;
	}
	o->pos++;
}

static void put_str(struct out *o, struct str s)
{
	for (size_t i = 0; i < str_len(s); i++)
		put_byte(o, str_at(s, i).value);
}

static void pad(struct out *o, size_t n, uint8_t c)
{
	while (n--)
		put_byte(o, c);
}

struct spec {
	bool left, zero;
	size_t width, prec;
	bool has_prec;
};

/* put_number - `mag` in `base`, with a sign and padding. */
static void put_number(struct out *o, const struct spec *sp, uint64_t mag, bool neg,
		       unsigned base, bool upper)
{
	uint8_t digits[24];
	size_t n = 0;
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		/* SAFETY: mag % base < 16 = the digit set's length; n < 24 (64 bits in base 8
		 * need 22 digits). */
		digits[n++] = (uint8_t)set[mag % base];
		mag /= base;
	} while (mag);
	size_t len = n + (neg ? 1 : 0);
	size_t fill = sp->width > len ? sp->width - len : 0;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	if (neg)
		put_byte(o, '-');
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n)
		put_byte(o, digits[--n]);
	if (sp->left)
		pad(o, fill, ' ');
}

static void bad(struct out *o)
{
	put_str(o, STR("<?>"));
	if (!o->err || o->err == -ENOSPC)
		o->err = -EINVAL;
}

struct result_size fmt_write(struct bytes out, struct str fmt, struct fmt_args args)
{
	struct out o = { .buf = out, .pos = 0, .err = 0 };
	size_t ai = 0, i = 0, n = str_len(fmt);
	while (i < n) {
		uint8_t c = str_at(fmt, i++).value;
		if (c != '%') {
			put_byte(&o, c);
			continue;
		}
		struct spec sp = { 0 };
		for (; i < n; i++) {
			c = str_at(fmt, i).value;
			if (c == '-')
				sp.left = true;
			else if (c == '0')
				sp.zero = true;
			else
				break;
		}
		while (i < n && (c = str_at(fmt, i).value) >= '0' && c <= '9' && sp.width < 4096) {
			sp.width = sp.width * 10 + (c - '0');
			i++;
		}
		if (i < n && str_at(fmt, i).value == '.') {
			sp.has_prec = true;
			i++;
			while (i < n && (c = str_at(fmt, i).value) >= '0' && c <= '9' && sp.prec < 4096) {
				sp.prec = sp.prec * 10 + (c - '0');
				i++;
			}
		}
		while (i < n && ((c = str_at(fmt, i).value) == 'l' || c == 'z' || c == 'h'))
			i++;
		if (i >= n) {
			bad(&o);
			break;
		}
		c = str_at(fmt, i++).value;
		if (c == '%') {
			put_byte(&o, '%');
			continue;
		}
		if (ai >= args.n) {
			bad(&o);
			continue;
		}
		/* SAFETY: ai < args.n, the length of the array FMT_ARGS built. */
		const struct fmt_arg *a = &args.v[ai++];
		bool is_int = a->kind == FMT_SIGNED || a->kind == FMT_UNSIGNED;
		switch (c) {
		case 'd':
		case 'i':
			if (!is_int) {
				bad(&o);
			} else if (a->kind == FMT_SIGNED && a->s < 0) {
				put_number(&o, &sp, 0 - (uint64_t)a->s, true, 10, false);
			} else {
				put_number(&o, &sp, a->u, false, 10, false);
			}
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (!is_int)
				bad(&o);
			else
				put_number(&o, &sp, a->u, false, c == 'u' ? 10 : c == 'o' ? 8 : 16,
					   c == 'X');
			break;
		case 'c':
			if (!is_int)
				bad(&o);
			else
				put_byte(&o, (uint8_t)a->u);
			break;
		case 's': {
			if (a->kind != FMT_STR) {
				bad(&o);
				break;
			}
			struct str s = sp.has_prec ? str_head(a->str, sp.prec) : a->str;
			size_t fill = sp.width > str_len(s) ? sp.width - str_len(s) : 0;
			if (!sp.left)
				pad(&o, fill, ' ');
			put_str(&o, s);
			if (sp.left)
				pad(&o, fill, ' ');
			break;
		}
		default:
			bad(&o);
		}
	}
	if (ai != args.n && !o.err)
		o.err = -EINVAL;
	if (o.err)
		return (struct result_size){ .value = o.pos, .err = o.err };
	return result_size_ok(o.pos);
}
