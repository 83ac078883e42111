/*
 * mm_test.c — in-kernel tests of the memory manager: frame reference counts and bounded
 * access, typed-frame protection, map/unmap/protect with TLB flushes, W^X and NX, the direct
 * map without an identity map, guard pages and stack overflow, cache type stability, released
 * slabs faulting, refused bad frees, byte buffers, and out-of-memory as an error.
 *
 * Tests that expect a fault touch an address through ktest_expect_trap(); the address is
 * passed in `target` (a file-scope variable: the trap functions take no argument).
 */
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/pbuf.h>
#include <fw/ktest.h>
#include <fw/time.h>

#include "arch/x86_64/layout.h"
#include "internal/ctx.h"
#include "internal/ktest_task.h"
#include "internal/mm.h"
#include "internal/paging.h"
#include "internal/printk.h"
#include "mm/memmap.h"

/* The KT_*_EQ macros may evaluate their first argument twice (once to compare, once to print):
 * these evaluate a call with side effects exactly once. */
#define MMT_CMP_(kt, mac, call, want)                                                     \
	do {                                                                              \
		__typeof__(call) got_ = (call);                                           \
		mac(kt, got_, (want));                                                    \
	} while (0)
#define MMT_EXPECT_EQ(kt, call, want) MMT_CMP_(kt, KT_EXPECT_EQ, call, want)
#define MMT_ASSERT_EQ(kt, call, want) MMT_CMP_(kt, KT_ASSERT_EQ, call, want)
#define MMT_EXPECT_GE(kt, call, want) MMT_CMP_(kt, KT_EXPECT_GE, call, want)
#define MMT_EXPECT_NE(kt, call, want) MMT_CMP_(kt, KT_EXPECT_NE, call, want)

#define RW (MM_PROT_READ | MM_PROT_WRITE)

/* SAFETY: volatile so the compiler keeps the deliberate faulting accesses and their results. */
static volatile u64 target;
static volatile u64 sink;

static void read_target(void)
{
	/* SAFETY: deliberately reads `target`, which the test expects to fault (or not). */
	sink = *(volatile u64 *)(uintptr_t)target;
}

static void write_target(void)
{
	/* SAFETY: deliberately writes `target` to test its protection. */
	*(volatile u64 *)(uintptr_t)target = 0x5a5a;
}

static void call_target(void)
{
	/* SAFETY: deliberately jumps to `target` (a `ret` in a data page) to test NX; plain
	 * call without a kCFI check because the target is not a function. */
	__asm__ volatile("call *%0" : : "r"(target) : "memory", "rax", "rcx", "rdx", "rsi", "rdi",
			 "r8", "r9", "r10", "r11");
}

/* --- frames ------------------------------------------------------------------------------ */

KTEST(mm, frames_alloc_counts_and_zeroed)
{
	u64 before = frame_free_count();
	struct frame f = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	MMT_EXPECT_EQ(kt, frame_free_count(), before - 1);
	MMT_EXPECT_EQ(kt, frame_kind_of(frame_paddr(&f)), FRAME_UNTYPED);
	MMT_EXPECT_EQ(kt, frame_alloc(&f), -EBUSY); /* an occupied handle is refused */
	MMT_EXPECT_EQ(kt, frame_fill(&f, 0, FRAME_SIZE, 0xff), 0);
	frame_release(&f);
	MMT_EXPECT_EQ(kt, frame_free_count(), before);
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0); /* most likely the same frame: it must be zero */
	u8 buf[64];
	bool zero = true;
	for (size_t off = 0; off < FRAME_SIZE; off += sizeof(buf)) {
		MMT_EXPECT_EQ(kt, frame_read(&f, off, BYTES_OF_ARRAY(buf)), 0);
		for (size_t i = 0; i < sizeof(buf); i++)
			zero = zero && buf[i] == 0;
	}
	KT_EXPECT(kt, zero);
	frame_release(&f);
}

KTEST(mm, frames_refcount_clone_release)
{
	struct frame a = FRAME_EMPTY, b = FRAME_EMPTY, c = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&a), 0);
	u64 pa = frame_paddr(&a);
	MMT_EXPECT_EQ(kt, frame_refcount(&a), 1u);
	MMT_EXPECT_EQ(kt, frame_clone(&b, &a), 0);
	MMT_EXPECT_EQ(kt, frame_refcount(&a), 2u);
	KT_EXPECT(kt, frame_same(&a, &b));
	MMT_EXPECT_EQ(kt, frame_clone(&b, &a), -EBUSY);
	MMT_EXPECT_EQ(kt, frame_clone(&c, &c), -EINVAL);
	frame_release(&a);
	KT_EXPECT(kt, frame_is_empty(&a));
	MMT_EXPECT_EQ(kt, frame_refcount(&b), 1u);
	MMT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_UNTYPED); /* still held by b */
	frame_release(&b);
	MMT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_FREE);
}

KTEST(mm, frames_read_write_bounded)
{
	struct frame f = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	u8 in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8] = { 0 };
	MMT_EXPECT_EQ(kt, frame_write(&f, FRAME_SIZE - 8, BYTES_OF_ARRAY(in)), 0);
	MMT_EXPECT_EQ(kt, frame_write(&f, FRAME_SIZE - 7, BYTES_OF_ARRAY(in)), -ERANGE);
	MMT_EXPECT_EQ(kt, frame_read(&f, FRAME_SIZE - 8, BYTES_OF_ARRAY(out)), 0);
	KT_EXPECT(kt, out[0] == 1 && out[7] == 8);
	MMT_EXPECT_EQ(kt, frame_read(&f, FRAME_SIZE + 1, BYTES_OF_ARRAY(out)), -ERANGE);
	MMT_EXPECT_EQ(kt, frame_read(&f, (size_t)-4, BYTES_OF_ARRAY(out)), -ERANGE);
	MMT_EXPECT_EQ(kt, frame_fill(&f, 1, FRAME_SIZE, 0), -ERANGE);
	frame_release(&f);
	MMT_EXPECT_EQ(kt, frame_read(&f, 0, BYTES_OF_ARRAY(out)), -EINVAL);
}

