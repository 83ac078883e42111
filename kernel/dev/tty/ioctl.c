/*
 * ioctl.c — ioctl(2) on terminal files (fs/terminal.h, ioctl_tty(2)): termios (TCGETS, the
 * TCSETS family), window size (SIGWINCH to the foreground group on a change), queues (TCFLSH,
 * FIONREAD, TIOCOUTQ, TCXONC, TCSBRK), job control (TIOCGPGRP, TIOCSPGRP, TIOCGSID,
 * TIOCSCTTY, TIOCNOTTY), exclusive mode (TIOCEXCL, TIOCNXCL, TIOCGEXCL), termios2 (TCGETS2,
 * the TCSETS2 family: speeds beside c_cflag) and the pty master's (TIOCGPTN, TIOCSPTLCK,
 * TIOCGPTLCK, TIOCGPTPEER, TIOCPKT, TIOCGPKT, TIOCSIG; ENOTTY on the slave). Arguments
 * are copied in and checked first, with the errno order Linux's tty_ioctl gives; a change by a
 * background process group goes through job control first (SIGTTOU).
 */
#include <fs/terminal.h>
#include <fw/fmt.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/wait.h>
#include <uapi/socket.h>
#include <uapi/tty.h>

DEFINE_UCOPY(utermios, struct uapi_termios);
DEFINE_UCOPY(utermios2, struct uapi_termios2);
DEFINE_UCOPY(uwinsize, struct uapi_winsize);
DEFINE_UCOPY(uint32, u32);
DEFINE_UCOPY(uint32s, i32);

/* change_check - a change of t's settings by p (not through a master): SIGTTOU rules. */
static int change_check(struct thread *p, struct file *f, struct terminal *t)
{
	return f->term_master ? 0 : term_job_check(p, t, UAPI_SIGTTOU);
}

/* ctty_of - whether t is p's controlling terminal. */
static bool ctty_of(struct thread *p, struct terminal *t)
{
	u32 sid = term_job_ids(p).ctty_sid;
	spin_lock(&t->lock);
	bool c = t->sid != 0 && t->sid == sid;
	spin_unlock(&t->lock);
	return c;
}

/* The speeds c_cflag's Bnnn bits name (asm-generic/termbits.h: B0..B38400, then CBAUDEX with
 * B57600..B4000000), as Linux's baud_table. */
static const u32 baud_table[31] = {
	0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
	57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
	2500000, 3000000, 3500000, 4000000,
};

/* baud_of - the speed the CBAUD-wide field `bits` names; `given` for BOTHER (termios2). */
static u32 baud_of(u32 bits, u32 given)
{
	if (bits == UAPI_BOTHER)
		return given;
	u32 i = bits & ~UAPI_CBAUDEX;
	if (bits & UAPI_CBAUDEX)
		i += 15;
	return i < 31 ? baud_table[i] : 0;
}

/* set_termios - TCSETS, TCSETSW, TCSETSF and their termios2 forms (`two`: the speeds come with
 * them; else the terminal's speeds stay for BOTHER). The speeds are recomputed from c_cflag
 * whenever it names one, as Linux's set_termios: output from CBAUD, input from CIBAUD (B0:
 * the output speed). */
