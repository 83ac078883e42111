/*
 * task.c — task lifetime: the task and stack pools, spawn, exit, join/detach (reaping), the
 * boot task and the idle tasks, and the ktest runner's hooks.
 *
 * Storage: up to TASK_MAX task slots (issue #14: thousands of threads), in chunks of
 * TASK_CHUNK allocated on first need and never freed (typed FRAME_META frames through the
 * direct map), so a task pointer always points at a task slot — the scheduler reads stale
 * ones racily (sched_cpu_load, finish_switch). Each slot gets a kernel stack from the memory
 * manager (kstack_alloc: an unmapped guard page below, registered for backtraces and overflow
 * reports) the first time it is used and keeps it, so spawning a reused slot never maps or
 * unmaps memory. task_alloc()/task_free() are the only functions that know this.
 *
 * Lifetime: a task holds two references: the running one (dropped by the task that runs
 * after its last switch, when its stack is no longer in use — sched.c finish_switch) and the
 * handle (dropped by task_join or task_detach). The last drop frees task and stack.
 */
#include <fw/task.h>
#include <fw/time.h>

#include "arch/x86_64/layout.h"
#include "internal/panic_internal.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "internal/stacks.h"
#include "internal/symbols.h"
#include "internal/task.h"
#include "internal/trap.h"

#define TASK_MAX 4096u  /* KSTACK_MAX (internal/mm.h) leaves room for the other stacks */
#define TASK_CHUNK 32u
#define TASK_CHUNK_ORDER 4u /* 64 KiB of frames per chunk */

/* A task slot: the task and the kernel stack the slot keeps for reuse. */
struct task_slot {
	struct task t;
	struct kstack ks;
};
_Static_assert(sizeof(struct task_slot) * TASK_CHUNK <= (4096u << TASK_CHUNK_ORDER),
	       "a chunk of task slots fits its frames");
_Static_assert(TASK_MAX + 64u <= KSTACK_MAX, "a stack for every task, and some to spare");

static struct task_slot *chunks[TASK_MAX / TASK_CHUNK]; /* (atomic) installed once */
static u8 task_used[TASK_MAX];
static u32 task_limit = TASK_MAX; /* lowered by the exhaustion ktest */
static u32 alloc_hint; /* no free slot below it (pool_lock) */
static struct fw_rawlock pool_lock;
static u32 live_tasks;
static u64 next_id = 1;
static u64 spawned_total;

void sched_init(void);
void sched_start(struct task *boot, struct task *idle0);
void sched_start_task(struct task *t);

