/*
 * frame_ref_test.c — in-kernel tests of the lock-free frame reference counts (frame.c's
 * ref_get/ref_put, buddy.h's invariant "a count above zero means an allocated untyped frame"):
 * references taken and dropped on two CPUs at once add up, and a stale handle raced against
 * the free and reuse of its frame as a page table never raises the page table's count (which
 * would hand a service a typed frame); frame_to_user_release copies out on the handle's own
 * reference and drops it, once, even when two calls race on one handle.
 */
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/uaccess.h>

#include "internal/ktest_task.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "mm/buddy.h"

#define REF_ROUNDS 2000u
static struct frame ref_keep = FRAME_EMPTY;
static struct tworker ref_w[2];

/* Clone, read through, and release ref_keep's frame REF_ROUNDS times; w->result counts
 * failures. */
static void ref_churn(struct tworker *w)
{
	for (u32 i = 0; i < REF_ROUNDS; i++) {
		struct frame c = FRAME_EMPTY;
		u8 b[8] = { 0 };
		if (frame_clone(&c, &ref_keep) || frame_read(&c, 0, BYTES_OF_ARRAY(b)) || b[0] != 0x5a)
			w->result++;
		frame_release(&c);
	}
}

KTEST(mm, frames_refs_on_two_cpus_add_up)
{
	KT_ASSERT(kt, frame_alloc(&ref_keep) == 0);
	KT_ASSERT(kt, frame_fill(&ref_keep, 0, 8, 0x5a) == 0);
	struct task *t0 = tw_spawn(&ref_w[0], ref_churn, 0, 0);
	struct task *t1 = tw_spawn(&ref_w[1], ref_churn, 1, tw_other_cpu());
	KT_ASSERT(kt, t0 && t1);
	task_join_raw(t0);
	task_join_raw(t1);
	KT_EXPECT_EQ(kt, ref_w[0].result, 0);
	KT_EXPECT_EQ(kt, ref_w[1].result, 0);
	u32 refs = frame_refcount(&ref_keep);
	KT_EXPECT_EQ(kt, refs, 1u); /* every clone's reference dropped, none lost */
	u64 pa = frame_paddr(&ref_keep);
	frame_release(&ref_keep);
	KT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_FREE);
}

/* A stale handle (what a racing release leaves a service thread holding) against the free of
 * its frame and the frame's reuse as a page table: every reference the racer gets must be to
 * an untyped frame, and the page table's count must stay 0. */
#define STALE_ROUNDS 150u
static struct frame stale_h = FRAME_EMPTY;
static u32 stale_stop;

static void stale_racer(struct tworker *w)
{
	/* SAFETY: the stop flag, only touched atomically. */
	while (!__atomic_load_n(&stale_stop, __ATOMIC_ACQUIRE)) {
		struct frame c = FRAME_EMPTY;
		if (frame_clone(&c, &stale_h) == 0) {
			/* SAFETY: the counter the test reads atomically. */
			__atomic_add_fetch(&w->a, 1, __ATOMIC_RELEASE);
			if (frame_kind_of(frame_paddr(&c)) != FRAME_UNTYPED)
				w->result++;
		}
		frame_release(&c);
		u8 b[8] = { 0 };
		if (frame_read(&stale_h, 0, BYTES_OF_ARRAY(b)) == 0) /* read: the frame may be
									* someone else's by now */
			w->b++;
	}
}

KTEST(mm, frames_stale_ref_never_reaches_a_page_table)
{
	/* SAFETY: the stop flag and the stale handle are not shared yet (no racer runs). */
	__atomic_store_n(&stale_stop, 0, __ATOMIC_RELEASE);
	struct task *t = tw_spawn(&ref_w[0], stale_racer, 0, tw_other_cpu());
	KT_ASSERT(kt, t);
	u32 typed_counted = 0, reused = 0;
	for (u32 r = 0; r < STALE_ROUNDS; r++) {
		struct frame a = FRAME_EMPTY;
		if (frame_alloc(&a))
			break;
		u64 pfn = frame_paddr(&a) >> MM_PAGE_SHIFT;
		/* SAFETY: publishes a copy of a's frame number: the stale handle a racing release
		 * leaves behind (test only; the racer reads it with an atomic load in pin). */
		__atomic_store_n(&stale_h.pfn, pfn, __ATOMIC_RELEASE);
		/* Let the racer reach this frame through the stale handle before it goes, so its
		 * later attempts race the free and the reuse (bounded: it may be descheduled). */
		/* SAFETY: the racer's counter, read atomically. */
		u64 seen = __atomic_load_n(&ref_w[0].a, __ATOMIC_ACQUIRE);
		for (u32 spin = 0; spin < 1000 &&
				   __atomic_load_n(&ref_w[0].a, __ATOMIC_ACQUIRE) == seen; spin++)
			task_yield();
		frame_release(&a);
		u64 pt = 0;
		if (frame_alloc_typed(FRAME_PAGETABLE, 0, true, &pt))
			continue;
		reused += (pt >> MM_PAGE_SHIFT) == pfn;
		struct frame h = FRAME_EMPTY;
		int err = frame_handle_from_paddr(pt, &h);
		if (err != -EPERM) {
			typed_counted++;
			frame_release(&h);
		}
		frame_free_typed(pt, 0);
	}
	/* SAFETY: as above. */
	__atomic_store_n(&stale_stop, 1, __ATOMIC_RELEASE);
	task_join_raw(t);
	/* SAFETY: empties the test's stale copy (it holds no reference). */
	__atomic_store_n(&stale_h.pfn, 0, __ATOMIC_RELEASE);
	KT_EXPECT_EQ(kt, typed_counted, 0u);
	KT_EXPECT_EQ(kt, ref_w[0].result, 0);
	KT_EXPECT(kt, reused > 0); /* freed frames came back as page tables */
	KT_EXPECT(kt, ref_w[0].a > 0); /* and the racer reached frames through the stale handle */
	printk(FW_LOG_INFO, "frames: %u of %u frames reused as page tables; racer cloned %lu, read %lu",
		  reused, STALE_ROUNDS, ref_w[0].a, ref_w[0].b);
}

