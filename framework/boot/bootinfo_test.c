/*
 * bootinfo_test.c — ktests of the boot hand-over: the command line, the initrd module and the
 * memory map as QEMU's PVH loader passes them (the test boot passes `ktest.initrd_size=N`,
 * the size of the cpio the host built, so the initrd check compares against the truth).
 */
#include <fw/boot.h>
#include <fw/ktest.h>

#include "internal/bootinfo.h"
#include "internal/paging.h"

KTEST(boot, cmdline_parsed)
{
	size_t len;
	KT_EXPECT(kt, boot_info.cmdline_len > 0);
	KT_EXPECT(kt, boot_cmdline_option("ktest", &len) != NULL);
	KT_EXPECT(kt, boot_cmdline_is("console", "ttyS0"));
	KT_EXPECT(kt, boot_cmdline_option("no-such-option", &len) == NULL);
	KT_EXPECT_EQ(kt, boot_cmdline_u64("no-such-option", 7), 7u);
	/* the test boot passes ktest=all first; a later ktest= would override it */
	KT_EXPECT(kt, boot_cmdline_is("ktest", "all") || boot_cmdline_is("ktest", "boot"));
}

KTEST(boot, initrd_module)
{
	u64 want = boot_cmdline_u64("ktest.initrd_size", 0);
	KT_ASSERT(kt, want != 0);
	KT_EXPECT_EQ(kt, fw_boot_initrd_size(), want);
	KT_EXPECT_NE(kt, boot_info.initrd_phys, 0u);
	/* a newc archive starts with the magic "070701" */
	/* SAFETY: initrd_size >= 504 (asserted above); bytes 0..5 are inside the module, read
	 * through the direct map (mm_init removed the identity map). */
	const char *p = early_phys_ptr(boot_info.initrd_phys);
	KT_EXPECT(kt, p[0] == '0' && p[1] == '7' && p[2] == '0' && p[3] == '7' && p[4] == '0' &&
			      p[5] == '1');
}

KTEST(boot, memory_map)
{
	struct fw_mem_region r;
	size_t n = fw_boot_mem_region_count();
	KT_ASSERT(kt, n >= 2);
	bool kernel_covered = false;
	for (size_t i = 0; i < n; i++) {
		KT_ASSERT(kt, fw_boot_mem_region(i, &r));
		KT_EXPECT(kt, r.len_bytes > 0);
		if (r.type == FW_MEM_USABLE && r.base <= boot_info.kernel_phys_start &&
		    r.base + r.len_bytes >= boot_info.kernel_phys_end)
			kernel_covered = true;
	}
	KT_EXPECT(kt, !fw_boot_mem_region(n, &r));
	KT_EXPECT(kt, kernel_covered);
	/* the runner gives the guest 256 MiB; usable RAM is a little less */
	KT_EXPECT_GT(kt, fw_boot_usable_bytes(), 200ull << 20);
	KT_EXPECT_LE(kt, fw_boot_usable_bytes(), 256ull << 20);
}