KTEST(mm, frames_double_release_cannot_steal)
{
	struct frame a = FRAME_EMPTY, b = FRAME_EMPTY, again = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&a), 0);
	u64 pa = frame_paddr(&a);
	MMT_ASSERT_EQ(kt, frame_clone(&b, &a), 0);
	frame_release(&a);
	frame_release(&a); /* the handle is empty: nothing happens */
	MMT_EXPECT_EQ(kt, frame_refcount(&b), 1u);
	MMT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_UNTYPED);
	frame_release(&b);
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(pa, &again), -ENOENT); /* freed: no handle */
}

/* Issue #13 class 9: two tasks releasing one handle at once (a service's two threads) drop one
 * reference between them: the atomic exchange that empties the handle gives its frame to
 * exactly one of them, so the other reference (keep) is never freed under its holder. */
#define RACE_ROUNDS 200u
static struct frame race_shared = FRAME_EMPTY;
static struct tworker race_w[2];
static u32 race_round, race_done;

static void race_releaser(struct tworker *w)
{
	(void)w;
	for (u32 r = 1; r <= RACE_ROUNDS; r++) {
		/* SAFETY: the round counter, only touched atomically. */
		while (__atomic_load_n(&race_round, __ATOMIC_ACQUIRE) < r)
			task_yield();
		frame_release(&race_shared);
		/* SAFETY: the completion counter, only touched atomically. */
		__atomic_add_fetch(&race_done, 1, __ATOMIC_ACQ_REL);
	}
}

KTEST(mm, frames_racing_releases_drop_one_reference)
{
	struct frame keep = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&keep), 0);
	/* SAFETY: the counters are not shared yet (no worker runs). */
	__atomic_store_n(&race_round, 0, __ATOMIC_RELEASE);
	/* SAFETY: as above. */
	__atomic_store_n(&race_done, 0, __ATOMIC_RELEASE);
	struct task *t0 = tw_spawn(&race_w[0], race_releaser, 0, 0);
	struct task *t1 = tw_spawn(&race_w[1], race_releaser, 1, tw_other_cpu());
	KT_ASSERT(kt, t0 && t1);
	u32 bad = 0;
	for (u32 r = 1; r <= RACE_ROUNDS; r++) {
		if (frame_clone(&race_shared, &keep))
			bad++;
		/* SAFETY: the round counter, only touched atomically. */
		__atomic_store_n(&race_round, r, __ATOMIC_RELEASE);
		/* SAFETY: the completion counter, only touched atomically. */
		while (__atomic_load_n(&race_done, __ATOMIC_ACQUIRE) < 2 * r)
			task_yield();
		if (frame_refcount(&keep) != 1 || !frame_is_empty(&race_shared))
			bad++;
	}
	task_join_raw(t0);
	task_join_raw(t1);
	MMT_EXPECT_EQ(kt, bad, 0u);
	MMT_EXPECT_EQ(kt, frame_refcount(&keep), 1u);
	frame_release(&keep);
}

/* Issue #13 class 9: a handle whose frame was freed under it (a stale copy: only framework
 * code can make one) is refused by frame_read/frame_write/frame_fill, never followed. */
KTEST(mm, frames_stale_handle_refused)
{
	struct frame a = FRAME_EMPTY, stale = FRAME_EMPTY, live = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&live), 0); /* before the release: not the stale one's frame */
	MMT_ASSERT_EQ(kt, frame_alloc(&a), 0);
	/* SAFETY: a test-only byte copy of a handle, to make the stale copy a racing release
	 * would leave behind; it is never released. */
	__builtin_memcpy(&stale, &a, sizeof(a));
	frame_release(&a);
	u8 buf[8] = { 0 };
	MMT_EXPECT_EQ(kt, frame_read(&stale, 0, BYTES_OF_ARRAY(buf)), -EINVAL);
	MMT_EXPECT_EQ(kt, frame_write(&stale, 0, BYTES_OF_ARRAY(buf)), -EINVAL);
	MMT_EXPECT_EQ(kt, frame_fill(&stale, 0, 8, 0xaa), -EINVAL);
	/* frame_clone, frame_copy and frame_refcount too (a clone of a stale handle once added a
	 * reference to a free frame; frame_copy did not look at all) */
	struct frame clone = FRAME_EMPTY;
	MMT_EXPECT_EQ(kt, frame_clone(&clone, &stale), -EINVAL);
	KT_EXPECT(kt, frame_is_empty(&clone));
	MMT_EXPECT_EQ(kt, frame_copy(&live, &stale), -EINVAL);
	MMT_EXPECT_EQ(kt, frame_copy(&stale, &live), -EINVAL);
	MMT_EXPECT_EQ(kt, frame_refcount(&stale), 0u);
	MMT_EXPECT_EQ(kt, frame_refcount(&live), 1u); /* the pins of the calls above are gone */
	frame_release(&live);
}

/* Issue #13: no-copy handles move and swap through their API (the owner passes one on). */
KTEST(mm, handles_move_and_swap)
{
	struct frame a = FRAME_EMPTY, b = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&a), 0);
	u64 pa = frame_paddr(&a);
	MMT_EXPECT_EQ(kt, frame_move(&b, &a), 0);
	KT_EXPECT(kt, frame_is_empty(&a) && frame_paddr(&b) == pa);
	MMT_ASSERT_EQ(kt, frame_alloc(&a), 0);
	MMT_EXPECT_EQ(kt, frame_move(&b, &a), -EBUSY); /* b holds one: nothing changes */
	frame_swap(&a, &b);
	KT_EXPECT(kt, frame_paddr(&a) == pa);
	frame_swap(&a, &a); /* with itself: nothing changes (the exchanges must not drop it) */
	KT_EXPECT(kt, frame_paddr(&a) == pa && frame_refcount(&a) == 1);
	frame_release(&a);
	frame_release(&b);
	struct kbuf k1 = KBUF_EMPTY, k2 = KBUF_EMPTY;
	MMT_ASSERT_EQ(kt, kbuf_alloc(&k1, 100), 0);
	MMT_EXPECT_EQ(kt, kbuf_alloc(&k1, 100), -EBUSY);
	MMT_EXPECT_EQ(kt, kbuf_move(&k2, &k1), 0);
	KT_EXPECT(kt, bytes_len(kbuf_bytes(&k1)) == 0 && bytes_len(kbuf_bytes(&k2)) == 100);
	kbuf_swap(&k1, &k2);
	KT_EXPECT(kt, bytes_len(kbuf_bytes(&k1)) == 100);
	kbuf_free(&k1);
	kbuf_free(&k1); /* emptied: nothing happens */
	KT_EXPECT(kt, bytes_len(kbuf_bytes(&k1)) == 0);
	kbuf_free(&k2);
}