KTEST(mm, frame_to_user_release_copies_then_drops)
{
	struct frame f = FRAME_EMPTY, g = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	u8 pat[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	KT_ASSERT(kt, frame_write(&f, 100, BYTES_OF_ARRAY(pat)) == 0);
	u8 out[16] = { 0 };
	KT_ASSERT(kt, frame_clone(&g, &f) == 0);
	struct vm_writer w = vm_writer_bytes(BYTES_OF_ARRAY(out));
	struct result_size r = frame_to_user_release(&w, &g, 100, sizeof(out));
	KT_EXPECT(kt, !r.err && r.value == sizeof(out));
	KT_EXPECT(kt, out[0] == 1 && out[15] == 16);
	KT_EXPECT(kt, frame_is_empty(&g));
	u32 refs = frame_refcount(&f);
	KT_EXPECT_EQ(kt, refs, 1u); /* g's reference went with the call */
	w = vm_writer_bytes(BYTES_OF_ARRAY(out));
	r = frame_to_user_release(&w, &g, 0, 8); /* an empty handle */
	KT_EXPECT_EQ(kt, r.err, -EINVAL);
	KT_ASSERT(kt, frame_clone(&g, &f) == 0);
	r = frame_to_user_release(&w, &g, FRAME_SIZE - 4, 8); /* leaves the frame */
	KT_EXPECT_EQ(kt, r.err, -ERANGE);
	KT_ASSERT(kt, frame_clone(&g, &f) == 0);
	r = frame_to_user_release(&w, &g, (size_t)-4, 8); /* off + len wraps: still refused */
	KT_EXPECT_EQ(kt, r.err, -ERANGE);
	KT_EXPECT(kt, frame_is_empty(&g));
	refs = frame_refcount(&f);
	KT_EXPECT_EQ(kt, refs, 1u); /* dropped on an error too */
	u64 pa = frame_paddr(&f);
	w = vm_writer_bytes(BYTES_OF_ARRAY(out));
	r = frame_to_user_release(&w, &f, 0, 4); /* the last reference: freed after the copy */
	KT_EXPECT(kt, !r.err && r.value == 4);
	KT_EXPECT_EQ(kt, frame_kind_of(pa), FRAME_FREE);
}

/* Two tasks copying out of one shared handle at once: exactly one gets the frame. */
#define TUR_ROUNDS 300u
static struct frame tur_shared = FRAME_EMPTY;
static u32 tur_round, tur_done;

static void tur_racer(struct tworker *w)
{
	for (u32 r = 1; r <= TUR_ROUNDS; r++) {
		/* SAFETY: the round counter, only touched atomically. */
		while (__atomic_load_n(&tur_round, __ATOMIC_ACQUIRE) < r)
			task_yield();
		u8 b[8] = { 0 };
		struct vm_writer wr = vm_writer_bytes(BYTES_OF_ARRAY(b));
		struct result_size res = frame_to_user_release(&wr, &tur_shared, 0, sizeof(b));
		if (!res.err)
			w->a++;
		/* SAFETY: the completion counter, only touched atomically. */
		__atomic_add_fetch(&tur_done, 1, __ATOMIC_ACQ_REL);
	}
}

KTEST(mm, frame_to_user_release_racing_calls_drop_one_reference)
{
	struct frame keep = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&keep) == 0);
	/* SAFETY: the counters are not shared yet (no worker runs). */
	__atomic_store_n(&tur_round, 0, __ATOMIC_RELEASE);
	/* SAFETY: as above. */
	__atomic_store_n(&tur_done, 0, __ATOMIC_RELEASE);
	struct task *t0 = tw_spawn(&ref_w[0], tur_racer, 0, 0);
	struct task *t1 = tw_spawn(&ref_w[1], tur_racer, 1, tw_other_cpu());
	KT_ASSERT(kt, t0 && t1);
	u32 bad = 0;
	for (u32 r = 1; r <= TUR_ROUNDS; r++) {
		if (frame_clone(&tur_shared, &keep))
			bad++;
		/* SAFETY: the round counter, only touched atomically. */
		__atomic_store_n(&tur_round, r, __ATOMIC_RELEASE);
		/* SAFETY: the completion counter, only touched atomically. */
		while (__atomic_load_n(&tur_done, __ATOMIC_ACQUIRE) < 2 * r)
			task_yield();
		if (frame_refcount(&keep) != 1 || !frame_is_empty(&tur_shared))
			bad++;
	}
	task_join_raw(t0);
	task_join_raw(t1);
	KT_EXPECT_EQ(kt, bad, 0u);
	u64 copies = ref_w[0].a + ref_w[1].a;
	KT_EXPECT_EQ(kt, copies, (u64)TUR_ROUNDS); /* one copy per round, never two */
	frame_release(&keep);
}