/* The slot `ts`, allocating its chunk if needed; NULL when memory is short. */
static struct task_slot *slot_get(u32 ts)
{
	/* SAFETY: ts < TASK_MAX (callers), so ts / TASK_CHUNK indexes chunks; an acquire load of a
	 * pointer installed once with a CAS below. */
	struct task_slot **cp = &chunks[ts / TASK_CHUNK];
	struct task_slot *c = __atomic_load_n(cp, __ATOMIC_ACQUIRE);
	if (!c) {
		u64 pa;
		if (frame_alloc_typed(FRAME_META, TASK_CHUNK_ORDER, true, &pa))
			return NULL;
		/* SAFETY: a zeroed block of 2^TASK_CHUNK_ORDER frames, ours, reached through the
		 * direct map; it holds TASK_CHUNK slots (static assert) and is never freed. */
		struct task_slot *fresh = phys_to_virt(pa);
		struct task_slot *expect = NULL;
		if (__atomic_compare_exchange_n(cp, &expect, fresh, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			c = fresh;
		} else {
			frame_free_typed(pa, TASK_CHUNK_ORDER); /* another CPU installed one first */
			c = expect;
		}
	}
	/* SAFETY: ts % TASK_CHUNK < TASK_CHUNK, the chunk's length. */
	return &c[ts % TASK_CHUNK];
}

/* task_alloc_err - task_alloc, saying why it failed in *err: -EAGAIN (no free slot) or
 * -ENOMEM (no frames for the slot's stack). */
static struct task *task_alloc_err(u32 *slot_out, int *err);
static struct task *task_alloc(u32 *slot_out)
{
	int err;
	return task_alloc_err(slot_out, &err);
}

static struct task *task_alloc_err(u32 *slot_out, int *err)
{
	*err = -EAGAIN;
	u64 f = raw_spin_lock_irqsave(&pool_lock);
	u32 ts = TASK_MAX;
	/* First fit from the lowest slot that may be free (alloc_hint): reused slots keep their
	 * stacks, so the stacks held stay what the peak of live tasks needed.
	 * SAFETY: i < task_limit <= TASK_MAX, inside task_used. */
	for (u32 i = alloc_hint; i < task_limit && ts == TASK_MAX; i++)
		if (!task_used[i])
			ts = i;
	if (ts == TASK_MAX) {
		raw_spin_unlock_irqrestore(&pool_lock, f);
		return NULL;
	}
	/* SAFETY: ts < task_limit <= TASK_MAX (found above). */
	task_used[ts] = 1;
	alloc_hint = ts + 1;
	u64 id = next_id++;
	raw_spin_unlock_irqrestore(&pool_lock, f);
	struct task_slot *sl = slot_get(ts);
	if (sl && !sl->ks.top && kstack_alloc(&sl->ks) != 0) {
		sl->ks.top = 0;
		sl = NULL;
		*err = -ENOMEM; /* as Linux's fork when the stack cannot be had */
	}
	if (!sl) {
		f = raw_spin_lock_irqsave(&pool_lock);
		/* SAFETY: ts < TASK_MAX, as above. */
		task_used[ts] = 0;
		if (ts < alloc_hint)
			alloc_hint = ts;
		raw_spin_unlock_irqrestore(&pool_lock, f);
		return NULL;
	}
	/* SAFETY: the slot is ours (task_used[ts] set under pool_lock), so the byte-wise zeroing
	 * through a u8 view of its task races with nobody; the two counters are relaxed
	 * statistics. */
	struct task *t = &sl->t;
	u8 *raw = (u8 *)(void *)t;
	for (size_t i = 0; i < sizeof(*t); i++)
		raw[i] = 0;
	t->id = id;
	t->stack_slot = ts;
	fw_timer_init_wake(&t->sleep_timer, t);
	__atomic_fetch_add(&live_tasks, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&spawned_total, 1, __ATOMIC_RELAXED);
	*slot_out = ts;
	return t;
}

static void task_free(struct task *t)
{
	u64 f = raw_spin_lock_irqsave(&pool_lock);
	/* SAFETY: stack_slot < TASK_MAX: task_alloc, the only source of freed tasks, set it. */
	task_used[t->stack_slot] = 0;
	if (t->stack_slot < alloc_hint)
		alloc_hint = t->stack_slot;
	__atomic_fetch_sub(&live_tasks, 1, __ATOMIC_RELAXED);
	raw_spin_unlock_irqrestore(&pool_lock, f);
}

u32 task_set_limit(u32 limit)
{
	u32 old = task_limit;
	task_limit = limit == 0 || limit > TASK_MAX ? TASK_MAX : limit;
	return old;
}

uint32_t tasks_live(void)
{
	/* SAFETY: a relaxed atomic read of a static counter (a snapshot). */
	return __atomic_load_n(&live_tasks, __ATOMIC_RELAXED);
}

static void copy_name(struct task *t, const char *s, size_t n)
{
	/* SAFETY: n is clamped to TASK_NAME_MAX - 1, so name[i] and name[n] fit
	 * name[TASK_NAME_MAX]; s is a str view (ptr, len) or a literal of exactly n bytes, so s[i]
	 * with i < n is inside it. */
	if (n >= TASK_NAME_MAX)
		n = TASK_NAME_MAX - 1;
	for (size_t i = 0; i < n; i++)
		t->name[i] = s[i];
	t->name[n] = '\0';
}

/* Prepare t's stack so that switching to it enters task_start_trampoline. */
static void stack_setup(struct task *t, u32 slot)
{
	t->stack_slot = slot;
	/* SAFETY: the stack is mapped read/write for the kernel (kstack_alloc) and not in use:
	 * the task slot is free, so no task runs on it. slot_get finds the slot's chunk, which
	 * task_alloc allocated. */
	struct task_slot *sl = slot_get(slot);
	t->stack_lo = sl->ks.base;
	t->stack_hi = sl->ks.top;
	u64 *top = (u64 *)(uintptr_t)t->stack_hi;
	/* [top-1] 0 (fake return address of the trampoline's frame), [top-2] trampoline,
	 * [top-8..top-3] rbp rbx r12 r13 r14 r15 = 0, in the order arch/x86_64/switch.S pops them. */
	top[-1] = 0;
	top[-2] = (u64)(uintptr_t)task_start_trampoline;
	for (int i = 3; i <= 8; i++)
		top[-i] = 0;
	/* SAFETY: 8 words below the top of the slot's 16 KiB stack (written just above). */
	t->rsp = (u64)(uintptr_t)&top[-8];
}

static struct task *task_spawn_err(struct callback *entry, struct str name, uint32_t cpu,
				   int *err)
{
	*err = -EINVAL;
	FW_CHECK(entry && entry->tag.type, "task_spawn: untagged entry callback");
	/* SAFETY: the address is only compared with the registered stacks' bounds. */
	if (stack_contains((u64)(uintptr_t)entry, sizeof(*entry))) {
		printk(FW_LOG_WARN, "task_spawn: the entry callback lives on a stack; refused");
		return NULL;
	}
	/* SAFETY: cpu is bounded before cpu_locals[cpu] is read (|| short-circuits). */
	if (cpu != TASK_ANY_CPU && (cpu >= FW_MAX_CPUS_INTERNAL ||
				    !__atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE)))
		return NULL;
	u32 slot;
	struct task *t = task_alloc_err(&slot, err);
	if (!t)
		return NULL;
	copy_name(t, name.ptr, name.len);
	t->entry = entry;
	t->pinned_cpu = cpu;
	t->state = TASK_RUNNING;
	t->refs = 2;
	waitq_init(&t->exited);
	stack_setup(t, slot);
	sched_start_task(t);
	return t;
}

