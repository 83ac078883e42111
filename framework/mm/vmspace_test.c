/*
 * mm/vmspace_test.c — ktests of the VmSpace mapping calls that copy-on-write and PROT_NONE
 * rest on: sharing a range between two spaces (references, write taken away), the write fault
 * that copies a shared frame or reuses one that is no longer shared, the private protect mode
 * that keeps shared frames read-only, PROT_NONE pages that keep their frame, and unmap's
 * batched flush over holes.
 */
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/uaccess.h>
#include <fw/vmspace.h>
#include "internal/vmspace.h"

#define VT_A 0x10000ull

/* vt_page - a new frame whose first byte is `v`, mapped at va with prot (the mapping's
 * reference only). */
static int vt_page(struct vmspace *vs, u64 va, u8 v, unsigned prot)
{
	struct frame f = FRAME_EMPTY;
	u8 b[1] = { v };
	int e = frame_alloc(&f);
	if (!e)
		e = frame_write(&f, 0, BYTES_OF_ARRAY(b));
	if (!e)
		e = vs_map(vs, uaddr(va), &f, prot);
	frame_release(&f);
	return e;
}

/* vt_byte - the first byte of the page mapped at va (through its frame), or -1. */
static int vt_byte(struct vmspace *vs, u64 va)
{
	struct frame f = FRAME_EMPTY;
	u8 b[1] = { 0 };
	int e = vs_frame_at(vs, uaddr(va), &f);
	if (!e)
		e = frame_read(&f, 0, BYTES_OF_ARRAY(b));
	frame_release(&f);
	return e ? -1 : b[0];
}

static u32 vt_refs(struct vmspace *vs, u64 va)
{
	struct frame f = FRAME_EMPTY;
	u32 n = vs_frame_at(vs, uaddr(va), &f) ? 0 : frame_refcount(&f) - 1;
	frame_release(&f);
	return n;
}

static bool vt_same(struct vmspace *a, struct vmspace *b, u64 va)
{
	struct frame fa = FRAME_EMPTY, fb = FRAME_EMPTY;
	bool same = !vs_frame_at(a, uaddr(va), &fa) && !vs_frame_at(b, uaddr(va), &fb) &&
		    frame_same(&fa, &fb);
	frame_release(&fa);
	frame_release(&fb);
	return same;
}

static unsigned vt_prot(struct vmspace *vs, u64 va)
{
	unsigned p = 99;
	return vs_query(vs, uaddr(va), &p) ? 99 : p;
}

KTEST(vmspace, share_cow_then_copy_and_reuse)
{
	struct vmspace *a = vs_create(), *b = vs_create();
	KT_ASSERT(kt, a && b);
	KT_ASSERT_EQ(kt, vt_page(a, VT_A, 7, VM_READ | VM_WRITE), 0);
	KT_ASSERT_EQ(kt, vt_page(a, VT_A + 3 * VM_PAGE_SIZE, 9, VM_READ), 0);
	i64 n = vs_share(b, a, uaddr(VT_A), 8 * VM_PAGE_SIZE, VM_SHARE_COPY_ON_WRITE);
	KT_EXPECT_EQ(kt, n, 2);
	KT_EXPECT(kt, vt_same(a, b, VT_A));
	KT_EXPECT_EQ(kt, vt_refs(a, VT_A), 2u);
	KT_EXPECT_EQ(kt, vt_prot(a, VT_A), (unsigned)VM_READ);
	KT_EXPECT_EQ(kt, vt_prot(b, VT_A), (unsigned)VM_READ);
	KT_EXPECT_EQ(kt, vt_prot(b, VT_A + 3 * VM_PAGE_SIZE), (unsigned)VM_READ);
	/* sharing again onto mapped pages is refused */
	n = vs_share(b, a, uaddr(VT_A), VM_PAGE_SIZE, VM_SHARE_SAME);
	KT_EXPECT_EQ(kt, n, -EEXIST);
	/* the private protect mode leaves a shared frame read-only */
	int e = vs_protect(a, uaddr(VT_A), VM_PAGE_SIZE, VM_READ | VM_WRITE,
				VM_PROTECT_PRIVATE);
	KT_EXPECT_EQ(kt, e, 0);
	KT_EXPECT_EQ(kt, vt_prot(a, VT_A), (unsigned)VM_READ);
	/* a's write fault copies: a new frame with the same bytes, b keeps the old one alone */
	e = vs_cow(a, uaddr(VT_A), VM_READ | VM_WRITE);
	KT_EXPECT_EQ(kt, e, 0);
	KT_EXPECT(kt, !vt_same(a, b, VT_A));
	KT_EXPECT_EQ(kt, vt_byte(a, VT_A), 7);
	KT_EXPECT_EQ(kt, vt_refs(a, VT_A), 1u);
	KT_EXPECT_EQ(kt, vt_refs(b, VT_A), 1u);
	KT_EXPECT_EQ(kt, vt_prot(a, VT_A), (unsigned)(VM_READ | VM_WRITE));
	/* b's write fault reuses the frame no one else holds any more: no frame allocated */
	u64 free_before = frame_stat_free();
	e = vs_cow(b, uaddr(VT_A), VM_READ | VM_WRITE);
	KT_EXPECT_EQ(kt, e, 0);
	KT_EXPECT_EQ(kt, frame_stat_free(), free_before);
	KT_EXPECT_EQ(kt, vt_prot(b, VT_A), (unsigned)(VM_READ | VM_WRITE));
	KT_EXPECT_EQ(kt, vt_byte(b, VT_A), 7);
	e = vs_cow(b, uaddr(VT_A + VM_PAGE_SIZE), VM_READ | VM_WRITE);
	KT_EXPECT_EQ(kt, e, -ENOENT);
	vs_destroy(a);
	KT_EXPECT_EQ(kt, vt_refs(b, VT_A + 3 * VM_PAGE_SIZE), 1u);
	vs_destroy(b);
}

