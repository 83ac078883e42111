/*
 * internal/task.h — the task structure and the scheduler core's internal interface
 * (task/task.c, task/sched.c, sync/, cpu/).
 *
 * Locking key for struct task:
 *   (r)  the run queue lock of t->cpu: state transitions to/from running, on_rq, cpu
 *   (w)  the lock of the wait queue / mutex t is queued on: wait_link
 *   (o)  only the task itself: held[], nheld, entry
 *   (a)  atomics
 */
#ifndef FW_INTERNAL_TASK_H
#define FW_INTERNAL_TASK_H

#include <fw/sync.h>
#include <fw/task.h>
#include <fw/timer.h>
#include <fw/types.h>

#include "arch/x86_64/percpu.h"
#include "internal/rawlock.h"

#define TASK_STACK_SIZE (16 * 1024)
#define TASK_MAX_HELD 16u
#define TASK_NAME_MAX 24u

enum task_state {
	TASK_RUNNING = 0,  /* running or runnable */
	TASK_SLEEPING = 1, /* blocked: waits for task_wake() */
	TASK_DEAD = 2,     /* ended; its stack is still in use until the next switch completes */
};

struct held_lock {
	const void *lock;
	struct lock_class *cls;
	u64 ip; /* where it was taken */
};

struct task {
	u64 rsp;                      /* (r) saved stack pointer while switched out */
	u32 state;                    /* (a) enum task_state */
	u32 cpu;                      /* (r) run queue it belongs to */
	u32 pinned_cpu;               /* TASK_ANY_CPU or a CPU */
	u64 cpu_mask;                 /* (a) task_set_cpu_mask: allowed CPUs (0: any) */
	bool on_rq;                   /* (r) queued or running (not deactivated) */
	bool is_idle;
	bool is_boot;                 /* the boot CPU's initial flow (runs the ktests) */
	u64 id;
	char name[TASK_NAME_MAX];
	struct sched_entity se;       /* (r) the policy's part */
	struct fw_qlink wait_link;    /* (w) on a mutex's or wait queue's task list */
	struct fw_timer sleep_timer;  /* (o) wakes it from a timed wait (time/timer.c) */
	u32 kicked;                   /* (a) task_kick() happened; cleared by the task itself */
	u32 wait_interruptible;       /* (a) its current sleep ends on a kick */
	struct callback *entry;       /* (o) */
	int exit_code;
	u32 refs;                     /* (a) the running reference + the handle */
	struct waitq exited;          /* join waits here */
	u32 nheld;                    /* (o) */
	struct held_lock held[TASK_MAX_HELD];
	u32 stack_slot;               /* index into the stack pool */
	u64 stack_lo, stack_hi;
	u64 switches;                 /* times switched in */
	/* (r) CPU accounting, written by the switch with the run queue locked and IRQs off, read
	 * by the task itself with IRQs off (task_usage_self): on-CPU time up to the last
	 * switch-out, when it was last switched in, and its switches out while sleeping
	 * (voluntary) or still runnable (involuntary), as Linux's nvcsw/nivcsw. */
	u64 run_ns;
	u64 ran_since_ns;
	u64 nvcsw, nivcsw;
	/* (o) user time (user/user.c), in clock_stamp() units: the total, and the stamp when the
	 * task last went to user mode (0: not in user mode). */
	u64 user_stamps;
	u64 user_since;
	/* (o) the user/kernel boundary (user/user.c), read by the switch with IRQs off:
	 * user_ctx: the context inside user_enter() (NULL outside it); user_kernel_rsp: the
	 * kernel stack pointer its user_enter_asm left, stored at switch-out; fpu_ctx: the
	 * context whose user FPU state is in the CPU's registers while this task runs (lazy:
	 * saved into it at switch-out, or when another context is entered). */
	struct user_context *user_ctx;
	u64 user_kernel_rsp;
	struct user_context *fpu_ctx;
	struct vmspace *vs;           /* (o) the space its user code sees (vmspace_activate) */
	/* (o) the retry guard of user-copy faults (user/uaccess.c): the last faulting copy */
	u64 fault_rip, fault_addr;
	u32 fault_retries;
	/* (o) failure injection may fail this task's allocations and copies when the boot asked
	 * for a task filter (fault.task_filter=1; task_set_make_it_fail, fault_inject.c) */
	bool make_it_fail;
};

