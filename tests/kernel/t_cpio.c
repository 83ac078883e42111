/*
 * tests/kernel/t_cpio.c — host tests of the initramfs reader (kernel/fs/cpio.c): a hand-made
 * archive read back field by field, Debian's busybox archive built by tools/mkinitramfs.py,
 * and the hostile cases — every truncation, bad magic, non-hex and signed fields, names
 * without or with extra NULs, huge sizes, unknown types, checksums, concatenation.
 */
#include <fs/cpio.h>

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
	struct cpio_reader r;
	struct cpio_entry e;
	int n = 0, k;
	cpio_reader_init(&r, a);
	while ((k = cpio_next(&r, &e)) > 0 && n < 100000)
		n++;
	*last = k;
	return n;
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
	struct cpio_reader r;
	struct cpio_entry e;
	cpio_reader_init(&r, kh_bytes(b.p, b.len));
	KT_ASSERT(kt, cpio_next(&r, &e) == 1);
	KT_EXPECT(kt, kh_str_is(e.name, "bin"));
	KT_EXPECT(kt, e.mode == (CPIO_S_IFDIR | 0755));
	KT_ASSERT(kt, cpio_next(&r, &e) == 1);
	KT_EXPECT(kt, kh_str_is(e.name, "bin/hello"));
	KT_EXPECT(kt, bytes_len(e.data) == 6 && str_eq(str_from_bytes(e.data), kh_str("hello\n")));
	KT_EXPECT(kt, e.nlink == 1 && e.ino == 1);
	KT_ASSERT(kt, cpio_next(&r, &e) == 1);
	KT_EXPECT(kt, (e.mode & CPIO_S_IFMT) == CPIO_S_IFLNK);
	KT_EXPECT(kt, str_eq(str_from_bytes(e.data), kh_str("busybox")));
	KT_EXPECT(kt, cpio_next(&r, &e) == 0);
	KT_EXPECT(kt, cpio_next(&r, &e) == 0);
	free(b.p);
}

KTEST(cpio, busybox_archive)
{
	const char *path = getenv("KHOST_BUSYBOX_CPIO");
	size_t len = 0, bblen = 0;
	uint8_t *a = path ? kh_load(path, &len) : NULL;
	uint8_t *bb = kh_load("/bin/busybox", &bblen);
	KT_ASSERT(kt, a && bb);
	struct cpio_reader r;
	struct cpio_entry e;
	int n = 0, k, links = 0;
	bool found = false;
	cpio_reader_init(&r, kh_bytes(a, len));
	while ((k = cpio_next(&r, &e)) > 0) {
		n++;
		if ((e.mode & CPIO_S_IFMT) == CPIO_S_IFLNK)
			links++;
		if (kh_str_is(e.name, "bin/busybox")) {
			found = true;
			KT_EXPECT(kt, bytes_len(e.data) == bblen);
			KT_EXPECT(kt, bytes_eq(e.data, kh_bytes(bb, bblen)));
		}
	}
	KT_EXPECT(kt, k == 0);
	KT_EXPECT(kt, found);
	KT_EXPECT(kt, n > 100 && links > 100);
	free(a);
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
	struct cpio_reader r;
	struct cpio_entry e;
	cpio_reader_init(&r, kh_bytes(b.p, b.len));
	while (cpio_next(&r, &e) > 0)
		;
	KT_EXPECT(kt, cpio_next(&r, &e) == -EINVAL);
	free(b.p);
}