/* Issue #13 class 10: a struct kbuf in an object two tasks reach without a lock (a service
 * racing its own handle). One task keeps swapping buffers of 16 and 4096 bytes into it, each
 * filled with its own mark (0x11 / 0x22) before it goes in; another reads it on the other CPU.
 * Every slice the reader gets is a whole value — empty, or a buffer with its own length — never
 * one buffer's pointer with the other's length (a torn 4096-byte view of a 16-byte buffer
 * would read the 16-byte class's neighbours, never 0x22 at both ends; a torn 16-byte view of a
 * 4096-byte buffer reads 0x22, not 0x11). The old buffers are kept until the end, so a view
 * the reader still holds never sees a reused slot. */
#define TEAR_ROUNDS 400u
static struct kbuf tear_shared = KBUF_EMPTY;
static struct kbuf tear_old[TEAR_ROUNDS];
static struct tworker tear_w[2];
static u32 tear_stop, tear_started;

static void tear_writer(struct tworker *w)
{
	u32 failed = 0;
	/* SAFETY: the start flag, only touched atomically. */
	while (!__atomic_load_n(&tear_started, __ATOMIC_ACQUIRE))
		task_yield(); /* the reader runs before the first change */
	for (u32 r = 0; r < TEAR_ROUNDS; r++) {
		struct kbuf next = KBUF_EMPTY;
		size_t len = r % 2 ? 4096 : 16;
		if (kbuf_alloc(&next, len)) {
			failed++;
			continue;
		}
		bytes_fill(kbuf_bytes(&next), len == 16 ? 0x11 : 0x22);
		if (r % 4 == 3) {
			/* a move into the emptied handle, as well as swaps */
			/* SAFETY: r < TEAR_ROUNDS, tear_old's length (the loop bound). */
			kbuf_swap(&tear_shared, &tear_old[r]);
			if (kbuf_move(&tear_shared, &next))
				failed++;
		} else {
			kbuf_swap(&tear_shared, &next);
			/* SAFETY: as above; keep the old one (next is empty after). */
			kbuf_swap(&tear_old[r], &next);
		}
		kbuf_free(&next);
		task_yield();
	}
	w->result = (int)failed;
	/* SAFETY: the stop flag, only touched atomically. */
	__atomic_store_n(&tear_stop, 1, __ATOMIC_RELEASE);
}

static void tear_reader(struct tworker *w)
{
	u64 reads = 0, torn = 0;
	/* SAFETY: the start flag, only touched atomically. */
	__atomic_store_n(&tear_started, 1, __ATOMIC_RELEASE);
	bool stop;
	do {
		/* SAFETY: the stop flag, only touched atomically (read before the handle, so the
		 * last round is read after the writer's last change too). */
		stop = __atomic_load_n(&tear_stop, __ATOMIC_ACQUIRE);
		struct bytes b = kbuf_bytes(&tear_shared);
		size_t len = bytes_len(b);
		reads++;
		if (len == 0)
			continue;
		u8 mark = len == 16 ? 0x11 : 0x22;
		struct result_u8 first = bytes_u8(b, 0), last = bytes_u8(b, len - 1);
		if ((len != 16 && len != 4096) || first.err || last.err || first.value != mark ||
		    last.value != mark)
			torn++;
	} while (!stop);
	w->a = reads;
	w->b = torn;
}

KTEST(mm, kbuf_racing_writers_never_tear)
{
	/* SAFETY: the flags are not shared yet (no worker runs). */
	__atomic_store_n(&tear_stop, 0, __ATOMIC_RELEASE);
	/* SAFETY: as above. */
	__atomic_store_n(&tear_started, 0, __ATOMIC_RELEASE);
	struct task *t0 = tw_spawn(&tear_w[0], tear_writer, 0, 0);
	struct task *t1 = tw_spawn(&tear_w[1], tear_reader, 1, tw_other_cpu());
	KT_ASSERT(kt, t0 && t1);
	task_join_raw(t0);
	task_join_raw(t1);
	MMT_EXPECT_EQ(kt, tear_w[0].result, 0);
	KT_EXPECT(kt, tear_w[1].a > 0);
	MMT_EXPECT_EQ(kt, tear_w[1].b, 0ull);
	kbuf_free(&tear_shared);
	for (u32 r = 0; r < TEAR_ROUNDS; r++)
		kbuf_free(&tear_old[r]);
}

