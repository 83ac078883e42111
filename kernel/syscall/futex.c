/*
 * futex.c — futex(2) and the robust-list calls. The handler decodes the operation and its
 * timeout and hands the work to proc/futex.c. Timeouts: FUTEX_WAIT's is relative (the
 * monotonic clock), FUTEX_WAIT_BITSET's absolute, on the monotonic clock or, with
 * FUTEX_CLOCK_REALTIME, the wall clock. FUTEX_PRIVATE_FLAG keys the word by the memory map even
 * in shared memory (proc/futex.c). The PI operations and FUTEX_FD are -ENOSYS.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <time/clock.h>
#include <uapi/futex.h>
#include <uapi/misc.h>

DEFINE_UCOPY(ufutex_ts, struct uapi_timespec);
DEFINE_UCOPY(urobust_ptr, u64);
DEFINE_UCOPY(urobust_len, u64);

#define NSEC_PER_SEC 1000000000ll

/* deadline_of - the deadline of the wait's timeout at `ts` (0: none): a time of fw_time_ns, or
 * with *wall a date of the wall clock (an absolute FUTEX_CLOCK_REALTIME timeout not yet due,
 * which follows clock changes as Linux's): 0 or -EFAULT, -EINVAL. */
static int deadline_of(u64 ts, bool absolute, bool realtime, u64 *deadline, bool *wall)
{
	*deadline = 0;
	*wall = false;
	if (!ts)
		return 0;
	struct uapi_timespec t;
	if (ufutex_ts_from_user(&t, uaddr(ts)))
		return -EFAULT;
	if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	u64 now = fw_time_ns();
	i64 ns = t.tv_sec > (i64)(0x7fffffffffffffffll / NSEC_PER_SEC) - 1
			 ? 0x7fffffffffffffffll
			 : t.tv_sec * NSEC_PER_SEC + t.tv_nsec;
	i64 rel = ns;
	if (absolute)
		rel = ns - (realtime ? clock_realtime_ns() : (i64)now);
	if (rel <= 0) {
		*deadline = now ? now : 1; /* already due: the wait times out at once */
		return 0;
	}
	if (absolute && realtime) {
		*deadline = (u64)ns; /* > the wall clock's reading, so > 0 */
		*wall = true;
		return 0;
	}
	u64 d = now + (u64)rel;
	*deadline = d < now ? ~0ull : d; /* far future: effectively none */
	return 0;
}

SYSCALL_DEFINE6(futex, uptr, addr, int, op, uint, val, ulong, timeout, uptr, addr2, uint, val3)
{
	int cmd = op & UAPI_FUTEX_CMD_MASK;
	bool priv = (op & UAPI_FUTEX_PRIVATE_FLAG) != 0;
	bool realtime = (op & UAPI_FUTEX_CLOCK_REALTIME) != 0;
	if (realtime && cmd != UAPI_FUTEX_WAIT_BITSET)
		return -ENOSYS; /* Linux: the flag is for the absolute waits only */
	if (addr.v & 3)
		return -EINVAL;
	u64 deadline = 0;
	bool wall = false;
	int e;
	switch (cmd) {
	case UAPI_FUTEX_WAIT:
	case UAPI_FUTEX_WAIT_BITSET:
		if (cmd == UAPI_FUTEX_WAIT)
			val3 = UAPI_FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		e = deadline_of(timeout, cmd == UAPI_FUTEX_WAIT_BITSET, realtime, &deadline, &wall);
		if (e)
			return e;
		return proc_futex_wait(p, addr, val, val3, deadline, wall, priv);
	case UAPI_FUTEX_WAKE:
	case UAPI_FUTEX_WAKE_BITSET:
		if (cmd == UAPI_FUTEX_WAKE)
			val3 = UAPI_FUTEX_BITSET_MATCH_ANY;
		if (!val3)
			return -EINVAL;
		return proc_futex_wake(p, addr, val3, (i64)(int)val, priv);
	case UAPI_FUTEX_REQUEUE:
	case UAPI_FUTEX_CMP_REQUEUE: {
		/* the timeout argument carries nr_requeue (val2) */
		i64 nwake = (i64)(int)val, nreq = (i64)(int)(u32)timeout;
		if (nwake < 0 || nreq < 0)
			return -EINVAL;
		if (addr2.v & 3)
			return -EINVAL;
		return proc_futex_requeue(p, addr, addr2, nwake, nreq,
					  cmd == UAPI_FUTEX_CMP_REQUEUE, val3, priv);
	}
	case UAPI_FUTEX_WAKE_OP:
		if (addr2.v & 3)
			return -EINVAL;
		return proc_futex_wake_op(p, addr, addr2, (i64)(int)val, (i64)(int)(u32)timeout,
					  val3, priv);
	default:
		return -ENOSYS; /* FUTEX_FD (gone from Linux), the PI operations */
	}
}

SYSCALL_DEFINE2(set_robust_list, ulong, head, size, len)
{
	if (len != sizeof(struct uapi_robust_list_head))
		return -EINVAL;
	spin_lock(&p->sig_lock);
	p->robust_list = head;
	spin_unlock(&p->sig_lock);
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, tid, uptr, head_ptr, uptr, len_ptr)
{
	spin_lock(&p->sig_lock);
	u64 head = p->robust_list;
	spin_unlock(&p->sig_lock);
	if (tid) {
		struct thread *q = proc_by_pid(tid);
		if (!q)
			return -ESRCH;
		/* Linux: the caller must be allowed to ptrace the target (same uid, or root) */
		bool ok = p->fs.cred.euid == 0 || p->fs.cred.euid == q->fs.cred.uid;
		spin_lock(&q->sig_lock);
		head = q->robust_list;
		spin_unlock(&q->sig_lock);
		proc_put(q);
		if (!ok)
			return -EPERM;
	}
	u64 len = sizeof(struct uapi_robust_list_head);
	if (urobust_ptr_to_user(&head, head_ptr) || urobust_len_to_user(&len, len_ptr))
		return -EFAULT;
	return 0;
}
