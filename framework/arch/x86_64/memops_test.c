/*
 * arch/x86_64/memops_test.c — ktests of memcpy, memmove and memset (memops.c): every length and
 * misalignment around the 8-byte bulk/tail split, memmove with overlap in both directions at odd
 * sizes (checked against a byte-by-byte reference), and the cost of a 1 MiB copy, logged in
 * guest nanoseconds (under `-icount shift=0` that is the instruction count).
 */
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/time.h>

#include "internal/mm.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#define MT_BUF 160

static u8 mt_src[MT_BUF], mt_dst[MT_BUF], mt_ref[MT_BUF];

static void mt_pattern(u8 *b, size_t n, u8 seed)
{
	/* SAFETY: every caller passes one of the MT_BUF-byte buffers with n == MT_BUF. */
	for (size_t i = 0; i < n; i++)
		b[i] = (u8)(seed + i * 7u);
}

/* The byte-by-byte reference for memmove: what the buffer must hold afterwards. The volatile
 * pointer keeps the compiler from turning this loop into a memmove call. */
static void mt_ref_move(u8 *buf, size_t dst, size_t src, size_t n)
{
	u8 tmp[MT_BUF];
	/* SAFETY: volatile only to stop the compiler from calling memmove; v points at tmp, and
	 * callers keep src + n and dst + n within MT_BUF, so every index below is in bounds. */
	volatile u8 *v = tmp;
	for (size_t i = 0; i < n; i++)
		v[i] = buf[src + i];
	for (size_t i = 0; i < n; i++)
		buf[dst + i] = v[i];
}

static bool mt_same(const u8 *a, const u8 *b, size_t n)
{
	/* SAFETY: callers compare two MT_BUF-byte buffers with n == MT_BUF. */
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

KTEST(memops, memcpy_every_length_and_alignment)
{
	size_t bad = 0;
	for (size_t so = 0; so < 8; so++)
		for (size_t dof = 0; dof < 8; dof++)
			for (size_t n = 0; n <= 70; n++) {
				mt_pattern(mt_src, MT_BUF, (u8)(n + so));
				mt_pattern(mt_dst, MT_BUF, 0xa5);
				mt_pattern(mt_ref, MT_BUF, 0xa5);
				/* SAFETY: dof, so < 8 and n <= 70, so every offset stays below
				 * 78 < MT_BUF in the static buffers. */
				for (size_t i = 0; i < n; i++)
					mt_ref[dof + i] = mt_src[so + i];
				void *r = memcpy(mt_dst + dof, mt_src + so, n);
				if (r != mt_dst + dof || !mt_same(mt_dst, mt_ref, MT_BUF))
					bad++;
			}
	KT_EXPECT_EQ(kt, bad, 0u);
}

KTEST(memops, memset_every_length_and_alignment)
{
	size_t bad = 0;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= 70; n++) {
			int c = (int)(0x1c3 + n); /* only the low byte counts */
			mt_pattern(mt_dst, MT_BUF, 3);
			mt_pattern(mt_ref, MT_BUF, 3);
			/* SAFETY: off < 8 and n <= 70: offsets stay below 78 < MT_BUF. */
			for (size_t i = 0; i < n; i++)
				mt_ref[off + i] = (u8)c;
			void *r = memset(mt_dst + off, c, n);
			if (r != mt_dst + off || !mt_same(mt_dst, mt_ref, MT_BUF))
				bad++;
		}
	KT_EXPECT_EQ(kt, bad, 0u);
}

KTEST(memops, memmove_overlap_both_directions_odd_sizes)
{
	static const size_t sizes[] = { 0, 1, 3, 7, 8, 9, 15, 17, 31, 33, 63, 65, 77 };
	size_t bad = 0, runs = 0;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		for (size_t src = 0; src < 12; src++)
			for (size_t dst = 0; dst < 12 + 9; dst++) {
				if (dst + n > MT_BUF || src + n > MT_BUF)
					continue;
				mt_pattern(mt_dst, MT_BUF, (u8)(n * 3 + src));
				mt_pattern(mt_ref, MT_BUF, (u8)(n * 3 + src));
				mt_ref_move(mt_ref, dst, src, n);
				/* SAFETY: dst + n and src + n <= MT_BUF (checked above). */
				void *r = memmove(mt_dst + dst, mt_dst + src, n);
				if (r != mt_dst + dst || !mt_same(mt_dst, mt_ref, MT_BUF))
					bad++;
				runs++;
			}
	}
	KT_EXPECT_EQ(kt, bad, 0u);
	KT_EXPECT(kt, runs > 1000);
}

#define MT_MIB (1024u * 1024u)

KTEST(memops, copy_1mib_cost_is_logged)
{
	struct bytes_result a = kbuf_alloc_raw(MT_MIB), b = kbuf_alloc_raw(MT_MIB);
	KT_ASSERT_EQ(kt, a.err, 0);
	KT_ASSERT_EQ(kt, b.err, 0);
	struct bytes A = a.value, B = b.value;
	bytes_fill(A, 0x5a);
	KT_ASSERT_EQ(kt, bytes_copy(B, A), 0); /* warm-up: the TLB and the code */
	u64 t0 = fw_time_ns();
	(void)bytes_copy(B, A);                /* disjoint: memmove's forward (memcpy) path */
	u64 t1 = fw_time_ns();
	bytes_fill(B, 0);
	u64 t2 = fw_time_ns();
	bytes_fill(bytes_head(A, 1), 0x11);
	u64 t3 = fw_time_ns();
	(void)bytes_copy(bytes_skip(A, 1).value, bytes_head(A, MT_MIB - 1)); /* overlap: backward */
	u64 t4 = fw_time_ns();
	fw_info("memops: 1 MiB memcpy %u ns, memset %u ns, overlapping memmove backward %u ns",
		t1 - t0, t2 - t1, t4 - t3);
	KT_EXPECT_EQ(kt, bytes_u8(B, MT_MIB - 1).value, 0);
	KT_EXPECT_EQ(kt, bytes_u8(A, 0).value, 0x11);
	KT_EXPECT_EQ(kt, bytes_u8(A, 1).value, 0x11);
	KT_EXPECT_EQ(kt, bytes_u8(A, MT_MIB - 1).value, 0x5a);
	kbuf_free_raw(A);
	kbuf_free_raw(B);
}