struct task *task_spawn_raw(struct callback *entry, struct str name, uint32_t cpu)
{
	int err;
	return task_spawn_err(entry, name, cpu, &err);
}

static void task_put(struct task *t)
{
	/* SAFETY: t is a live task the caller holds a reference to; the acq_rel decrement orders
	 * the last put. */
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		task_free(t);
}

void task_put_dead(struct task *t)
{
	task_put(t);
}

void task_exit(int code)
{
	struct task *me = current_task();
	if (me->nheld) {
		lockdep_print_held(me);
		panic_message("task_exit: task still holds locks");
	}
	if (me->is_boot || me->is_idle)
		panic_message("task_exit: the boot and idle tasks cannot exit");
	vmspace_task_exit(me); /* its reference to its address space (maybe the last) */
	me->exit_code = code;
	/* its user state dies with it: the last switch must not store FPU registers into a
	 * context the kernel may already have freed */
	me->fpu_ctx = NULL;
	me->user_ctx = NULL;
	preempt_disable();
	/* SAFETY: me is the running task; the seq_cst store of DEAD pairs with task_join's acquire
	 * load. */
	__atomic_store_n(&me->state, TASK_DEAD, __ATOMIC_SEQ_CST);
	waitq_wake_all(&me->exited);
	irq_disable();        /* no tick may preempt a dead task... */
	preempt_count_sub(1); /* ...and the switch wants the count at 0 */
	extern void schedule_dead(void);
	schedule_dead();
	__builtin_unreachable();
}

int task_join_raw(struct task *t)
{
	/* SAFETY: t is a task slot (never freed) the caller holds a reference to; an acquire
	 * load of its state. */
	WAITQ_WAIT(&t->exited, __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == TASK_DEAD);
	int code = t->exit_code;
	task_put(t);
	return code;
}

void task_detach_raw(struct task *t)
{
	task_put(t);
}

int task_spawn(struct task_handle *out, struct callback *entry, struct str name, uint32_t cpu)
{
	if (out->t)
		return -EBUSY;
	/* SAFETY: the address is only compared with the registered stacks' bounds. */
	if (entry && stack_contains((u64)(uintptr_t)entry, sizeof(*entry)))
		return -EINVAL;
	/* SAFETY: cpu is bounded before cpu_locals[cpu] is read (|| short-circuits). */
	if (cpu != TASK_ANY_CPU && (cpu >= FW_MAX_CPUS_INTERNAL ||
				    !__atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE)))
		return -EINVAL;
	int err;
	struct task *t = task_spawn_err(entry, name, cpu, &err);
	if (!t)
		return err;
	out->t = t;
	return 0;
}