KTEST(vmspace, protnone_keeps_frame_and_faults)
{
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	KT_ASSERT_EQ(kt, vt_page(vs, VT_A, 5, VM_READ | VM_WRITE), 0);
	int e = vs_protect(vs, uaddr(VT_A), VM_PAGE_SIZE, 0, VM_PROTECT_SHARED);
	KT_EXPECT_EQ(kt, e, 0);
	KT_EXPECT_EQ(kt, vt_prot(vs, VT_A), 0u);
	KT_EXPECT_EQ(kt, vt_byte(vs, VT_A), 5);
	vs_activate(vs);
	u8 v[1] = { 0 };
	struct vm_reader r = vm_reader_user(uaddr(VT_A), 1);
	KT_EXPECT_EQ(kt, vm_read(&r, BYTES_OF_ARRAY(v)).err, -EFAULT);
	e = vs_protect(vs, uaddr(VT_A), VM_PAGE_SIZE, VM_READ, VM_PROTECT_SHARED);
	KT_EXPECT_EQ(kt, e, 0);
	r = vm_reader_user(uaddr(VT_A), 1);
	KT_EXPECT_EQ(kt, vm_read(&r, BYTES_OF_ARRAY(v)).value, 1u);
	KT_EXPECT_EQ(kt, v[0], 5);
	vmspace_deactivate();
	/* PROT_NONE straight from map, then unmapped: the reference goes */
	KT_ASSERT_EQ(kt, vt_page(vs, VT_A + VM_PAGE_SIZE, 6, 0), 0);
	KT_EXPECT_EQ(kt, vt_refs(vs, VT_A + VM_PAGE_SIZE), 1u);
	i64 n = vs_unmap(vs, uaddr(VT_A), 2 * VM_PAGE_SIZE);
	KT_EXPECT_EQ(kt, n, 2);
	vs_destroy(vs);
}

KTEST(vmspace, remote_access_and_cmpxchg)
{
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	KT_ASSERT_EQ(kt, vt_page(vs, VT_A, 0x11, VM_READ | VM_WRITE), 0);
	KT_ASSERT_EQ(kt, vt_page(vs, VT_A + VM_PAGE_SIZE, 0x22, VM_READ), 0);
	/* vs is not active: the copies go through the frames, across the page boundary */
	u8 buf[8] = { 0 };
	struct result_size r = vs_read_remote(vs, uaddr(VT_A + VM_PAGE_SIZE - 4),
						   BYTES_OF_ARRAY(buf));
	KT_EXPECT_EQ(kt, r.value, 8u);
	KT_EXPECT_EQ(kt, buf[4], 0x22);
	u8 w[4] = { 1, 2, 3, 4 };
	r = vs_write_remote(vs, uaddr(VT_A), BYTES_OF_ARRAY(w));
	KT_EXPECT_EQ(kt, r.value, 4u);
	KT_EXPECT_EQ(kt, vt_byte(vs, VT_A), 1);
	/* a read-only page with no fault handler to make it writable: nothing written */
	r = vs_write_remote(vs, uaddr(VT_A + VM_PAGE_SIZE), BYTES_OF_ARRAY(w));
	KT_EXPECT_EQ(kt, r.err, -EFAULT);
	/* a write straddling into it stops at the boundary */
	r = vs_write_remote(vs, uaddr(VT_A + VM_PAGE_SIZE - 2), BYTES_OF_ARRAY(w));
	KT_EXPECT_EQ(kt, r.value, 2u);
	r = vs_read_remote(vs, uaddr(VT_A + 2 * VM_PAGE_SIZE), BYTES_OF_ARRAY(buf));
	KT_EXPECT_EQ(kt, r.err, -EFAULT);
	/* compare-and-exchange on the active space */
	vs_activate(vs);
	u32 cur = 0;
	KT_EXPECT_EQ(kt, user_cmpxchg_u32(uaddr(VT_A), 0x04030201u, 7, &cur), 0);
	KT_EXPECT_EQ(kt, cur, 0x04030201u);
	KT_EXPECT_EQ(kt, user_cmpxchg_u32(uaddr(VT_A), 0x04030201u, 9, &cur), 0);
	KT_EXPECT_EQ(kt, cur, 7u); /* no store: the word was 7 */
	KT_EXPECT_EQ(kt, user_cmpxchg_u32(uaddr(VT_A + 2), 0, 0, &cur), -EINVAL);
	KT_EXPECT_EQ(kt, user_cmpxchg_u32(uaddr(VT_A + VM_PAGE_SIZE), 0, 1, &cur), -EFAULT);
	KT_EXPECT_EQ(kt, user_cmpxchg_u32(uaddr(VM_USER_END), 0, 1, &cur), -EFAULT);
	vmspace_deactivate();
	KT_EXPECT_EQ(kt, vt_byte(vs, VT_A), 7);
	vs_destroy(vs);
}