/* Byte objects past KBUF_MAX (fw/pbuf.h): paged, zeroed, read and written across pages. */
KTEST(mm, pbuf_large_objects)
{
	struct pbuf p = PBUF_EMPTY;
	u64 before = frame_free_count();
	MMT_ASSERT_EQ(kt, pbuf_alloc(&p, (3u << 20) + 5), 0);
	MMT_EXPECT_EQ(kt, pbuf_alloc(&p, 10), -EBUSY);
	MMT_EXPECT_EQ(kt, pbuf_len(&p), (size_t)(3u << 20) + 5);
	u8 out[64], in[64] = { 0 };
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i + 1);
	size_t off = (1u << 20) - 30; /* across a page boundary, past 1 MiB */
	MMT_EXPECT_EQ(kt, pbuf_write(&p, off, BYTES_OF_ARRAY(out)), 0);
	MMT_EXPECT_EQ(kt, pbuf_read(&p, off, BYTES_OF_ARRAY(in)), 0);
	KT_EXPECT(kt, bytes_eq(BYTES_OF_ARRAY(in), BYTES_OF_ARRAY(out)));
	MMT_EXPECT_EQ(kt, pbuf_read(&p, (3u << 20) - 59, BYTES_OF_ARRAY(in)), 0); /* zeroed tail */
	KT_EXPECT(kt, in[0] == 0 && in[63] == 0);
	MMT_EXPECT_EQ(kt, pbuf_read(&p, (3u << 20) - 58, BYTES_OF_ARRAY(in)), -ERANGE);
	MMT_EXPECT_EQ(kt, pbuf_alloc(&p, 0), -EBUSY);
	pbuf_free(&p);
	pbuf_free(&p);
	MMT_EXPECT_EQ(kt, pbuf_len(&p), 0u);
	/* every page is back (the handle array's heap slab may stay cached: a second cycle
	 * must end where the first did) */
	u64 after = frame_free_count();
	KT_EXPECT(kt, after + 32 > before);
	MMT_ASSERT_EQ(kt, pbuf_alloc(&p, 3u << 20), 0);
	pbuf_free(&p);
	MMT_EXPECT_EQ(kt, frame_free_count(), after);
	struct pbuf q = PBUF_EMPTY;
	MMT_EXPECT_EQ(kt, pbuf_alloc(&q, 0), -EINVAL);
}

KTEST(mm, frames_typed_frames_never_handed_out)
{
	struct frame h = FRAME_EMPTY;
	/* A page table (the kernel's own PML4). */
	MMT_EXPECT_EQ(kt, frame_kind_of(kspace_root()), FRAME_PAGETABLE);
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(kspace_root(), &h), -EPERM);
	/* A kernel stack. */
	struct kstack ks;
	MMT_ASSERT_EQ(kt, kstack_alloc(&ks), 0);
	u64 pa = 0;
	MMT_EXPECT_EQ(kt, kspace_query(ks.base, &pa, NULL), 0);
	MMT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_STACK);
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(pa, &h), -EPERM);
	kstack_free(&ks);
	/* A heap slab. */
	struct bytes_result r = kbuf_alloc_raw(64);
	KT_ASSERT_EQ(kt, r.err, 0);
	u64 buf_va = (u64)(uintptr_t)r.value.ptr;
	MMT_EXPECT_EQ(kt, kspace_query(buf_va, &pa, NULL), 0);
	MMT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_HEAP);
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(pa, &h), -EPERM);
	MMT_EXPECT_EQ(kt, kbuf_free_raw(r.value), 0);
	/* The kernel image and the first MiB are reserved, not allocatable. */
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(KERNEL_PHYS_BASE + 0x2000, &h), -ENOENT);
	MMT_EXPECT_EQ(kt, frame_kind_of(0x1000), FRAME_RESERVED);
	/* An untyped frame: yes, with one more reference. */
	struct frame u = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&u), 0);
	MMT_EXPECT_EQ(kt, frame_handle_from_paddr(frame_paddr(&u), &h), 0);
	MMT_EXPECT_EQ(kt, frame_refcount(&u), 2u);
	frame_release(&h);
	frame_release(&u);
	KT_EXPECT(kt, frame_is_empty(&h));
}

DEFINE_TYPE_INFO(mmt_oom, struct { u64 never_allocated_before[3]; });

/* The blocks the out-of-memory test holds. Kept here rather than in the blocks themselves:
 * touching fresh guest memory makes the host fault in (and zero) its pages, which costs far
 * more than the allocator. Past the array, blocks are chained through their first words. */
#define OOM_SLOTS 4096u
static u64 oom_pa[OOM_SLOTS];
static u8 oom_order[OOM_SLOTS];

KTEST(mm, frames_out_of_memory_is_an_error)
{
	u64 before = frame_free_count();
	/* Take every frame, largest blocks first. */
	u64 n = 0, chain = 0;
	for (int o = BUDDY_MAX_ORDER; o >= 0; o--) {
		u64 pa;
		while (frame_alloc_typed(FRAME_META, (unsigned)o, false, &pa) == 0) {
			if (n < OOM_SLOTS) {
				/* SAFETY: n < OOM_SLOTS. */
				oom_pa[n] = pa;
				oom_order[n] = (u8)o;
			} else {
				/* SAFETY: the block is ours (just allocated, at least one frame,
				 * direct-mapped). */
				u64 *w = phys_to_virt(pa);
				w[0] = chain;
				w[1] = (u64)o;
				chain = pa;
			}
			n++;
		}
	}
	MMT_EXPECT_EQ(kt, frame_free_count(), 0u);
	struct frame f = FRAME_EMPTY;
	MMT_EXPECT_EQ(kt, frame_alloc(&f), -ENOMEM);
	KT_EXPECT(kt, frame_is_empty(&f));
	struct kstack ks;
	MMT_EXPECT_EQ(kt, kstack_alloc(&ks), -ENOMEM);
	KT_EXPECT(kt, __fw_lib_alloc(&mmt_oom__type, 1) == NULL); /* a new cache needs a slab */
	struct bytes_result r = kbuf_alloc_raw(300000);
	KT_EXPECT_EQ(kt, r.err, -ENOMEM);
	struct heap_cache_stats st;
	MMT_EXPECT_EQ(kt, heap_type_stats(&mmt_oom__type, &st), 0);
	KT_EXPECT_EQ(kt, st.alloc_failures, 1u);
	u64 pa;
	MMT_EXPECT_EQ(kt, frame_alloc_typed(FRAME_PAGETABLE, 0, true, &pa), -ENOMEM);
	/* Give everything back. */
	while (chain) {
		/* SAFETY: chain is a block this test took and has not freed yet. */
		u64 *w = phys_to_virt(chain);
		u64 next = w[0];
		frame_free_typed(chain, (unsigned)w[1]);
		chain = next;
	}
	for (u64 i = 0; i < n && i < OOM_SLOTS; i++)
		/* SAFETY: i < OOM_SLOTS. */
		frame_free_typed(oom_pa[i], oom_order[i]);
	MMT_EXPECT_EQ(kt, frame_free_count(), before);
	KT_EXPECT_GT(kt, n, 0u);
	void *p = __fw_lib_alloc(&mmt_oom__type, 1);
	KT_EXPECT(kt, p != NULL); /* memory is back: the same request succeeds */
	__fw_lib_free(&mmt_oom__type, p);
}

