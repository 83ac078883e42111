/*
 * hpet.c — the HPET main counter, the clock source used when the TSC cannot be trusted.
 *
 * QEMU's pc machine puts the HPET at 0xfed00000 (the address ACPI's HPET table reports on
 * PCs; parsing ACPI comes later). Registers (IA-PC HPET spec 1.0a §2.3): capabilities at 0x0
 * (bits 63:32 = counter period in femtoseconds), configuration at 0x10 (bit 0 = enable),
 * main counter at 0xf0.
 */
#include "internal/clock.h"
#include "internal/paging.h"

#define HPET_BASE 0xfed00000ull
#define HPET_CAP 0x00
#define HPET_CONF 0x10
#define HPET_COUNTER 0xf0

/* Whether hpet_init found a working HPET. The register pointer is derived on every access,
 * because the mapping moves: boot identity map first, the direct map after mm_init. */
static bool hpet_present;

/* SAFETY: volatile: MMIO registers change under us and every access must happen. */
static volatile u64 *hpet_regs(void)
{
	/* SAFETY: MMIO: the HPET's 1 KiB register block (checked in hpet_init), mapped uncached
	 * by both the boot identity map and the direct map; the registers change under us. */
	return early_phys_ptr_rw(HPET_BASE);
}

static u64 reg_read(u32 off)
{
	/* SAFETY: off < 0x400, inside the register block (callers pass the constants above). */
	return hpet_regs()[off / 8];
}

u64 hpet_init(void)
{
	if (!early_phys_ok(HPET_BASE, 0x400))
		return 0;
	u64 cap = reg_read(HPET_CAP);
	u64 period_fs = cap >> 32;
	if (cap == ~0ull || cap == 0 || period_fs == 0 || period_fs > 100000000ull) {
		return 0;
	}
	/* SAFETY: as above; setting ENABLE starts the main counter, legacy routing stays off. */
	hpet_regs()[HPET_CONF / 8] = reg_read(HPET_CONF) | 1;
	hpet_present = true;
	return period_fs;
}

u64 hpet_read(void)
{
	return hpet_present ? reg_read(HPET_COUNTER) : 0;
}
