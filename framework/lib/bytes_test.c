/*
 * lib/bytes_test.c — tests of fw/bytes.h (slices, endian reads and writes, the cursor),
 * fw/plain.h (plain-data copies, to and from frames in the kernel) and fw/result.h.
 */
#include <fw/bytes.h>
#include <fw/plain.h>
#include <fw/result.h>

#include "ktest_compat.h"

KTEST(bytes, sub_and_bounds)
{
	uint8_t buf[16];
	struct bytes b = BYTES_OF_ARRAY(buf);
	KT_EXPECT(kt, bytes_len(b) == 16);
	struct bytes_result r = bytes_sub(b, 4, 8);
	KT_ASSERT(kt, r.err == 0);
	KT_EXPECT(kt, bytes_len(r.value) == 8);
	KT_EXPECT(kt, bytes_sub(b, 16, 0).err == 0);          /* empty at the end is fine */
	KT_EXPECT(kt, bytes_sub(b, 17, 0).err == -ERANGE);
	KT_EXPECT(kt, bytes_sub(b, 9, 8).err == -ERANGE);
	KT_EXPECT(kt, bytes_sub(b, SIZE_MAX, 2).err == -ERANGE);   /* off+len overflows */
	KT_EXPECT(kt, bytes_sub(b, 2, SIZE_MAX).err == -ERANGE);
	KT_EXPECT(kt, bytes_sub(r.value, 0, 9).err == -ERANGE);    /* a sub-slice cannot widen */
	KT_EXPECT(kt, bytes_skip(b, 10).err == 0 && bytes_len(bytes_skip(b, 10).value) == 6);
	KT_EXPECT(kt, bytes_skip(b, 17).err == -ERANGE);
	KT_EXPECT(kt, bytes_len(bytes_head(b, 100)) == 16 && bytes_len(bytes_head(b, 3)) == 3);
	KT_EXPECT(kt, bytes_len(bytes_empty()) == 0);
	KT_EXPECT(kt, bytes_u8(bytes_empty(), 0).err == -ERANGE);
}

KTEST(bytes, endian_reads_and_writes)
{
	uint8_t buf[12] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c };
	struct bytes b = BYTES_OF_ARRAY(buf);
	KT_EXPECT(kt, bytes_u8(b, 11).value == 0x0c);
	KT_EXPECT(kt, bytes_le16(b, 0).value == 0x0201);
	KT_EXPECT(kt, bytes_be16(b, 0).value == 0x0102);
	KT_EXPECT(kt, bytes_le32(b, 1).value == 0x05040302);   /* unaligned */
	KT_EXPECT(kt, bytes_be32(b, 8).value == 0x090a0b0c);
	KT_EXPECT(kt, bytes_le64(b, 4).value == 0x0c0b0a0908070605ull);
	KT_EXPECT(kt, bytes_be64(b, 0).value == 0x0102030405060708ull);
	KT_EXPECT(kt, bytes_le32(b, 9).err == -ERANGE && bytes_le32(b, 9).value == 0);
	KT_EXPECT(kt, bytes_be64(b, 5).err == -ERANGE);
	KT_EXPECT(kt, bytes_put_le32(b, 0, 0xdeadbeef) == 0);
	KT_EXPECT(kt, buf[0] == 0xef && buf[3] == 0xde);
	KT_EXPECT(kt, bytes_put_be16(b, 10, 0x1234) == 0 && buf[10] == 0x12 && buf[11] == 0x34);
	KT_EXPECT(kt, bytes_put_le64(b, 5, 1) == -ERANGE);
	KT_EXPECT(kt, buf[5] == 0x06);                          /* nothing written on error */
	KT_EXPECT(kt, bytes_put_be64(b, 4, 0x1122334455667788ull) == 0 && buf[4] == 0x11 && buf[11] == 0x88);
	KT_EXPECT(kt, bytes_put_u8(b, 12, 0) == -ERANGE);
}

KTEST(bytes, copy_fill_eq_find)
{
	uint8_t a[8] = "abcdefg", c[4];
	char d[8] = "abcdefg";
	struct bytes ba = BYTES_OF_ARRAY(a), bc = BYTES_OF_ARRAY(c), bd = BYTES_OF_ARRAY(d);
	KT_EXPECT(kt, bytes_eq(ba, bd));
	KT_EXPECT(kt, bytes_copy(bc, ba) == -ERANGE);           /* does not fit */
	KT_EXPECT(kt, bytes_copy(bc, bytes_head(ba, 4)) == 0 && c[3] == 'd');
	KT_EXPECT(kt, !bytes_eq(bc, ba));
	/* overlapping copy inside one buffer */
	KT_EXPECT(kt, bytes_copy(bytes_skip(ba, 1).value, bytes_head(ba, 4)) == 0);
	KT_EXPECT(kt, a[1] == 'a' && a[4] == 'd' && a[5] == 'f');
	bytes_fill(bc, 0x5a);
	KT_EXPECT(kt, c[0] == 0x5a && c[3] == 0x5a);
	KT_EXPECT(kt, bytes_find(bd, 0, 'e').value == 4);
	KT_EXPECT(kt, bytes_find(bd, 5, 'e').err == -ENOENT);
	KT_EXPECT(kt, bytes_find(bd, 100, 'e').err == -ENOENT);
}

