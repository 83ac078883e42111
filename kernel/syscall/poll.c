/*
 * syscall/poll.c — poll, ppoll, select and pselect6 over the one readiness interface
 * (vfs_poll, docs/poll.md). A poller asks every file with a poll table that registers it on
 * the file's wait queues (an entry per distinct queue that wakes p->poll_wq and bumps
 * p->poll_seq), then sleeps until one of them changes, the timeout passes or a signal comes.
 * Wake-ups are targeted: only the queues of the polled files lead to the poller.
 */
#include <fw/heap.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/misc.h>

#define UNBLOCKABLE ((1ull << (9 - 1)) | (1ull << (19 - 1))) /* SIGKILL, SIGSTOP */

DEFINE_UCOPY(upollfd, struct uapi_pollfd);
struct poll_req;
DEFINE_UCOPY(upoll_timespec, struct uapi_timespec);
DEFINE_UCOPY(upoll_sigset, u64);
DEFINE_UCOPY(ufdword, u64);

/* struct timeval (select) */
struct upoll_timeval {
	i64 sec, usec;
};
DEFINE_UCOPY(upoll_timeval, struct upoll_timeval);

/* pselect6's sixth argument: the signal mask and its size */
struct upselect_sig {
	u64 ss, ss_len;
};
DEFINE_UCOPY(upselect_sig, struct upselect_sig);

/* A poll registration: a wake-up of a polled file's queue wakes the poller's own queue. It
 * holds a reference to the file whose poll queued it (as Linux's __pollwait), which keeps the
 * queue alive: the scans' own lookups are dropped after each scan (do_wait). */
struct poll_entry {
	struct wait_entry we;
	struct thread *p;
	struct waitq *wq;  /* the file's queue it is on */
	struct file *file; /* a reference, or NULL */
};
DEFINE_SUBTYPE(poll_entry_sub, struct poll_entry, we, struct wait_entry, tag);

static void poll_entry_fire(struct wait_entry *we)
{
	struct poll_entry *e = poll_entry_sub_from(we);
	spin_lock(&e->p->sig_lock);
	e->p->poll_seq++;
	spin_unlock(&e->p->sig_lock);
	(void)waitq_wake_all(&e->p->poll_wq);
}

/* poll_queue - the poll table's queue callback (poll_wait): one entry per distinct queue. */
static void poll_queue(struct poll_table *pt, struct waitq *wq)
{
	for (u32 i = 0; i < pt->n; i++)
		if (pt->e[i]->wq == wq)
			return;
	struct poll_entry *e = pt->n < VFS_POLL_ENTRIES ? poll_entry_sub_new() : NULL;
	if (!e) {
		pt->overflow = true;
		return;
	}
	e->p = pt->p;
	e->wq = wq;
	e->file = pt->file;
	if (e->file)
		vfs_file_get(e->file);
	waitq_add_entry(wq, &e->we, poll_entry_fire);
	pt->e[pt->n++] = e;
}

static void poll_table_free(struct poll_table *pt)
{
	for (u32 i = 0; i < pt->n; i++) {
		struct file *f = pt->e[i]->file;
		waitq_remove_entry(pt->e[i]->wq, &pt->e[i]->we);
		poll_entry_sub_delete(pt->e[i]);
		if (f)
			vfs_close(f);
	}
	pt->n = 0;
}

static u64 poll_seq(struct thread *p)
{
	spin_lock(&p->sig_lock);
	u64 seq = p->poll_seq;
	spin_unlock(&p->sig_lock);
	return seq;
}

/* One poll or select request: what to ask and (select) where the answers go. */
struct poll_req {
	bool select;
	u64 ufds, n;                   /* poll: the pollfd array; select: nfds */
	struct proc_select_sets *s;    /* select: p->select */
};

/* poll_scan_fds - fill in the revents of the pollfds: how many are ready, or -EFAULT. */
static i64 poll_scan_fds(struct thread *p, struct poll_req *r, struct poll_table *pt)
{
	i64 ready = 0;
	for (u64 i = 0; i < r->n; i++) {
		struct uapi_pollfd pfd;
		struct uaddr at = uaddr(r->ufds + i * sizeof pfd);
		if (upollfd_from_user(&pfd, at))
			return -EFAULT;
		pfd.revents = 0;
		if (pfd.fd >= 0) {
			struct file *f = proc_fd_get(p, pfd.fd);
			if (pt)
				pt->file = f;
			if (!f)
				pfd.revents = UAPI_POLLNVAL;
			else /* HUP and ERR whatever was asked */
				pfd.revents = (i16)(vfs_poll(f, pt) &
					((u32)(u16)pfd.events | VFS_POLLHUP | VFS_POLLERR));
		}
		if (pfd.revents)
			ready++;
		if (upollfd_to_user(&pfd, at))
			return -EFAULT;
	}
	return ready;
}

