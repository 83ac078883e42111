/*
 * fw/task.h — kernel threads, and the hook through which kernel/ supplies the scheduling policy.
 *
 * A task runs a typed callback (fw/subtype.h `struct callback`) on its own kernel stack, which
 * has an unmapped guard page below it. It is preemptible (fw/preempt.h), may sleep (fw/sync.h),
 * and ends by returning from its callback or calling task_exit(). Whoever spawned it owns the
 * returned handle and must either task_join() it (wait for the end, get the exit code, free it)
 * or task_detach() it (freed when it ends). A task never runs on two CPUs at once; it changes
 * CPU only when it wakes (the policy's select_cpu chooses) unless it is pinned.
 *
 *     struct worker { struct callback cb; int n; };
 *     DEFINE_SUBTYPE(worker_cb, struct worker, cb, struct callback, tag);
 *     static void worker_run(struct worker *w) { ... }
 *     DEFINE_SUBTYPE_CALLBACK(worker_cb, struct callback, worker_run);
 *     ...  struct worker *w = worker_cb_new();
 *          callback_set(&w->cb, SUBTYPE_CALLBACK(worker_cb, worker_run));
 *          struct task *t = task_spawn(&w->cb, STR("worker"), TASK_ANY_CPU);
 *          if (!t) return -ENOMEM;
 *          int code = task_join(t);
 *
 * The policy (which runnable task runs next, for how long, on which CPU) lives in kernel/
(kernel/sched/); the framework owns the run queues, their locking and the context switch, and
 * calls the policy's `static const struct sched_policy_ops` with the run queue locked.
 */
#ifndef FW_TASK_H
#define FW_TASK_H

#include <fw/libbase.h>
#include <fw/list.h>
#include <fw/preempt.h>
#include <fw/subtype.h>

struct task;

#define TASK_ANY_CPU 0xffffffffu

/*
 * struct task_handle - the owning reference to a spawned task. It is never copied (FW_NOCOPY)
 * and the call that consumes it empties it, so a task is joined or detached exactly once: a
 * stale copy, a second join or a detach of a pointer read out of a lock cannot free the
 * next owner's task. An empty handle is all zero (`struct task_handle h = TASK_HANDLE_EMPTY`,
 * or zeroed memory).
 */
struct FW_NOCOPY task_handle {
	struct task *t FW_PRIVATE;
};
#define TASK_HANDLE_EMPTY { .t = NULL }

/*
 * task_spawn - create a task that runs callback_invoke(entry), make it runnable, and put its
 * handle in *out.
 * Needs: *out empty; `entry` tagged and set (callback_set); it must outlive the task's start
 *        (it may not live on a stack: checked). `cpu` pins the task to that CPU, or
 *        TASK_ANY_CPU.
 * Returns: 0; -EBUSY when *out holds a task; -EINVAL when the entry lives on a stack or `cpu`
 *          is not an online CPU; -EAGAIN when out of tasks, -ENOMEM when out of frames for
 *          its stack (*out stays empty).
 * Context: any task; not in an interrupt.
 */
FW_MUST_CHECK int task_spawn(struct task_handle *out, struct callback *entry FW_KEPT,
			     struct str name, uint32_t cpu);

/* task_join - wait until h's task has ended, free it, empty *h and return its exit code.
 * An empty handle returns -EINVAL at once. Context: task. */
int task_join(struct task_handle *h);
/* task_detach - give up the handle (emptied); the task is freed when it ends. An empty handle
 * is ignored. Context: any task. */
void task_detach(struct task_handle *h);
/* task_handle_move - hand src's task to dst and empty src: 0, or -EBUSY when dst holds one.
 * task_handle_swap - exchange the tasks two handles hold. */
