/*
 * timerfd.c — timerfd files (time/timerfd.h): an anonymous inode holding one timer.
 *
 * A timer's next expiry is kept on the framework's monotonic clock (fw_time_ns): a relative
 * setting and an absolute CLOCK_MONOTONIC/BOOTTIME one are that clock already. An absolute
 * CLOCK_REALTIME setting keeps its expiries as dates of the wall clock (`wall`), so they follow
 * a later settimeofday or clock_settime as on Linux (a relative CLOCK_REALTIME timer does not:
 * Linux runs those on the monotonic clock too).
 * An absolute CLOCK_REALTIME timer set with TFD_TIMER_CANCEL_ON_SET is on tfd_cancelable:
 * setting the wall clock (timerfd_clock_was_set) marks it cancelled and counts a tick, so it
 * polls readable and the next read fails with ECANCELED once (Linux's timerfd_canceled; the
 * timer itself stays armed). The clock task calls timerfd_fire_due once a tick: each
 * armed timer whose deadline passed gains the expirations since (1, plus the periods it
 * overran), moves to its next deadline or disarms, and wakes its queue — readers, poll/select
 * and epoll hooks. That runs in task context, not in the timer interrupt, because those hooks
 * take ordinary spinlocks. Resolution: the clock task's (about a tick); never early.
 *
 * One spinlock, tfd_lock, guards every timer's state and the list of armed timers.
 */
#include <fw/time.h>
#include <fw/typecache.h>
#include <time/clock.h>
#include <time/timerfd.h>
#include <uapi/time.h>

struct tfd {
	struct inode vfs;
	/* immutable after creation */
	i64 clockid;
	struct waitq wq;
	/* tfd_lock */
	struct list_link link; /* on tfd_armed while deadline_ns != 0 */
	u64 deadline_ns;       /* the next expiry (fw_time_ns, or a wall-clock date); 0: disarmed */
	bool wall;             /* deadline_ns is a date of the wall clock (clock_realtime_ns) */
	u64 interval_ns;       /* 0: one expiry */
	u64 ticks;             /* expirations not yet read */
	struct list_link cancel_link; /* on tfd_cancelable while might_cancel */
	bool might_cancel;     /* TFD_TIMER_CANCEL_ON_SET on an absolute CLOCK_REALTIME setting */
	bool cancelled;        /* the wall clock was set since: the next read is ECANCELED */
};
DEFINE_SUBTYPE(tfd_inode, struct tfd, vfs, struct inode, tag);
DEFINE_LIST(tfd_list, struct tfd, link, spinlock);
DEFINE_LIST(tfd_cancel_list, struct tfd, cancel_link, spinlock);

static struct spinlock tfd_lock = SPINLOCK_INIT(tfd_lock);
static struct tfd_list tfd_armed GUARDED_BY(&tfd_lock);
static struct tfd_cancel_list tfd_cancelable GUARDED_BY(&tfd_lock);
static bool tfd_armed_ready GUARDED_BY(&tfd_lock);

/* expire_locked - t's deadline passed at `now`: count the expirations, move or disarm. */
static void expire_locked(struct tfd *t, u64 now) REQUIRES(&tfd_lock)
{
	u64 n = 1;
	if (t->interval_ns) {
		n += (now - t->deadline_ns) / t->interval_ns;
		t->deadline_ns += n * t->interval_ns;
	} else {
		t->deadline_ns = 0;
		tfd_list_remove(&tfd_armed, t);
	}
	t->ticks += n;
	(void)waitq_wake_all(&t->wq);
}

/* wall_now - the wall clock's reading as a deadline of a `wall` timer (never negative). */
static u64 wall_now(void)
{
	i64 rt = clock_realtime_ns();
	return rt < 0 ? 0 : (u64)rt;
}

void timerfd_fire_due(u64 now_ns)
{
	u64 wall_ns = wall_now();
	spin_lock(&tfd_lock);
	if (tfd_armed_ready) {
		LIST_FOR_EACH_SAFE(tfd_list, &tfd_armed, t) {
			u64 now = t->wall ? wall_ns : now_ns;
			if (t->deadline_ns <= now)
				expire_locked(t, now);
		}
	}
	spin_unlock(&tfd_lock);
}

/* left_locked - the time to t's next expiry (0: disarmed), at monotonic `mono` and wall-clock
 * `wall_ns`. */
static u64 left_locked(struct tfd *t, u64 mono, u64 wall_ns) REQUIRES(&tfd_lock)
{
	u64 now = t->wall ? wall_ns : mono;
	if (!t->deadline_ns)
		return 0;
	return t->deadline_ns > now ? t->deadline_ns - now : 1; /* due: Linux says 1 ns too */
}

void timerfd_clock_was_set(void)
{
	spin_lock(&tfd_lock);
	if (tfd_armed_ready) {
		LIST_FOR_EACH(tfd_cancel_list, &tfd_cancelable, t) {
			t->cancelled = true;
			t->ticks++;
			(void)waitq_wake_all(&t->wq);
		}
	}
	spin_unlock(&tfd_lock);
}

/* set_cancel_locked - t is on tfd_cancelable exactly when `on`. */
static void set_cancel_locked(struct tfd *t, bool on) REQUIRES(&tfd_lock)
{
	if (on && !t->might_cancel)
		tfd_cancel_list_push_back(&tfd_cancelable, t);
	else if (!on && t->might_cancel)
		tfd_cancel_list_remove(&tfd_cancelable, t);
	t->might_cancel = on;
}