/* --- the kernel address space --------------------------------------------------------------- */

KTEST(mm, kspace_map_query_unmap_flush)
{
	struct frame f = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	u64 va = MM_TEST_BASE, pa = 0;
	unsigned prot = 0;
	MMT_ASSERT_EQ(kt, kspace_map(va, frame_paddr(&f), MM_PAGE_SIZE, RW), 0);
	MMT_EXPECT_EQ(kt, kspace_map(va, frame_paddr(&f), MM_PAGE_SIZE, MM_PROT_READ), -EEXIST);
	MMT_EXPECT_EQ(kt, kspace_query(va + 8, &pa, &prot), 0);
	KT_EXPECT_EQ(kt, pa, frame_paddr(&f) + 8);
	KT_EXPECT_EQ(kt, prot, (unsigned)(MM_PROT_READ | MM_PROT_WRITE));
	target = va + 16;
	struct ktest_trap t;
	ktest_expect_trap(kt, write_target, &t); /* fills the TLB */
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	u8 out[8];
	MMT_EXPECT_EQ(kt, frame_read(&f, 16, BYTES_OF_ARRAY(out)), 0);
	KT_EXPECT(kt, out[0] == 0x5a && out[1] == 0x5a); /* same frame through both mappings */
	u64 old = 0;
	MMT_EXPECT_EQ(kt, kspace_unmap_page(va, &old), 0);
	KT_EXPECT_EQ(kt, old, frame_paddr(&f));
	MMT_EXPECT_EQ(kt, kspace_query(va, NULL, NULL), -ENOENT);
	MMT_EXPECT_EQ(kt, kspace_unmap_page(va, &old), -ENOENT);
	ktest_expect_trap(kt, read_target, &t); /* the stale TLB entry was flushed */
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT_EQ(kt, t.fault_addr, va + 16);
	frame_release(&f);
}

KTEST(mm, kspace_protect_read_only_faults_on_write)
{
	struct frame f = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	u64 va = MM_TEST_BASE + 0x10000;
	MMT_ASSERT_EQ(kt, kspace_map(va, frame_paddr(&f), MM_PAGE_SIZE, RW), 0);
	target = va;
	struct ktest_trap t;
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	MMT_EXPECT_EQ(kt, kspace_protect(va, MM_PAGE_SIZE, MM_PROT_READ), 0);
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "protection violation, write"));
	ktest_expect_trap(kt, read_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE); /* reading is still allowed */
	MMT_EXPECT_EQ(kt, kspace_protect(va, MM_PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE), 0);
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	MMT_EXPECT_EQ(kt, kspace_protect(va + MM_PAGE_SIZE, MM_PAGE_SIZE, MM_PROT_READ), -ENOENT);
	u64 old;
	MMT_EXPECT_EQ(kt, kspace_unmap_page(va, &old), 0);
	frame_release(&f);
}