int task_join(struct task_handle *h)
{
	/* SAFETY: an atomic exchange empties the handle, so two racing joins of one handle
	 * cannot both drop its reference. */
	struct task *t = __atomic_exchange_n(&h->t, NULL, __ATOMIC_ACQ_REL);
	if (!t)
		return -EINVAL;
	return task_join_raw(t);
}

void task_detach(struct task_handle *h)
{
	/* SAFETY: as task_join: the exchange empties the handle exactly once. */
	struct task *t = __atomic_exchange_n(&h->t, NULL, __ATOMIC_ACQ_REL);
	if (t)
		task_detach_raw(t);
}

uint64_t task_id(void)
{
	struct task *t = task_current();
	return t ? t->id : 0;
}

void task_set_make_it_fail(bool on)
{
	struct task *t = task_current();
	if (t)
		t->make_it_fail = on; /* the task's own word: read by its own allocations */
}

bool task_make_it_fail(void)
{
	struct task *t = task_current();
	return t && t->make_it_fail;
}

struct task *task_create_idle(u32 cpu)
{
	u32 slot;
	struct task *t = task_alloc(&slot);
	if (!t)
		return NULL;
	copy_name(t, "idle", 4);
	t->name[4] = (char)('0' + cpu % 10);
	t->name[5] = '\0';
	t->is_idle = true;
	t->pinned_cpu = cpu;
	t->cpu = cpu;
	t->refs = 1;
	waitq_init(&t->exited);
	stack_setup(t, slot);
	return t;
}

static struct task boot_task;

void tasks_init_bsp(void)
{
	struct task *b = &boot_task;
	copy_name(b, "boot", 4);
	b->id = 0;
	b->is_boot = true;
	b->pinned_cpu = 0;
	b->refs = 1;
	b->stack_slot = ~0u;
	/* SAFETY: address arithmetic on the boot stack's bounds. */
	b->stack_lo = (u64)(uintptr_t)boot_stack.stack;
	b->stack_hi = b->stack_lo + sizeof(boot_stack.stack);
	waitq_init(&b->exited);
	fw_timer_init_wake(&b->sleep_timer, b);
	cpu_locals[0].current = b; /* lock tracking works from here on */
	timers_init();
	sched_init();
}

void tasks_start(void)
{
	struct task *idle0 = task_create_idle(0);
	FW_CHECK(idle0, "no idle task for CPU 0");
	sched_start(&boot_task, idle0);
}

/* ---- ktest runner hooks ------------------------------------------------------------------ */

struct task *task_of_entity(struct sched_entity *se)
{
	/* SAFETY: only addresses are compared and divided: se names a slot task's entity when it
	 * lies inside an installed chunk at the offset of `se` in one of its slots; then the
	 * slot's address (computed from the chunk and the index, never from se) is that task; or
	 * it is the boot task's entity. k < TASK_MAX / TASK_CHUNK bounds chunks[k]. */
	uintptr_t a = (uintptr_t)se;
	if (a == (uintptr_t)&boot_task.se)
		return &boot_task;
	for (u32 k = 0; k < TASK_MAX / TASK_CHUNK; k++) {
		struct task_slot *c = __atomic_load_n(&chunks[k], __ATOMIC_ACQUIRE);
		if (!c)
			continue;
		uintptr_t base = (uintptr_t)&c[0].t.se;
		if (a < base || (a - base) % sizeof(struct task_slot) != 0 ||
		    (a - base) / sizeof(struct task_slot) >= TASK_CHUNK)
			continue;
		/* SAFETY: the index is below TASK_CHUNK (checked just above). */
		return &c[(a - base) / sizeof(struct task_slot)].t;
	}
	return NULL;
}

bool task_on_boot_flow(void)
{
	struct task *t = task_current();
	return !t || t->is_boot;
}

