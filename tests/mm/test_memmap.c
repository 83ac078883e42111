/*
 * tests/mm/test_memmap.c — host tests of memmap_usable(): alignment, merging, cutting the
 * reserved ranges out, running out of room, and a randomized comparison with a page bitmap.
 */
#include <string.h>

#include "mm/memmap.h"
#include "mmtest.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)

MMTEST(memmap_typical_pc)
{
	/* QEMU -m 256M: low RAM below the 640 KiB hole, then 1 MiB up; kernel and initrd inside. */
	struct mm_range usable[] = { { 0, 0x9fc00 }, { 1 * MiB, 256 * MiB - 128 * KiB } };
	struct mm_range resv[] = { { 0, 1 * MiB },               /* BIOS area: never used */
				   { 1 * MiB, 3 * MiB + 123 },   /* kernel image */
				   { 100 * MiB + 5, 101 * MiB } }; /* initrd */
	struct mm_range out[8];
	int n = memmap_usable(usable, 2, resv, 3, out, 8);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(out[0].start, 3 * MiB + 4096);
	EXPECT_EQ(out[0].end, 100 * MiB);
	EXPECT_EQ(out[1].start, 101 * MiB);
	EXPECT_EQ(out[1].end, 256 * MiB - 128 * KiB);
	EXPECT_EQ(memmap_total(out, 2), 256 * MiB - 128 * KiB - 101 * MiB + 97 * MiB - 4096);
}

MMTEST(memmap_unaligned_and_overlapping)
{
	/* Out of order, overlapping, touching, unaligned. */
	struct mm_range usable[] = { { 0x5000, 0x9000 }, { 0x1001, 0x3fff }, { 0x3000, 0x5000 },
				     { 0x20000, 0x20fff }, { 0x30000, 0x30000 } };
	struct mm_range out[8];
	int n = memmap_usable(usable, 5, NULL, 0, out, 8);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(out[0].start, 0x2000);
	EXPECT_EQ(out[0].end, 0x9000);
}

MMTEST(memmap_reserved_covers_and_splits)
{
	struct mm_range usable[] = { { 0x10000, 0x20000 }, { 0x30000, 0x40000 } };
	struct mm_range resv[] = { { 0x2ffff, 0x40001 }, { 0x18000, 0x18001 } };
	struct mm_range out[4];
	int n = memmap_usable(usable, 2, resv, 2, out, 4);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(out[0].start, 0x10000);
	EXPECT_EQ(out[0].end, 0x18000);
	EXPECT_EQ(out[1].start, 0x19000);
	EXPECT_EQ(out[1].end, 0x20000);
	/* No room for the split. */
	EXPECT_EQ(memmap_usable(usable, 2, resv, 2, out, 1), -ENOSPC);
}

MMTEST(memmap_top_of_address_space)
{
	struct mm_range usable[] = { { UINT64_MAX - 0x3000, UINT64_MAX } };
	struct mm_range resv[] = { { UINT64_MAX - 10, UINT64_MAX } };
	struct mm_range out[2];
	int n = memmap_usable(usable, 1, resv, 1, out, 2);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(out[0].start, UINT64_MAX - 0x3000 + 1);
	EXPECT_EQ(out[0].end, UINT64_MAX - 0xfff);
}

MMTEST(memmap_random_vs_bitmap)
{
	enum { PAGES = 512 };
	unsigned long long seed = 0x1234567;
	for (int round = 0; round < 2000; round++) {
		bool model[PAGES];
		memset(model, 0, sizeof(model));
		struct mm_range usable[6], resv[6];
		size_t nu = mmtest_rand(&seed) % 6, nr = mmtest_rand(&seed) % 6;
		for (size_t i = 0; i < nu; i++) {
			uint64_t s = mmtest_rand(&seed) % (PAGES * 4096);
			uint64_t len = mmtest_rand(&seed) % (PAGES * 1024);
			uint64_t e = s + len > PAGES * 4096 ? PAGES * 4096 : s + len;
			usable[i] = (struct mm_range){ s, e };
			for (uint64_t p = (s + 4095) / 4096; p < e / 4096; p++)
				model[p] = true;
		}
		for (size_t i = 0; i < nr; i++) {
			uint64_t s = mmtest_rand(&seed) % (PAGES * 4096);
			uint64_t e = s + mmtest_rand(&seed) % (PAGES * 512);
			resv[i] = (struct mm_range){ s, e };
			for (uint64_t p = s / 4096; p < (e + 4095) / 4096 && p < PAGES; p++)
				if (s < e)
					model[p] = false;
		}
		struct mm_range out[16];
		int n = memmap_usable(usable, nu, resv, nr, out, 16);
		EXPECT(n >= 0);
		if (n < 0)
			return;
		bool got[PAGES];
		memset(got, 0, sizeof(got));
		for (int i = 0; i < n; i++) {
			EXPECT(out[i].start < out[i].end);
			EXPECT(out[i].start % 4096 == 0 && out[i].end % 4096 == 0);
			if (i)
				EXPECT(out[i - 1].end < out[i].start); /* sorted, disjoint, merged */
			for (uint64_t p = out[i].start / 4096; p < out[i].end / 4096; p++)
				got[p] = true;
		}
		if (memcmp(got, model, sizeof(got))) {
			EXPECT(!"result differs from the page bitmap");
			return;
		}
	}
}
