/*
 * futex.c — fast user-space mutexes (futex(2)): a thread sleeps until another wakes the same
 * word. Waiters are keyed by vm_map_futex_key: (memory map, user address) for a private
 * futex or a word in private memory (the threads of a group share their map), (object, byte
 * offset) for a word in a shared mapping without FUTEX_PRIVATE_FLAG, so processes sharing
 * memory (MAP_SHARED, across fork or by mapping one file) meet on it.
 *
 * Lock: futex_lock, a mutex (reading the futex word may fault and sleep), guards the waiter
 * list and every waiter's key. A waiter reads the word and queues itself under the lock, so a
 * waker that changed the word and then calls FUTEX_WAKE (which takes the lock) finds it: no
 * lost wake-up. The waker dequeues the waiter, sets its atomic woken flag and wakes its
 * futex_wq, all under the lock; the waiter takes the lock again before it returns (to dequeue
 * itself when it was not woken), so no waker touches a waiter that has gone.
 */
#include <fw/sync.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/wait.h>

struct mutex futex_lock = MUTEX_INIT(futex_lock);
DEFINE_LIST(futex_list, struct thread, futex_link, mutex);
static struct futex_list futex_waiters GUARDED_BY(&futex_lock);
static bool futex_list_ready GUARDED_BY(&futex_lock);

DEFINE_UCOPY(ufutex_word, u32);

static void futex_lock_all(void) ACQUIRE(&futex_lock)
{
	mutex_lock(&futex_lock);
	if (!futex_list_ready) {
		futex_list_ready = true;
		futex_list_init(&futex_waiters, &futex_lock);
	}
}

static bool key_eq(const struct vm_futex_key *a, const struct vm_futex_key *b)
{
	return a->map == b->map && a->obj == b->obj && a->off == b->off;
}

int proc_futex_wait(struct thread *p, struct uaddr uaddr, u32 val, u32 bitset, u64 deadline_ns,
		    bool wall, bool priv)
{
	struct vm_futex_key key = vm_map_futex_key(p->mm, uaddr.v, priv);
	futex_lock_all();
	u32 cur = 0;
	int e = ufutex_word_from_user(&cur, uaddr) ? -EFAULT : cur != val ? -EAGAIN : 0;
	if (e) {
		mutex_unlock(&futex_lock);
		return e;
	}
	p->futex_key = key;
	p->futex_bitset = bitset;
	atomic_flag_store(&p->futex_woken, false);
	futex_list_push_back(&futex_waiters, p);
	mutex_unlock(&futex_lock);
	e = PROC_WAIT_AT(p, &p->futex_wq, atomic_flag_load(&p->futex_woken), deadline_ns, wall);
	futex_lock_all();
	bool woken = atomic_flag_load(&p->futex_woken);
	if (!woken)
		futex_list_remove(&futex_waiters, p);
	mutex_unlock(&futex_lock);
	if (woken)
		return 0; /* a wake-up that came with a signal or the deadline still counts */
	if (e == -ETIMEDOUT)
		return -ETIMEDOUT;
	/* Linux restarts an untimed wait after a handler-less signal (ERESTARTSYS) and ends a
	 * timed one with EINTR (its restart_block is not kept here). */
	return deadline_ns ? -EINTR : -ERESTARTSYS;
}

/* wake_locked - wake up to n waiters of `key` matching bitset (n <= 0 wakes one, as Linux's
 * loop does). */
static int wake_locked(const struct vm_futex_key *key, u32 bitset, i64 n) REQUIRES(&futex_lock)
{
	int woken = 0;
	LIST_FOR_EACH_SAFE(futex_list, &futex_waiters, w) {
		if (!key_eq(&w->futex_key, key) || !(w->futex_bitset & bitset))
			continue;
		futex_list_remove(&futex_waiters, w);
		atomic_flag_store(&w->futex_woken, true);
		(void)waitq_wake_all(&w->futex_wq);
		if (++woken >= n)
			break;
	}
	return woken;
}

int proc_futex_wake(struct thread *p, struct uaddr uaddr, u32 bitset, i64 n, bool priv)
{
	struct vm_futex_key key = vm_map_futex_key(p->mm, uaddr.v, priv);
	futex_lock_all();
	int woken = wake_locked(&key, bitset, n);
	mutex_unlock(&futex_lock);
	return woken;
}

