/*
 * arch/x86_64/x86.h — the x86-64 instructions the framework needs, as typed inline functions.
 *
 * Framework-only (services cannot include it: it is outside include/fw/). Each wrapper is one
 * instruction; the SAFETY condition for using it is stated at the call sites, and here where the
 * wrapper itself is the whole story.
 */
#ifndef FW_ARCH_X86_64_X86_H
#define FW_ARCH_X86_64_X86_H

#include <fw/types.h>

/* Model-specific registers (Intel SDM vol. 4). */
#define MSR_APIC_BASE 0x1bu
#define MSR_EFER 0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u

#define EFER_NXE (1u << 11)

#define RFLAGS_IF (1ull << 9)

#define CR0_WP (1ull << 16)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

static inline void outb(u16 port, u8 v)
{
	/* SAFETY: callers own the port (see each driver's comment). */
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(u16 port, u32 v)
{
	/* SAFETY: as outb. */
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(u16 port, u16 v)
{
	/* SAFETY: as outb. */
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline u8 inb(u16 port)
{
	u8 v;
	/* SAFETY: as outb; reading a port has side effects only on the device that owns it. */
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	/* SAFETY: callers read only MSRs that exist on every x86-64 CPU or that CPUID announced. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	/* SAFETY: as rdmsr; callers write values the SDM allows for that MSR. */
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	/* SAFETY: reads the time-stamp counter; no side effects. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;
	/* SAFETY: CPUID has no side effects; out-of-range leaves return defined data. */
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* The initial APIC id of the running CPU (CPUID leaf 1, EBX[31:24]): a CPU number usable before
 * (and independently of) the per-CPU area. Context: any. */
static inline u32 cpu_apic_id(void)
{
	return cpuid(1, 0).ebx >> 24;
}

static inline u64 read_cr0(void)
{
	u64 v;
	/* SAFETY: reading a control register has no side effects. */
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr2(void)
{
	u64 v;
	/* SAFETY: as read_cr0. */
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;
	/* SAFETY: as read_cr0. */
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;
	/* SAFETY: as read_cr0. */
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u64 v)
{
	/* SAFETY: callers pass the root of a page table that maps the running code and stack. */
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(u64 v)
{
	/* SAFETY: callers set only features CPUID announced. */
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline u64 read_rflags(void)
{
	u64 v;
	/* SAFETY: reads the flags; no side effects. */
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_enable(void)
{
	/* SAFETY: the IDT is loaded before anything enables interrupts. */
	__asm__ volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	/* SAFETY: masking interrupts is always allowed in ring 0. */
	__asm__ volatile("cli" : : : "memory");
}

/* Enable interrupts and halt until the next one, with no window in between (STI shadow). */
static inline void irq_enable_and_halt(void)
{
	/* SAFETY: as irq_enable. */
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_halt(void)
{
	/* SAFETY: halting waits for an interrupt (or forever with interrupts masked). */
	__asm__ volatile("hlt" : : : "memory");
}

static inline void cpu_pause(void)
{
	/* SAFETY: a spin-wait hint; no state changes. */
	__asm__ volatile("pause" : : : "memory");
}

static inline void invlpg(u64 va)
{
	/* SAFETY: dropping a TLB entry is always allowed; callers changed the entry first. */
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline u32 inl(u16 port)
{
	u32 v;
	/* SAFETY: callers own the port (see each driver's comment). */
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void clac(void)
{
	/* SAFETY: clears RFLAGS.AC only (callers check that SMAP is on: the instruction is #UD
	 * without it); user accesses fault again from here on. */
	__asm__ volatile("clac" : : : "memory");
}

/* A descriptor-table register image: the operand of lgdt, lidt and sidt (SDM vol. 3 §2.4). */
struct desc_ptr64 {
	u16 limit;
	u64 base;
} __attribute__((packed));

static inline void lidt(const struct desc_ptr64 *p)
{
	/* SAFETY: callers pass an IDT that stays mapped and valid for as long as it is loaded. */
	__asm__ volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline void sidt(struct desc_ptr64 *p)
{
	/* SAFETY: stores the IDT register into *p; no state changes. */
	__asm__ volatile("sidt %0" : "=m"(*p));
}

/* load_gdt_and_tss - lgdt gp, reload CS (far return) and DS/ES/SS with the kernel's code and
 * data selectors, and ltr the TSS descriptor at selector 0x28 (arch/x86_64/cpu.c). Needs: the
 * GDT has the boot layout (kernel code 0x08, data 0x10, an available TSS at 0x28) and stays
 * mapped while loaded. */
void load_gdt_and_tss(const struct desc_ptr64 *gp);

#endif /* FW_INTERNAL_X86_H */