KTEST(mm, kspace_data_is_not_executable)
{
	if (!paging_nx) {
		fw_info("mm.kspace_data_is_not_executable: CPU without NX, nothing to test");
		return;
	}
	struct frame f = FRAME_EMPTY;
	MMT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	u8 ret[1] = { 0xc3 };
	MMT_EXPECT_EQ(kt, frame_write(&f, 0, BYTES_OF_ARRAY(ret)), 0);
	u64 va = MM_TEST_BASE + 0x20000;
	MMT_ASSERT_EQ(kt, kspace_map(va, frame_paddr(&f), MM_PAGE_SIZE, RW), 0);
	target = va;
	struct ktest_trap t;
	ktest_expect_trap(kt, call_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT_EQ(kt, t.fault_addr, va);
	/* The same page through the direct map is not executable either. */
	target = (u64)(uintptr_t)phys_to_virt(frame_paddr(&f));
	ktest_expect_trap(kt, call_target, &t);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	u64 old;
	MMT_EXPECT_EQ(kt, kspace_unmap_page(va, &old), 0);
	frame_release(&f);
}

static const u64 some_rodata[2] = { 1, 2 };
static u64 some_data[2] = { 3, 4 };

KTEST(mm, kspace_kernel_image_is_w_xor_x)
{
	unsigned prot = 0;
	u64 text = (u64)(uintptr_t)&read_target;
	MMT_ASSERT_EQ(kt, kspace_query(text, NULL, &prot), 0);
	KT_EXPECT(kt, (prot & MM_PROT_EXEC) && !(prot & MM_PROT_WRITE));
	MMT_ASSERT_EQ(kt, kspace_query((u64)(uintptr_t)some_rodata, NULL, &prot), 0);
	KT_EXPECT(kt, !(prot & MM_PROT_WRITE));
	KT_EXPECT(kt, !paging_nx || !(prot & MM_PROT_EXEC));
	MMT_ASSERT_EQ(kt, kspace_query((u64)(uintptr_t)some_data, NULL, &prot), 0);
	KT_EXPECT(kt, prot & MM_PROT_WRITE);
	KT_EXPECT(kt, !paging_nx || !(prot & MM_PROT_EXEC));
	KT_EXPECT_EQ(kt, some_rodata[1] + some_data[1], 6u);
	/* Writing to kernel text faults. */
	target = text;
	struct ktest_trap t;
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT_EQ(kt, t.fault_addr, text);
}

KTEST(mm, kspace_direct_map_without_identity_map)
{
	const struct mm_range *r;
	int n = frame_ranges(&r);
	KT_ASSERT(kt, n > 0);
	for (int i = 0; i < n; i++) {
		u64 pa = 0;
		unsigned prot = 0;
		/* SAFETY: i < n, the number of ranges frame_ranges() reported. */
		MMT_EXPECT_EQ(kt, kspace_query(DIRECT_MAP_BASE + r[i].start, &pa, &prot), 0);
		KT_EXPECT_EQ(kt, pa, r[i].start);
		MMT_EXPECT_EQ(kt, kspace_query(DIRECT_MAP_BASE + r[i].end - 8, &pa, NULL), 0);
		KT_EXPECT_EQ(kt, pa, r[i].end - 8);
		KT_EXPECT(kt, !paging_nx || !(prot & MM_PROT_EXEC));
		KT_EXPECT(kt, !(prot & MM_PROT_UNCACHED)); /* RAM is write-back */
	}
	/* The APIC page is mapped uncached. */
	unsigned prot = 0;
	MMT_EXPECT_EQ(kt, kspace_query(DIRECT_MAP_BASE + 0xfee00000ull, NULL, &prot), 0);
	KT_EXPECT(kt, prot & MM_PROT_UNCACHED);
	/* Nothing in the lower half: no identity map of the kernel or of low memory. */
	MMT_EXPECT_EQ(kt, kspace_query(0x1000, NULL, NULL), -ENOENT);
	MMT_EXPECT_EQ(kt, kspace_query(KERNEL_PHYS_BASE, NULL, NULL), -ENOENT);
	target = KERNEL_PHYS_BASE + 0x1000;
	struct ktest_trap t;
	ktest_expect_trap(kt, read_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.fault_addr, (u64)KERNEL_PHYS_BASE + 0x1000);
}

/* --- kernel stacks --------------------------------------------------------------------------- */

KTEST(mm, kstack_guard_page_faults)
{
	struct kstack ks;
	MMT_ASSERT_EQ(kt, kstack_alloc(&ks), 0);
	KT_EXPECT_EQ(kt, ks.top - ks.base, (u64)KSTACK_PAGES * MM_PAGE_SIZE);
	struct ktest_trap t;
	target = ks.top - 8;
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	target = ks.base;
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	target = ks.base - 8; /* the guard page */
	ktest_expect_trap(kt, write_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_STACK_OVERFLOW);
	KT_EXPECT_EQ(kt, t.fault_addr, ks.base - 8);
	KT_EXPECT(kt, kstack_contains(ks.top - 64, 64));
	KT_EXPECT(kt, !kstack_contains(ks.base - 8, 8));
	kstack_free(&ks);
}

static struct kstack overflow_stack;
/* SAFETY: volatile so the compiler cannot turn the recursion into a loop. */
static u64 (*volatile recurse_ptr)(u64);

static u64 recurse(u64 depth)
{
	/* SAFETY: volatile so each level really uses 256 bytes of stack. */
	volatile u8 frame[256];
	frame[0] = (u8)depth;
	return recurse_ptr(depth + 1) + frame[0];
}

static void run_recursion(void)
{
	sink = recurse_ptr(0);
}

static void overflow_entry(void)
{
	recurse_ptr = recurse;
	call_on_stack(run_recursion, overflow_stack.top);
}

KTEST(mm, kstack_overflow_is_reported)
{
	MMT_ASSERT_EQ(kt, kstack_alloc(&overflow_stack), 0);
	struct ktest_trap t;
	ktest_expect_trap(kt, overflow_entry, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_STACK_OVERFLOW);
	KT_EXPECT(kt, t.fault_addr >= overflow_stack.base - MM_PAGE_SIZE &&
			      t.fault_addr < overflow_stack.base);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "kernel stack overflow: kernel task stack"));
	kstack_free(&overflow_stack);
}

KTEST(mm, kstack_free_unmaps_and_slots_are_reused)
{
	struct kstack a, b;
	MMT_ASSERT_EQ(kt, kstack_alloc(&a), 0);
	MMT_ASSERT_EQ(kt, kstack_alloc(&b), 0);
	KT_EXPECT_NE(kt, a.slot, b.slot);
	u64 base = a.base;
	u32 slot = a.slot;
	u64 before = frame_free_count();
	kstack_free(&a);
	MMT_EXPECT_EQ(kt, frame_free_count(), before + KSTACK_PAGES);
	MMT_EXPECT_EQ(kt, kspace_query(base, NULL, NULL), -ENOENT);
	target = base + 64;
	struct ktest_trap t;
	ktest_expect_trap(kt, read_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	MMT_ASSERT_EQ(kt, kstack_alloc(&a), 0);
	KT_EXPECT_EQ(kt, a.slot, slot);
	kstack_free(&a);
	kstack_free(&b);
}

/* --- the typed heap ------------------------------------------------------------------------ */

struct mmt_obj {
	u64 a, b, c;
	u32 d;
};
struct mmt_other {
	u64 a, b, c;
	u32 d;
};
struct mmt_big {
	u64 words[128]; /* 1 KiB: 8 objects per 2-page slab */
};
DEFINE_TYPE_CACHE(mmt_obj, struct mmt_obj);
DEFINE_TYPE_CACHE(mmt_other, struct mmt_other);
DEFINE_TYPE_CACHE(mmt_big, struct mmt_big);

/* Heap poisoning (on in every boot but make bench's, make profile's and make run's): a write
 * into a freed object is reported by the next allocation of that slot. The write here is
 * the bug the poisoning exists to catch, made on purpose by trusted test code. */
KTEST(mm, heap_poison_reports_a_write_after_free)
{
	if (!heap_poisoning())
		KT_SKIP(kt, "heap poisoning is off (heap.poison=0)");
	struct heap_cache_stats s0, s1;
	/* keep: holds the slab mapped (not empty) while o is free; o takes the next free slot,
	 * the lowest free one again once it is freed */
	struct mmt_other *keep = KNEW(mmt_other);
	struct mmt_other *o = KNEW(mmt_other);
	KT_ASSERT(kt, keep != NULL && o != NULL);
	MMT_EXPECT_EQ(kt, KCACHE_STATS(mmt_other, &s0), 0);
	u64 reports = heap_poison_reports();
	KFREE(mmt_other, o);
	/* SAFETY: deliberately a write after free, into a type-stable slot whose slab stays
	 * mapped (keep is live in it). */
	volatile u32 *stale = &o->d;
	KT_EXPECT_EQ(kt, *stale, 0x6b6b6b6bu); /* poisoned */
	console_capture_start();
	*stale = 7;
	struct mmt_other *o2 = KNEW(mmt_other);
	console_capture_stop();
	KT_ASSERT(kt, o2 != NULL);
	KT_EXPECT(kt, o2 == o); /* the same slot: last freed, first reused */
	KT_EXPECT(kt, o2->d == 0);
	MMT_EXPECT_EQ(kt, KCACHE_STATS(mmt_other, &s1), 0);
	KT_EXPECT_EQ(kt, s1.poison_hits, s0.poison_hits + 1);
	KT_EXPECT_EQ(kt, heap_poison_reports(), reports + 1);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "BUG: heap: a freed mmt_other object"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "byte 24 is 07"));
	KFREE(mmt_other, o2);
	KFREE(mmt_other, keep);
}

