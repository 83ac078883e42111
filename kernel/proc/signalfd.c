/*
 * signalfd.c — signalfd files (proc/signalfd.h): an anonymous inode holding a signal mask and
 * a reference on its creator's handler table, whose signalfd_wq its poll watches.
 *
 * As Linux, what a signalfd reports depends on who asks: a read dequeues the *reader's*
 * pending signals in the mask (proc_signal_dequeue: its thread's queue, where a
 * process-directed signal was put when it was sent), and poll/epoll look at the pending
 * signals of the thread that polls. Every queued signal wakes its group's signalfd_wq after the
 * sender lets go of the target's sig_lock (proc_signal_send), since poll's entries take the
 * poller's. A reader sleeps on its own group's queue.
 */
#include <fw/typecache.h>
#include <fw/uaccess.h>
#include <proc/signalfd.h>
#include <proc/wait.h>
#include <uapi/events.h>

#define SFD_RECORD 128u /* sizeof(struct signalfd_siginfo) */

struct sigfd {
	struct inode vfs;
	struct proc_sighand *sighand; /* immutable: the creator's table (a reference) */
	struct spinlock lock;
	u64 mask GUARDED_BY(&lock);
};
DEFINE_SUBTYPE(sigfd_inode, struct sigfd, vfs, struct inode, tag);
DEFINE_UCOPY(usfd_info, struct uapi_signalfd_siginfo);

static u64 sigfd_mask(struct sigfd *s)
{
	spin_lock(&s->lock);
	u64 m = s->mask;
	spin_unlock(&s->lock);
	return m;
}

/* pending_in - p has a signal of `mask` pending. */
static bool pending_in(struct thread *p, u64 mask)
{
	spin_lock(&p->sig_lock);
	bool any = (p->pending.set & mask) != 0;
	spin_unlock(&p->sig_lock);
	return any;
}

static u32 sigfd_poll(struct file *f, struct poll_table *pt)
{
	struct sigfd *s = sigfd_inode_from(f->inode);
	poll_wait(pt, &s->sighand->signalfd_wq);
	struct thread *p = pt && pt->p ? pt->p : proc_current();
	if (!p)
		return 0;
	return pending_in(p, sigfd_mask(s)) ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static struct result_size sigfd_rw(struct inode *ip, struct bytes b, u64 pos)
{
	(void)ip;
	(void)b;
	(void)pos;
	return result_size_err(-EINVAL); /* reads go through signalfd_read (they need the reader) */
}

static void sigfd_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct sigfd *s = sigfd_inode_from(ip);
	struct proc_sighand *h = s->sighand;
	s->sighand = NULL;
	proc_sighand_put(h);
}

static void sigfd_destroy(struct inode *ip)
{
	sigfd_inode_delete(sigfd_inode_from(ip));
}

static const struct inode_ops sigfd_ops = {
	.destroy = sigfd_destroy,
};

static const struct file_ops sigfd_fops = {
	.llseek = vfs_noop_llseek,
	.poll = sigfd_poll,
	.read = sigfd_rw,
	.write = sigfd_rw,
	.release = sigfd_release,
};

bool vfs_file_is_signalfd(const struct file *f)
{
	return f->ops == &sigfd_fops;
}

/* usable - what a mask may hold: SIGKILL and SIGSTOP are never taken by a signalfd. */
static u64 usable(u64 mask)
{
	return mask & ~((1ull << (UAPI_SIGKILL - 1)) | (1ull << (UAPI_SIGSTOP - 1)));
}

struct file_result signalfd_new(struct thread *p, u64 mask, u32 flags)
{
	struct sigfd *s = sigfd_inode_new();
	if (!s)
		return file_result_err(-ENOMEM);
	spin_lock_init(&s->lock);
	spin_lock(&s->lock);
	s->mask = usable(mask);
	spin_unlock(&s->lock);
	refcount_get(&p->sighand->refs);
	s->sighand = p->sighand;
	struct file_result r = vfs_anon_file(sigfd_inode_base(s), &sigfd_ops, &sigfd_fops, flags, 0, 0);
	if (r.err)
		proc_sighand_put(p->sighand); /* no file, no release */
	return r;
}

void signalfd_set_mask(struct file *f, u64 mask)
{
	struct sigfd *s = sigfd_inode_from(f->inode);
	spin_lock(&s->lock);
	s->mask = usable(mask);
	spin_unlock(&s->lock);
	/* a signal already pending may now be readable: wake the pollers (as Linux) */
	(void)waitq_wake_all(&s->sighand->signalfd_wq);
}

/* to_record - a dequeued signal as struct signalfd_siginfo (Linux's signalfd_copyinfo). */
static struct uapi_signalfd_siginfo to_record(u32 sig, const struct proc_siginfo *si)
{
	struct uapi_signalfd_siginfo r = { .ssi_signo = sig, .ssi_errno = si->errnum,
					   .ssi_code = si->code };
	switch (proc_siginfo_layout(sig, si->code)) {
	case PROC_SIL_KILL:
		r.ssi_pid = si->pid;
		r.ssi_uid = si->uid;
		break;
	case PROC_SIL_TIMER:
		r.ssi_tid = (u32)si->timer_id;
		r.ssi_overrun = (u32)si->overrun;
		r.ssi_ptr = si->value;
		r.ssi_int = (i32)(u32)si->value;
		break;
	case PROC_SIL_POLL:
		r.ssi_band = (u32)si->band;
		r.ssi_fd = si->fd;
		break;
	case PROC_SIL_FAULT:
		r.ssi_addr = si->addr;
		break;
	case PROC_SIL_CHLD:
		r.ssi_pid = si->pid;
		r.ssi_uid = si->uid;
		r.ssi_status = si->status;
		break;
	case PROC_SIL_RT:
		r.ssi_pid = si->pid;
		r.ssi_uid = si->uid;
		r.ssi_ptr = si->value;
		r.ssi_int = (i32)(u32)si->value;
		break;
	case PROC_SIL_SYS:
		r.ssi_call_addr = si->addr;
		r.ssi_syscall = si->timer_id;
		r.ssi_arch = (u32)si->overrun;
		break;
	}
	return r;
}

i64 signalfd_read(struct thread *p, struct file *f, u64 buf, u64 count)
{
	struct sigfd *s = sigfd_inode_from(f->inode);
	if (count < SFD_RECORD)
		return -EINVAL;
	u64 done = 0;
	while (count - done >= SFD_RECORD) {
		u64 mask = sigfd_mask(s);
		struct proc_siginfo si;
		u32 sig = proc_signal_dequeue(p, mask, &si);
		if (!sig) {
			if (done)
				break;
			if (f->flags & UAPI_SFD_NONBLOCK)
				return -EAGAIN;
			int e = PROC_WAIT(p, &p->sighand->signalfd_wq, pending_in(p, sigfd_mask(s)), 0);
			if (e)
				return e;
			continue;
		}
		struct uapi_signalfd_siginfo r = to_record(sig, &si);
		if (usfd_info_to_user(&r, uaddr(buf + done)))
			return done ? (i64)done : -EFAULT;
		done += SFD_RECORD;
	}
	return (i64)done;
}
