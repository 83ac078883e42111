/*
 * sigqueue.c — the signal state behind proc/signal.h: the shared handler table (one per
 * thread group, CLONE_SIGHAND), a thread's pending signals (standard ones coalesce, real-time
 * ones queue with a siginfo per instance, counted per real uid against RLIMIT_SIGPENDING),
 * and siginfo_t's layouts (Linux's siginfo_layout) in both directions.
 *
 * The per-uid counts live in a small table (SIGQ_USERS slots, a slot freed when its count
 * returns to zero); a uid that finds no slot cannot queue past the kernel's own sends, which
 * is the limit's purpose: a bound on the memory one user can pin in other processes.
 */
#include <fw/heap.h>
#include <fw/typecache.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/rlimit.h>

#define SIGQ_USERS 64u

DEFINE_TYPE_CACHE(sighand_cache, struct proc_sighand);
DEFINE_TYPE_CACHE(sigqueued_cache, struct proc_sigqueued);
DEFINE_UCOPY(usiginfo_out, struct uapi_siginfo);

struct sigq_user {
	u32 uid;
	u32 count; /* 0: the slot is free */
};
static struct spinlock sigq_lock = SPINLOCK_INIT(sigq_lock);
static struct sigq_user sigq_users[SIGQ_USERS] GUARDED_BY(&sigq_lock);

static u64 sigbit(u32 sig)
{
	return 1ull << (sig - 1);
}

/* ---- the handler table ------------------------------------------------------------------- */

static struct proc_sighand *sighand_alloc(void)
{
	struct proc_sighand *h = KNEW(sighand_cache);
	if (!h)
		return NULL;
	refcount_init(&h->refs, 1);
	spin_lock_init(&h->lock);
	waitq_init(&h->signalfd_wq);
	return h;
}

struct proc_sighand *proc_sighand_new(void)
{
	return sighand_alloc(); /* zeroed: every disposition SIG_DFL */
}

void proc_sighand_put(struct proc_sighand *h)
{
	if (h && refcount_put(&h->refs))
		KFREE(sighand_cache, h);
}

struct proc_sigaction proc_sigaction_get(struct thread *p, u32 sig)
{
	struct proc_sighand *h = p->sighand;
	spin_lock(&h->lock);
	struct proc_sigaction a = h->act[sig - 1];
	spin_unlock(&h->lock);
	return a;
}

/* ignores - whether a disposition discards sig (SIG_IGN, or SIG_DFL of SIGCHLD, SIGCONT,
 * SIGURG, SIGWINCH). */
static bool ignores(const struct proc_sigaction *a, u32 sig)
{
	return a->handler == UAPI_SIG_IGN ||
	       (a->handler == UAPI_SIG_DFL && (sig == UAPI_SIGCHLD || sig == UAPI_SIGCONT ||
					      sig == UAPI_SIGURG || sig == UAPI_SIGWINCH));
}

void proc_sigaction_set(struct thread *p, u32 sig, struct proc_sigaction act,
			struct proc_sigaction *old)
{
	struct proc_sighand *h = p->sighand;
	spin_lock(&h->lock);
	if (old)
		*old = h->act[sig - 1];
	h->act[sig - 1] = act;
	spin_unlock(&h->lock);
	if (!ignores(&act, sig))
		return;
	/* POSIX: setting a disposition that ignores a pending signal discards it, in every
	 * thread (a sender that saw the old disposition queued before this). */
	struct thread *g = p->leader;
	for (struct thread *t = proc_group_next(g, 0); t; ) {
		spin_lock(&t->sig_lock);
		proc_sigdiscard_locked(t, sig);
		spin_unlock(&t->sig_lock);
		struct thread *next = proc_group_next(g, t->pid);
		proc_put(t);
		t = next;
	}
	if (p != g && proc_has_exited(g)) {
		/* proc_group_next skips a leader whose own thread has ended; it may still hold
		 * a signal nobody will take, which must not survive the new disposition */
		spin_lock(&g->sig_lock);
		proc_sigdiscard_locked(g, sig);
		spin_unlock(&g->sig_lock);
	}
}

void proc_sighand_exec(struct thread *p)
{
	struct proc_sighand *h = p->sighand;
	spin_lock(&h->lock);
	for (u32 s = 0; s < PROC_NSIG; s++) {
		u64 keep = h->act[s].handler == UAPI_SIG_IGN ? UAPI_SIG_IGN : UAPI_SIG_DFL;
		h->act[s] = (struct proc_sigaction){ .handler = keep };
	}
	spin_unlock(&h->lock);
}

