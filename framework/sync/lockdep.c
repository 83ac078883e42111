/*
 * lockdep.c — per-task held-lock tracking and the lock-order check.
 *
 * Held locks: each task keeps a small stack of the tracked locks it holds (lock, class, the
 * address that took it). spinlock_held()/mutex_held() answer from the lock's owner field; this
 * list is what reports print and what task_exit() checks is empty.
 *
 * Order: a lock *class* is the init site of a lock (fw/sync.h). When a task that holds locks of
 * classes H1..Hn takes one of class C, the edges Hi -> C ("Hi is taken before C") are added to
 * a graph of classes, each with the backtrace of the first time it was seen. A new edge H -> C
 * that closes a cycle (C already reaches H) is an inversion: two tasks following the two
 * orders can deadlock. It is reported once per edge, with this acquisition's backtrace and the
 * recorded backtrace of the first edge on the opposite path, and counted; execution goes on.
 * The check runs before the caller spins or sleeps, so the report comes out even when this
 * acquisition is the one that deadlocks. Trylocks are recorded as held but add no edges (they
 * cannot wait). Two locks of the same class nested add no edge either.
 *
 * The order check costs every acquisition a walk of the held list and an edge lookup per held
 * lock (about 60 instructions on a short system call that takes two locks). `lockdep=0` on
 * the command line turns it off; held-lock tracking stays (task_locks_held feeds the
 * sleep-in-atomic check, and reports print the held list). `make test` boots with it on (the
 * default), `make bench` and `make run` with it off, as a Linux built without PROVE_LOCKING.
 *
 * Limits: 128 classes, 1024 edges; beyond that the check stops (once reported) but tracking
 * goes on. The graph is guarded by a raw lock; edges are never removed, so a lookup of an
 * existing edge needs no lock.
 */
#include <fw/sync.h>

#include "internal/bootinfo.h"
#include "internal/panic_internal.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/stacks.h"
#include "internal/symbols.h"
#include "internal/task.h"
#include "internal/trap.h"

#define MAX_CLASSES 128u
#define MAX_EDGES 1024u
#define TRACE_DEPTH 8u

struct edge {
	u16 from, to;
	u64 trace[TRACE_DEPTH];
	const char *task;
};

static struct fw_rawlock graph_lock;
static struct lock_class *classes[MAX_CLASSES]; /* by id; 0 unused */
static u32 nclasses = 1;
static u16 edge_at[MAX_CLASSES][MAX_CLASSES];   /* edge index + 1, 0 = none */
static struct edge edges[MAX_EDGES];
static u32 nedges;
static bool full_reported;
static u64 inversions;
bool lockdep_order_check = true; /* lockdep=0 clears it, at boot before the other CPUs start */

void lockdep_init(void)
{
	lockdep_order_check = boot_cmdline_u64("lockdep", 1) != 0;
	if (!lockdep_order_check)
		printk(FW_LOG_INFO, "lockdep: lock-order checking off (lockdep=0)");
}

bool lockdep_order_checking(void)
{
	/* SAFETY: a relaxed atomic read of the flag (a ktest flips it for a while). */
	return __atomic_load_n(&lockdep_order_check, __ATOMIC_RELAXED);
}

static const char *cls_name(const struct lock_class *c)
{
	return c && c->name ? c->name : "(unnamed lock)";
}

static u32 class_id(struct lock_class *cls)
{
	/* SAFETY: cls is a live lock class (static, named by the lock); its id is published with
	 * release under graph_lock once; nclasses < MAX_CLASSES is checked before classes[id] is
	 * written. */
	u32 id = __atomic_load_n(&cls->id, __ATOMIC_ACQUIRE);
	if (id)
		return id;
	u64 f = raw_spin_lock_irqsave(&graph_lock);
	id = cls->id;
	if (!id && nclasses < MAX_CLASSES) {
		id = nclasses++;
		classes[id] = cls;
		__atomic_store_n(&cls->id, id, __ATOMIC_RELEASE);
	}
	raw_spin_unlock_irqrestore(&graph_lock, f);
	return id;
}

