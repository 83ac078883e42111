/*
 * smp_test.c — ktests of the processors (suite `smp`): every CPU QEMU gives is online and
 * ticking, inter-processor calls (targeted, concurrent in both directions, refused with
 * interrupts off), TLB shootdown (a remapped page seen on the other CPU; completion while that
 * CPU spins with interrupts off), and the clock staying monotonic across CPUs.
 * Under -smp 1 the cross-CPU tests run their single-CPU degenerate form.
 */
#include <fw/cpu.h>
#include <fw/ktest.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/time.h>

#include "internal/ktest_task.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/smp.h"
#include "internal/task.h"

static struct tworker w[4];

KTEST(smp, all_processors_online_and_ticking)
{
	KT_EXPECT_EQ(kt, cpu_count(), cpu_possible_count);
	KT_EXPECT_GE(kt, cpu_count(), 1u);
	/* SAFETY: c < cpu_count() <= FW_MAX_CPUS_INTERNAL, the length of cpu_locals; cpu_locals[1]
	 * is read only when cpu_count() > 1; online and ticks are read atomically (their CPU
	 * writes them). */
	for (u32 c = 0; c < cpu_count(); c++) {
		KT_EXPECT(kt, __atomic_load_n(&cpu_locals[c].online, __ATOMIC_ACQUIRE));
		KT_EXPECT_EQ(kt, cpu_locals[c].id, c);
		KT_EXPECT(kt, cpu_locals[c].self == &cpu_locals[c]);
	}
	if (cpu_count() > 1) {
		/* SAFETY: cpu_count() > 1, so CPU 1 exists and cpu_locals[1] (of
		 * FW_MAX_CPUS_INTERNAL) is in bounds; its tick count is read atomically (CPU 1
		 * increments it). */
		u64 t0 = __atomic_load_n(&cpu_locals[1].ticks, __ATOMIC_RELAXED);
		task_sleep_ms(30);
		KT_EXPECT_GT(kt, __atomic_load_n(&cpu_locals[1].ticks, __ATOMIC_RELAXED), t0);
		KT_EXPECT_NE(kt, cpu_locals[1].apic_id, cpu_locals[0].apic_id);
	}
}

struct probe_call {
	struct callback cb;
	u32 cpu;
	u32 runs;
	bool irqs_on;
};
DEFINE_SUBTYPE(probe_call_cb, struct probe_call, cb, struct callback, tag);
static void probe_run(struct probe_call *p)
{
	p->cpu = this_cpu()->id;
	p->runs++;
	p->irqs_on = irqs_enabled();
}
DEFINE_SUBTYPE_CALLBACK(probe_call_cb, struct callback, probe_run);

static struct probe_call probes[FW_MAX_CPUS];

static void probe_init(struct probe_call *p)
{
	probe_call_cb_init(p);
	callback_set(&p->cb, SUBTYPE_CALLBACK(probe_call_cb, probe_run));
	p->cpu = ~0u;
	p->runs = 0;
}

KTEST(smp, ipi_call_runs_on_each_target_cpu)
{
	/* SAFETY: c < cpu_count() <= FW_MAX_CPUS, the length of probes. */
	for (u32 c = 0; c < cpu_count(); c++) {
		probe_init(&probes[c]);
		u64 before = cpu_ipi_calls(c);
		int r = cpu_call(c, &probes[c].cb);
		KT_EXPECT_EQ(kt, r, 0);
		KT_EXPECT_EQ(kt, probes[c].cpu, c);
		KT_EXPECT_EQ(kt, probes[c].runs, 1u);
		KT_EXPECT(kt, !probes[c].irqs_on);
		KT_EXPECT_EQ(kt, cpu_ipi_calls(c), before + 1);
	}
	KT_EXPECT_EQ(kt, cpu_call(FW_MAX_CPUS, &probes[0].cb), -EINVAL);
}

u64 cpu_call_refusals(void);

KTEST(smp, ipi_call_refused_with_interrupts_off)
{
	probe_init(&probes[0]);
	u64 before = cpu_call_refusals();
	irq_disable();
	int r = cpu_call(tw_other_cpu(), &probes[0].cb);
	irq_enable();
	KT_EXPECT_EQ(kt, r, -EDEADLK);
	KT_EXPECT_EQ(kt, probes[0].runs, 0u);
	KT_EXPECT_EQ(kt, cpu_call_refusals(), before + 1);
}

