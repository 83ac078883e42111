/*
 * cpu_test.c — ktests of the CPU state the framework sets up: protections on when the CPU
 * has them (the `-cpu max` boot has SMEP and SMAP, the default model has neither), write
 * protection, no-execute.
 */
#include <fw/ktest.h>

#include "internal/paging.h"
#include "arch/x86_64/x86.h"

KTEST(cpu, protections_match_cpuid)
{
	struct cpuid_regs l7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : (struct cpuid_regs){ 0 };
	u64 cr4 = read_cr4();
	KT_EXPECT_EQ(kt, (cr4 & CR4_SMEP) != 0, (l7.ebx & (1u << 7)) != 0);
	KT_EXPECT_EQ(kt, (cr4 & CR4_SMAP) != 0, (l7.ebx & (1u << 20)) != 0);
	KT_EXPECT(kt, (read_cr0() & CR0_WP) != 0);
	KT_EXPECT_EQ(kt, (rdmsr(MSR_EFER) & EFER_NXE) != 0, paging_nx);
	KT_EXPECT(kt, paging_nx); /* both CPU models under test have NX */
}

KTEST(cpu, interrupts_enabled_in_tests)
{
	KT_EXPECT(kt, (read_rflags() & RFLAGS_IF) != 0);
}