KTEST(bytes, cursor_sticky_error)
{
	uint8_t buf[10] = { 0x7f, 'E', 'L', 'F', 2, 1, 0x34, 0x12, 0xaa, 0xbb };
	struct bytes_cursor c = bytes_cursor(BYTES_OF_ARRAY(buf));
	KT_EXPECT(kt, cursor_be32(&c) == 0x7f454c46);
	KT_EXPECT(kt, cursor_u8(&c) == 2);
	cursor_skip(&c, 1);
	KT_EXPECT(kt, cursor_le16(&c) == 0x1234);
	KT_EXPECT(kt, cursor_pos(&c) == 8 && cursor_remaining(&c) == 2);
	KT_EXPECT(kt, cursor_err(&c) == 0);
	KT_EXPECT(kt, cursor_le32(&c) == 0);                    /* only 2 left: fails */
	KT_EXPECT(kt, cursor_err(&c) == -ERANGE);
	KT_EXPECT(kt, cursor_u8(&c) == 0);                      /* sticky: even a fitting read */
	KT_EXPECT(kt, cursor_remaining(&c) == 0);
	struct bytes_cursor d = bytes_cursor(BYTES_OF_ARRAY(buf));
	cursor_skip(&d, 3);
	cursor_align(&d, 4);
	KT_EXPECT(kt, cursor_pos(&d) == 4);
	struct bytes t = cursor_take(&d, 4);
	KT_EXPECT(kt, bytes_len(t) == 4 && bytes_u8(t, 0).value == 2);
	KT_EXPECT(kt, bytes_len(cursor_take(&d, 3)) == 0 && cursor_err(&d) == -ERANGE);
}

/* A plain-data header (no pointers, no padding). */
struct t_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t count;
	uint8_t name[8];
};
DEFINE_PLAIN(t_hdr, struct t_hdr);

KTEST(plain, copies)
{
	uint8_t img[20] = { 0 };
	struct bytes b = BYTES_OF_ARRAY(img);
	KT_ASSERT(kt, bytes_put_le32(b, 2, 0xfeedf00d) == 0);
	KT_ASSERT(kt, bytes_put_le16(b, 6, 3) == 0);
	KT_ASSERT(kt, bytes_put_le16(b, 8, 7) == 0);
	img[10] = 'x';
	struct t_hdr h = { 0 };
	KT_EXPECT(kt, t_hdr_from_bytes(&h, b, 2) == 0);
	/* SAFETY: name is struct t_hdr's uint8_t name[8]; index 0 is in bounds. */
	KT_EXPECT(kt, h.magic == 0xfeedf00d && h.version == 3 && h.count == 7 && h.name[0] == 'x');
	struct t_hdr g = { .magic = 1 };
	KT_EXPECT(kt, t_hdr_from_bytes(&g, b, 5) == -ERANGE);   /* 5 + 16 > 20 */
	KT_EXPECT(kt, g.magic == 1);                             /* untouched */
	h.count = 9;
	KT_EXPECT(kt, t_hdr_to_bytes(&h, b, 4) == 0 && bytes_le16(b, 10).value == 9);
	KT_EXPECT(kt, t_hdr_to_bytes(&h, b, 5) == -ERANGE);
	struct bytes v = t_hdr_as_bytes(&h);
	KT_EXPECT(kt, bytes_len(v) == sizeof(struct t_hdr));
	KT_EXPECT(kt, bytes_put_le16(v, 6, 42) == 0 && h.count == 42);
	struct bytes_cursor c = bytes_cursor(b);
	cursor_skip(&c, 4);
	t_hdr_read(&c, &g);
	KT_EXPECT(kt, cursor_err(&c) == 0 && g.count == 9);
	t_hdr_read(&c, &g);                                  /* 0 bytes left: zeroed */
	KT_EXPECT(kt, cursor_err(&c) == -ERANGE && g.magic == 0 && g.count == 0);
}

DEFINE_RESULT(t_ptr_result, struct t_hdr *);

static struct t_ptr_result t_lookup(struct t_hdr *h, int key)
{
	if (key != 1)
		return t_ptr_result_err(-ENOENT);
	return t_ptr_result_ok(h);
}

static void t_bad_result_err(void)
{
	(void)result_u64_err(5);
}

KTEST(result, convention)
{
	struct t_hdr h = { 0 };
	struct t_ptr_result r = t_lookup(&h, 1);
	KT_EXPECT(kt, r.err == 0 && r.value == &h && t_ptr_result_is_ok(r));
	r = t_lookup(&h, 2);
	KT_EXPECT(kt, r.err == -ENOENT && r.value == NULL && !t_ptr_result_is_ok(r));
	struct result_u64 u = result_u64_ok(7);
	KT_EXPECT(kt, u.value == 7 && u.err == 0);
	KT_EXPECT_FAILS(kt, t_bad_result_err);              /* errors must be negative */
}

#ifndef KT_HOST
/* Plain-data copies to and from an untyped frame (kernel only: frames are the mm's). */
KTEST(plain, frame_copies)
{
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	struct t_hdr h = { .magic = 0xc0ffee, .version = 2, .count = 5, .name = { 'p', 'g' } };
	struct t_hdr g = { 0 };
	KT_EXPECT(kt, t_hdr_to_frame(&h, &f, 100) == 0);
	KT_EXPECT(kt, t_hdr_from_frame(&g, &f, 100) == 0);
	/* SAFETY: name is struct t_hdr's uint8_t name[8]; index 1 is in bounds. */
	KT_EXPECT(kt, g.magic == 0xc0ffee && g.count == 5 && g.name[1] == 'g');
	KT_EXPECT(kt, t_hdr_to_frame(&h, &f, FRAME_SIZE - sizeof h) == 0);   /* the last bytes */
	KT_EXPECT(kt, t_hdr_to_frame(&h, &f, FRAME_SIZE - sizeof h + 1) == -ERANGE);
	g.magic = 7;
	KT_EXPECT(kt, t_hdr_from_frame(&g, &f, FRAME_SIZE - 1) == -ERANGE && g.magic == 7);
	frame_release(&f);
	KT_EXPECT(kt, t_hdr_from_frame(&g, &f, 0) == -EINVAL);               /* empty handle */
}
#endif