static i64 set_termios(struct thread *p, struct file *f, struct terminal *t, u64 cmd, u64 arg,
		       bool two)
{
	int e = change_check(p, f, t);
	if (e)
		return e;
	struct uapi_termios2 t2;
	if (two ? utermios2_from_user(&t2, uaddr(arg)) : utermios_from_user(&t2.t, uaddr(arg)))
		return -EFAULT;
	struct uapi_termios tio = t2.t;
	/* TCSETSW / TCSETSF: wait until the output is written. The console writes through; a
	 * pty's output waits in its queue for the master, which Linux does not wait for either
	 * (a pty has no transmitter to drain). */
	spin_lock(&t->lock);
	if (!two) {
		t2.c_ispeed = t->ispeed;
		t2.c_ospeed = t->ospeed;
	}
	u32 ospeed = baud_of(tio.c_cflag & UAPI_CBAUD, t2.c_ospeed);
	u32 ibits = (tio.c_cflag >> UAPI_IBSHIFT) & UAPI_CBAUD;
	t->ispeed = ibits ? baud_of(ibits, t2.c_ispeed) : ospeed;
	t->ospeed = ospeed;
	if (cmd == UAPI_TCSETSF || cmd == UAPI_TCSETSF2)
		tty_flush(&t->ld, true, false);
	bool ixon = (t->ld.termios.c_iflag & TTY_IXON) != 0;
	if (ixon != ((tio.c_iflag & TTY_IXON) != 0))
		term_pkt_event_locked(t, ixon ? UAPI_TIOCPKT_NOSTOP : UAPI_TIOCPKT_DOSTOP);
	tty_set_termios(&t->ld, &tio);
	spin_unlock(&t->lock);
	(void)waitq_wake_all(&t->wq); /* a reader may have a line (or raw bytes) now */
	return 0;
}

static i64 set_winsize(struct terminal *t, u64 arg)
{
	struct uapi_winsize ws;
	if (uwinsize_from_user(&ws, uaddr(arg)))
		return -EFAULT;
	spin_lock(&t->lock);
	const struct uapi_winsize *old = &t->ld.winsize;
	bool changed = old->ws_row != ws.ws_row || old->ws_col != ws.ws_col ||
		       old->ws_xpixel != ws.ws_xpixel || old->ws_ypixel != ws.ws_ypixel;
	t->ld.winsize = ws;
	u32 pgrp = t->pgrp;
	spin_unlock(&t->lock);
	if (changed && pgrp)
		proc_signal_pgrp(pgrp, UAPI_SIGWINCH);
	return 0;
}

static i64 flush(struct thread *p, struct file *f, struct terminal *t, u64 arg)
{
	int e = change_check(p, f, t);
	if (e)
		return e;
	if (arg > UAPI_TCIOFLUSH)
		return -EINVAL;
	bool in = arg != UAPI_TCOFLUSH, out = arg != UAPI_TCIFLUSH;
	if (f->term_master) { /* the master's input is the slave's output, and back */
		bool t_in = in;
		in = out;
		out = t_in;
	}
	spin_lock(&t->lock);
	tty_flush(&t->ld, in, out);
	if (!f->term_master) /* the master hears of the slave's flushes in packet mode */
		term_pkt_event_locked(t, (u8)((in ? UAPI_TIOCPKT_FLUSHREAD : 0) |
					      (out ? UAPI_TIOCPKT_FLUSHWRITE : 0)));
	spin_unlock(&t->lock);
	(void)waitq_wake_all(&t->wq);
	return 0;
}

static i64 xonc(struct thread *p, struct file *f, struct terminal *t, u64 arg)
{
	int e = change_check(p, f, t);
	if (e)
		return e;
	if (arg > UAPI_TCION)
		return -EINVAL;
	spin_lock(&t->lock);
	if (arg == UAPI_TCOOFF || arg == UAPI_TCOON) {
		t->stopped = arg == UAPI_TCOOFF;
		term_pkt_event_locked(t, arg == UAPI_TCOOFF ? UAPI_TIOCPKT_STOP : UAPI_TIOCPKT_START);
	} else {
		/* TCIOFF / TCION send the STOP / START character to the device */
		u8 c = t->ld.termios.c_cc[arg == UAPI_TCIOFF ? 9 : 8];
		if (c && t->ld.out_len < TTY_OBUF)
			t->ld.out[t->ld.out_len++] = c;
	}
	term_output_locked(t);
	spin_unlock(&t->lock);
	(void)waitq_wake_all(&t->wq);
	return 0;
}