/* The current task (never NULL once tasks_init has run). */
static inline struct task *task_current(void)
{
	return percpu_ready ? current_task() : NULL;
}

/* tasks_init_bsp - make the boot flow task 0 of CPU 0 and set up run queues. Context: boot. */
void tasks_init_bsp(void);
/* tasks_start - CPU 0's idle task exists, schedule() switches from here on (after mm_init). */
void tasks_start(void);
/* task_create_idle - the idle task of cpu c, whose stack the AP entry runs on. */
struct task *task_create_idle(u32 cpu);
/* The framework's own spawn/join/detach on raw task pointers (services use the handles of
 * fw/task.h, which wrap these). Same contracts; task_spawn_raw returns NULL on failure. */
struct task *task_spawn_raw(struct callback *entry, struct str name, u32 cpu);
int task_join_raw(struct task *t);
void task_detach_raw(struct task *t);
/* task_of_entity - the pool task whose `se` is `se`, or NULL when `se` is not one (a
 * scheduling policy returning a pointer of its own making). */
struct task *task_of_entity(struct sched_entity *se);
/* sched_count_user - credit `stamps` of user-mode time to this CPU (sched_cpu_times).
 * Context: IRQs off (user_clock_stop). */
void sched_count_user(u64 stamps);
/* sched_check_pick - the task of what a policy's pick_next returned on `cpu`: a task entity
 * the framework queued there and that is still queued; stops the kernel otherwise (a foreign
 * entity, one not queued, one queued on another CPU). Context: cpu's run-queue lock held. */
struct task *sched_check_pick(struct sched_entity *se, u32 cpu);
/* sched_ap_start - an AP's idle task enters the scheduler; never returns. */
__attribute__((noreturn)) void sched_idle_loop(void);

/* schedule - switch to the next runnable task (prev stays runnable unless it set itself
 * SLEEPING or DEAD). Context: task; preempt count 0 except the switch's own. */
void schedule(void);
/* task_wake - make a sleeping task runnable (no-op when it is not sleeping). Context: any. */
bool task_wake(struct task *t);
/* sched_tick - the timer tick on this CPU. Context: interrupt. */
void sched_tick(void);
/* sched_irq_exit - on return from an interrupt: preempt if asked and allowed. */
void sched_irq_exit(u64 interrupted_rflags);

/* Low-level switch (arch/x86_64/switch.S): save callee-saved regs on this stack, store %rsp in
 * *prev_rsp, load next_rsp, restore, return into the next task. */
void task_switch_stacks(u64 *prev_rsp, u64 next_rsp);
void task_start_trampoline(void);

/* Timers (time/timer.c): set up the per-CPU bases (boot), make t a timer that wakes `task`,
 * run this CPU's expired timers (the tick, IRQs off), expiries run on a CPU (tests). */
void timers_init(void);
void fw_timer_init_wake(struct fw_timer *t, struct task *task);
void timers_run_this_cpu(u64 now);
u64 timers_fired(u32 cpu);

/* sched_sleep_prepared - the calling task has set itself SLEEPING (a wait queue's prepare or
 * task_sleep_until): sleep until woken, `deadline_ns` (0: none) or, with WAIT_INTERRUPTIBLE, a
 * kick. Returns 0 (woken), -ETIMEDOUT or -EINTR; the state is the caller's to finish
 * (RUNNING, wait_interruptible cleared). Context: task, preemptible. */
int sched_sleep_prepared(u64 deadline_ns, unsigned flags);
/* sched_sleep_done - the caller's half of that: RUNNING again, no longer interruptible. */
void sched_sleep_done(struct task *me);

/* task_kick_task - task_kick on a task pointer (the framework's own callers and tests). */
void task_kick_task(struct task *t);

/* task_set_limit - at most `limit` task slots (0: the maximum); returns the old limit.
 * For the pool-exhaustion ktest. */
u32 task_set_limit(u32 limit);

/* Drop the running reference of a task that has switched out for the last time. */
void task_put_dead(struct task *t);