void task_trap_exit(void)
{
	struct task *t = task_current();
	if (!t || t->is_boot || t->is_idle || t->nheld)
		return;
	printk(FW_LOG_ERR, "task %s (id %lu) ended by the trap above", t->name, (unsigned long)t->id);
	/* the trap frame is abandoned: interrupts off, no hard-IRQ count from it */
	this_cpu()->preempt_count = 0;
	irq_enable();
	task_exit(-14); /* -EFAULT */
}

void task_ktest_cleanup(void)
{
	struct task *t = task_current();
	if (!t)
		return;
	if (t->nheld) {
		printk(FW_LOG_WARN, "ktest: the test left %u lock(s) recorded as held; forgotten", t->nheld);
		lockdep_print_held(t);
		t->nheld = 0;
	}
	if (preempt_count_raw()) {
		printk(FW_LOG_WARN, "ktest: the test left preemption count 0x%x; reset",
		       preempt_count_raw());
		this_cpu()->preempt_count = 0;
	}
}

/*
 * task_show_all - the sysrq 't' dump (fw/task.h). Reads other tasks' fields racily: a task slot
 * is never freed and its stack is registered for as long as the slot exists, so every read
 * below lands in mapped memory of the right type; a task that runs meanwhile gives a stale or
 * torn picture, never a fault (the backtrace walk checks every frame against the registered
 * stacks). Run with interrupts off on this CPU so the dump is not interleaved with itself.
 */
void task_show_all(void)
{
	static const char *const states[] = { "running", "sleeping", "dead" };
	u64 f = irq_save();
	kprintf_raw("sysrq: tasks (%u live)\n", tasks_live());
	/* SAFETY: ts < TASK_MAX bounds task_used and chunks; a chunk pointer is read with acquire
	 * (installed once, never freed); the task fields are racy snapshots of a type-stable slot
	 * (above); the saved frame [rsp, rsp + 56) is read only when it lies inside the task's own
	 * registered stack (stack_contains), as the switch (arch/x86_64/switch.S) left it:
	 * r15 r14 r13 r12 rbx rbp, then the return address into __schedule. */
	for (u32 ts = 0; ts < TASK_MAX; ts++) {
		if (!__atomic_load_n(&task_used[ts], __ATOMIC_RELAXED))
			continue;
		struct task_slot *c = __atomic_load_n(&chunks[ts / TASK_CHUNK], __ATOMIC_ACQUIRE);
		if (!c)
			continue;
		struct task *t = &c[ts % TASK_CHUNK].t;
		u32 st = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
		bool running = false;
		/* SAFETY: cpu < FW_MAX_CPUS_INTERNAL bounds cpu_locals; current is a racy
		 * snapshot of a task pointer (compared, never followed); the task fields below are
		 * relaxed reads of a type-stable slot (see above). */
		for (u32 cpu = 0; cpu < FW_MAX_CPUS_INTERNAL; cpu++)
			if (__atomic_load_n(&cpu_locals[cpu].current, __ATOMIC_RELAXED) == t)
				running = true;
		kprintf_raw("task %lu \"%s\" %s%s on_rq=%d cpu=%u kicked=%u intr=%u user=%d "
			    "switches=%lu run_ms=%lu\n",
			    (unsigned long)t->id, t->name, st < 3 ? states[st] : "?",
			    running ? " (on a CPU)" : "", t->on_rq, t->cpu,
			    __atomic_load_n(&t->kicked, __ATOMIC_RELAXED),
			    __atomic_load_n(&t->wait_interruptible, __ATOMIC_RELAXED),
			    t->user_ctx != NULL, (unsigned long)t->switches,
			    (unsigned long)(t->run_ns / 1000000));
		u64 rsp = t->rsp;
		if (running || st == TASK_DEAD || !stack_contains(rsp, 56))
			continue;
		/* SAFETY: [rsp, rsp + 56) lies in a registered, mapped kernel stack (checked just
		 * above): words 5 and 6 are the saved rbp and return address of the switch frame
		 * (arch/x86_64/switch.S), or stale words if the task ran meanwhile, which
		 * backtrace_print only prints and checks before it follows them. */
		const u64 *frame = (const u64 *)(uintptr_t)rsp;
		backtrace_print(frame[6], frame[5]);
	}
	irq_restore(f);
}