/* set_pgrp - TIOCSPGRP (tcsetpgrp(3)). */
static i64 set_pgrp(struct thread *p, struct file *f, struct terminal *t, u64 arg)
{
	int e = change_check(p, f, t);
	if (e == -EIO)
		return -ENOTTY;
	if (e)
		return e;
	u32 sid = term_job_ids(p).sid;
	if (!ctty_of(p, t))
		return -ENOTTY;
	i32 pgrp;
	if (uint32s_from_user(&pgrp, uaddr(arg)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	e = proc_pgrp_session((u32)pgrp, sid);
	if (e)
		return e;
	spin_lock(&t->lock);
	if (t->sid == sid)
		t->pgrp = (u32)pgrp;
	spin_unlock(&t->lock);
	return 0;
}

/* set_ctty - TIOCSCTTY: p, a session leader without a controlling terminal, takes t; a
 * terminal another session controls is taken over only by root with arg 1. */
static i64 set_ctty(struct thread *p, struct file *f, struct terminal *t, u64 arg)
{
	struct job_ids j = term_job_ids(p);
	u32 sid = j.sid;
	if (f->term_master)
		return -EINVAL; /* a master is nobody's controlling terminal here */
	if (j.leader && ctty_of(p, t))
		return 0;
	if (!j.leader)
		return -EPERM;
	bool root = p->fs.cred.euid == 0;
	if ((f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY && !root)
		return -EPERM;
	mutex_lock(&term_ctty_lock); /* no other terminal taken between the check and the set */
	struct terminal *cur = term_of_session(sid);
	if (cur) {
		mutex_unlock(&term_ctty_lock);
		term_put(cur);
		return -EPERM;
	}
	spin_lock(&t->lock);
	u32 old_sid = t->sid;
	if (!old_sid || (arg == 1 && root)) {
		t->sid = sid;
		t->pgrp = j.pgid;
	}
	spin_unlock(&t->lock);
	mutex_unlock(&term_ctty_lock);
	return old_sid && !(arg == 1 && root) ? -EPERM : 0;
}

/* no_ctty - TIOCNOTTY: p gives its controlling terminal up. The session leader takes it from
 * the whole session (SIGHUP and SIGCONT to the foreground group); another member only from
 * itself and the children it forks from now on (until a setsid). */
static i64 no_ctty(struct thread *p, struct terminal *t)
{
	if (!ctty_of(p, t))
		return -ENOTTY;
	if (!term_job_ids(p).leader) {
		spin_lock(&proc_lock);
		p->proc->tty_detached = true;
		spin_unlock(&proc_lock);
		return 0;
	}
	spin_lock(&t->lock);
	u32 pgrp = t->pgrp;
	t->sid = 0;
	t->pgrp = 0;
	spin_unlock(&t->lock);
	if (pgrp) {
		proc_signal_pgrp(pgrp, UAPI_SIGHUP);
		proc_signal_pgrp(pgrp, UAPI_SIGCONT);
	}
	return 0;
}

static i64 put_u32(u32 v, u64 arg)
{
	return uint32_to_user(&v, uaddr(arg)) ? -EFAULT : 0;
}

/* open_peer - TIOCGPTPEER: a new descriptor of master t's slave (/dev/pts/N), opened by p
 * with open(2) `flags` (as Linux, unchecked: the access mode, O_NOCTTY, O_NONBLOCK, O_APPEND
 * and O_CLOEXEC count, the rest is ignored). */
static i64 open_peer(struct thread *p, struct terminal *t, u64 flags)
{
	flags &= VFS_O_ACCMODE | UAPI_O_NOCTTY | UAPI_O_NONBLOCK | VFS_O_APPEND | UAPI_O_CLOEXEC;
	if ((flags & VFS_O_ACCMODE) == VFS_O_ACCMODE)
		flags &= ~(u64)VFS_O_ACCMODE; /* (an invalid mode; Linux's dentry_open would refuse it) */
	u8 path[32];
	struct result_size n = FMT(BYTES_OF_ARRAY(path), "/dev/pts/%u", t->index);
	if (n.err)
		return -EIO;
	struct file_result f = vfs_open(&p->fs, str_from_bytes(bytes_head(BYTES_OF_ARRAY(path), n.value)),
					(u32)flags & ~UAPI_O_CLOEXEC, 0);
	if (f.err)
		return f.err == -ENOENT ? -EIO : f.err; /* no devpts at /dev/pts */
	struct inode *ip = f.value->inode;
	int e = vfs_file_is_tty(f.value) && ip->rdev_major == TERM_PTS_MAJOR &&
			ip->rdev_minor == t->index
		? tty_open(p, f.value, (u32)flags)
		: -EIO;
	if (e) {
		vfs_close(f.value);
		return e;
	}
	struct result_i64 fd = proc_fd_install(p, f.value, 0, (flags & UAPI_O_CLOEXEC) != 0);
	if (fd.err)
		vfs_close(f.value);
	return fd.err ? fd.err : fd.value;
}

/* pty_ioctl - the master's own ioctls (Linux's pty_unix98_ioctl, which only the master's
 * operations have: on the slave they are ENOTTY, TIOCGPTPEER EIO): 1 when cmd is not one. */
static i64 pty_ioctl(struct thread *p, struct file *f, struct terminal *t, u64 cmd, u64 arg)
{
	if (!f->term_master) /* TIOCGPTPEER is tty_ioctl's: EIO unless on a master */
		return cmd == UAPI_TIOCGPTPEER ? -EIO : 1;
	switch (cmd) {
	case UAPI_TIOCGPTPEER:
		return open_peer(p, t, arg);
	case UAPI_TIOCSIG: {
		/* Linux's pty_signal: SIGINT, SIGQUIT or SIGTSTP to the slave's foreground group */
		if (arg != UAPI_SIGINT && arg != UAPI_SIGQUIT && arg != UAPI_SIGTSTP)
			return -EINVAL;
		spin_lock(&t->lock);
		u32 pgrp = t->pgrp;
		spin_unlock(&t->lock);
		if (pgrp)
			proc_signal_pgrp(pgrp, (u32)arg);
		return 0;
	}
	case UAPI_TIOCPKT: {
		i32 on;
		if (uint32s_from_user(&on, uaddr(arg)))
			return -EFAULT;
		spin_lock(&t->lock);
		if (on && !t->packet)
			t->pkt_status = 0;
		t->packet = on != 0;
		spin_unlock(&t->lock);
		return 0;
	}
	case UAPI_TIOCGPKT: {
		spin_lock(&t->lock);
		u32 v = t->packet;
		spin_unlock(&t->lock);
		return put_u32(v, arg);
	}
	case UAPI_TIOCGPTN:
		return put_u32(t->index, arg);
	case UAPI_TIOCSPTLCK: {
		i32 v;
		if (uint32s_from_user(&v, uaddr(arg)))
			return -EFAULT;
		spin_lock(&t->lock);
		t->locked = v != 0;
		spin_unlock(&t->lock);
		return 0;
	}
	case UAPI_TIOCGPTLCK: {
		spin_lock(&t->lock);
		u32 v = t->locked;
		spin_unlock(&t->lock);
		return put_u32(v, arg);
	}
	default:
		return 1;
	}
}

i64 tty_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	struct terminal *t = f->term ? f->term : term_console();
	i64 r = pty_ioctl(p, f, t, cmd, arg);
	if (r != 1)
		return r;
	switch (cmd) {
	case UAPI_TCGETS: {
		spin_lock(&t->lock);
		struct uapi_termios tio = t->ld.termios;
		spin_unlock(&t->lock);
		return utermios_to_user(&tio, uaddr(arg)) ? -EFAULT : 0;
	}
	case UAPI_TCSETS:
	case UAPI_TCSETSW:
	case UAPI_TCSETSF:
		return set_termios(p, f, t, cmd, arg, false);
	case UAPI_TCGETS2: {
		spin_lock(&t->lock);
		struct uapi_termios2 t2 = { .t = t->ld.termios, .c_ispeed = t->ispeed, .c_ospeed = t->ospeed };
		spin_unlock(&t->lock);
		return utermios2_to_user(&t2, uaddr(arg)) ? -EFAULT : 0;
	}
	case UAPI_TCSETS2:
	case UAPI_TCSETSW2:
	case UAPI_TCSETSF2:
		return set_termios(p, f, t, cmd, arg, true);
	case UAPI_TIOCEXCL:
	case UAPI_TIOCNXCL:
		spin_lock(&t->lock);
		if (f->term_master)
			t->master_excl = cmd == UAPI_TIOCEXCL;
		else
			t->excl = cmd == UAPI_TIOCEXCL;
		spin_unlock(&t->lock);
		return 0;
	case UAPI_TIOCGEXCL: {
		spin_lock(&t->lock);
		u32 v = f->term_master ? t->master_excl : t->excl;
		spin_unlock(&t->lock);
		return put_u32(v, arg);
	}
	case UAPI_TIOCGWINSZ: {
		spin_lock(&t->lock);
		struct uapi_winsize ws = t->ld.winsize;
		spin_unlock(&t->lock);
		return uwinsize_to_user(&ws, uaddr(arg)) ? -EFAULT : 0;
	}
	case UAPI_TIOCSWINSZ:
		return set_winsize(t, arg);
	case UAPI_TCFLSH:
		return flush(p, f, t, arg);
	case UAPI_TCXONC:
		return xonc(p, f, t, arg);
	case UAPI_TCSBRK:
	case UAPI_TCSBRKP:
		/* tcdrain / tcsendbreak: output is never held back (the console writes through; a
		 * pty has no transmitter), so there is nothing to wait for */
		return 0;
	case UAPI_TIOCINQ: {
		spin_lock(&t->lock);
		u32 n = (u32)(f->term_master ? t->ld.out_len : tty_inq(&t->ld));
		spin_unlock(&t->lock);
		return put_u32(n, arg);
	}
	case UAPI_TIOCOUTQ: {
		spin_lock(&t->lock);
		u32 n = (u32)(f->term_master ? tty_inq(&t->ld) : t->is_pty ? t->ld.out_len : 0);
		spin_unlock(&t->lock);
		return put_u32(n, arg);
	}
	case UAPI_TIOCGPGRP: {
		if (!f->term_master && !ctty_of(p, t))
			return -ENOTTY;
		spin_lock(&t->lock);
		u32 pgrp = t->pgrp;
		spin_unlock(&t->lock);
		return put_u32(pgrp, arg);
	}
	case UAPI_TIOCSPGRP:
		return set_pgrp(p, f, t, arg);
	case UAPI_TIOCGSID: {
		if (!f->term_master && !ctty_of(p, t))
			return -ENOTTY;
		spin_lock(&t->lock);
		u32 sid = t->sid;
		spin_unlock(&t->lock);
		return sid ? put_u32(sid, arg) : -ENOTTY;
	}
	case UAPI_TIOCSCTTY:
		return set_ctty(p, f, t, arg);
	case UAPI_TIOCNOTTY:
		return f->term_master ? -ENOTTY : no_ctty(p, t);
	case UAPI_TIOCGETD:
		return put_u32(0, arg); /* N_TTY, the only discipline */
	case UAPI_TIOCSETD: {
		u32 d;
		if (uint32_from_user(&d, uaddr(arg)))
			return -EFAULT;
		return d == 0 ? 0 : -EINVAL;
	}
	case UAPI_FIONBIO: {
		i32 on;
		if (uint32s_from_user(&on, uaddr(arg)))
			return -EFAULT;
		f->flags = on ? f->flags | UAPI_O_NONBLOCK : f->flags & ~UAPI_O_NONBLOCK;
		return 0;
	}
	case UAPI_TIOCSTI:
		return -EIO; /* refused, as Linux without legacy_tiocsti */
	default:
		return -ENOTTY;
	}
}