KTEST(vmspace, unmap_batches_over_holes)
{
	u64 before = frame_stat_free();
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	/* 150 pages spread over 3 GiB (absent tables in between), more than one batch */
	for (u64 i = 0; i < 150; i++)
		KT_ASSERT_EQ(kt, vt_page(vs, VT_A + i * (20ull << 20), (u8)i, VM_READ), 0);
	KT_EXPECT_EQ(kt, vt_byte(vs, VT_A + 149 * (20ull << 20)), 149);
	i64 n = vs_unmap(vs, uaddr(0), VT_A + 150 * (20ull << 20));
	KT_EXPECT_EQ(kt, n, 150);
	KT_EXPECT_EQ(kt, vt_prot(vs, VT_A), 99u);
	vs_destroy(vs);
	KT_EXPECT_EQ(kt, frame_stat_free(), before);
}

/* The resident count (/proc's RSS, the out-of-memory policy's measure) follows every way a
 * leaf gains or loses a frame: map, replace of an empty slot, share, move, unmap, PROT_NONE. */
KTEST(vmspace, resident_pages_follow_the_leaves)
{
	struct vmspace *a = vs_create(), *b = vs_create();
	KT_ASSERT(kt, a && b);
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 0ull);
	KT_ASSERT_EQ(kt, vt_page(a, VT_A, 1, VM_READ | VM_WRITE), 0);
	KT_ASSERT_EQ(kt, vt_page(a, VT_A + VM_PAGE_SIZE, 2, VM_READ), 0);
	KT_ASSERT_EQ(kt, vt_page(a, VT_A + 5 * VM_PAGE_SIZE, 3, VM_READ), 0);
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 3ull);
	KT_EXPECT_EQ(kt, vs_share(b, a, uaddr(VT_A), 8 * VM_PAGE_SIZE, VM_SHARE_SAME), 3);
	KT_EXPECT_EQ(kt, vs_resident_pages(b), 3ull);
	KT_EXPECT_EQ(kt, vs_protect(a, uaddr(VT_A), VM_PAGE_SIZE, 0, VM_PROTECT_PRIVATE), 0);
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 3ull); /* PROT_NONE keeps its frame */
	KT_EXPECT_EQ(kt, vs_move(a, uaddr(VT_A + 5 * VM_PAGE_SIZE), uaddr(VT_A + 9 * VM_PAGE_SIZE),
				      VM_PAGE_SIZE), 1);
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 3ull);
	KT_EXPECT_EQ(kt, vs_unmap(a, uaddr(VT_A), 2 * VM_PAGE_SIZE), 2);
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 1ull);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, vs_frame_at(b, uaddr(VT_A), &f), 0);
	KT_EXPECT_EQ(kt, vs_replace(a, uaddr(VT_A), &f, VM_READ), 0); /* an empty slot */
	KT_EXPECT_EQ(kt, vs_replace(a, uaddr(VT_A), &f, VM_READ), 0); /* a full one */
	KT_EXPECT_EQ(kt, vs_resident_pages(a), 2ull);
	frame_release(&f);
	vs_destroy(a);
	KT_EXPECT_EQ(kt, vs_resident_pages(b), 3ull);
	vs_destroy(b);
}
