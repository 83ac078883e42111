/*
 * arch/x86_64/percpu.h — the per-CPU area (one `struct cpu_local` per processor, reached through
 * %gs) and the raw operations on it: this CPU's area, its preemption count, its current task.
 *
 * Layout rules: `self` sits at %gs:0 so that this_cpu() is one load; the stack protector's
 * guard sits at %gs:40, where clang looks for it with -mstack-protector-guard=tls (the default
 * for the kernel code model); the preemption count is changed with single `incl/decl %gs:...`
 * instructions, so an interrupt between read and write cannot lose an update.
 *
 * Preemption count (DESIGN.md "Concurrency model"): bits 0..15 count preempt_disable() nesting
 * (spinlocks, explicit guards), bits 16..23 count nested hardware interrupts. The task is
 * preemptible only when the whole word is 0 and interrupts are enabled.
 *
 * Migration invariant: a task changes CPU only when it wakes from sleep (the scheduler picks a
 * CPU for it then); a preempted task stays on its CPU's run queue. So reading %gs-relative
 * data without a guard is stable until the next sleep — but only code that holds a guard may
 * rely on "this CPU" (services reach per-CPU data only through fw/preempt.h's guarded API).
 */
#ifndef FW_ARCH_X86_64_PERCPU_H
#define FW_ARCH_X86_64_PERCPU_H

#include <fw/types.h>

#define FW_MAX_CPUS_INTERNAL 4u

#define PREEMPT_MASK 0xffffu
#define HARDIRQ_ONE (1u << 16)
#define HARDIRQ_MASK (0xffu << 16)

struct task;
struct sched_rq;
struct vmspace;

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct cpu_local {
	struct cpu_local *self;  /* %gs:0 */
	/* The user/kernel boundary of the task running here (arch/x86_64/user_entry.S reads them after the
	 * syscall entry's swapgs; the context switch loads the next task's, user/user.c). */
	u64 user_kernel_rsp;     /* %gs:8: where user_enter_asm left its stack (also TSS.rsp0) */
	u64 user_cur_regs;       /* %gs:16: the register save area of the context in user mode */
	u64 user_scratch_rsp;    /* %gs:24: the user %rsp while the syscall entry saves it */
	u64 *tss_rsp0;           /* %gs:32: this CPU's TSS.rsp0 (boot TSS or its own) */
	u64 stack_guard;         /* %gs:40: the stack protector's slot */
	u32 preempt_count;       /* %gs:48 */
	u32 need_resched;        /* %gs:52: set by tick/wake, consumed by schedule() */
	struct task *current;    /* %gs:56 */
	u32 id;                  /* 0 .. cpu_count()-1, the boot CPU is 0 */
	u32 apic_id;
	struct task *idle;
	struct sched_rq *rq;
	u32 online;              /* set by the CPU itself once it can take IPIs */
	u32 tlb_pending;         /* a TLB shootdown waits for this CPU (cpu/tlb.c) */
	u64 ticks;               /* timer ticks taken on this CPU */
	u64 ipi_calls;           /* inter-processor calls run on this CPU */
	u64 tlb_flushes;         /* shootdown requests served on this CPU */
	struct vmspace *active_vs; /* the user space in CR3 (NULL: kernel tables); mm/vmspace.c */
	u64 ist_top[3];          /* the other CPUs' #DF, NMI, #MC stacks (TSS IST 1-3) */
	u64 gdt[7] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct cpu_local, user_kernel_rsp) == 8, "%gs:8 entry.S");
_Static_assert(__builtin_offsetof(struct cpu_local, user_cur_regs) == 16, "%gs:16 entry.S");
_Static_assert(__builtin_offsetof(struct cpu_local, user_scratch_rsp) == 24, "%gs:24 entry.S");
_Static_assert(__builtin_offsetof(struct cpu_local, tss_rsp0) == 32, "%gs:32 entry.S");
_Static_assert(__builtin_offsetof(struct cpu_local, stack_guard) == 40, "%gs:40 guard");
_Static_assert(__builtin_offsetof(struct cpu_local, preempt_count) == 48, "%gs:48 count");
_Static_assert(__builtin_offsetof(struct cpu_local, need_resched) == 52, "%gs:52 flag");
_Static_assert(__builtin_offsetof(struct cpu_local, current) == 56, "%gs:56 current");

extern struct cpu_local cpu_locals[FW_MAX_CPUS_INTERNAL];
extern u32 cpu_online_count; /* CPUs that finished bring-up */
extern u32 cpu_possible_count; /* CPUs the MADT lists (started or not) */

static inline struct cpu_local *this_cpu(void)
{
	struct cpu_local *c;
	/* SAFETY: %gs:0 holds the area's own address from percpu_init_bsp()/ap bring-up on. */
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline u32 preempt_count_raw(void)
{
	u32 v;
	/* SAFETY: reads this CPU's count (%gs:48, see the static assert). */
	__asm__ volatile("movl %%gs:48, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void preempt_count_add(u32 v)
{
	/* SAFETY: one read-modify-write instruction on this CPU's count. */
	__asm__ volatile("addl %0, %%gs:48" : : "ir"(v) : "memory", "cc");
}

static inline void preempt_count_sub(u32 v)
{
	/* SAFETY: as preempt_count_add. */
	__asm__ volatile("subl %0, %%gs:48" : : "ir"(v) : "memory", "cc");
}

static inline struct task *current_task(void)
{
	struct task *t;
	/* SAFETY: %gs:56 is this CPU's running task, written only by the context switch. */
	__asm__ volatile("movq %%gs:56, %0" : "=r"(t) : : "memory");
	return t;
}

/* Whether %gs already points at a per-CPU area (false in the first steps of boot). */
extern bool percpu_ready;

/* percpu_init_bsp - set up the boot CPU's area and %gs. Context: early boot, IF=0. */
void percpu_init_bsp(void);

/* percpu_load - load `c`'s GDT, TSS and %gs base on the calling CPU. Context: IF=0. */
void percpu_load(struct cpu_local *c);

#endif /* FW_INTERNAL_PERCPU_H */
