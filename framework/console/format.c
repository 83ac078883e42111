/*
 * format.c — the formatter behind printk() and ksnprintf().
 *
 * printf over a C va_list for framework code (checked at compile time by the printf format
 * attribute). Services' log lines go through the safe-C library's fmt_write() instead (tagged
 * arguments, fw/fmt.h). Output goes to a bounded buffer; overflowing output is truncated,
 * never written past the end.
 */
#include "internal/printk.h"

struct outbuf {
	char *buf;
	size_t cap; /* including the NUL */
	size_t len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->cap)
		/* SAFETY: index < cap - 1 (checked on the line above). */
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool zero;
	bool left;
	unsigned width;
};

static void put_padded(struct outbuf *o, const char *s, size_t n, const struct spec *sp)
{
	size_t pad = sp->width > n ? sp->width - n : 0;
	if (!sp->left)
		while (pad--)
			put(o, sp->zero ? '0' : ' ');
	for (size_t i = 0; i < n; i++)
		/* SAFETY: i < n, the caller's count of bytes at s. */
		put(o, s[i]);
	if (sp->left)
		while (pad--)
			put(o, ' ');
}

static void put_int(struct outbuf *o, u64 v, bool is_signed, unsigned base, bool upper,
		    const struct spec *sp)
{
	char tmp[24];
	size_t n = 0;
	bool neg = is_signed && (i64)v < 0;
	u64 mag = neg ? (u64)0 - v : v;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		/* SAFETY: n < sizeof(tmp) - 1 (loop condition), so every index is inside tmp. */
		tmp[sizeof(tmp) - 1 - n] = digits[mag % base];
		mag /= base;
		n++;
	} while (mag && n < sizeof(tmp) - 1);
	if (neg) {
		if (sp->zero && sp->width > n + 1) {
			/* "-0042": the sign goes before the zero padding */
			struct spec rest = *sp;
			put(o, '-');
			rest.width--;
			/* SAFETY: n <= sizeof(tmp) - 1, so &tmp[sizeof(tmp) - n] points at the n digits inside tmp. */
			put_padded(o, &tmp[sizeof(tmp) - n], n, &rest);
			return;
		}
		tmp[sizeof(tmp) - 1 - n] = '-';
		n++;
	}
	/* SAFETY: as above (n <= sizeof(tmp)). */
	put_padded(o, &tmp[sizeof(tmp) - n], n, sp);
}

/* Parse flags and width at *p; advance *p past them. */
static struct spec parse_spec(const char **p)
{
	struct spec sp = { false, false, 0 };
	/* SAFETY: *p walks the NUL-terminated format; each step stops at a non-flag byte. */
	for (;; (*p)++) {
		if (**p == '0')
			sp.zero = true;
		else if (**p == '-')
			sp.left = true;
		else
			break;
	}
	while (**p >= '0' && **p <= '9') {
		if (sp.width < 256)
			sp.width = sp.width * 10 + (unsigned)(**p - '0');
		/* SAFETY: the loop condition saw a digit, not the NUL. */
		(*p)++;
	}
	return sp;
}

size_t kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, cap, 0 };
	/* SAFETY: walks the NUL-terminated format until the NUL; every step below stays on it. */
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		/* SAFETY: *p was '%', not the NUL, so p + 1 is inside the string. */
		p++;
		struct spec sp = parse_spec(&p);
		int lng = 0;
		while (*p == 'l' || *p == 'z') {
			lng = *p == 'z' ? 2 : lng + 1;
			/* SAFETY: *p was a length modifier, not the NUL. */
			p++;
		}
		u64 v = 0;
		switch (*p) {
		case 'd':
		case 'i':
			v = lng ? (u64)va_arg(ap, long) : (u64)(i64)va_arg(ap, int);
			put_int(&o, v, true, 10, false, &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
			v = lng ? (u64)va_arg(ap, unsigned long) : (u64)va_arg(ap, unsigned int);
			put_int(&o, v, false, *p == 'u' ? 10 : 16, *p == 'X', &sp);
			break;
		case 'p':
			/* SAFETY: formats the address only; the pointer is not dereferenced. */
			v = (u64)(uintptr_t)va_arg(ap, const void *);
			put(&o, '0');
			put(&o, 'x');
			sp.zero = true;
			sp.width = 16;
			put_int(&o, v, false, 16, false, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(&o, &c, 1, &sp);
			break;
		}
		case 's': {
			/* SAFETY: framework callers pass NUL-terminated strings (format attribute
			 * checks the type); NULL prints as "(null)". */
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = 0;
			while (s[n])
				n++;
			put_padded(&o, s, n, &sp);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* SAFETY: back onto the byte before the NUL so the loop's p++ ends on the NUL. */
			p--;
			break;
		default:
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (cap)
		/* SAFETY: the index is < cap (cap > 0 checked). */
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len < cap ? o.len : (cap ? cap - 1 : 0);
}

size_t ksnprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = kvsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