#define INHERIT_CHUNK 16u

void proc_sighand_inherit(struct thread *dst, struct thread *src)
{
	/* a chunk at a time through the stack: the two tables' locks are never held together */
	struct proc_sigaction chunk[INHERIT_CHUNK];
	struct proc_sighand *from = src->sighand, *to = dst->sighand;
	for (u32 base = 0; base < PROC_NSIG; base += INHERIT_CHUNK) {
		spin_lock(&from->lock);
		for (u32 i = 0; i < INHERIT_CHUNK; i++)
			chunk[i] = from->act[base + i];
		spin_unlock(&from->lock);
		spin_lock(&to->lock);
		for (u32 i = 0; i < INHERIT_CHUNK; i++)
			to->act[base + i] = chunk[i];
		spin_unlock(&to->lock);
	}
}

/* ---- pending signals ---------------------------------------------------------------------- */

/* attn - p->sig_attn's `bit` becomes `on` (only under the lock: no lost update). */
static void attn(struct thread *p, u32 bit, bool on) REQUIRES(p->sig_lock)
{
	u32 v = atomic_u32_load_relaxed(&p->sig_attn);
	u32 n = on ? v | bit : v & ~bit;
	if (n != v)
		atomic_u32_store(&p->sig_attn, n);
}

/* set_pending - the pending set becomes v (p->sig_attn follows). */
static void set_pending(struct thread *p, u64 v) REQUIRES(p->sig_lock)
{
	p->pending.set = v;
	attn(p, PROC_SIG_ATTN_PENDING, v != 0);
}

void proc_sigsuspended_set_locked(struct thread *p, bool on)
{
	p->sigsuspended = on;
	attn(p, PROC_SIG_ATTN_SUSPENDED, on);
}

void proc_sigpending_init(struct thread *p)
{
	spin_lock(&p->sig_lock);
	proc_sigq_list_init(&p->pending.rt, &p->sig_lock);
	spin_unlock(&p->sig_lock);
}

u32 proc_sigpending_limit(struct thread *p)
{
	u64 lim = proc_rlimit_cur(p, UAPI_RLIMIT_SIGPENDING);
	return lim > 0xffffffffull ? 0xffffffffu : (u32)lim;
}

/* charge - count one queued instance for uid: false when uid is at `limit` or no slot is
 * free. */
static bool charge(u32 uid, u32 limit)
{
	bool ok = false;
	spin_lock(&sigq_lock);
	u32 slot = SIGQ_USERS;
	for (u32 i = 0; i < SIGQ_USERS; i++) {
		if (sigq_users[i].count && sigq_users[i].uid == uid) {
			slot = i;
			break;
		}
		if (!sigq_users[i].count && slot == SIGQ_USERS)
			slot = i;
	}
	if (slot < SIGQ_USERS && sigq_users[slot].count < limit) {
		if (!sigq_users[slot].count)
			sigq_users[slot].uid = uid;
		sigq_users[slot].count++;
		ok = true;
	}
	spin_unlock(&sigq_lock);
	return ok;
}

u32 proc_sigqueued_count(u32 uid)
{
	u32 n = 0;
	spin_lock(&sigq_lock);
	for (u32 i = 0; i < SIGQ_USERS; i++)
		if (sigq_users[i].count && sigq_users[i].uid == uid)
			n = sigq_users[i].count;
	spin_unlock(&sigq_lock);
	return n;
}

static void uncharge(u32 uid)
{
	spin_lock(&sigq_lock);
	for (u32 i = 0; i < SIGQ_USERS; i++) {
		if (sigq_users[i].count && sigq_users[i].uid == uid) {
			sigq_users[i].count--;
			break;
		}
	}
	spin_unlock(&sigq_lock);
}

static void free_queued(struct proc_sigqueued *q)
{
	uncharge(q->uid);
	KFREE(sigqueued_cache, q);
}

