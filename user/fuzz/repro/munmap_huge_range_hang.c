/*
 * munmap_huge_range_hang — found by user/fuzz (seed 1, 4 workers): munmap of a range of
 * tens of TiB walked it page by page (vmspace_unmap: one page-table walk per 4 KiB, interrupts
 * off), so the kernel stopped for hours. Linux returns 0 at once (unmapping holes is fine).
 */
#include <errno.h>
#include <sys/mman.h>

#include "repro.h"

int main(void)
{
	/* 0x10000 .. the top of the user half: almost all of it is holes. */
	int r = munmap((void *)0x10000000000ull, 0x7f0000000000ull - 0x10000000000ull);
	repro_done("munmap_huge_range_hang", r == 0, r ? "munmap failed" : NULL);
	return 0;
}