/* Return addresses of the current call chain, only through registered stacks. */
static void capture_trace(u64 *out, u64 first_ip)
{
	/* SAFETY: out has TRACE_DEPTH entries (callers' arrays) and n < TRACE_DEPTH before every
	 * write; the frame address is this function's own frame, walked only inside registered
	 * stacks below. */
	u32 n = 0;
	out[n++] = first_ip;
	u64 rbp = (u64)(uintptr_t)__builtin_frame_address(0);
	while (n < TRACE_DEPTH && rbp && stack_contains(rbp, 16)) {
		/* SAFETY: [rbp, rbp+16) lies inside a registered kernel stack (checked). */
		const u64 *fr = (const u64 *)(uintptr_t)rbp;
		u64 ret = fr[1], next = fr[0];
		if (!ret)
			break;
		out[n++] = ret;
		if (next <= rbp)
			break;
		rbp = next;
	}
	/* SAFETY: n < TRACE_DEPTH, the length of out, bounds the padding writes. */
	while (n < TRACE_DEPTH)
		out[n++] = 0;
}

static void print_trace(const u64 *trace)
{
	/* SAFETY: trace has TRACE_DEPTH entries and i < TRACE_DEPTH is tested first. */
	char desc[160];
	for (u32 i = 0; i < TRACE_DEPTH && trace[i]; i++) {
		sym_describe(desc, sizeof(desc), trace[i]);
		kprintf_raw("      %s\n", desc);
	}
}

/* Whether `to` can reach `from` through recorded edges (BFS over at most MAX_CLASSES). The
 * first edge of the path found is returned in *via. Called with graph_lock held. */
static bool reaches(u32 start, u32 goal, u32 *via)
{
	static u16 queue[MAX_CLASSES];
	static u16 first[MAX_CLASSES];
	static u8 seen[MAX_CLASSES];
	for (u32 i = 0; i < nclasses; i++)
		seen[i] = 0;
	u32 head = 0, tail = 0;
	queue[tail++] = (u16)start;
	seen[start] = 1;
	first[start] = 0;
	while (head < tail) {
		u32 a = queue[head++];
		for (u32 b = 1; b < nclasses; b++) {
			u16 e = edge_at[a][b];
			if (!e || seen[b])
				continue;
			seen[b] = 1;
			first[b] = a == start ? e : first[a];
			if (b == goal) {
				*via = first[b] - 1u;
				return true;
			}
			queue[tail++] = (u16)b;
		}
	}
	return false;
}

static void report_inversion(u32 held, u32 want, u32 via, const u64 *trace)
{
	/* SAFETY: via < nedges: reaches() returns an edge index it read from edge_at (index + 1,
	 * minus 1). */
	struct task *t = task_current();
	const struct edge *e = &edges[via];
	printk(FW_LOG_ERR, "WARNING: lock-order inversion: task %s takes %s while holding %s, but "
			   "%s was taken before %s elsewhere (possible deadlock)",
	       t ? t->name : "?", cls_name(classes[want]), cls_name(classes[held]), cls_name(classes[want]),
	       cls_name(classes[held]));
	kprintf_raw("  this acquisition (%s -> %s):\n", cls_name(classes[held]), cls_name(classes[want]));
	print_trace(trace);
	kprintf_raw("  first seen of the opposite order (%s -> %s, task %s):\n",
		    cls_name(classes[e->from]), cls_name(classes[e->to]), e->task ? e->task : "?");
	print_trace(e->trace);
	kprintf_raw("--- end of lock-order report ---\n");
}