int proc_sigqueue_locked(struct thread *p, u32 sig, const struct proc_siginfo *info)
{
	if (sig < UAPI_SIGRTMIN) {
		if (!(p->pending.set & sigbit(sig))) {
			p->pending.std[sig - 1] = *info;
			set_pending(p, p->pending.set | sigbit(sig));
		}
		return 0;
	}
	/* Linux's __send_signal_locked: an instance over the limit (or without memory) is
	 * refused to a sigqueue-style send (EAGAIN); a kill-style one (SI_USER) sets the bit
	 * only: it merges with the instances pending, or is taken without its siginfo. */
	struct proc_sigqueued *q = KNEW(sigqueued_cache);
	u32 uid = p->fs.cred.uid;
	if (!q || !charge(uid, proc_sigpending_limit(p))) {
		KFREE(sigqueued_cache, q);
		if (info->code != UAPI_SI_USER)
			return -EAGAIN;
		set_pending(p, p->pending.set | sigbit(sig));
		return 0;
	}
	q->sig = sig;
	q->uid = uid;
	q->info = *info;
	proc_sigq_list_push_back(&p->pending.rt, q);
	set_pending(p, p->pending.set | sigbit(sig));
	return 0;
}

/* overrun_add - an si_overrun that `n` more expirations missed (at most INT_MAX). */
static i32 overrun_add(i32 o, u32 n)
{
	u64 v = (u64)(u32)(o < 0 ? 0 : o) + n;
	return v > 0x7fffffffu ? 0x7fffffff : (i32)v;
}

bool proc_sigqueue_timer_merge_locked(struct thread *p, u32 sig, i32 timer_id, u32 expirations)
{
	if (sig < 1 || sig > PROC_NSIG || !(p->pending.set & sigbit(sig)))
		return false;
	if (sig < UAPI_SIGRTMIN) {
		struct proc_siginfo si = p->pending.std[sig - 1];
		if (si.code != UAPI_SI_TIMER || si.timer_id != timer_id)
			return false;
		si.overrun = overrun_add(si.overrun, expirations);
		p->pending.std[sig - 1] = si;
		return true;
	}
	LIST_FOR_EACH(proc_sigq_list, &p->pending.rt, q) {
		if (q->sig == sig && q->info.code == UAPI_SI_TIMER && q->info.timer_id == timer_id) {
			q->info.overrun = overrun_add(q->info.overrun, expirations);
			return true;
		}
	}
	return false;
}

