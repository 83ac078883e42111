/*
 * terminal.c — terminal files (fs/terminal.h): opening one (which terminal a node names, the
 * controlling terminal a session leader acquires), reading and writing both sides of a
 * terminal through its line discipline with job control and VMIN/VTIME, readiness for
 * poll, and the console's driver: input from the framework's console stream, output written
 * through at once. The ioctls are in ioctl.c, the pty pairs and devpts in pty.c.
 */
#include <fs/terminal.h>
#include <fw/console.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <proc/wait.h>
#include <uapi/tty.h>

#define O_NONBLOCK 04000u
#define SIG_IGN 1u
#define TTY_CHUNK 4096u /* bytes moved per step between user memory and a terminal */

void term_init(struct terminal *t, bool is_pty, u32 index)
{
	t->is_pty = is_pty;
	t->index = index;
	waitq_init(&t->wq);
	refcount_init(&t->refs, 1);
	spin_lock_init(&t->lock);
	spin_lock(&t->lock);
	tty_init(&t->ld);
	t->ispeed = t->ospeed = 38400; /* tty_init's B38400 */
	t->sid = 0;
	t->pgrp = 0;
	spin_unlock(&t->lock);
}

/* ---- the console ---------------------------------------------------------------------------- */

static struct spinlock console_once_lock = SPINLOCK_INIT(console_once_lock);
static bool console_ready GUARDED_BY(&console_once_lock);
static struct terminal the_console;

struct terminal *term_console(void)
{
	spin_lock(&console_once_lock);
	if (!console_ready) {
		term_init(&the_console, false, 0);
		console_ready = true;
	}
	spin_unlock(&console_once_lock);
	return &the_console;
}

/* console_flush_locked - write the console's output queue to the console. */
static void console_flush_locked(struct terminal *t) REQUIRES(t->lock)
{
	u8 chunk[256];
	for (;;) {
		size_t n = tty_out_take(&t->ld, BYTES_OF_ARRAY(chunk));
		if (!n)
			return;
		fw_console_write_raw(bytes_head(BYTES_OF_ARRAY(chunk), n));
	}
}

void term_output_locked(struct terminal *t)
{
	if (!t->is_pty)
		console_flush_locked(t);
}

bool term_console_input(void)
{
	struct terminal *t = term_console();
	u8 in[64];
	u32 sig = 0, pgrp = 0;
	spin_lock(&t->lock);
	size_t n = fw_console_read(BYTES_OF_ARRAY(in));
	for (size_t i = 0; i < n; i++) {
		u32 s = tty_input(&t->ld, in[i]);
		if (s) {
			sig = s;
			pgrp = t->pgrp;
		}
	}
	console_flush_locked(t);
	bool readable = tty_readable(&t->ld);
	spin_unlock(&t->lock);
	if (sig && pgrp)
		proc_signal_pgrp(pgrp, sig);
	if (n)
		(void)waitq_wake_all(&t->wq);
	return readable;
}

/* ---- references ----------------------------------------------------------------------------- */

DEFINE_TYPE_CACHE(terminal_cache, struct terminal);

void term_get(struct terminal *t)
{
	if (t->is_pty)
		refcount_get(&t->refs);
}

void term_put(struct terminal *t)
{
	if (t && t->is_pty && refcount_put(&t->refs))
		pty_destroy(t);
}

struct waitq *term_waitq(struct file *f)
{
	return f->term ? &f->term->wq : &term_console()->wq;
}

/* file_term - the terminal of a terminal file (the console for one opened inside the
 * kernel, init's fds 0-2). */
static struct terminal *file_term(struct file *f)
{
	return f->term ? f->term : term_console();
}

/* ---- job control ---------------------------------------------------------------------------- */

struct job_ids term_job_ids(struct thread *p)
{
	struct process *g = p->proc;
	spin_lock(&proc_lock);
	struct job_ids j = { .pgid = g->pgid, .sid = g->sid, .ctty_sid = g->tty_detached ? 0 : g->sid,
			     .leader = g->sid == p->leader->pid };
	spin_unlock(&proc_lock);
	return j;
}

