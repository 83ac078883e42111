/*
 * smp.c — finding and starting the other processors.
 *
 * Discovery: the ACPI MADT (found through the RSDP the loader passed, or by scanning the BIOS
 * area 0xE0000-0xFFFFF for "RSD PTR ") lists each processor's local APIC id; entries of type 0
 * (local APIC) and 9 (x2APIC) with the enabled or online-capable flag count (ACPI 6.4 §5.2.12).
 * Without a MADT only the boot CPU runs.
 *
 * Start-up (SDM vol. 3 §8.4.4.1, the INIT-SIPI-SIPI sequence): the real-mode trampoline is
 * copied to physical TRAMP_BASE (0x8000), with its page tables right above it (0x9000-0xBFFF):
 * an executable identity map of the first 2 MiB plus the kernel's upper-half PML4 entries.
 * The memory manager keeps the first MiB out of its allocator, so the area stays ours.
 * Each AP is started one at a time: INIT, 10 ms, STARTUP, 200 us, STARTUP, then we wait up to
 * 1 s for it to report itself online. The AP enters ap_entry64() on its idle task's stack,
 * loads the boot CPU's page tables, its own GDT/TSS/%gs, the shared IDT, starts its APIC
 * timer and enters the scheduler's idle loop.
 */
#include <fw/time.h>

#include "internal/bootinfo.h"
#include "internal/clock.h"
#include "internal/lapic.h"
#include "internal/mm.h"
#include "internal/paging.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/task.h"
#include "internal/user.h"
#include "arch/x86_64/x86.h"

#define TRAMP_BASE 0x8000u
#define TRAMP_PML4 0x9000u
#define TRAMP_PDPT 0xa000u
#define TRAMP_PD 0xb000u

extern const u8 ap_trampoline_start[], ap_trampoline_end[];
extern u8 ap_tramp_cr3[], ap_tramp_efer[], ap_tramp_stack[], ap_tramp_arg[], ap_tramp_entry[];

static u64 bsp_cr3, bsp_cr4;
static struct desc_ptr64 bsp_idtr;

/* ---- ACPI ------------------------------------------------------------------------------- */

static bool mem_eq(const u8 *a, const char *b, size_t n)
{
	/* SAFETY: callers pass a mapped for at least n bytes (phys_bytes of 8, 36 or 8) and a
	 * literal b of n characters, so i < n stays inside both. */
	for (size_t i = 0; i < n; i++)
		if (a[i] != (u8)b[i])
			return false;
	return true;
}

