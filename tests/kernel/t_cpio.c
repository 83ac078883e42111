/*
 * tests/kernel/t_cpio.c — host tests of the initramfs reader (kernel/fs/cpio.c): a hand-made
 * archive read back field by field, Debian's busybox archive built by tools/mkinitramfs.py,
 * and the hostile cases — every truncation, bad magic, non-hex and signed fields, names
 * without or with extra NULs, huge sizes, unknown types, checksums, concatenation; the same
 * archives gzip-compressed (by zlib, the oracle), alone, as several members, after an
 * uncompressed archive (Debian's microcode layout), and their truncations.
 */
#include <fs/cpio.h>
#include <zlib.h>

#include "khost.h"

static struct kh_buf sample(void)
{
	struct kh_buf b = { 0 };
	kh_cpio_add(&b, "bin", CPIO_S_IFDIR | 0755, "", 0);
	kh_cpio_add(&b, "bin/hello", CPIO_S_IFREG | 0644, "hello\n", 6);
	kh_cpio_add(&b, "bin/sh", CPIO_S_IFLNK | 0777, "busybox", 7);
	kh_cpio_trailer(&b);
	return b;
}

/* count - entries until the end or an error; the final return in *last. */
static int count(struct bytes a, int *last)
{
	struct cpio_reader *r = cpio_reader_new(a);
	struct cpio_entry e;
	int n = 0, k;
	while ((k = cpio_next(r, &e)) > 0 && n < 100000)
		n++;
	*last = k;
	cpio_reader_free(r);
	return n;
}

/* data_of - the current entry's data, read piece by piece (malloc'd; *len its length), or
 * NULL on an error. */
static uint8_t *data_of(struct cpio_reader *r, size_t *len)
{
	uint8_t *p = malloc(1);
	*len = 0;
	for (;;) {
		struct bytes_result d = cpio_read_data(r);
		if (d.err) {
			free(p);
			return NULL;
		}
		size_t n = bytes_len(d.value);
		if (!n)
			return p;
		p = realloc(p, *len + n);
		bytes_copy(kh_bytes(p + *len, n), d.value);
		*len += n;
	}
}

static bool data_is(struct cpio_reader *r, const void *want, size_t wlen)
{
	size_t len;
	uint8_t *p = data_of(r, &len);
	bool ok = p && len == wlen && memcmp(p, want, len) == 0;
	free(p);
	return ok;
}

/* gz - `len` bytes at `p` as one gzip member at zlib's `level` and `strategy`. */
static struct kh_buf gz(const void *p, size_t len, int level, int strategy)
{
	struct kh_buf out = { 0 };
	z_stream s = { 0 };
	if (deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, strategy) != Z_OK)
		abort();
	out.cap = deflateBound(&s, len) + 64;
	out.p = malloc(out.cap);
	s.next_in = (Bytef *)(uintptr_t)p;
	s.avail_in = (uInt)len;
	s.next_out = out.p;
	s.avail_out = (uInt)out.cap;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END)
		abort();
	out.len = s.total_out;
	deflateEnd(&s);
	return out;
}

/* patch - overwrite field `i` (0 = ino ... 12 = check) of the header at `off`. */
static void patch(struct kh_buf *b, size_t off, int i, const char *eight)
{
	memcpy(b->p + off + 6 + 8 * i, eight, 8);
}

static int first_err(struct kh_buf *b)
{
	int last;
	count(kh_bytes(b->p, b->len), &last);
	return last;
}

KTEST(cpio, reads_entries)
{
	struct kh_buf b = sample();
	struct cpio_reader *r = cpio_reader_new(kh_bytes(b.p, b.len));
	struct cpio_entry e;
	KT_ASSERT(kt, cpio_next(r, &e) == 1);
	KT_EXPECT(kt, kh_str_is(e.name, "bin"));
	KT_EXPECT(kt, e.mode == (CPIO_S_IFDIR | 0755));
	KT_ASSERT(kt, cpio_next(r, &e) == 1);
	KT_EXPECT(kt, kh_str_is(e.name, "bin/hello"));
	KT_EXPECT(kt, e.size == 6 && bytes_len(e.data) == 0);
	KT_EXPECT(kt, data_is(r, "hello\n", 6));
	KT_EXPECT(kt, e.nlink == 1 && e.ino == 1);
	KT_ASSERT(kt, cpio_next(r, &e) == 1);
	KT_EXPECT(kt, (e.mode & CPIO_S_IFMT) == CPIO_S_IFLNK);
	KT_EXPECT(kt, str_eq(str_from_bytes(e.data), kh_str("busybox")));
	KT_EXPECT(kt, cpio_next(r, &e) == 0);
	KT_EXPECT(kt, cpio_next(r, &e) == 0);
	cpio_reader_free(r);
	free(b.p);
}