#define POLLIN_SET (VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLHUP | VFS_POLLERR)
#define POLLOUT_SET (VFS_POLLOUT | VFS_POLLWRNORM | VFS_POLLERR)
#define POLLEX_SET VFS_POLLPRI

/* The ready bits of one word, by set. */
struct select_bits {
	u64 in, out, ex;
};

static inline void select_mark(struct select_bits *r, u32 ev, u64 bit)
{
	if (ev & POLLIN_SET)
		r->in |= bit;
	if (ev & POLLOUT_SET)
		r->out |= bit;
	if (ev & POLLEX_SET)
		r->ex |= bit;
}

/* select_scan - the ready bits of the asked sets (as Linux: a set bit of a closed fd is
 * -EBADF): how many bits are set. The files of each word's asked bits are looked up under one
 * acquisition of the descriptor table's lock (proc_fd_get_set). Two loops: the look without a
 * poll table (every zero-timeout select) does not pay for naming the file to the table. */
static i64 select_scan(struct thread *p, struct poll_req *r, struct poll_table *pt)
{
	i64 ready = 0;
	for (u64 w = 0; w * 64 < r->n; w++) {
		struct proc_select_sets *s = r->s;
		u64 in = s->in[w], out = s->out[w], ex = s->ex[w]; /* no bit at or above n */
		u64 any = in | out | ex;
		struct select_bits got = { 0, 0, 0 };
		if (any && proc_fd_get_set(p, w * 64, any, &s->files) != any)
			return -EBADF;
		if (!pt) {
			for (u64 m = any; m; m &= m - 1) {
				u32 b = (u32)__builtin_ctzll(m) & 63;
				select_mark(&got, vfs_poll(s->files.f[b], NULL), 1ull << b);
			}
		} else {
			for (u64 m = any; m; m &= m - 1) {
				u32 b = (u32)__builtin_ctzll(m) & 63;
				pt->file = s->files.f[b]; /* its registrations hold it (poll_queue) */
				select_mark(&got, vfs_poll(s->files.f[b], pt), 1ull << b);
			}
		}
		s->rin[w] = got.in & in;
		s->rout[w] = got.out & out;
		s->rex[w] = got.ex & ex;
		ready += __builtin_popcountll(s->rin[w]) + __builtin_popcountll(s->rout[w]) +
			 __builtin_popcountll(s->rex[w]);
	}
	return ready;
}

/* req_scan - one scan. The references its lookups took (a shared descriptor table's) are
 * dropped at its end: a blocking wait scans again at every wake-up (every 4 ms past
 * VFS_POLL_ENTRIES queues), and kept to the end of the call they filled p's list (4 * 1024)
 * and the call failed with EBADF (ABI case poll.select_rescans_keep_their_file_references);
 * the registrations hold their own (poll_queue). */
static i64 req_scan(struct thread *p, struct poll_req *r, struct poll_table *pt)
{
	i64 ready = r->select ? select_scan(p, r, pt) : poll_scan_fds(p, r, pt);
	if (pt)
		pt->file = NULL;
	proc_fd_end_call(p);
	return ready;
}

/* do_wait - scan, then (unless something is ready or the deadline is `now`) watch the
 * files' queues and sleep on p->poll_wq until one is ready, the deadline (absolute ns; 0:
 * none) passes (0 ready) or a signal comes (-ERESTARTNOHAND: -EINTR when a handler runs). */
static i64 do_wait(struct thread *p, struct poll_req *r, bool nowait, u64 deadline)
{
	i64 ready = req_scan(p, r, NULL);
	if (ready || nowait)
		return ready;
	struct poll_table pt = { .queue = poll_queue, .p = p };
	for (;;) {
		u64 seq = poll_seq(p);
		pt.overflow = false;
		ready = req_scan(p, r, &pt); /* watch first, then look: no lost wake-up */
		if (ready)
			break;
		u64 until = deadline;
		if (pt.overflow) {
			u64 tick = fw_time_ns() + 4 * FW_NSEC_PER_MSEC;
			until = deadline && deadline < tick ? deadline : tick;
		}
		int e = PROC_WAIT(p, &p->poll_wq, poll_seq(p) != seq, until);
		if (e == -ERESTARTSYS) {
			ready = -ERESTARTNOHAND;
			break;
		}
		if (e == -ETIMEDOUT && deadline && fw_time_ns() >= deadline) {
			ready = req_scan(p, r, NULL);
			break;
		}
	}
	poll_table_free(&pt);
	return ready;
}