static u32 rd32(const u8 *p)
{
	/* SAFETY: callers pass p with at least 4 readable bytes at p: every call below is on a
	 * table phys_bytes() mapped for a length the offset + 4 (or + 8) is checked against. */
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static u64 rd64(const u8 *p)
{
	/* SAFETY: p has 8 readable bytes (the callers' bounds, as for rd32). */
	return rd32(p) | ((u64)rd32(p + 4) << 32);
}

static const u8 *phys_bytes(u64 phys, u64 len)
{
	if (!early_phys_ok(phys, len))
		return NULL;
	/* SAFETY: below the identity-map limit (checked); ACPI tables are read-only data. */
	return early_phys_ptr(phys);
}

static u64 find_rsdp(void)
{
	if (boot_info.rsdp_phys)
		return boot_info.rsdp_phys;
	for (u64 a = 0xe0000; a < 0x100000; a += 16) {
		const u8 *p = phys_bytes(a, 8);
		if (p && mem_eq(p, "RSD PTR ", 8))
			return a;
	}
	return 0;
}

/* The MADT's physical address, or 0. */
static u64 find_madt(void)
{
	u64 rsdp = find_rsdp();
	const u8 *r = rsdp ? phys_bytes(rsdp, 36) : NULL;
	if (!r || !mem_eq(r, "RSD PTR ", 8))
		return 0;
	/* SAFETY: r maps 36 bytes (phys_bytes checked it): offsets 15, 16 + 4 and 24 + 8 are
	 * inside. */
	bool x = r[15] >= 2 && rd64(r + 24);
	u64 root = x ? rd64(r + 24) : rd32(r + 16);
	const u8 *h = phys_bytes(root, 36);
	if (!h)
		return 0;
	/* SAFETY: h maps 36 bytes (phys_bytes checked it), so the length field at h + 4 is inside;
	 * t maps len bytes and every entry read satisfies off + esz <= len. */
	u32 len = rd32(h + 4);
	const u8 *t = phys_bytes(root, len);
	if (!t || len < 36)
		return 0;
	u32 esz = x ? 8 : 4;
	for (u32 off = 36; off + esz <= len; off += esz) {
		u64 a = x ? rd64(t + off) : rd32(t + off);
		const u8 *s = phys_bytes(a, 8);
		if (s && mem_eq(s, "APIC", 4))
			return a;
	}
	return 0;
}

/* Fill ids[] with the enabled processors' APIC ids (boot CPU included); returns the count. */
static u32 madt_apic_ids(u32 *ids, u32 max)
{
	u64 madt = find_madt();
	const u8 *h = madt ? phys_bytes(madt, 44) : NULL;
	if (!h)
		return 0;
	/* SAFETY: h maps 44 bytes, so h + 4 is inside; m maps len bytes. The loop reads m[off + 1]
	 * only once off + 2 <= len, walks an entry only when off + elen <= len, and reads at most
	 * off + 8 (elen >= 8) or off + 12 (elen >= 16) inside it; ids[n] is written only while n <
	 * max, the caller's array size. */
	u32 len = rd32(h + 4);
	const u8 *m = phys_bytes(madt, len);
	if (!m)
		return 0;
	u32 n = 0;
	for (u32 off = 44; off + 2 <= len && m[off + 1] >= 2 && off + m[off + 1] <= len;
	     off += m[off + 1]) {
		u8 type = m[off], elen = m[off + 1];
		u32 id, flags;
		if (type == 0 && elen >= 8) {
			/* SAFETY: elen >= 8 and off + elen <= len (the loop test), so bytes off +
			 * 3 .. off + 7 are inside m. */
			id = m[off + 3];
			flags = rd32(m + off + 4);
		} else if (type == 9 && elen >= 16) {
			/* SAFETY: elen >= 16 and off + elen <= len, so bytes off + 4 .. off + 11
			 * are inside m. */
			id = rd32(m + off + 4);
			flags = rd32(m + off + 8);
		} else {
			continue;
		}
		if ((flags & 3) && n < max)
			/* SAFETY: n < max, the length of the caller's ids array, is tested first. */
			ids[n++] = id;
	}
	return n;
}

/* ---- bring-up --------------------------------------------------------------------------- */

static void delay_ns(u64 ns)
{
	u64 t0 = fw_time_ns();
	while (fw_time_ns() - t0 < ns)
		cpu_pause();
}

void sched_cpu_online(struct cpu_local *c);
__attribute__((noreturn)) void ap_entry64(struct cpu_local *c);

void ap_entry64(struct cpu_local *c)
{
	/* SAFETY: the boot CPU's tables map everything the trampoline's did in the higher half
	 * (its pml4[511] is the trampoline's), so this code and stack stay mapped. */
	write_cr3(bsp_cr3);
	write_cr4(bsp_cr4);
	percpu_load(c);
	/* SAFETY: the IDT the boot CPU loaded; it is shared and never changes after boot. */
	lidt(&bsp_idtr);
	user_cpu_init(); /* syscall MSRs */
	fpu_cpu_init();  /* CR0/CR4 FPU bits and XCR0, as on the boot CPU */
	c->current = c->idle;
	c->preempt_count = 0;
	lapic_ap_setup(apic_timer_count_per_tick);
	sched_cpu_online(c);
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&cpu_online_count, 1, __ATOMIC_SEQ_CST);
	sched_idle_loop();
}

typedef u64 ptable[512];

static void *tramp_ptr(u64 phys)
{
	/* SAFETY: low memory below 1 MiB, identity-mapped writable by the boot tables; smp.c
	 * owns 0x8000-0xBFFF from here on. */
	return early_phys_ptr_rw(phys);
}

static void put_u64(u8 *slot, u64 v)
{
	/* SAFETY: slot points at an 8-byte data slot of the copied trampoline. */
	*(u64 *)(void *)slot = v;
}

/* Address of a data slot inside the copy at TRAMP_BASE. */
static u8 *tramp_slot(const u8 *sym)
{
	/* SAFETY: sym lies inside [ap_trampoline_start, ap_trampoline_end), so the offset is
	 * inside the copy. */
	u64 off = (u64)(sym - ap_trampoline_start);
	return (u8 *)tramp_ptr(TRAMP_BASE + off);
}