int proc_futex_requeue(struct thread *p, struct uaddr uaddr, struct uaddr uaddr2, i64 nwake,
		       i64 nrequeue, bool cmp, u32 cmpval, bool priv)
{
	struct vm_futex_key key = vm_map_futex_key(p->mm, uaddr.v, priv);
	struct vm_futex_key key2 = vm_map_futex_key(p->mm, uaddr2.v, priv);
	futex_lock_all();
	if (cmp) {
		u32 cur = 0;
		int e = ufutex_word_from_user(&cur, uaddr) ? -EFAULT : cur != cmpval ? -EAGAIN : 0;
		if (e) {
			mutex_unlock(&futex_lock);
			return e;
		}
	}
	int woken = 0, moved = 0;
	LIST_FOR_EACH_SAFE(futex_list, &futex_waiters, w) {
		if (!key_eq(&w->futex_key, &key))
			continue;
		if (woken < nwake) {
			futex_list_remove(&futex_waiters, w);
			atomic_flag_store(&w->futex_woken, true);
			(void)waitq_wake_all(&w->futex_wq);
			woken++;
		} else if (moved < nrequeue) {
			w->futex_key = key2; /* it sleeps on, now as a waiter of uaddr2 */
			moved++;
		} else {
			break;
		}
	}
	mutex_unlock(&futex_lock);
	return woken + moved;
}

/* FUTEX_WAKE_OP's encoding (linux/futex.h): op (4 bits, bit 3 = "1 << oparg"), cmp (4 bits),
 * oparg (12 bits), cmparg (12 bits), both sign-extended. */
enum { FUTEX_OP_SET, FUTEX_OP_ADD, FUTEX_OP_OR, FUTEX_OP_ANDN, FUTEX_OP_XOR };
#define FUTEX_OP_OPARG_SHIFT 8u
enum { FUTEX_OP_CMP_EQ, FUTEX_OP_CMP_NE, FUTEX_OP_CMP_LT, FUTEX_OP_CMP_LE, FUTEX_OP_CMP_GT,
       FUTEX_OP_CMP_GE };

static i32 sign_extend12(u32 v)
{
	return (v & 0x800u) ? (i32)(v | 0xfffff000u) : (i32)v;
}

int proc_futex_wake_op(struct thread *p, struct uaddr uaddr, struct uaddr uaddr2, i64 nwake,
		       i64 nwake2, u32 op, bool priv)
{
	u32 kind = (op >> 28) & 0xf, cmp = (op >> 24) & 0xf;
	i32 oparg = sign_extend12((op >> 12) & 0xfff), cmparg = sign_extend12(op & 0xfff);
	if (kind & FUTEX_OP_OPARG_SHIFT) {
		kind &= ~FUTEX_OP_OPARG_SHIFT;
		if (oparg < 0 || oparg > 31)
			oparg &= 31; /* Linux warns and masks */
		oparg = (i32)(1u << oparg);
	}
	if (kind > FUTEX_OP_XOR || cmp > FUTEX_OP_CMP_GE)
		return -ENOSYS;
	struct vm_futex_key key = vm_map_futex_key(p->mm, uaddr.v, priv);
	struct vm_futex_key key2 = vm_map_futex_key(p->mm, uaddr2.v, priv);
	futex_lock_all();
	u32 old = 0, cur = 0;
	int e = ufutex_word_from_user(&old, uaddr2) ? -EFAULT : 0;
	for (int tries = 0; !e; tries++) {
		u32 v = (u32)oparg;
		switch (kind) {
		case FUTEX_OP_ADD: v = old + (u32)oparg; break;
		case FUTEX_OP_OR: v = old | (u32)oparg; break;
		case FUTEX_OP_ANDN: v = old & ~(u32)oparg; break;
		case FUTEX_OP_XOR: v = old ^ (u32)oparg; break;
		default: break;
		}
		e = user_cmpxchg_u32(uaddr2, old, v, &cur);
		if (e || cur == old)
			break;
		old = cur; /* another thread changed it: again with its value */
		if (tries > 1000) {
			e = -EAGAIN;
			break;
		}
	}
	if (e) {
		mutex_unlock(&futex_lock);
		return e == -EINVAL ? -EINVAL : -EFAULT;
	}
	int woken = wake_locked(&key, ~0u, nwake);
	i32 o = (i32)old;
	bool hit = false;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: hit = o == cmparg; break;
	case FUTEX_OP_CMP_NE: hit = o != cmparg; break;
	case FUTEX_OP_CMP_LT: hit = o < cmparg; break;
	case FUTEX_OP_CMP_LE: hit = o <= cmparg; break;
	case FUTEX_OP_CMP_GT: hit = o > cmparg; break;
	default: hit = o >= cmparg; break;
	}
	if (hit)
		woken += wake_locked(&key2, ~0u, nwake2);
	mutex_unlock(&futex_lock);
	return woken;
}