static struct probe_call cross[2];

static void caller(struct tworker *wk)
{
	u32 target = cpu_count() > 1 ? 1 - wk->idx : 0;
	for (u32 i = 0; i < 100; i++)
		if (cpu_call(target, &cross[wk->idx].cb) != 0)
			wk->result = -1;
}

KTEST(smp, ipi_calls_in_both_directions_at_once)
{
	probe_init(&cross[0]);
	probe_init(&cross[1]);
	struct task *a = tw_spawn(&w[0], caller, 0, 0);
	struct task *b = tw_spawn(&w[1], caller, 1, tw_other_cpu());
	KT_ASSERT(kt, a && b);
	task_join_raw(a);
	task_join_raw(b);
	KT_EXPECT_EQ(kt, w[0].result, 0);
	KT_EXPECT_EQ(kt, w[1].result, 0);
	KT_EXPECT_EQ(kt, cross[0].runs, 100u);
	KT_EXPECT_EQ(kt, cross[1].runs, 100u);
	if (cpu_count() > 1) {
		KT_EXPECT_EQ(kt, cross[0].cpu, 1u);
		KT_EXPECT_EQ(kt, cross[1].cpu, 0u);
	}
}

/* ---- TLB shootdown ---------------------------------------------------------------------- */

/* A scratch page of the kernel address space (in the memory manager's test region, well
 * above what its own tests use), mapped to one frame and then to another. */
#define TLB_VA (MM_TEST_BASE + (1ull << 30))

static u64 read_marker(u64 va)
{
	/* SAFETY: va is mapped by the test (kspace_map) while the readers run. */
	return __atomic_load_n((const u64 *)(uintptr_t)va, __ATOMIC_RELAXED);
}

static void write_marker(u64 pa, u64 v)
{
	/* SAFETY: pa is a frame this test allocated; the direct map covers it. */
	*(u64 *)phys_to_virt(pa) = v;
}

static u32 tlb_step;

static void tlb_reader(struct tworker *wk)
{
	/* SAFETY: tlb_step is a static handshake word shared with the test body, touched only with
	 * atomics. */
	wk->a = read_marker(TLB_VA); /* caches the translation on this CPU */
	__atomic_store_n(&tlb_step, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&tlb_step, __ATOMIC_ACQUIRE) != 2)
		cpu_pause();
	wk->b = read_marker(TLB_VA); /* after the remap: the new frame, or a stale TLB */
}

KTEST(smp, tlb_shootdown_makes_other_cpu_see_new_mapping)
{
	u64 pa1, pa2, old;
	KT_ASSERT(kt, frame_alloc_typed(FRAME_META, 0, true, &pa1) == 0);
	KT_ASSERT(kt, frame_alloc_typed(FRAME_META, 0, true, &pa2) == 0);
	write_marker(pa1, 0x1111aaaa);
	write_marker(pa2, 0x2222bbbb);
	int r = kspace_map(TLB_VA, pa1, 4096, MM_PROT_READ);
	KT_ASSERT_EQ(kt, r, 0);
	tlb_step = 0;
	u64 count0 = tlb_shootdown_count();
	struct task *t = tw_spawn(&w[0], tlb_reader, 0, tw_other_cpu());
	KT_ASSERT(kt, t != NULL);
	/* SAFETY: tlb_step is the static handshake word shared with tlb_reader, touched only with
	 * atomics. */
	while (__atomic_load_n(&tlb_step, __ATOMIC_ACQUIRE) != 1)
		task_yield();
	/* unmap (the memory manager flushes every CPU through our hook), map the other frame */
	r = kspace_unmap_page(TLB_VA, &old);
	KT_EXPECT_EQ(kt, r, 0);
	KT_EXPECT_EQ(kt, old, pa1);
	r = kspace_map(TLB_VA, pa2, 4096, MM_PROT_READ);
	KT_EXPECT_EQ(kt, r, 0);
	KT_EXPECT_EQ(kt, read_marker(TLB_VA), 0x2222bbbbull);
	/* SAFETY: the release store of the static handshake word lets tlb_reader go on. */
	__atomic_store_n(&tlb_step, 2, __ATOMIC_RELEASE);
	task_join_raw(t);
	kspace_unmap_page(TLB_VA, &old);
	frame_free_typed(pa1, 0);
	frame_free_typed(pa2, 0);
	KT_EXPECT_EQ(kt, w[0].a, 0x1111aaaaull);
	KT_EXPECT_EQ(kt, w[0].b, 0x2222bbbbull);
	if (cpu_count() > 1)
		KT_EXPECT_GE(kt, tlb_shootdown_count(), count0 + 2);
}