KTEST(mm, heap_knew_zeroes_and_counts)
{
	struct heap_cache_stats s0, s1;
	struct mmt_obj *o = KNEW(mmt_obj);
	KT_ASSERT(kt, o != NULL);
	MMT_EXPECT_EQ(kt, KCACHE_STATS(mmt_obj, &s0), 0);
	KT_EXPECT(kt, o->a == 0 && o->b == 0 && o->c == 0 && o->d == 0);
	o->a = o->b = o->c = ~0ull;
	o->d = 7;
	KFREE(mmt_obj, o);
	struct mmt_obj *o2 = KNEW(mmt_obj);
	KT_ASSERT(kt, o2 != NULL);
	KT_EXPECT(kt, o2->a == 0 && o2->b == 0 && o2->c == 0 && o2->d == 0);
	MMT_EXPECT_EQ(kt, KCACHE_STATS(mmt_obj, &s1), 0);
	KT_EXPECT_EQ(kt, s1.allocs, s0.allocs + 1);
	KT_EXPECT_EQ(kt, s1.frees, s0.frees + 1);
	KT_EXPECT_EQ(kt, s1.live, s0.live);
	KT_EXPECT_GE(kt, s1.obj_size, (u32)sizeof(struct mmt_obj));
	KFREE(mmt_obj, o2);
}

KTEST(mm, heap_addresses_stay_with_their_type)
{
	enum { N = 64, M = 400 };
	static u64 seen[N];
	static struct mmt_other *others[M];
	struct mmt_obj *objs[N];
	for (int i = 0; i < N; i++) {
		objs[i] = KNEW(mmt_obj);
		KT_ASSERT(kt, objs[i] != NULL);
		seen[i] = (u64)(uintptr_t)objs[i];
	}
	for (int i = 0; i < N; i++)
		KFREE(mmt_obj, objs[i]);
	/* Another type of the very same size never gets those addresses. */
	bool foreign = false;
	for (int i = 0; i < M; i++) {
		others[i] = KNEW(mmt_other);
		KT_ASSERT(kt, others[i] != NULL);
		u64 va = (u64)(uintptr_t)others[i];
		foreign = foreign || heap_addr_is_type(va, &mmt_obj__type) ||
			  !heap_addr_is_type(va, &mmt_other__type);
		for (int j = 0; j < N; j++)
			foreign = foreign || va == seen[j];
	}
	KT_EXPECT(kt, !foreign);
	for (int i = 0; i < M; i++)
		KFREE(mmt_other, others[i]);
	/* The first type gets its own addresses back. */
	int reused = 0;
	for (int i = 0; i < N; i++) {
		objs[i] = KNEW(mmt_obj);
		KT_ASSERT(kt, objs[i] != NULL);
		u64 va = (u64)(uintptr_t)objs[i];
		KT_EXPECT(kt, heap_addr_is_type(va, &mmt_obj__type));
		for (int j = 0; j < N; j++)
			reused += va == seen[j];
	}
	KT_EXPECT_EQ(kt, reused, N);
	for (int i = 0; i < N; i++)
		KFREE(mmt_obj, objs[i]);
}

KTEST(mm, heap_released_slabs_fault_then_return_same_type)
{
	enum { N = 24 };
	struct mmt_big *objs[N];
	for (int i = 0; i < N; i++) {
		objs[i] = KNEW(mmt_big);
		KT_ASSERT(kt, objs[i] != NULL);
	}
	struct heap_cache_stats s0, s1;
	MMT_ASSERT_EQ(kt, KCACHE_STATS(mmt_big, &s0), 0);
	KT_EXPECT_GE(kt, s0.slabs_mapped, 3u);
	u64 stale = (u64)(uintptr_t)objs[5];
	u64 free_before = frame_free_count();
	for (int i = 0; i < N; i++)
		KFREE(mmt_big, objs[i]);
	heap_shrink_all();
	MMT_ASSERT_EQ(kt, KCACHE_STATS(mmt_big, &s1), 0);
	KT_EXPECT_EQ(kt, s1.slabs_mapped, 0u);
	KT_EXPECT_GE(kt, s1.slabs_released, s0.slabs_released + 3);
	MMT_EXPECT_GE(kt, frame_free_count(), free_before + 3 * 2); /* frames went back */
	/* A dangling pointer into a released slab faults... */
	target = stale;
	struct ktest_trap t;
	ktest_expect_trap(kt, read_target, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.fault_addr, stale);
	/* ...and when the addresses are used again, it is for the same type, zeroed. */
	struct mmt_big *again = KNEW(mmt_big);
	KT_ASSERT(kt, again != NULL);
	KT_EXPECT(kt, heap_addr_is_type((u64)(uintptr_t)again, &mmt_big__type));
	KT_EXPECT(kt, again->words[0] == 0 && again->words[127] == 0);
	KFREE(mmt_big, again);
}