/* check_busybox - the busybox archive `a` reads back: /bin/busybox's bytes, its links. */
static void check_busybox(struct ktest_ctx *kt, struct bytes a, const uint8_t *bb, size_t bblen)
{
	struct cpio_reader *r = cpio_reader_new(a);
	struct cpio_entry e;
	int n = 0, k, links = 0;
	bool found = false;
	while ((k = cpio_next(r, &e)) > 0) {
		n++;
		if ((e.mode & CPIO_S_IFMT) == CPIO_S_IFLNK)
			links++;
		if (kh_str_is(e.name, "bin/busybox")) {
			found = true;
			KT_EXPECT(kt, e.size == bblen);
			KT_EXPECT(kt, data_is(r, bb, bblen));
		}
	}
	KT_EXPECT(kt, k == 0);
	KT_EXPECT(kt, found);
	KT_EXPECT(kt, n > 100 && links > 100);
	cpio_reader_free(r);
}

KTEST(cpio, busybox_archive)
{
	const char *path = getenv("KHOST_BUSYBOX_CPIO");
	size_t len = 0, bblen = 0;
	uint8_t *a = path ? kh_load(path, &len) : NULL;
	uint8_t *bb = kh_load("/bin/busybox", &bblen);
	KT_ASSERT(kt, a && bb);
	check_busybox(kt, kh_bytes(a, len), bb, bblen);
	free(a);
	free(bb);
}

/* The busybox archive gzip-compressed by the gzip program (as Debian's mkinitramfs makes
 * initrds), and at zlib's levels 1 and 9 and its fixed-code, Huffman-only and RLE
 * strategies (every kind of block), and stored (level 0). */
KTEST(cpio, gzip_busybox_archive)
{
	const char *path = getenv("KHOST_BUSYBOX_CPIO_GZ");
	const char *raw = getenv("KHOST_BUSYBOX_CPIO");
	size_t len = 0, rlen = 0, bblen = 0;
	uint8_t *a = path ? kh_load(path, &len) : NULL;
	uint8_t *ra = raw ? kh_load(raw, &rlen) : NULL;
	uint8_t *bb = kh_load("/bin/busybox", &bblen);
	KT_ASSERT(kt, a && ra && bb);
	KT_EXPECT(kt, a[0] == 0x1f && a[1] == 0x8b);
	check_busybox(kt, kh_bytes(a, len), bb, bblen);
	static const int how[][2] = { { 1, Z_DEFAULT_STRATEGY }, { 9, Z_DEFAULT_STRATEGY },
				      { 6, Z_FIXED },            { 6, Z_HUFFMAN_ONLY },
				      { 6, Z_RLE },              { 0, Z_DEFAULT_STRATEGY } };
	for (size_t i = 0; i < sizeof how / sizeof how[0]; i++) {
		struct kh_buf g = gz(ra, rlen, how[i][0], how[i][1]);
		check_busybox(kt, kh_bytes(g.p, g.len), bb, bblen);
		free(g.p);
	}
	free(a);
	free(ra);
	free(bb);
}

KTEST(cpio, every_truncation_fails)
{
	struct kh_buf b = sample();
	size_t trailer_end = b.len - ((b.len - 110 - 11) % 4); /* bytes up to the padded trailer name */
	for (size_t cut = 0; cut < b.len; cut++) {
		int last;
		count(kh_bytes(b.p, cut), &last);
		if (cut < trailer_end - 3)
			KT_EXPECT(kt, last == -EINVAL);
	}
	free(b.p);
}

