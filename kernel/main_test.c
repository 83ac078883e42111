/*
 * main_test.c — ktests written as service code (built with the service flags, checked, linked
 * through the export list): they show that a service registers tests like the framework does,
 * and that a bounds check compiled into a service traps and is reported decoded, with the
 * service's own source line.
 */
#include <fw/boot.h>
#include <fw/ktest.h>
#include <fw/time.h>

int service_test_index = 4; /* external linkage: the compiler cannot assume its value */
static int service_table[4];
static int service_sink;

static void service_index_out_of_bounds(void)
{
	service_sink = service_table[service_test_index];
}

KTEST(service, bounds_trap_decoded)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, service_index_out_of_bounds, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_CHECK);
	KT_EXPECT_EQ(kt, t.check, 18u); /* clang's kind number for an out-of-bounds index */
	KT_EXPECT_EQ(kt, t.line, 17u);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "array index out of bounds"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "kernel/main_test.c:17"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "service_index_out_of_bounds+0x"));
}

KTEST(service, framework_api_reachable)
{
	KT_EXPECT_GT(kt, fw_time_ns(), fw_time_boot_entry_ns());
	KT_EXPECT_GT(kt, fw_boot_mem_region_count(), 0u);
	KT_EXPECT_GT(kt, fw_boot_initrd_size(), 0u);
}