/* sig_ignored - sig is blocked or ignored by p (then a terminal does not send it). */
static bool sig_ignored(struct thread *p, u32 sig)
{
	spin_lock(&p->sig_lock);
	bool blocked = (p->sigmask & (1ull << (sig - 1))) != 0;
	spin_unlock(&p->sig_lock);
	return blocked || proc_sigaction_get(p, sig).handler == SIG_IGN;
}

/*
 * job_check - may p, maybe in a background group, read (sig SIGTTIN) or write/change (SIGTTOU)
 * terminal t (Linux's __tty_check_change): 0 when t is not p's controlling terminal or p is in
 * its foreground group; else a SIGTTIN that is ignored or blocked is -EIO while an ignored or
 * blocked SIGTTOU lets the call go on; an orphaned group gets -EIO; otherwise the signal goes
 * to p's whole group and the call is restarted once p runs again (-ERESTARTSYS).
 */
int term_job_check(struct thread *p, struct terminal *t, u32 sig)
{
	struct job_ids j = term_job_ids(p);
	spin_lock(&t->lock);
	bool bg = t->sid != 0 && t->sid == j.ctty_sid && t->pgrp != 0 && t->pgrp != j.pgid;
	spin_unlock(&t->lock);
	if (!bg)
		return 0;
	if (sig_ignored(p, sig))
		return sig == UAPI_SIGTTIN ? -EIO : 0;
	if (proc_pgrp_orphaned(p))
		return -EIO;
	proc_signal_pgrp(j.pgid, sig);
	return -ERESTARTSYS;
}

/* ---- open and close ------------------------------------------------------------------------- */

struct mutex term_ctty_lock = MUTEX_INIT(term_ctty_lock);

/* ctty_acquire - p (a session leader without a controlling terminal) makes t its own when t
 * controls no session: Linux's tty_open_proc_set_tty. */
static void ctty_acquire(struct thread *p, struct terminal *t)
{
	struct job_ids j = term_job_ids(p);
	if (!j.leader)
		return;
	mutex_lock(&term_ctty_lock);
	struct terminal *cur = term_of_session(j.sid);
	if (cur) {
		mutex_unlock(&term_ctty_lock);
		term_put(cur);
		return;
	}
	spin_lock(&t->lock);
	if (!t->sid) {
		t->sid = j.sid;
		t->pgrp = j.pgid;
	}
	spin_unlock(&t->lock);
	mutex_unlock(&term_ctty_lock);
}

/* slave_attach - one more open file of pty t's slave side: 0, or -EIO (still locked when
 * `check_lock`, or its master is gone); the caller's reference is dropped on -EIO. */
static int slave_attach(struct terminal *t, bool check_lock)
{
	if (!t->is_pty)
		return 0;
	spin_lock(&t->lock);
	int e = (check_lock && t->locked) || !t->master_open ? -EIO : 0;
	if (!e) {
		t->slave_files++;
		t->slave_opened = true;
	}
	spin_unlock(&t->lock);
	if (e)
		term_put(t);
	return e;
}

/* exclusive - t is in exclusive mode (TIOCEXCL) and p may not open it again: only root may
 * (Linux: CAP_SYS_ADMIN); /dev/tty is not checked, as Linux. */
static bool exclusive(struct thread *p, struct terminal *t)
{
	spin_lock(&t->lock);
	bool busy = t->excl && p->fs.cred.euid != 0;
	spin_unlock(&t->lock);
	return busy;
}

