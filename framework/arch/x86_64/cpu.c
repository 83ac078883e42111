/*
 * cpu.c — the boot CPU's descriptor tables: GDT, TSS with its IST stacks, IDT.
 *
 * GDT (SDM vol. 3 §3.4.5, §7.2.3): null, kernel code 0x08, kernel data 0x10, user data 0x18,
 * user code 0x20 (the order SYSRET needs), TSS 0x28 (a 16-byte system descriptor).
 * The TSS carries three IST stacks so that a double fault (kernel stack overflow), an NMI and
 * a machine check each run on a known-good stack. Each IST stack has an unmapped guard page
 * below it. The IDT has an interrupt gate (IF cleared on entry) for every vector, pointing at
 * the 16-byte stubs of entry.S. Per-CPU copies for the other processors come with SMP.
 */
#include "arch/x86_64/layout.h"
#include "internal/stacks.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM vol. 3 figure 8-11)");

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout (SDM vol. 3 figure 6-8)");


#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x28

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

static u64 gdt[7] __attribute__((aligned(16)));
/* rsp0 (the stack a trap from user mode lands on) is written through the per-CPU area. */
static struct tss boot_tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));

struct guarded_stack ist_df_stack STACK_SECTION;
struct guarded_stack ist_nmi_stack STACK_SECTION;
struct guarded_stack ist_mc_stack STACK_SECTION;

extern const u8 trap_stubs[256][16]; /* entry.S */

u64 *boot_tss_rsp0(void)
{
	/* SAFETY: rsp0 of a static TSS (offset 4, SDM vol. 3 figure 8-11); x86 stores 8 bytes at
	 * any alignment. */
	return (u64 *)((uintptr_t)&boot_tss + 4);
}

static void set_gate(unsigned vec, u8 ist)
{
	/* SAFETY: the stub is code in the kernel image; its address is what the gate needs. */
	u64 addr = (u64)(uintptr_t)trap_stubs[vec];
	idt[vec].offset_lo = (u16)addr;
	idt[vec].selector = SEL_KCODE;
	idt[vec].ist = ist;
	idt[vec].type_attr = GATE_INTERRUPT;
	idt[vec].offset_mid = (u16)(addr >> 16);
	idt[vec].offset_hi = (u32)(addr >> 32);
	idt[vec].reserved = 0;
}

void cpu_tables_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* kernel code: L=1, P, DPL 0, execute/read */
	gdt[2] = 0x00cf92000000ffffull; /* kernel data: P, DPL 0, read/write */
	gdt[3] = 0x00cff2000000ffffull; /* user data: DPL 3 */
	gdt[4] = 0x00affa000000ffffull; /* user code: L=1, DPL 3 */

	boot_tss.ist[IST_DF - 1] = stack_top(&ist_df_stack);
	boot_tss.ist[IST_NMI - 1] = stack_top(&ist_nmi_stack);
	boot_tss.ist[IST_MC - 1] = stack_top(&ist_mc_stack);
	boot_tss.iomap_base = sizeof(struct tss); /* no I/O bitmap: ring 3 gets no ports */
	stack_register_guarded(&ist_df_stack, "IST #DF");
	stack_register_guarded(&ist_nmi_stack, "IST NMI");
	stack_register_guarded(&ist_mc_stack, "IST #MC");

	/* SAFETY: the TSS is a static object; its address goes into the system descriptor. */
	u64 tss_addr = (u64)(uintptr_t)&boot_tss;
	u64 limit = sizeof(struct tss) - 1;
	gdt[5] = (limit & 0xffff) | ((tss_addr & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((tss_addr >> 24) & 0xff) << 56);
	gdt[6] = tss_addr >> 32;

	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(VEC_DF, IST_DF);
	set_gate(VEC_NMI, IST_NMI);
	set_gate(VEC_MC, IST_MC);
	/* int3 may be used from user mode (DPL 3): it raises #BP (a debugger's breakpoint, SIGTRAP)
	 * instead of the #GP every other software interrupt from ring 3 gets. */
	idt[VEC_BP].type_attr = GATE_INTERRUPT | (3u << 5);

	struct desc_ptr64 gp = { sizeof(gdt) - 1, (u64)(uintptr_t)gdt };
	struct desc_ptr64 ip = { sizeof(idt) - 1, (u64)(uintptr_t)idt };
	/* SAFETY: the new GDT keeps selectors 0x08/0x10 meaning what the early GDT meant and its
	 * TSS descriptor is available; gdt and idt are static. */
	load_gdt_and_tss(&gp);
	lidt(&ip);
}

void load_gdt_and_tss(const struct desc_ptr64 *gp)
{
	/* SAFETY: the caller's GDT has the boot layout (arch/x86_64/x86.h), so the far return
	 * reloads CS with the kernel code selector and the data segments keep their meaning; the
	 * TSS descriptor is available (type 9) before ltr. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(*gp), "i"(SEL_KCODE), "i"(SEL_KDATA), "r"(SEL_TSS)
			 : "rax", "memory");
}