KTEST(cpio, bad_headers)
{
	struct kh_buf b;
	b = sample(); memcpy(b.p, "070707", 6);           /* old binary/odc magic */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 1, "0000X1ED");        /* non-hex digit */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 6, "+0000000");        /* a sign str_parse_u64 would take */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 11, "00000000");       /* namesize 0 */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 11, "00000001");       /* only the NUL */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 11, "00001001");       /* over PATH_MAX */
	KT_EXPECT(kt, first_err(&b) == -ENAMETOOLONG); free(b.p);
	b = sample(); patch(&b, 0, 11, "00000003");       /* "bin" without its NUL */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 6, "FFFFFFFF");        /* huge file size */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 11, "FFFFFFFF");       /* huge name size */
	KT_EXPECT(kt, first_err(&b) == -ENAMETOOLONG); free(b.p);
	b = sample(); patch(&b, 0, 1, "000F01ED");        /* unknown file type 017 */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
	b = sample(); patch(&b, 0, 1, "000001ED");        /* no file type at all */
	KT_EXPECT(kt, first_err(&b) == -EINVAL); free(b.p);
}

KTEST(cpio, names_and_links)
{
	struct kh_buf b = { 0 };
	kh_cpio_add(&b, "a", CPIO_S_IFREG | 0644, "", 0);
	b.p[110] = 0; /* the name's first byte is a NUL: an embedded NUL before the end */
	kh_cpio_trailer(&b);
	KT_EXPECT(kt, first_err(&b) == -EINVAL);
	free(b.p);
	b = (struct kh_buf){ 0 };
	kh_cpio_add(&b, "l", CPIO_S_IFLNK | 0777, "", 0); /* empty symlink target */
	kh_cpio_trailer(&b);
	KT_EXPECT(kt, first_err(&b) == -EINVAL);
	free(b.p);
	b = (struct kh_buf){ 0 };
	KT_EXPECT(kt, first_err(&b) == -EINVAL); /* empty archive */
	kh_cpio_add(&b, "f", CPIO_S_IFREG | 0644, "x", 1); /* no trailer */
	KT_EXPECT(kt, first_err(&b) == -EINVAL);
	free(b.p);
}

KTEST(cpio, crc_checked)
{
	struct kh_buf b = sample();
	size_t second = 110 + 4 + 0; /* "bin\0" padded: 110 + 4 = 114 -> aligned to 116 */
	second = (110 + 4 + 3) & ~3u;
	memcpy(b.p + second, "070702", 6);
	/* check field of "hello\n": byte sum */
	unsigned sum = 0;
	for (const char *p = "hello\n"; *p; p++)
		sum += (unsigned char)*p;
	char field[9];
	snprintf(field, sizeof field, "%08X", sum);
	patch(&b, second, 12, field);
	int last;
	KT_EXPECT(kt, count(kh_bytes(b.p, b.len), &last) == 3 && last == 0);
	snprintf(field, sizeof field, "%08X", sum + 1);
	patch(&b, second, 12, field);
	KT_EXPECT(kt, first_err(&b) == -EINVAL);
	free(b.p);
}

KTEST(cpio, concatenated_and_padding)
{
	struct kh_buf b = sample();
	static const uint8_t zeros[512];
	kh_put(&b, zeros, 512);
	int last;
	KT_EXPECT(kt, count(kh_bytes(b.p, b.len), &last) == 3 && last == 0);
	kh_cpio_add(&b, "etc", CPIO_S_IFDIR | 0755, "", 0);
	kh_cpio_trailer(&b);
	KT_EXPECT(kt, count(kh_bytes(b.p, b.len), &last) == 4 && last == 0);
	kh_put(&b, "junk", 4);
	KT_EXPECT(kt, count(kh_bytes(b.p, b.len), &last) == 4 && last == -EINVAL);
	/* the error is sticky */
	struct cpio_reader *r = cpio_reader_new(kh_bytes(b.p, b.len));
	struct cpio_entry e;
	while (cpio_next(r, &e) > 0)
		;
	KT_EXPECT(kt, cpio_next(r, &e) == -EINVAL);
	KT_EXPECT(kt, cpio_read_data(r).err == -EINVAL);
	cpio_reader_free(r);
	free(b.p);
}

/* names - the entries' names, joined by spaces, or "error N". */
static void names(struct kh_buf *b, char *out, size_t cap)
{
	struct cpio_reader *r = cpio_reader_new(kh_bytes(b->p, b->len));
	struct cpio_entry e;
	int k;
	out[0] = 0;
	while ((k = cpio_next(r, &e)) > 0) {
		size_t l = strlen(out);
		char nm[64] = { 0 };
		str_copy_to(kh_bytes(nm, sizeof nm - 1), e.name);
		snprintf(out + l, cap - l, "%s%s", l ? " " : "", nm);
	}
	if (k < 0)
		snprintf(out, cap, "error %d", k);
	cpio_reader_free(r);
}