static inline int task_handle_move(struct task_handle *dst, struct task_handle *src)
{
	if (dst->t)
		return -EBUSY;
	/* SAFETY: exchanges, so that racing moves never leave two handles to one task (a second
	 * join or detach would free a task that another owner still runs or joins). */
	struct task *t = __atomic_exchange_n(&src->t, NULL, __ATOMIC_ACQ_REL);
	struct task_handle raced = { .t = __atomic_exchange_n(&dst->t, t, __ATOMIC_ACQ_REL) };
	task_detach(&raced); /* dst filled meanwhile by a racing move: give it up, never duplicate */
	return 0;
}
static inline void task_handle_swap(struct task_handle *a, struct task_handle *b)
{
	if (a == b)
		return; /* swapping a handle with itself changes nothing */
	/* SAFETY: as task_handle_move: each task pointer is in exactly one place at every step. */
	struct task *x = __atomic_exchange_n(&a->t, NULL, __ATOMIC_ACQ_REL);
	struct task *y = __atomic_exchange_n(&b->t, x, __ATOMIC_ACQ_REL);
	struct task_handle raced = { .t = __atomic_exchange_n(&a->t, y, __ATOMIC_ACQ_REL) };
	task_detach(&raced);
}

/* task_handle_is_empty - whether h holds no task. */
static inline bool task_handle_is_empty(const struct task_handle *h)
{
	return h->t == NULL;
}
/* task_exit - end the calling task with `code`. Context: task, no lock held (checked). */
FW_NORETURN void task_exit(int code);

/* task_yield - let other runnable tasks of this CPU run first. Context: task. */
void task_yield(void);
/* task_sleep_ms - sleep at least `ms` milliseconds (tick resolution). Context: task. */
void task_sleep_ms(uint64_t ms);

/*
 * task_sleep_until - sleep until fw_time_ns() >= deadline_ns (0: no deadline) or, with
 * WAIT_INTERRUPTIBLE (fw/sync.h), until the task is kicked.
 * Returns: 0 when the deadline passed, -EINTR when kicked first (the flag stays set).
 * Resolution: the tick (it never returns 0 early). Context: task, may sleep.
 */
int task_sleep_until(uint64_t deadline_ns, unsigned flags);

/*
 * Kicks: how the kernel interrupts a task for a signal (Linux's TIF_SIGPENDING + kick).
 * task_kick(h) sets the kicked flag of h's task, then: if it sleeps in an interruptible wait it
 * is woken (the wait returns -EINTR); if it runs on another CPU an inter-processor interrupt is
 * sent, so user code there returns from user_enter() with USER_RET_INTERRUPT at once. The
 * flag is sticky: every interruptible wait returns -EINTR at once and user_enter() returns
 * USER_RET_INTERRUPT without entering user mode while it is set; the task clears it with
 * task_kick_clear() once it has nothing left to deliver (no unblocked signal pending).
 * Context: task_kick from any context but NMI; h is borrowed (not consumed), an empty handle
 * is ignored. task_kicked / task_kick_clear act on the calling task.
 */
void task_kick(const struct task_handle *h);
bool task_kicked(void);
void task_kick_clear(void);
/* task_id - a small number naming the calling task (unique among live tasks). */
uint64_t task_id(void);

/*
 * task_set_cpu_mask - restrict the calling task to the CPUs whose bits are set in `mask` (bit
 * n: CPU n), as sched_setaffinity does; bits of CPUs that are not online are ignored. A task
 * pinned at spawn keeps its pin. When the caller runs on a CPU outside the mask it moves before
 * this returns (it sleeps for a millisecond and wakes on an allowed CPU); otherwise it moves at its
 * next wake-up at the latest.
 * Returns: 0, or -EINVAL when the mask holds no online CPU (nothing changes).
 * Context: task, may sleep.
 */
int task_set_cpu_mask(uint64_t mask);
/* task_cpu_mask - the calling task's allowed CPUs (online ones only). Context: task. */
uint64_t task_cpu_mask(void);
/* task_cpu - the CPU running the caller: a snapshot (it may move right after; getcpu(2)).
 * Context: task. */
uint32_t task_cpu(void);
/* What a task has used: time on a CPU (switch to switch, interrupts included), and how often
 * it was switched out while sleeping (voluntary) or while still runnable (preempted or
 * yielding: involuntary). */
struct task_usage {
	uint64_t run_ns;  /* on a CPU, user mode included */
	uint64_t user_ns; /* of that, in user mode (counted at every user-mode entry and exit) */
	uint64_t nvcsw, nivcsw;
};
/* task_usage_self - the calling task's usage so far, the current stretch on the CPU included.
 * Context: task (a few dozen cycles: a clock read with interrupts off). */
struct task_usage task_usage_self(void);
/*
 * task_show_all - print every live task to the console: its id, name, state, run-queue and
 * kick flags, whether it is in user mode, and for a task switched out, the kernel backtrace
 * where it sleeps (Linux's sysrq 't'; /proc/sysrq-trigger). A debugging aid: the picture of a
 * task that runs meanwhile may be stale, never unsafe. Context: any task; takes no locks.
 */