KTEST(mm, heap_bad_frees_are_refused)
{
	struct mmt_obj *o = KNEW(mmt_obj);
	KT_ASSERT(kt, o != NULL);
	struct heap_cache_stats s0, s1;
	MMT_ASSERT_EQ(kt, KCACHE_STATS(mmt_obj, &s0), 0);
	u64 warns = fw_lib_warn_count();
	__fw_lib_free(&mmt_other__type, o);             /* freed as another type */
	/* SAFETY: a deliberately wrong pointer (inside o), only passed to the checked free. */
	__fw_lib_free(&mmt_obj__type, (u8 *)o + 8);     /* not the start of an object */
	__fw_lib_free(&mmt_obj__type, some_data);       /* not heap memory at all */
	MMT_EXPECT_EQ(kt, fw_lib_warn_count(), warns + 3);
	MMT_ASSERT_EQ(kt, KCACHE_STATS(mmt_obj, &s1), 0);
	KT_EXPECT_EQ(kt, s1.live, s0.live); /* o is still allocated */
	KT_EXPECT_EQ(kt, s1.bad_frees, s0.bad_frees + 2);
	o->d = 42; /* and still ours */
	KFREE(mmt_obj, o);
	KFREE(mmt_obj, o); /* double free: refused */
	MMT_EXPECT_EQ(kt, fw_lib_warn_count(), warns + 4);
	MMT_ASSERT_EQ(kt, KCACHE_STATS(mmt_obj, &s1), 0);
	KT_EXPECT_EQ(kt, s1.live, s0.live - 1);
}

KTEST(mm, heap_arrays_come_from_the_type_windows)
{
	/* SAFETY: __fw_lib_alloc returns zeroed storage for 10 objects of the named type (or NULL,
	 * asserted below); the test indexes it below 10. */
	struct mmt_obj *arr = __fw_lib_alloc(&mmt_obj__type, 10);
	struct mmt_other *arr2 = __fw_lib_alloc(&mmt_other__type, 10);
	KT_ASSERT(kt, arr != NULL && arr2 != NULL);
	KT_EXPECT(kt, heap_addr_is_type((u64)(uintptr_t)arr, &mmt_obj__type));
	KT_EXPECT(kt, heap_addr_is_type((u64)(uintptr_t)arr2, &mmt_other__type));
	bool zero = true;
	for (int i = 0; i < 10; i++)
		zero = zero && arr[i].a == 0 && arr[i].d == 0;
	KT_EXPECT(kt, zero);
	arr[9].d = 1;
	KT_EXPECT(kt, __fw_lib_alloc(&mmt_obj__type, (size_t)1 << 40) == NULL); /* too large */
	KT_EXPECT(kt, __fw_lib_alloc(&mmt_obj__type, SIZE_MAX / 2) == NULL);    /* overflows */
	__fw_lib_free(&mmt_obj__type, arr);
	__fw_lib_free(&mmt_other__type, arr2);
}

KTEST(mm, heap_byte_buffers_are_bounded_slices)
{
	struct bytes_result r = kbuf_alloc_raw(100);
	KT_ASSERT_EQ(kt, r.err, 0);
	struct bytes b = r.value;
	MMT_EXPECT_EQ(kt, bytes_len(b), 100u);
	MMT_EXPECT_EQ(kt, bytes_put_u8(b, 99, 7), 0);
	MMT_EXPECT_EQ(kt, bytes_put_u8(b, 100, 7), -ERANGE);
	MMT_EXPECT_EQ(kt, bytes_u8(b, 0).value, 0u);
	MMT_EXPECT_EQ(kt, bytes_u8(b, 99).value, 7u);
	MMT_EXPECT_EQ(kt, kbuf_free_raw(b), 0);
	MMT_EXPECT_EQ(kt, kbuf_free_raw(b), -EINVAL); /* double free refused */
	MMT_EXPECT_EQ(kt, kbuf_alloc_raw(0).err, -EINVAL);
	MMT_EXPECT_EQ(kt, kbuf_alloc_raw(KBUF_MAX + 1).err, -EINVAL);
	struct bytes_result big = kbuf_alloc_raw(KBUF_MAX);
	KT_ASSERT_EQ(kt, big.err, 0);
	MMT_EXPECT_EQ(kt, bytes_len(big.value), (size_t)KBUF_MAX);
	MMT_EXPECT_EQ(kt, bytes_put_u8(big.value, KBUF_MAX - 1, 1), 0);
	MMT_EXPECT_EQ(kt, kbuf_free_raw(big.value), 0);
}

KTEST(mm, heap_statistics_per_cache)
{
	struct mmt_obj *o = KNEW(mmt_obj);
	KT_ASSERT(kt, o != NULL);
	struct heap_cache_stats s;
	MMT_EXPECT_EQ(kt, KCACHE_STATS(mmt_obj, &s), 0);
	KT_EXPECT_GE(kt, s.live, 1u);
	KT_EXPECT_GE(kt, s.peak, s.live);
	KT_EXPECT_GE(kt, s.allocs, s.frees + s.live);
	KT_EXPECT_GE(kt, s.slabs_mapped, 1u);
	KT_EXPECT_EQ(kt, s.obj_size, 32u); /* 28 bytes rounded to the 8-byte alignment */
	heap_print_stats(); /* one line per cache in the log */
	KFREE(mmt_obj, o);
}

/* Not a benchmark of record (TCG timings are noisy): prints the cost of the hot paths so a
 * regression of an order of magnitude shows in the log. Asserts only that they work. */
KTEST(mm, heap_and_frame_costs_logged)
{
	enum { N = 2000 };
	static struct mmt_obj *objs[N];
	u64 t0 = fw_time_ns();
	for (int i = 0; i < N; i++) {
		objs[i] = KNEW(mmt_obj);
		KT_ASSERT(kt, objs[i] != NULL);
	}
	u64 t1 = fw_time_ns();
	for (int i = 0; i < N; i++)
		KFREE(mmt_obj, objs[i]);
	u64 t2 = fw_time_ns();
	struct frame f = FRAME_EMPTY;
	for (int i = 0; i < 200; i++) {
		int err = frame_alloc(&f);
		KT_ASSERT_EQ(kt, err, 0);
		frame_release(&f);
	}
	u64 t3 = fw_time_ns();
	fw_info("mm costs (TCG): KNEW %lu ns, KFREE %lu ns, zeroed frame alloc+release %lu ns",
		(t1 - t0) / N, (t2 - t1) / N, (t3 - t2) / 200);
}