u32 proc_sigdequeue_locked(struct thread *p, u64 set, struct proc_siginfo *info)
{
	u64 ready = p->pending.set & set;
	if (!ready)
		return 0;
	u32 sig = (ready & sigbit(UAPI_SIGKILL)) ? UAPI_SIGKILL : (u32)__builtin_ctzll(ready) + 1;
	if (sig < UAPI_SIGRTMIN) {
		*info = p->pending.std[sig - 1];
		set_pending(p, p->pending.set & ~sigbit(sig));
		return sig;
	}
	struct proc_sigqueued *found = NULL;
	bool more = false;
	LIST_FOR_EACH(proc_sigq_list, &p->pending.rt, q) {
		if (q->sig != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (found) {
		proc_sigq_list_remove(&p->pending.rt, found);
		*info = found->info;
		free_queued(found);
	} else {
		/* set without an instance (memory was short): its siginfo was lost */
		*info = (struct proc_siginfo){ .code = UAPI_SI_USER };
	}
	if (!more)
		set_pending(p, p->pending.set & ~sigbit(sig));
	return sig;
}

void proc_sigdiscard_locked(struct thread *p, u32 sig)
{
	if (!(p->pending.set & sigbit(sig)))
		return;
	set_pending(p, p->pending.set & ~sigbit(sig));
	if (sig < UAPI_SIGRTMIN)
		return;
	for (;;) {
		struct proc_sigqueued *found = NULL;
		LIST_FOR_EACH(proc_sigq_list, &p->pending.rt, q)
			if (q->sig == sig && !found)
				found = q;
		if (!found)
			return;
		proc_sigq_list_remove(&p->pending.rt, found);
		free_queued(found);
	}
}

void proc_sigpending_flush(struct thread *p)
{
	spin_lock(&p->sig_lock);
	set_pending(p, 0);
	for (struct proc_sigqueued *q = proc_sigq_list_pop_front(&p->pending.rt); q;
	     q = proc_sigq_list_pop_front(&p->pending.rt))
		free_queued(q);
	spin_unlock(&p->sig_lock);
}

u32 proc_signal_dequeue(struct thread *p, u64 set, struct proc_siginfo *info)
{
	spin_lock(&p->sig_lock);
	u32 sig = proc_sigdequeue_locked(p, set, info);
	spin_unlock(&p->sig_lock);
	return sig;
}

/* ---- siginfo_t ---------------------------------------------------------------------------- */

enum proc_siginfo_layout proc_siginfo_layout(u32 sig, i32 code)
{
	if (code > UAPI_SI_USER && code < UAPI_SI_KERNEL) {
		switch (sig) {
		case UAPI_SIGILL:
			return code <= UAPI_NSIGILL ? PROC_SIL_FAULT : PROC_SIL_KILL;
		case UAPI_SIGFPE:
			return code <= UAPI_NSIGFPE ? PROC_SIL_FAULT : PROC_SIL_KILL;
		case UAPI_SIGSEGV:
			return code <= UAPI_NSIGSEGV ? PROC_SIL_FAULT : PROC_SIL_KILL;
		case UAPI_SIGBUS:
			return code <= UAPI_NSIGBUS ? PROC_SIL_FAULT : PROC_SIL_KILL;
		case UAPI_SIGTRAP:
			return code <= UAPI_NSIGTRAP ? PROC_SIL_FAULT : PROC_SIL_KILL;
		case UAPI_SIGCHLD:
			return code <= UAPI_NSIGCHLD ? PROC_SIL_CHLD : PROC_SIL_KILL;
		case UAPI_SIGSYS:
			return code <= UAPI_NSIGSYS ? PROC_SIL_SYS : PROC_SIL_KILL;
		default:
			return code <= UAPI_NSIGPOLL ? PROC_SIL_POLL : PROC_SIL_KILL;
		}
	}
	if (code == UAPI_SI_TIMER)
		return PROC_SIL_TIMER;
	if (code == UAPI_SI_SIGIO)
		return PROC_SIL_POLL;
	return code < 0 ? PROC_SIL_RT : PROC_SIL_KILL;
}

static u64 two_i32(i32 lo, i32 hi)
{
	return (u64)(u32)lo | ((u64)(u32)hi << 32);
}

struct uapi_siginfo proc_siginfo_to_uapi(u32 sig, const struct proc_siginfo *si)
{
	struct uapi_siginfo u = { .si_signo = (i32)sig, .si_errno = si->errnum,
				  .si_code = si->code };
	u64 ids = (u64)si->pid | ((u64)si->uid << 32);
	switch (proc_siginfo_layout(sig, si->code)) {
	case PROC_SIL_KILL:
		u.si_fields[0] = ids;
		break;
	case PROC_SIL_RT:
		u.si_fields[0] = ids;
		u.si_fields[1] = si->value;
		break;
	case PROC_SIL_CHLD:
		u.si_fields[0] = ids;
		u.si_fields[1] = (u32)si->status; /* si_utime, si_stime: 0 */
		break;
	case PROC_SIL_TIMER:
		u.si_fields[0] = two_i32(si->timer_id, si->overrun);
		u.si_fields[1] = si->value;
		break;
	case PROC_SIL_POLL:
		u.si_fields[0] = (u64)si->band;
		u.si_fields[1] = (u32)si->fd;
		break;
	case PROC_SIL_FAULT:
		u.si_fields[0] = si->addr;
		break;
	case PROC_SIL_SYS:
		u.si_fields[0] = si->addr;
		u.si_fields[1] = two_i32(si->timer_id, si->overrun);
		break;
	}
	return u;
}

struct proc_siginfo proc_siginfo_from_uapi(u32 sig, const struct uapi_siginfo *u)
{
	struct proc_siginfo si = { .code = u->si_code, .errnum = u->si_errno };
	u64 f0 = u->si_fields[0], f1 = u->si_fields[1];
	switch (proc_siginfo_layout(sig, u->si_code)) {
	case PROC_SIL_KILL:
	case PROC_SIL_RT:
	case PROC_SIL_CHLD:
		si.pid = (u32)f0;
		si.uid = (u32)(f0 >> 32);
		si.value = f1;
		si.status = (i32)(u32)f1;
		break;
	case PROC_SIL_TIMER:
		si.timer_id = (i32)(u32)f0;
		si.overrun = (i32)(u32)(f0 >> 32);
		si.value = f1;
		break;
	case PROC_SIL_POLL:
		si.band = (i64)f0;
		si.fd = (i32)(u32)f1;
		break;
	case PROC_SIL_FAULT:
		si.addr = f0;
		break;
	case PROC_SIL_SYS:
		si.addr = f0;
		si.timer_id = (i32)(u32)f1;
		si.overrun = (i32)(u32)(f1 >> 32);
		break;
	}
	return si;
}

int proc_siginfo_to_user(u32 sig, const struct proc_siginfo *si, struct uaddr to)
{
	struct uapi_siginfo u = proc_siginfo_to_uapi(sig, si);
	return usiginfo_out_to_user(&u, to) ? -EFAULT : 0;
}