void task_show_all(void);
/* task_locks_held - how many tracked locks the calling task holds. */
uint32_t task_locks_held(void);

/*
 * task_set_make_it_fail - mark (or unmark) the calling task as one whose allocations and user
 * copies failure injection may fail (Linux's /proc/PID/make-it-fail). It matters only when the
 * boot asked for injection with a task filter (fault.task_filter=1, docs/fuzzing.md): then
 * only marked tasks, outside interrupts, meet injected failures, so boot, init and a test's
 * harness run undisturbed. Without the filter every task may meet them and the mark is only
 * kept. A new task starts unmarked (the kernel copies a process's mark to its children).
 * task_make_it_fail reads the calling task's mark. Context: task.
 */
void task_set_make_it_fail(bool on);
bool task_make_it_fail(void);

/* tasks_live - tasks currently allocated (for leak tests). */
uint32_t tasks_live(void);

/* ---- the scheduling policy hook ---------------------------------------------------------- */

/* The per-task part the policy owns: its queue link and two words of bookkeeping. */
struct sched_entity {
	struct list_link link;    /* on the policy's queue while queued */
	uint64_t slice_ticks;     /* ticks left in the current time slice */
	uint64_t runs;            /* times picked */
	uint32_t queued_on FW_PRIVATE; /* the framework's record: 1 + the CPU whose run queue it
					* was handed to by enqueue, 0 when not queued */
};

/* A CPU's run queue; a lock kind (fw/litelock.h protocol) for the policy's containers. */
struct CAPABILITY("run queue") sched_rq;
bool sched_rq_held(const struct sched_rq *rq);
void sched_rq_assert_held(const struct sched_rq *rq) ASSERT_CAPABILITY(*rq);
/* sched_rq_of - CPU cpu's run queue (cpu < FW_MAX_CPUS). Context: any. */
struct sched_rq *sched_rq_of(uint32_t cpu);
/* sched_rq_cpu - the CPU a run queue belongs to. */
uint32_t sched_rq_cpu(const struct sched_rq *rq);
/* sched_cpu_load - tasks queued or running on cpu (a racy snapshot). */
uint32_t sched_cpu_load(uint32_t cpu);
/* Where a CPU's time went since boot (/proc/stat): in its idle task, in user mode (any task),
 * and how many task switches it made; its kernel time is the rest. */
struct cpu_times {
	uint64_t idle_ns, user_ns, switches;
};
/* sched_cpu_times - cpu's times (zero for a CPU out of range or not started). Context: task;
 * takes cpu's run-queue lock for a moment. */
struct cpu_times sched_cpu_times(uint32_t cpu);

/*
 * The policy's operations. All but select_cpu run with the run queue locked, interrupts off,
 * and must not sleep or take other locks. The running task is not on the queue: the framework
 * enqueues it again when it is preempted or yields.
 */
struct sched_policy_ops {
	struct str name; /* STR("...") */
	/* once per CPU at boot */
	void (*init_rq)(struct sched_rq *rq);
	/* make se runnable on rq */
	void (*enqueue)(struct sched_rq *rq, struct sched_entity *se);
	/* take the next entity to run off rq's queue; NULL when empty (the CPU idles). The
	 * framework checks that it is a task's entity that it enqueued on this rq and that was
	 * not picked since (anything else stops the kernel: it would switch to a forged stack). */
	struct sched_entity *(*pick_next)(struct sched_rq *rq);
	/* a timer tick hit `curr` running on rq; true asks for a reschedule */
	bool (*tick)(struct sched_rq *rq, struct sched_entity *curr);
	/* where a waking (or new) task should run; no lock held; any online CPU < cpu_count() */
	uint32_t (*select_cpu)(struct sched_entity *se, uint32_t prev_cpu);
};

/*
 * kernel_sched_policy - defined by the kernel (kernel/sched/): the policy the framework uses.
 * Called once at boot, before any task but the boot one runs. A kernel that does not define it
 * gets the framework's weak default (per-CPU FIFO, framework/task/default_policy.c).
 */
const struct sched_policy_ops *kernel_sched_policy(void);

#endif /* FW_TASK_H */
