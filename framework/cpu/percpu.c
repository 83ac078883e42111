/*
 * percpu.c — the per-CPU areas (arch/x86_64/percpu.h) and each CPU's descriptor tables.
 *
 * The boot CPU keeps the GDT/TSS that arch/x86_64/cpu.c loaded; it only gains %gs. Every other
 * CPU gets its own GDT (same selectors as the boot GDT, so the shared IDT's gates and the
 * user-mode selectors mean the same everywhere) and its own TSS with three IST stacks (kernel
 * stacks from the memory manager, each with an unmapped guard page; cpu/smp.c allocates them).
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"
#include "internal/stacks.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

struct cpu_local cpu_locals[FW_MAX_CPUS_INTERNAL];
u32 cpu_online_count;
u32 cpu_possible_count = 1;
bool percpu_ready;

extern u64 __stack_chk_guard;

static void set_gs_base(struct cpu_local *c)
{
	/* SAFETY: the area is a static object that lives as long as the kernel. */
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
}

void percpu_init_bsp(void)
{
	struct cpu_local *c = &cpu_locals[0];
	c->self = c;
	c->id = 0;
	c->apic_id = cpuid(1, 0).ebx >> 24;
	c->stack_guard = __stack_chk_guard;
	c->tss_rsp0 = boot_tss_rsp0();
	set_gs_base(c);
	percpu_ready = true;
}


void percpu_load(struct cpu_local *c)
{
	c->self = c;
	c->stack_guard = __stack_chk_guard;
	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffull; /* kernel code 0x08 */
	c->gdt[2] = 0x00cf92000000ffffull; /* kernel data 0x10 */
	c->gdt[3] = 0x00cff2000000ffffull; /* user data 0x18 */
	c->gdt[4] = 0x00affa000000ffffull; /* user code 0x20 */
	c->tss.ist[IST_DF - 1] = c->ist_top[0];
	c->tss.ist[IST_NMI - 1] = c->ist_top[1];
	c->tss.ist[IST_MC - 1] = c->ist_top[2];
	c->tss.iomap_base = sizeof(struct tss64);
	/* SAFETY: the address of this CPU's own TSS.rsp0 (offset 4, SDM vol. 3 figure 8-11), for
	 * arch/x86_64/user_entry.S (%gs:32); x86 stores 8 bytes at any alignment. */
	c->tss_rsp0 = (u64 *)((uintptr_t)&c->tss + 4);
	/* SAFETY: the TSS is part of the static per-CPU area; its address goes into the system
	 * descriptor (SDM vol. 3 §7.2.3, 16-byte TSS descriptor, type 9 available). */
	u64 tss_addr = (u64)(uintptr_t)&c->tss;
	u64 limit = sizeof(struct tss64) - 1;
	c->gdt[5] = (limit & 0xffff) | ((tss_addr & 0xffffff) << 16) | (0x89ull << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((tss_addr >> 24) & 0xff) << 56);
	c->gdt[6] = tss_addr >> 32;

	struct desc_ptr64 gp = { sizeof(c->gdt) - 1, (u64)(uintptr_t)c->gdt };
	/* SAFETY: the new GDT has the boot GDT's code/data selectors and an available TSS
	 * descriptor at 0x28 (the boot layout); it is part of the static per-CPU area. */
	load_gdt_and_tss(&gp);
	set_gs_base(c);
}