static struct spinlock tlb_lock = SPINLOCK_INIT(tlb_test_lock);
static u32 tlb_spinning;

static void irqoff_spinner(struct tworker *wk)
{
	/* SAFETY: tlb_spinning is a static flag shared with the test body, touched only with
	 * atomics. */
	__atomic_store_n(&tlb_spinning, 1, __ATOMIC_RELEASE);
	struct irq_state s = spin_lock_irqsave(&tlb_lock); /* spins with interrupts off */
	wk->a = 1;
	spin_unlock_irqrestore(&tlb_lock, s);
}

KTEST(smp, tlb_shootdown_completes_while_other_cpu_spins_with_irqs_off)
{
	tlb_spinning = 0;
	struct irq_state s = spin_lock_irqsave(&tlb_lock);
	irq_restore(RFLAGS_IF); /* let the spawn's IPI out; the lock stays held */
	struct task *t = tw_spawn(&w[1], irqoff_spinner, 0, tw_other_cpu());
	KT_ASSERT(kt, t != NULL);
	if (cpu_count() > 1) {
		/* SAFETY: tlb_spinning is the static flag set by irqoff_spinner, read atomically. */
		while (!__atomic_load_n(&tlb_spinning, __ATOMIC_ACQUIRE))
			cpu_pause();
		u64 t0 = fw_time_ns();
		while (fw_time_ns() - t0 < 5 * FW_NSEC_PER_MSEC) /* it is spinning by now */
			cpu_pause();
		u64 served0 = cpu_locals[1].tlb_flushes;
		irq_disable();
		tlb_shootdown(TLB_VA, 4096); /* must not hang (nothing is mapped there: harmless) */
		KT_EXPECT_EQ(kt, cpu_locals[1].tlb_flushes, served0 + 1);
	}
	irq_disable();
	spin_unlock_irqrestore(&tlb_lock, s);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, w[1].a, 1ull);
}

/* ---- the clock across CPUs -------------------------------------------------------------- */

static u64 clk_last;
static u32 clk_turn;
static u32 clk_backwards;
static u32 clk_rounds;

static void clock_player(struct tworker *wk)
{
	/* SAFETY: clk_turn, clk_last and clk_backwards are static words shared by the two players,
	 * touched only with atomics; clk_turn's acquire/release passes the turn, so one player at
	 * a time updates clk_last. */
	for (u32 i = 0; i < clk_rounds; i++) {
		while (__atomic_load_n(&clk_turn, __ATOMIC_ACQUIRE) != wk->idx)
			cpu_pause();
		u64 t = fw_time_ns();
		if (t < __atomic_load_n(&clk_last, __ATOMIC_RELAXED))
			__atomic_fetch_add(&clk_backwards, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&clk_last, t, __ATOMIC_RELAXED);
		__atomic_store_n(&clk_turn, 1 - wk->idx, __ATOMIC_RELEASE);
	}
}

KTEST(smp, clock_monotonic_across_cpus)
{
	clk_last = 0;
	clk_turn = 0;
	clk_backwards = 0;
	clk_rounds = cpu_count() > 1 ? 200 : 10;
	struct task *a = tw_spawn(&w[0], clock_player, 0, 0);
	struct task *b = tw_spawn(&w[1], clock_player, 1, tw_other_cpu());
	KT_ASSERT(kt, a && b);
	task_join_raw(a);
	task_join_raw(b);
	KT_EXPECT_EQ(kt, clk_backwards, 0u);
	KT_EXPECT_GT(kt, clk_last, 0ull);
}