/* Debian's layout: an uncompressed archive (early microcode), then a gzip member holding two
 * archives with zero padding between them; zeros after the member; a second member. */
KTEST(cpio, gzip_after_uncompressed_and_members)
{
	struct kh_buf inner = sample();
	static const uint8_t zeros[64];
	kh_put(&inner, zeros, 12);
	kh_cpio_add(&inner, "etc", CPIO_S_IFDIR | 0755, "", 0);
	kh_cpio_add(&inner, "etc/motd", CPIO_S_IFREG | 0644, "hi\n", 3);
	kh_cpio_trailer(&inner);
	struct kh_buf g = gz(inner.p, inner.len, 6, Z_DEFAULT_STRATEGY);

	struct kh_buf b = { 0 };
	kh_cpio_add(&b, "kernel", CPIO_S_IFDIR | 0755, "", 0);
	kh_cpio_trailer(&b);
	kh_put(&b, g.p, g.len);
	char out[256];
	names(&b, out, sizeof out);
	KT_EXPECT(kt, strcmp(out, "kernel bin bin/hello bin/sh etc etc/motd") == 0);
	kh_put(&b, zeros, 7); /* zeros after a member need no alignment */
	struct kh_buf one = { 0 };
	kh_cpio_add(&one, "last", CPIO_S_IFREG | 0600, "x", 1);
	kh_cpio_trailer(&one);
	struct kh_buf g2 = gz(one.p, one.len, 9, Z_DEFAULT_STRATEGY);
	kh_put(&b, g2.p, g2.len);
	names(&b, out, sizeof out);
	KT_EXPECT(kt, strcmp(out, "kernel bin bin/hello bin/sh etc etc/motd last") == 0);
	/* An uncompressed archive right after a member must start at a multiple of 4. */
	size_t at = b.len;
	kh_cpio_add(&b, "tail", CPIO_S_IFDIR | 0755, "", 0);
	kh_cpio_trailer(&b);
	names(&b, out, sizeof out);
	KT_EXPECT(kt, at % 4 == 0 ? strstr(out, "last tail") != NULL : strcmp(out, "error -22") == 0);
	free(inner.p);
	free(g.p);
	free(g2.p);
	free(one.p);
	free(b.p);
}

/* A member whose archive has no trailer, one cut anywhere, a flipped byte anywhere in the
 * compressed data (the CRC or the code catches it: never a wrong archive), another
 * compression's magic: all -EINVAL. */
KTEST(cpio, gzip_hostile_members)
{
	struct kh_buf inner = sample();
	struct kh_buf g = gz(inner.p, inner.len, 6, Z_DEFAULT_STRATEGY);
	int last;
	KT_EXPECT(kt, count(kh_bytes(g.p, g.len), &last) == 3 && last == 0);
	for (size_t cut = 0; cut < g.len; cut++) {
		count(kh_bytes(g.p, cut), &last);
		KT_EXPECT(kt, last == -EINVAL);
	}
	for (size_t i = 10; i < g.len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			g.p[i] ^= (uint8_t)(1u << bit);
			char out[256];
			struct kh_buf v = { .p = g.p, .len = g.len };
			names(&v, out, sizeof out);
			KT_EXPECT(kt, strcmp(out, "bin bin/hello bin/sh") == 0 ||
					      strncmp(out, "error", 5) == 0);
			g.p[i] ^= (uint8_t)(1u << bit);
		}
	}
	struct kh_buf cut = { 0 };
	kh_cpio_add(&cut, "f", CPIO_S_IFREG | 0644, "x", 1); /* no trailer */
	struct kh_buf g2 = gz(cut.p, cut.len, 6, Z_DEFAULT_STRATEGY);
	KT_EXPECT(kt, first_err(&g2) == -EINVAL);
	uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0 };
	KT_EXPECT(kt, count(kh_bytes(zstd, sizeof zstd), &last) == 0 && last == -EINVAL);
	free(inner.p);
	free(g.p);
	free(cut.p);
	free(g2.p);
}