int tty_open(struct thread *p, struct file *f, u32 flags)
{
	u32 major = f->inode->rdev_major, minor = f->inode->rdev_minor;
	bool noctty = (flags & UAPI_O_NOCTTY) != 0;
	struct terminal *t = NULL;
	if (major == 5 && minor == 0) { /* /dev/tty: a pty's is one more file of its slave */
		t = term_of_session(term_job_ids(p).ctty_sid);
		if (!t)
			return -ENXIO;
		int e = slave_attach(t, false);
		if (e)
			return e;
		noctty = true;
	} else if (major == 5 && minor == 2) { /* /dev/ptmx */
		int e = 0;
		t = pty_new(p->fs.cred.euid, p->fs.cred.egid, &e);
		if (!t)
			return e;
		f->term_master = true;
		noctty = true;
	} else if (major == TERM_PTS_MAJOR) {
		t = pty_find(minor);
		if (!t)
			return -EIO;
		if (exclusive(p, t)) {
			term_put(t);
			return -EBUSY;
		}
		int e = slave_attach(t, true);
		if (e)
			return e;
	} else { /* the console: /dev/console never becomes a controlling terminal on open */
		t = term_console();
		if (exclusive(p, t))
			return -EBUSY;
		noctty = noctty || minor == 1;
	}
	f->term = t;
	if (!noctty)
		ctty_acquire(p, t);
	return 0;
}

void term_file_close(struct file *f)
{
	struct terminal *t = f->term;
	if (!t)
		return;
	f->term = NULL;
	if (f->term_master) {
		pty_master_closed(t);
	} else if (t->is_pty) {
		spin_lock(&t->lock);
		if (t->slave_files)
			t->slave_files--;
		spin_unlock(&t->lock);
		(void)waitq_wake_all(&t->wq);
	}
	term_put(t);
}

/* ---- reading and writing -------------------------------------------------------------------- */

/* slave_hung_up - t is a pty whose master is gone. */
static bool hung_up_locked(struct terminal *t) REQUIRES(t->lock)
{
	return t->is_pty && !t->master_open;
}

static bool read_ready(struct terminal *t)
{
	spin_lock(&t->lock);
	bool r = tty_readable(&t->ld) || hung_up_locked(t);
	spin_unlock(&t->lock);
	return r;
}

/*
 * read_side - a program reads terminal t (a pty slave or the console): a line in canonical
 * mode; in raw mode what VMIN and VTIME ask (MIN bytes, waiting at most TIME tenths of a second
 * for the first when MIN is 0, or between bytes when MIN is not).
 */
static i64 read_side(struct thread *p, struct file *f, struct terminal *t, u64 buf, u64 count,
		     bool may_wait)
{
	struct vm_writer w = vm_writer_user(uaddr(buf), count);
	struct bytes io = kbuf_bytes(&p->io_kbuf);
	u64 done = 0, deadline = 0;
	bool first = true;
	for (;;) {
		int e = term_job_check(p, t, UAPI_SIGTTIN);
		if (e)
			return done ? (i64)done : e;
		if (!t->is_pty)
			(void)term_console_input();
		spin_lock(&t->lock);
		bool canon = (t->ld.termios.c_lflag & TTY_ICANON) != 0;
		u32 vmin = t->ld.termios.c_cc[TTY_VMIN], vtime = t->ld.termios.c_cc[TTY_VTIME];
		if (hung_up_locked(t)) {
			spin_unlock(&t->lock);
			return (i64)done;
		}
		bool readable = tty_readable(&t->ld);
		size_t n = 0;
		if (readable) {
			u64 want = count - done < bytes_len(io) ? count - done : bytes_len(io);
			n = tty_read(&t->ld, bytes_head(io, want));
		}
		spin_unlock(&t->lock);
		if (readable)
			(void)waitq_wake_all(&t->wq); /* room for a master's writer */
		if (n) {
			struct result_size c = vm_write(&w, bytes_head(io, n));
			if (c.err)
				return done ? (i64)done : c.err;
			done += n;
		}
		if (canon && readable)
			return (i64)done; /* a line, or 0: an end of file */
		if (!canon) {
			if (done >= count || (vmin == 0 && (done || vtime == 0)))
				return (i64)done;
			if (vmin && done >= vmin)
				return (i64)done;
			if (first && vmin == 0 && vtime)
				deadline = fw_time_ns() + (u64)vtime * 100 * FW_NSEC_PER_MSEC;
			if (vmin && vtime && n)
				deadline = fw_time_ns() + (u64)vtime * 100 * FW_NSEC_PER_MSEC;
		}
		first = false;
		if (!may_wait || (f->flags & O_NONBLOCK))
			return done ? (i64)done : -EAGAIN;
		e = PROC_WAIT(p, &t->wq, read_ready(t), deadline);
		if (e == -ETIMEDOUT)
			return (i64)done;
		if (e)
			return done ? (i64)done : e;
	}
}