/* The class a lock is checked under: its init site's, or its own. */
#define lock_class_of(l) ((l)->cls ? (l)->cls : &(l)->own_cls)

/* lockdep hooks (sync/lockdep.c) */
void lockdep_acquire(const void *lock, struct lock_class *cls, u64 ip, bool trylock);
void lockdep_release(const void *lock);
bool lockdep_holds(const void *lock);
void lockdep_print_held(struct task *t);
u64 lockdep_inversions(void);
/* lockdep_init - read `lockdep=` from the command line (0: no lock-order check). */
void lockdep_init(void);
/* lockdep_order_checking - whether the lock-order check runs in this boot. */
bool lockdep_order_checking(void);
/* The check's switch itself (sync/lockdep.c; set once at boot, before other CPUs start), for
 * the inline fast paths below. */
extern bool lockdep_order_check;

/*
 * lockdep_note_acquire / lockdep_note_release - what the lock functions call on every
 * acquisition and release. With the order check off (lockdep=0) an acquisition only records
 * the lock in the task's held list (task_exit's and the trap path's "holds a lock" tests and
 * the hang reports read it), and a release that pops the newest entry (the usual nesting)
 * only shortens it: a few instructions inline instead of a call. Everything else (the order
 * check, a full list, a release out of order) goes to lockdep_acquire / lockdep_release.
 * t is task_current() (NULL before tasks exist: nothing is recorded).
 */
static inline void lockdep_note_acquire(struct task *t, const void *lock, struct lock_class *cls,
					u64 ip, bool trylock)
{
	if (!t)
		return;
	/* SAFETY: a relaxed atomic read of a boot-time flag (a ktest flips it for a while). */
	if (__atomic_load_n(&lockdep_order_check, __ATOMIC_RELAXED) || t->nheld >= TASK_MAX_HELD) {
		lockdep_acquire(lock, cls, ip, trylock);
		return;
	}
	/* SAFETY: nheld < TASK_MAX_HELD (tested above), the length of held; only t's own task
	 * touches held and nheld (t is the caller's task_current()). */
	t->held[t->nheld] = (struct held_lock){ .lock = lock, .cls = cls, .ip = ip };
	t->nheld++;
}

static inline void lockdep_note_release(struct task *t, const void *lock)
{
	if (!t)
		return;
	u32 n = t->nheld;
	/* SAFETY: 0 < n <= TASK_MAX_HELD, so held[n - 1] is in bounds; t's own list. */
	if (n && n <= TASK_MAX_HELD && t->held[n - 1].lock == lock) {
		t->nheld = n - 1;
		return;
	}
	lockdep_release(lock);
}

/* preempt_off / preempt_on - preempt_disable and preempt_enable (sync/preempt.c) inline, for
 * the lock functions' fast paths; the same code as the exported ones, which call these. */
extern bool sched_running;
void schedule_preempt(void);

static inline void preempt_off(void)
{
	if (percpu_ready)
		preempt_count_add(1);
}

/* preempt_on_ready - preempt_on for a caller that already found percpu_ready true. */
static inline void preempt_on_ready(void)
{
	preempt_count_sub(1);
	if (preempt_count_raw() == 0 && this_cpu()->need_resched && sched_running &&
	    irqs_enabled())
		schedule_preempt();
}

static inline void preempt_on(void)
{
	if (!percpu_ready)
		return;
	preempt_on_ready();
}

/* SAFETY: __builtin_return_address(0) reads the calling frame's return address, to print it. */
/* Print a backtrace starting at the caller of the function that calls this (a report site). */
#define report_caller_backtrace()                                                           \
	backtrace_print((u64)(uintptr_t)__builtin_return_address(0),                        \
			/* SAFETY: frame pointers are kept everywhere; [rbp] is the caller's */ \
			*(const u64 *)__builtin_frame_address(0))

/* The task trapped in a ktest boot: end it if it holds no lock (returns otherwise). */
void task_trap_exit(void);
/* Whether the caller is the boot flow (the ktest runner); true before tasks exist. */
bool task_on_boot_flow(void);
/* After each ktest: report and repair leaked preemption/locks of the runner. */
void task_ktest_cleanup(void);

#endif /* FW_INTERNAL_TASK_H */