/* A temporary signal mask (ppoll, pselect6, epoll_pwait): installed as rt_sigsuspend does, so
 * a handler run for the interrupting signal returns to the old mask; put back at once otherwise. */
void poll_mask_install(struct thread *p, u64 set)
{
	spin_lock(&p->sig_lock);
	if (!p->sigsuspended) {
		p->sigsaved = p->sigmask;
		proc_sigsuspended_set_locked(p, true);
	}
	p->sigmask = set & ~UNBLOCKABLE;
	spin_unlock(&p->sig_lock);
}

void poll_mask_restore(struct thread *p, bool interrupted)
{
	if (interrupted)
		return; /* signal delivery puts the old mask back */
	spin_lock(&p->sig_lock);
	if (p->sigsuspended) {
		p->sigmask = p->sigsaved;
		proc_sigsuspended_set_locked(p, false);
	}
	spin_unlock(&p->sig_lock);
}

#define NSEC 1000000000ull
#define MAX_WAIT_SEC 100000000ll /* longer timeouts wait forever (over three years) */

/* deadline_of - the absolute deadline of a relative wait (0: none); *now set if zero. */
static u64 deadline_of(i64 sec, i64 nsec, bool *nowait)
{
	*nowait = sec == 0 && nsec == 0;
	if (sec >= MAX_WAIT_SEC)
		return 0;
	return fw_time_ns() + (u64)sec * NSEC + (u64)nsec;
}

/* remaining - what is left until `deadline` (0 when passed), as seconds and nanoseconds. */
static void remaining(u64 deadline, i64 *sec, i64 *nsec)
{
	u64 now = fw_time_ns();
	u64 left = deadline > now ? deadline - now : 0;
	*sec = (i64)(left / NSEC);
	*nsec = (i64)(left % NSEC);
}

/* ppoll_common - poll/ppoll: n pollfds at ufds, an optional temporary mask. */
static i64 poll_common(struct thread *p, u64 ufds, u64 n, bool nowait, u64 deadline,
		       bool masked, u64 mask)
{
	if (n > proc_fd_limit(p)) /* RLIMIT_NOFILE (at most the descriptor table's size) */
		return -EINVAL;
	struct poll_req r = { .ufds = ufds, .n = n };
	if (masked)
		poll_mask_install(p, mask);
	i64 ret = do_wait(p, &r, nowait, deadline);
	if (masked)
		poll_mask_restore(p, ret == -ERESTARTNOHAND);
	return ret;
}

/* poll(fds, nfds, timeout): nfds is an unsigned int, as Linux's prototype (regression
 * poll.poll_nfds_is_an_unsigned_int: the register's upper half made it EINVAL). */
SYSCALL_DEFINE3(poll, ulong, ufds, uint, nfds, int, timeout)
{
	bool nowait = timeout == 0;
	u64 deadline = timeout > 0 ? fw_time_ns() + (u64)timeout * FW_NSEC_PER_MSEC : 0;
	return poll_common(p, ufds, nfds, nowait, deadline, false, 0);
}

SYSCALL_DEFINE5(ppoll, ulong, ufds, uint, nfds, uptr, tsp, uptr, sigmask, size, sigsetsize)
{
	bool nowait = false, masked = false;
	u64 deadline = 0, mask = 0;
	struct uapi_timespec ts = { 0 };
	if (tsp.v) {
		if (upoll_timespec_from_user(&ts, tsp))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (i64)NSEC)
			return -EINVAL;
		deadline = deadline_of(ts.tv_sec, ts.tv_nsec, &nowait);
	}
	if (sigmask.v) {
		if (sigsetsize != 8)
			return -EINVAL;
		if (upoll_sigset_from_user(&mask, sigmask))
			return -EFAULT;
		masked = true;
	}
	i64 ret = poll_common(p, ufds, nfds, nowait, deadline, masked, mask);
	if (tsp.v && deadline && (ret >= 0 || ret == -ERESTARTNOHAND)) {
		remaining(deadline, &ts.tv_sec, &ts.tv_nsec); /* as Linux: what is left */
		(void)upoll_timespec_to_user(&ts, tsp);
	}
	return ret;
}

