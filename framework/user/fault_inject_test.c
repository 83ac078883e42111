/*
 * fault_inject_test.c — ktests of failure injection (internal/fault_inject.h): an injected
 * user-copy fault stops a copy exactly at the chosen offset, in both directions and for user
 * strings, as a real fault there would; every-Nth and seeded choices fail the calls they name.
 * The configuration is set for the test and restored after it (ktest boots inject nothing).
 */
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/task.h>
#include <fw/uaccess.h>

#include "internal/fault_inject.h"
#include "user/utest.h"
#include "internal/vmspace.h"

static struct ut ut_fi;

KTEST(fault_inject, ucopy_stops_at_the_chosen_offset)
{
	static u8 src[100], dst[100];
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i + 1);
	KT_ASSERT_EQ(kt, ut_setup(&ut_fi, UT_NULL, 0, 0), 0);
	vs_activate(ut_fi.vs);
	fault_inject_test_set(FAULT_UCOPY, 1, 0, 37);
	/* kernel -> user: 37 bytes land, the count says so. */
	struct vm_writer w = vm_writer_user(uaddr(UT_DATA), sizeof(src));
	struct result_size put = vm_write(&w, BYTES_OF_ARRAY(src));
	KT_EXPECT_EQ(kt, put.err, 0);
	KT_EXPECT_EQ(kt, put.value, 37u);
	/* user -> kernel: 37 bytes come back, the rest of dst is untouched. */
	bytes_fill(BYTES_OF_ARRAY(dst), 0xee);
	struct vm_reader r = vm_reader_user(uaddr(UT_DATA), sizeof(dst));
	struct result_size got = vm_read(&r, BYTES_OF_ARRAY(dst));
	KT_EXPECT_EQ(kt, got.value, 37u);
	KT_EXPECT_EQ(kt, bytes_u8(BYTES_OF_ARRAY(dst), 36).value, 37);
	KT_EXPECT_EQ(kt, bytes_u8(BYTES_OF_ARRAY(dst), 37).value, 0xee);
	/* A copy shorter than the offset is not cut. */
	struct vm_reader r2 = vm_reader_user(uaddr(UT_DATA), 20);
	KT_EXPECT_EQ(kt, vm_read(&r2, bytes_head(BYTES_OF_ARRAY(dst), 20)).value, 20u);
	/* A user string: the NUL at 20 comes first (copied); a longer one faults (EFAULT). */
	fault_inject_test_set(FAULT_UCOPY, 0, 0, 0);
	static u8 text[64];
	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = i == 20 || i == 63 ? 0 : 'a';
	struct vm_writer wt = vm_writer_user(uaddr(UT_DATA), sizeof(text));
	KT_EXPECT_EQ(kt, vm_write(&wt, BYTES_OF_ARRAY(text)).value, sizeof(text));
	fault_inject_test_set(FAULT_UCOPY, 1, 0, 37);
	static u8 sbuf[128];
	struct str_result s = ustr_copy(uaddr(UT_DATA), BYTES_OF_ARRAY(sbuf));
	KT_EXPECT_EQ(kt, s.err, 0);
	KT_EXPECT_EQ(kt, str_len(s.value), 20u);
	s = ustr_copy(uaddr(UT_DATA + 21), BYTES_OF_ARRAY(sbuf));
	KT_EXPECT_EQ(kt, s.err, -EFAULT);
	fault_inject_test_restore();
	ut_teardown(&ut_fi);
}

KTEST(fault_inject, every_nth_and_seeded_choices)
{
	/* Every 3rd byte-buffer allocation fails, whatever else the kernel allocates meanwhile
	 * would shift the pattern, so count over a run rather than at fixed places. */
	fault_inject_test_set(FAULT_HEAP, 3, 0, 0);
	unsigned failed = 0;
	for (unsigned i = 0; i < 30; i++) {
		struct kbuf b = KBUF_EMPTY;
		int err = kbuf_alloc(&b, 64);
		if (err == -ENOMEM)
			failed++;
		kbuf_free(&b);
	}
	fault_inject_test_restore();
	KT_EXPECT(kt, failed >= 9 && failed <= 11);
	/* Seeded: about 1 in 4, and the same seed makes the same choices. */
	unsigned pattern[2] = { 0, 0 };
	for (unsigned run = 0; run < 2; run++) {
		fault_inject_test_set(FAULT_UCOPY, 4, 12345, 0);
		for (unsigned i = 0; i < 32; i++)
			if (fault_ucopy_limit(64) < 64)
				pattern[run] |= 1u << i;
		fault_inject_test_restore();
	}
	KT_EXPECT_EQ(kt, pattern[0], pattern[1]);
	KT_EXPECT(kt, __builtin_popcount(pattern[0]) >= 2 && __builtin_popcount(pattern[0]) <= 16);
}

/* The regression case of the fault.guest_finished flake: with a window in ms after reset, a
 * slow boot on a loaded host met injected failures in the kernel's own setup (the initramfs
 * unpacked short, init never ran). With fault.task_filter=1 only marked tasks are failed. */
KTEST(fault_inject, task_filter_spares_unmarked_tasks)
{
	bool was = task_make_it_fail();
	fault_inject_test_set(FAULT_HEAP, 1, 0, 0); /* every call fails */
	fault_inject_test_filter(true);
	task_set_make_it_fail(false);
	struct kbuf b = KBUF_EMPTY;
	KT_EXPECT_EQ(kt, kbuf_alloc(&b, 64), 0);
	kbuf_free(&b);
	task_set_make_it_fail(true);
	KT_EXPECT_EQ(kt, task_make_it_fail(), true);
	KT_EXPECT_EQ(kt, kbuf_alloc(&b, 64), -ENOMEM);
	kbuf_free(&b);
	/* Without the filter the mark does not matter: every task is failed. */
	fault_inject_test_filter(false);
	task_set_make_it_fail(false);
	KT_EXPECT_EQ(kt, kbuf_alloc(&b, 64), -ENOMEM);
	kbuf_free(&b);
	task_set_make_it_fail(was);
	fault_inject_test_restore();
}