int timerfd_set(struct file *f, bool abs, bool cancel_on_set, u64 value_ns, u64 interval_ns,
		u64 *old_value_ns, u64 *old_interval_ns)
{
	struct tfd *t = tfd_inode_from(f->inode);
	/* Linux ignores the flag on other clocks and relative settings */
	bool might_cancel = cancel_on_set && abs && t->clockid == UAPI_CLOCK_REALTIME;
	u64 mono = fw_time_ns(), wall_ns = wall_now();
	u64 deadline = 0;
	bool wall = value_ns && abs && t->clockid == UAPI_CLOCK_REALTIME;
	if (value_ns && !abs)
		deadline = mono + value_ns;
	else if (value_ns)
		deadline = value_ns; /* a date: MONOTONIC and BOOTTIME are the framework's clock */
	u64 now = wall ? wall_ns : mono;
	spin_lock(&tfd_lock);
	set_cancel_locked(t, might_cancel); /* a pending cancellation stays until read */
	*old_value_ns = left_locked(t, mono, wall_ns);
	*old_interval_ns = t->interval_ns;
	bool was = t->deadline_ns != 0;
	t->ticks = 0;
	t->deadline_ns = deadline;
	t->wall = wall;
	t->interval_ns = deadline ? interval_ns : 0;
	if (was && !deadline)
		tfd_list_remove(&tfd_armed, t);
	else if (!was && deadline)
		tfd_list_push_back(&tfd_armed, t);
	if (deadline && deadline <= now) /* already due (an absolute time in the past) */
		expire_locked(t, now);
	spin_unlock(&tfd_lock);
	return 0;
}

void timerfd_get(struct file *f, u64 *value_ns, u64 *interval_ns)
{
	struct tfd *t = tfd_inode_from(f->inode);
	u64 mono = fw_time_ns(), wall_ns = wall_now();
	spin_lock(&tfd_lock);
	*value_ns = left_locked(t, mono, wall_ns);
	*interval_ns = t->interval_ns;
	spin_unlock(&tfd_lock);
}

struct waitq *timerfd_waitq(struct file *f)
{
	return &tfd_inode_from(f->inode)->wq;
}

bool timerfd_readable(struct file *f)
{
	struct tfd *t = tfd_inode_from(f->inode);
	spin_lock(&tfd_lock);
	bool r = t->ticks != 0;
	spin_unlock(&tfd_lock);
	return r;
}

/* tfd_read - the expirations since the last read (8 bytes), then 0; -EAGAIN with none;
 * -ECANCELED once after the wall clock was set under a TFD_TIMER_CANCEL_ON_SET timer. */
static struct result_size tfd_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)pos;
	struct tfd *t = tfd_inode_from(ip);
	if (bytes_len(dst) < 8)
		return result_size_err(-EINVAL);
	spin_lock(&tfd_lock);
	bool cancelled = t->might_cancel && t->cancelled;
	t->cancelled = false;
	u64 v = t->ticks;
	t->ticks = 0;
	spin_unlock(&tfd_lock);
	if (cancelled)
		return result_size_err(-ECANCELED);
	if (!v)
		return result_size_err(-EAGAIN);
	if (bytes_put_le64(dst, 0, v))
		return result_size_err(-EFAULT);
	return result_size_ok(8);
}

static u32 tfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, timerfd_waitq(f));
	return timerfd_readable(f) ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

/* tfd_release - the file is closed: the timer stops (off the armed list for good). */
static void tfd_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct tfd *t = tfd_inode_from(ip);
	spin_lock(&tfd_lock);
	if (t->deadline_ns)
		tfd_list_remove(&tfd_armed, t);
	t->deadline_ns = 0;
	set_cancel_locked(t, false);
	spin_unlock(&tfd_lock);
}

static void tfd_destroy(struct inode *ip)
{
	tfd_inode_delete(tfd_inode_from(ip));
}

static const struct inode_ops tfd_ops = {
	.destroy = tfd_destroy,
};

static const struct file_ops tfd_fops = {
	.llseek = vfs_noop_llseek,
	.poll = tfd_poll,
	.read = tfd_read,
	.release = tfd_release,
};

bool vfs_file_is_timerfd(const struct file *f)
{
	return f->ops == &tfd_fops;
}

int timerfd_new(i64 clockid, u32 flags, u32 uid, u32 gid, struct file **out)
{
	if (clockid != UAPI_CLOCK_MONOTONIC && clockid != UAPI_CLOCK_REALTIME &&
	    clockid != UAPI_CLOCK_BOOTTIME)
		return -EINVAL; /* the *_ALARM clocks need CAP_WAKE_ALARM and a wake-up source */
	struct tfd *t = tfd_inode_new();
	if (!t)
		return -ENOMEM;
	t->clockid = clockid;
	waitq_init(&t->wq);
	spin_lock(&tfd_lock);
	if (!tfd_armed_ready) {
		tfd_list_init(&tfd_armed, &tfd_lock);
		tfd_cancel_list_init(&tfd_cancelable, &tfd_lock);
		tfd_armed_ready = true;
	}
	spin_unlock(&tfd_lock);
	/* O_RDWR as Linux; a write is -EINVAL */
	struct file_result r = vfs_anon_file(tfd_inode_base(t), &tfd_ops, &tfd_fops, flags, uid, gid);
	if (r.err)
		return r.err;
	*out = r.value;
	return 0;
}