static bool write_ready(struct terminal *t)
{
	spin_lock(&t->lock);
	bool r = hung_up_locked(t) || (!t->stopped && t->ld.out_len < TTY_OBUF);
	spin_unlock(&t->lock);
	return r;
}

/* write_side - a program writes terminal t: OPOST into the output queue (the console's goes
 * out at once), waiting while a pty's queue is full; SIGTTOU for a background group with
 * TOSTOP; -EIO on a hung-up pty; a pending signal ends it after a chunk (the bytes so far). */
static i64 write_side(struct thread *p, struct file *f, struct terminal *t, u64 buf, u64 count,
		      bool may_wait)
{
	spin_lock(&t->lock);
	bool tostop = (t->ld.termios.c_lflag & TTY_TOSTOP) != 0;
	spin_unlock(&t->lock);
	if (tostop) {
		int e = term_job_check(p, t, UAPI_SIGTTOU);
		if (e)
			return e;
	}
	struct bytes io = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	while (done < count) {
		u64 want = count - done < bytes_len(io) ? count - done : bytes_len(io);
		struct vm_reader r = vm_reader_user(uaddr(buf + done), want);
		struct result_size c = vm_read(&r, bytes_head(io, want));
		if (c.err)
			return done ? (i64)done : c.err;
		spin_lock(&t->lock);
		bool hup = hung_up_locked(t);
		size_t n = hup || t->stopped ? 0 : tty_write(&t->ld, bytes_head(io, c.value));
		term_output_locked(t);
		spin_unlock(&t->lock);
		if (hup)
			return done ? (i64)done : -EIO;
		if (n)
			(void)waitq_wake_all(&t->wq);
		done += n;
		if (done == count)
			break;
		/* Linux's tty_write: a signal ends the write between chunks with the bytes so far
		 * (the console never waits, so without this a write of megabytes outlived SIGKILL:
		 * the fuzz soak's hung worker; repro console_write_outlives_sigkill) */
		if (n && proc_wait_interrupted(p) == -ERESTARTSYS)
			break;
		if (n)
			continue;
		if (!may_wait || (f->flags & O_NONBLOCK))
			return done ? (i64)done : -EAGAIN;
		int e = PROC_WAIT(p, &t->wq, write_ready(t), 0);
		if (e)
			return done ? (i64)done : e;
	}
	return (i64)done;
}

static bool master_read_ready(struct terminal *t)
{
	spin_lock(&t->lock);
	bool r = t->ld.out_len > 0 || (t->packet && t->pkt_status) ||
		 (t->slave_opened && !t->slave_files);
	spin_unlock(&t->lock);
	return r;
}

void term_pkt_event_locked(struct terminal *t, u8 ev)
{
	if (!t->packet)
		return;
	if (ev & (UAPI_TIOCPKT_STOP | UAPI_TIOCPKT_START))
		t->pkt_status &= (u8)~(UAPI_TIOCPKT_STOP | UAPI_TIOCPKT_START);
	if (ev & (UAPI_TIOCPKT_DOSTOP | UAPI_TIOCPKT_NOSTOP))
		t->pkt_status &= (u8)~(UAPI_TIOCPKT_DOSTOP | UAPI_TIOCPKT_NOSTOP);
	t->pkt_status |= ev;
}