static void tramp_prepare(void)
{
	/* SAFETY: the trampoline is the linked span [ap_trampoline_start, ap_trampoline_end),
	 * at most 4 KiB (checked below), copied to TRAMP_BASE (0x8000-0x8FFF, owned by smp.c);
	 * the three page tables are the 4 KiB pages TRAMP_PML4/PDPT/PD, so i < 512 stays inside
	 * each; the live PML4 is the CR3 page, identity-mapped. */
	u64 size = (u64)(ap_trampoline_end - ap_trampoline_start);
	FW_CHECK(size <= TRAMP_PML4 - TRAMP_BASE, "smp: the AP trampoline overflows its 4 KiB page");
	u8 *dst = tramp_ptr(TRAMP_BASE);
	for (u64 i = 0; i < size; i++)
		dst[i] = ap_trampoline_start[i];
	ptable *pml4 = tramp_ptr(TRAMP_PML4), *pdpt = tramp_ptr(TRAMP_PDPT), *pd = tramp_ptr(TRAMP_PD);
	for (u32 i = 0; i < 512; i++)
		(*pml4)[i] = (*pdpt)[i] = (*pd)[i] = 0;
	(*pd)[0] = 0x0 | 0x83;          /* 0..2 MiB: present, writable, 2 MiB page, executable */
	(*pdpt)[0] = TRAMP_PD | 0x3;
	(*pml4)[0] = TRAMP_PDPT | 0x3;
	/* SAFETY: CR3 holds the physical address of the live PML4, a page-table page the boot
	 * identity map covers; it is only read here. */
	const ptable *live = early_phys_ptr(read_cr3() & ~0xfffull);
	for (u32 i = 256; i < 512; i++)
		(*pml4)[i] = (*live)[i]; /* the kernel's upper half (image, stacks, direct map) */
	bsp_cr3 = read_cr3();
	bsp_cr4 = read_cr4();
	sidt(&bsp_idtr);
	put_u64(tramp_slot(ap_tramp_cr3), TRAMP_PML4 | ((u64)((rdmsr(MSR_EFER) & EFER_NXE) | (1u << 8)) << 32));
}

static bool start_ap(u32 idx, u32 apic_id)
{
	/* SAFETY: idx < FW_MAX_CPUS_INTERNAL: the only caller, smp_init, checks next against it
	 * before calling. */
	struct cpu_local *c = &cpu_locals[idx];
	c->id = idx;
	c->apic_id = apic_id;
	c->self = c;
	struct task *idle = task_create_idle(idx);
	if (!idle)
		return false;
	for (u32 i = 0; i < 3; i++) {
		struct kstack ks;
		if (kstack_alloc(&ks) != 0)
			return false;
		c->ist_top[i] = ks.top;
	}
	c->idle = idle;
	put_u64(tramp_slot(ap_tramp_stack), idle->stack_hi - 8);
	/* SAFETY: the address of a kernel object/function, for the AP to use. */
	put_u64(tramp_slot(ap_tramp_arg), (u64)(uintptr_t)c);
	put_u64(tramp_slot(ap_tramp_entry), (u64)(uintptr_t)ap_entry64);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send_init(apic_id);
	delay_ns(10 * FW_NSEC_PER_MSEC);
	lapic_send_sipi(apic_id, TRAMP_BASE >> 12);
	delay_ns(200 * 1000);
	if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
		lapic_send_sipi(apic_id, TRAMP_BASE >> 12);
	u64 t0 = fw_time_ns();
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (fw_time_ns() - t0 > FW_NSEC_PER_SEC)
			return false;
		cpu_pause();
	}
	return true;
}

void smp_init(void)
{
	lapic_init_access();
	cpu_locals[0].apic_id = lapic_id();
	/* SAFETY: a release store to the boot CPU's own cpu_locals entry, publishing its setup. */
	__atomic_store_n(&cpu_locals[0].online, 1, __ATOMIC_RELEASE);
	cpu_online_count = 1;
	u32 ids[FW_MAX_CPUS_INTERNAL * 4];
	u32 n = madt_apic_ids(ids, sizeof(ids) / sizeof(ids[0]));
	cpu_possible_count = n ? n : 1;
	if (n <= 1) {
		printk(FW_LOG_INFO, "smp: %s; 1 CPU", n ? "MADT lists 1 processor" : "no MADT");
		return;
	}
	u64 t0 = fw_time_ns();
	tramp_prepare();
	u32 next = 1;
	for (u32 i = 0; i < n; i++) {
		if (ids[i] == cpu_locals[0].apic_id)
			continue;
		if (next >= FW_MAX_CPUS_INTERNAL) {
			printk(FW_LOG_WARN, "smp: APIC id %u ignored (at most %u CPUs)", ids[i],
			       FW_MAX_CPUS_INTERNAL);
			continue;
		}
		if (start_ap(next, ids[i]))
			next++;
		else
			printk(FW_LOG_ERR, "smp: CPU with APIC id %u did not start", ids[i]);
	}
	printk(FW_LOG_INFO, "smp: %u of %u processors online (bring-up %lu us)",
	       /* SAFETY: an acquire load of the online count, a snapshot for the log line. */
	       __atomic_load_n(&cpu_online_count, __ATOMIC_ACQUIRE), n,
	       (unsigned long)((fw_time_ns() - t0) / 1000));
}
