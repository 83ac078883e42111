/*
 * lapic.c — local APIC access for the SMP code: EOI, IPIs, and the other CPUs' timers.
 *
 * Every CPU's local APIC answers at the same physical address (MSR IA32_APIC_BASE), each CPU
 * seeing its own; the boot CPU's timer is set up by arch/x86_64/apic.c, the others' here with
 * the same divider and count (they share the bus clock). The ICR is written high half first,
 * then the low half, which sends; we wait for the delivery-status bit to clear (SDM vol. 3
 * §11.6.1) before returning, so two IPIs from one CPU never overlap.
 */
#include "internal/lapic.h"
#include "internal/paging.h"
#include "internal/rawlock.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

/* SAFETY: volatile because the local APIC registers are MMIO: every access must reach the device.
 * The pointer is set once by lapic_init_access to the mapped APIC page. */
static volatile u32 *lapic_base;

void lapic_init_access(void)
{
	u64 phys = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
	/* SAFETY: the local APIC page lies in the uncached part of the boot identity map
	 * (3-4 GiB, paging.c); arch/x86_64/apic.c maps it the same way. */
	lapic_base = early_phys_ptr_rw(phys);
}

u32 lapic_read(u32 reg)
{
	/* SAFETY: reg < 0x400 and 16-byte aligned (callers use the APIC_REG_ constants). */
	return lapic_base[reg / 4];
}

void lapic_write(u32 reg, u32 v)
{
	/* SAFETY: as lapic_read. */
	lapic_base[reg / 4] = v;
}

void lapic_eoi(void)
{
	lapic_write(APIC_REG_EOI, 0);
}

u32 lapic_id(void)
{
	return lapic_read(APIC_REG_ID) >> 24;
}

#define ICR_PENDING (1u << 12)

static void icr_send(u32 apic_id, u32 lo)
{
	u64 f = irq_save(); /* the two halves must not be split by an interrupt that sends too */
	lapic_write(APIC_REG_ICR_HI, apic_id << 24);
	lapic_write(APIC_REG_ICR_LO, lo);
	while (lapic_read(APIC_REG_ICR_LO) & ICR_PENDING)
		cpu_pause();
	irq_restore(f);
}

void lapic_send_ipi(u32 apic_id, u8 vector)
{
	icr_send(apic_id, 0x4000u | vector); /* fixed, physical destination, level assert */
}

void lapic_send_init(u32 apic_id)
{
	icr_send(apic_id, 0x4500u); /* INIT, level assert */
}

void lapic_send_sipi(u32 apic_id, u8 page)
{
	icr_send(apic_id, 0x4600u | page); /* STARTUP, vector = page number of the trampoline */
}

void lapic_ap_setup(u32 count_per_tick)
{
	lapic_write(APIC_REG_TPR, 0);
	lapic_write(APIC_REG_SVR, (1u << 8) | VEC_SPURIOUS);
	if (!count_per_tick)
		return;
	lapic_write(APIC_REG_TIMER_DIV, 0x3); /* divide by 16, as the boot CPU */
	lapic_write(APIC_REG_LVT_TIMER, (1u << 17) | VEC_AP_TIMER); /* periodic */
	lapic_write(APIC_REG_TIMER_INIT, count_per_tick);
}