/* master_take_locked - what one master read takes into io (up to `want` bytes): the output
 * queue, after a 0 status byte in packet mode, or a pending packet status byte alone. */
static size_t master_take_locked(struct terminal *t, struct bytes io, u64 want) REQUIRES(t->lock)
{
	if (!t->packet)
		return tty_out_take(&t->ld, bytes_head(io, want));
	if (t->pkt_status) {
		(void)bytes_put_u8(io, 0, t->pkt_status);
		t->pkt_status = 0;
		return 1;
	}
	if (!t->ld.out_len)
		return 0;
	(void)bytes_put_u8(io, 0, UAPI_TIOCPKT_DATA);
	struct bytes_result rest = bytes_sub(io, 1, want - 1);
	return 1 + (rest.err ? 0 : tty_out_take(&t->ld, rest.value));
}

/* read_master - the master reads what the slave's side wrote and echoed; EIO once every slave
 * file is closed and nothing is left. */
static i64 read_master(struct thread *p, struct file *f, struct terminal *t, u64 buf, u64 count,
		       bool may_wait)
{
	struct bytes io = kbuf_bytes(&p->io_kbuf);
	for (;;) {
		u64 want = count < bytes_len(io) ? count : bytes_len(io);
		spin_lock(&t->lock);
		size_t n = master_take_locked(t, io, want);
		bool gone = t->slave_opened && !t->slave_files;
		spin_unlock(&t->lock);
		if (n) {
			(void)waitq_wake_all(&t->wq); /* room for the slave's writers */
			struct vm_writer w = vm_writer_user(uaddr(buf), n);
			struct result_size c = vm_write(&w, bytes_head(io, n));
			return c.err ? c.err : (i64)c.value;
		}
		if (gone)
			return -EIO;
		if (!may_wait || (f->flags & O_NONBLOCK))
			return -EAGAIN;
		int e = PROC_WAIT(p, &t->wq, master_read_ready(t), 0);
		if (e)
			return e;
	}
}

static bool master_write_ready(struct terminal *t)
{
	spin_lock(&t->lock);
	bool r = tty_input_room(&t->ld);
	spin_unlock(&t->lock);
	return r;
}

/* write_master - the master types: each byte through the slave's line discipline (echo into
 * the output queue, ISIG signals to the foreground group), waiting while its input is full. */
static i64 write_master(struct thread *p, struct file *f, struct terminal *t, u64 buf, u64 count,
			bool may_wait)
{
	struct bytes io = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	while (done < count) {
		u64 want = count - done < bytes_len(io) ? count - done : bytes_len(io);
		struct vm_reader r = vm_reader_user(uaddr(buf + done), want);
		struct result_size c = vm_read(&r, bytes_head(io, want));
		if (c.err)
			return done ? (i64)done : c.err;
		u32 sig = 0, pgrp = 0;
		size_t n = 0;
		spin_lock(&t->lock);
		while (n < c.value && tty_input_room(&t->ld)) {
			u32 s = tty_input(&t->ld, bytes_u8(io, n).value);
			n++;
			if (s) {
				sig = s;
				pgrp = t->pgrp;
				break; /* one signal at a time: its group sees it before more input */
			}
		}
		spin_unlock(&t->lock);
		if (sig && pgrp)
			proc_signal_pgrp(pgrp, sig);
		if (n)
			(void)waitq_wake_all(&t->wq);
		done += n;
		if (n)
			continue;
		if (!may_wait || (f->flags & O_NONBLOCK))
			return done ? (i64)done : -EAGAIN;
		int e = PROC_WAIT(p, &t->wq, master_write_ready(t), 0);
		if (e)
			return done ? (i64)done : e;
	}
	return (i64)done;
}