/* select_common - select/pselect6 over nfds with the three sets at inp, outp, exp. */
static i64 select_common(struct thread *p, int nfds, u64 inp, u64 outp, u64 exp, bool nowait,
			 u64 deadline, bool masked, u64 mask)
{
	if (nfds < 0)
		return -EINVAL;
	u64 n = (u64)nfds > PROC_MAX_FDS ? PROC_MAX_FDS : (u64)nfds;
	struct proc_select_sets *s = &p->select;
	struct poll_req r = { .select = true, .n = n, .s = s };
	u64 words = (n + 63) / 64;
	i64 ret = 0;
	for (u64 w = 0; w < words && !ret; w++) {
		u64 keep = (w + 1) * 64 <= n ? ~0ull : (1ull << (n % 64)) - 1;
		u64 in = 0, out = 0, ex = 0;
		if ((inp && ufdword_from_user(&in, uaddr(inp + w * 8))) ||
		    (outp && ufdword_from_user(&out, uaddr(outp + w * 8))) ||
		    (exp && ufdword_from_user(&ex, uaddr(exp + w * 8))))
			ret = -EFAULT;
		s->in[w] = in & keep;
		s->out[w] = out & keep;
		s->ex[w] = ex & keep;
	}
	if (!ret) {
		if (masked)
			poll_mask_install(p, mask);
		ret = do_wait(p, &r, nowait, deadline);
		if (masked)
			poll_mask_restore(p, ret == -ERESTARTNOHAND);
	}
	for (u64 w = 0; w < words && ret >= 0; w++) {
		u64 in = s->rin[w], out = s->rout[w], ex = s->rex[w];
		if ((inp && ufdword_to_user(&in, uaddr(inp + w * 8))) ||
		    (outp && ufdword_to_user(&out, uaddr(outp + w * 8))) ||
		    (exp && ufdword_to_user(&ex, uaddr(exp + w * 8))))
			ret = -EFAULT;
	}
	return ret;
}

SYSCALL_DEFINE5(select, int, nfds, ulong, readfds, ulong, writefds, ulong, exceptfds, uptr,
		timeout)
{
	bool nowait = false;
	u64 deadline = 0;
	struct upoll_timeval tv = { 0 };
	if (timeout.v) {
		if (upoll_timeval_from_user(&tv, timeout))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -EINVAL;
		deadline = deadline_of(tv.sec, tv.usec * 1000, &nowait);
	}
	i64 ret = select_common(p, nfds, readfds, writefds, exceptfds, nowait, deadline, false, 0);
	if (timeout.v && (ret >= 0 || ret == -ERESTARTNOHAND)) {
		i64 ns = 0; /* Linux writes back the time left */
		if (deadline)
			remaining(deadline, &tv.sec, &ns);
		tv.usec = ns / 1000;
		(void)upoll_timeval_to_user(&tv, timeout);
	}
	return ret;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, sig): sig points at the pair
 * { const sigset_t *ss; size_t ss_len }. */
SYSCALL_DEFINE6(pselect6, int, nfds, ulong, readfds, ulong, writefds, ulong, exceptfds, uptr,
		timeout, uptr, usig)
{
	bool nowait = false, masked = false;
	u64 deadline = 0, mask = 0;
	struct uapi_timespec ts = { 0 };
	if (timeout.v) {
		if (upoll_timespec_from_user(&ts, timeout))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (i64)NSEC)
			return -EINVAL;
		deadline = deadline_of(ts.tv_sec, ts.tv_nsec, &nowait);
	}
	if (usig.v) {
		struct upselect_sig sig;
		if (upselect_sig_from_user(&sig, usig))
			return -EFAULT;
		if (sig.ss) {
			if (sig.ss_len != 8)
				return -EINVAL;
			if (upoll_sigset_from_user(&mask, uaddr(sig.ss)))
				return -EFAULT;
			masked = true;
		}
	}
	i64 ret = select_common(p, nfds, readfds, writefds, exceptfds, nowait, deadline, masked,
				mask);
	if (timeout.v && (ret >= 0 || ret == -ERESTARTNOHAND)) {
		if (deadline)
			remaining(deadline, &ts.tv_sec, &ts.tv_nsec);
		else if (nowait)
			ts.tv_sec = ts.tv_nsec = 0;
		(void)upoll_timespec_to_user(&ts, timeout);
	}
	return ret;
}
