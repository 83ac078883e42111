/*
 * apic.c — the local APIC of the boot CPU and its timer: the periodic tick at FW_TICK_HZ.
 *
 * The legacy 8259 PICs are remapped to vectors 33..48 and fully masked first (they could
 * otherwise deliver IRQ 0..7 on exception vectors); only their spurious interrupts can still
 * arrive, and traps.c ignores those. The APIC is software-enabled through the spurious vector
 * register, and its timer is calibrated against the PIT (divide by 16, one-shot, counted over
 * 10 ms) and then set periodic. Register offsets: Intel SDM vol. 3 §11.4-11.5 (table 11-1).
 * x2APIC and the other CPUs' APICs come with SMP.
 */
#include <fw/time.h>

#include "internal/clock.h"
#include "internal/ktest_run.h"
#include "internal/paging.h"
#include "internal/printk.h"
#include "internal/profile.h"
#include "internal/smp.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

#define APIC_ID 0x020
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ICR_LOW 0x300
#define APIC_ICR_HIGH 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define APIC_BASE_ENABLE (1ull << 11)

#define CAL_PIT_TICKS 11932u /* 10 ms */
#define CAL_WINDOW_NS (5 * FW_NSEC_PER_MSEC)

/* SAFETY: MMIO: the local APIC's registers change under us; set once in apic_timer_init. */
static volatile u32 *apic;
u32 apic_timer_count_per_tick;

static u32 apic_read(u32 reg)
{
	/* SAFETY: apic maps the 4 KiB local APIC page (identity, uncached); reg < 0x400. */
	return apic[reg / 4];
}

static void apic_write(u32 reg, u32 v)
{
	/* SAFETY: as apic_read. */
	apic[reg / 4] = v;
}

void apic_send_nmi_self(void)
{
	if (!apic)
		return;
	/* ICR (SDM vol. 3 §11.6.1): destination = our APIC id, delivery mode NMI (100b),
	 * level assert; the vector field is ignored for NMIs. */
	apic_write(APIC_ICR_HIGH, apic_read(APIC_ID) & 0xff000000u);
	apic_write(APIC_ICR_LOW, (4u << 8) | (1u << 14));
}

static void pic_disable(void)
{
	/* SAFETY: the framework owns the 8259 ports (0x20/0x21, 0xa0/0xa1). ICW1-4 remap the
	 * master to 33 and the slave to 41, then OCW1 masks every line. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, VEC_PIC_FIRST);
	outb(0xa1, VEC_PIC_FIRST + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void timer_interrupt(struct trap_frame *f)
{
	profile_tick(f);
	clock_ticks = clock_ticks + 1;
	apic_write(APIC_EOI, 0);
	ktest_watchdog_tick();
	sched_tick();
}

/*
 * APIC timer counts per tick. Against the clock when there is one (counter and clock read
 * back to back, both wall time: robust to the vCPU being descheduled), else against the PIT
 * (shortest of three 10 ms intervals). Returns 0 on failure.
 */
static u64 calibrate(void)
{
	if (clock_source == CLOCK_TSC || clock_source == CLOCK_HPET) {
		apic_write(APIC_TIMER_INIT, 0xffffffffu);
		u32 c0 = apic_read(APIC_TIMER_CUR);
		u64 t0 = fw_time_ns();
		while (fw_time_ns() - t0 < CAL_WINDOW_NS)
			cpu_pause();
		u32 c1 = apic_read(APIC_TIMER_CUR);
		u64 t1 = fw_time_ns();
		apic_write(APIC_TIMER_INIT, 0);
		if (c0 <= c1 || t1 <= t0)
			return 0;
		return (u64)(c0 - c1) * (FW_NSEC_PER_SEC / FW_TICK_HZ) / (t1 - t0);
	}
	u32 best = 0xffffffffu;
	for (int i = 0; i < 3; i++) {
		pit_start(CAL_PIT_TICKS);
		apic_write(APIC_TIMER_INIT, 0xffffffffu);
		bool ok = pit_wait();
		u32 elapsed = 0xffffffffu - apic_read(APIC_TIMER_CUR);
		apic_write(APIC_TIMER_INIT, 0);
		if (!ok)
			return 0;
		if (elapsed < best)
			best = elapsed;
	}
	return (u64)best * 100u / FW_TICK_HZ; /* counts per 10 ms -> per tick */
}

void apic_timer_init(void)
{
	pic_disable();
	u64 base_msr = rdmsr(MSR_APIC_BASE);
	u64 phys = base_msr & 0x000ffffffffff000ull;
	if (!(base_msr & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base_msr | APIC_BASE_ENABLE);
	if (!early_phys_ok(phys, 4096)) {
		printk(FW_LOG_ERR, "apic: base %lx out of reach; no timer", phys);
		return;
	}
	/* SAFETY: the local APIC page, identity-mapped uncached (3-4 GiB range, paging.c). */
	apic = early_phys_ptr_rw(phys);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);

	apic_write(APIC_TIMER_DIV, 0x3); /* divide by 16 */
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	u64 per_tick = calibrate();
	if (per_tick == 0) {
		printk(FW_LOG_ERR, "apic: timer calibration failed; no tick");
		return;
	}
	apic_timer_count_per_tick = per_tick > 0xffffffffu ? 0xffffffffu : (u32)per_tick;
	trap_set_irq_handler(VEC_TIMER, timer_interrupt);
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	apic_write(APIC_TIMER_INIT, apic_timer_count_per_tick);
	printk(FW_LOG_INFO, "apic: id %u, timer %u Hz (%u counts per tick at bus/16)",
	       apic_read(APIC_ID) >> 24, FW_TICK_HZ, apic_timer_count_per_tick);
}