i64 tty_rw(struct thread *p, struct file *f, u64 buf, u64 count, bool write, bool may_wait)
{
	u32 acc = f->flags & VFS_O_ACCMODE;
	if (write ? acc == VFS_O_RDONLY : acc == VFS_O_WRONLY)
		return -EBADF;
	struct terminal *t = file_term(f);
	if (count == 0)
		return 0;
	if (f->term_master)
		return write ? write_master(p, f, t, buf, count, may_wait)
			     : read_master(p, f, t, buf, count, may_wait);
	return write ? write_side(p, f, t, buf, count, may_wait)
		     : read_side(p, f, t, buf, count, may_wait);
}

/* ---- poll ----------------------------------------------------------------------------------- */

u32 term_file_poll(struct file *f, struct poll_table *pt)
{
	struct terminal *t = file_term(f);
	/* Only the terminal's own queue: the console's input reaches it through the clock task
	 * (term_console_input). Never fw_console_rx_waitq(): the UART interrupt wakes that one, and
	 * a poll entry's callback takes the poller's sig_lock, which the interrupted task may hold
	 * (a recursive-lock panic seen in make test's tty-shell part). */
	poll_wait(pt, &t->wq);
	if (!t->is_pty)
		(void)term_console_input();
	u32 ev = 0;
	spin_lock(&t->lock);
	if (f->term_master) {
		if (t->ld.out_len)
			ev |= VFS_POLLIN | VFS_POLLRDNORM;
		if (t->packet && t->pkt_status)
			ev |= VFS_POLLPRI | VFS_POLLIN | VFS_POLLRDNORM;
		if (tty_input_room(&t->ld))
			ev |= VFS_POLLOUT | VFS_POLLWRNORM;
		if (t->slave_opened && !t->slave_files)
			ev |= VFS_POLLHUP;
	} else if (hung_up_locked(t)) {
		ev |= VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLHUP;
	} else {
		if (tty_readable(&t->ld))
			ev |= VFS_POLLIN | VFS_POLLRDNORM;
		if (!t->stopped && t->ld.out_len < TTY_OBUF)
			ev |= VFS_POLLOUT | VFS_POLLWRNORM;
	}
	spin_unlock(&t->lock);
	return ev;
}

/* ---- sessions ------------------------------------------------------------------------------- */

/* signal_leader - a kernel signal to the process `pid` (a session leader), if it lives. */
static void signal_leader(u32 pid, u32 sig)
{
	struct thread *q = proc_by_pid(pid);
	if (!q)
		return;
	proc_group_signal(q->leader, sig, (struct proc_siginfo){ .code = 0x80 /* SI_KERNEL */ });
	proc_put(q);
}

void term_hangup_session(u32 sid)
{
	if (sid) {
		signal_leader(sid, UAPI_SIGHUP);
		signal_leader(sid, UAPI_SIGCONT);
	}
}

void tty_session_exit(u32 sid)
{
	struct terminal *t = term_of_session(sid);
	if (!t)
		return;
	spin_lock(&t->lock);
	u32 pgrp = t->sid == sid ? t->pgrp : 0;
	if (t->sid == sid) {
		t->sid = 0;
		t->pgrp = 0;
	}
	spin_unlock(&t->lock);
	if (pgrp) /* POSIX: the foreground group of a controlling process that exits; no
		   * SIGCONT (Linux's disassociate_ctty sends one only for TIOCNOTTY) */
		proc_signal_pgrp(pgrp, UAPI_SIGHUP);
	term_put(t);
}

bool tty_of_session(u32 sid, u32 *major, u32 *minor, u32 *pgrp)
{
	struct terminal *t = sid ? term_of_session(sid) : NULL;
	if (!t)
		return false;
	*major = t->is_pty ? TERM_PTS_MAJOR : 5;
	*minor = t->is_pty ? t->index : 1;
	spin_lock(&t->lock);
	*pgrp = t->pgrp;
	spin_unlock(&t->lock);
	term_put(t);
	return true;
}