static void add_edge(u32 from, u32 to, u64 ip)
{
	/* SAFETY: from and to are class ids from class_id(), < nclasses <= MAX_CLASSES, the
	 * dimensions of edge_at; a non-zero entry is published with release after the edge it
	 * names is filled in, so the unlocked acquire read sees either 0 or a complete edge. */
	if (__atomic_load_n(&edge_at[from][to], __ATOMIC_ACQUIRE))
		return;
	u64 trace[TRACE_DEPTH];
	capture_trace(trace, ip);
	u64 f = raw_spin_lock_irqsave(&graph_lock);
	if (edge_at[from][to])
		goto out_unlock;
	if (nedges >= MAX_EDGES) {
		if (!full_reported)
			printk(FW_LOG_WARN, "lockdep: edge table full; order checks stop");
		full_reported = true;
		goto out_unlock;
	}
	u32 via;
	/* SAFETY: nedges < MAX_EDGES is checked above (under graph_lock), so edges[nedges] is in
	 * bounds. */
	bool cycle = reaches(to, from, &via);
	struct edge *e = &edges[nedges];
	e->from = (u16)from;
	e->to = (u16)to;
	for (u32 i = 0; i < TRACE_DEPTH; i++)
		e->trace[i] = trace[i];
	struct task *t = task_current();
	e->task = t ? t->name : NULL;
	/* SAFETY: from/to < MAX_CLASSES (class ids); the release store publishes the edge filled
	 * in above. */
	nedges++;
	__atomic_store_n(&edge_at[from][to], (u16)nedges, __ATOMIC_RELEASE);
	if (cycle) {
		inversions++;
		report_inversion(from, to, via, trace);
	}
out_unlock:
	raw_spin_unlock_irqrestore(&graph_lock, f);
}

void lockdep_acquire(const void *lock, struct lock_class *cls, u64 ip, bool trylock)
{
	struct task *t = task_current();
	if (!t)
		return;
	u32 id = lockdep_order_checking() ? class_id(cls) : 0;
	if (!trylock && id) {
		/* SAFETY: i < t->nheld <= TASK_MAX_HELD, the length of held (the push below
		 * refuses beyond it); the class is a live static lock class; a relaxed read of its
		 * published id. */
		for (u32 i = 0; i < t->nheld; i++) {
			u32 h = t->held[i].cls ? __atomic_load_n(&t->held[i].cls->id, __ATOMIC_RELAXED) : 0;
			if (h && h != id)
				add_edge(h, id, ip);
		}
	}
	if (t->nheld >= TASK_MAX_HELD) {
		printk(FW_LOG_WARN, "lockdep: task %s holds more than %u locks; not tracked", t->name,
		       TASK_MAX_HELD);
		return;
	}
	t->held[t->nheld].lock = lock;
	t->held[t->nheld].cls = cls;
	t->held[t->nheld].ip = ip;
	t->nheld++;
}

void lockdep_release(const void *lock)
{
	struct task *t = task_current();
	if (!t)
		return;
	for (u32 i = t->nheld; i-- > 0;) {
		if (t->held[i].lock != lock)
			continue;
		for (u32 j = i; j + 1 < t->nheld; j++)
			t->held[j] = t->held[j + 1];
		t->nheld--;
		return;
	}
	/* acquired beyond the tracking limit, or before tasks existed: nothing to drop */
}

bool lockdep_holds(const void *lock)
{
	struct task *t = task_current();
	if (!t)
		return false;
	for (u32 i = 0; i < t->nheld; i++)
		if (t->held[i].lock == lock)
			return true;
	return false;
}

void lockdep_print_held(struct task *t)
{
	kprintf_raw("  task %s holds %u lock(s)%s\n", t->name, t->nheld, t->nheld ? ":" : "");
	char desc[160];
	for (u32 i = 0; i < t->nheld; i++) {
		sym_describe(desc, sizeof(desc), t->held[i].ip);
		kprintf_raw("    %s, taken at %s\n",
			    cls_name(t->held[i].cls), desc);
	}
}

u64 lockdep_inversions(void)
{
	/* SAFETY: a relaxed atomic read of a static statistics counter. */
	return __atomic_load_n(&inversions, __ATOMIC_RELAXED);
}

uint32_t task_locks_held(void)
{
	struct task *t = task_current();
	return t ? t->nheld : 0;
}
