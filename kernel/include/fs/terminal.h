/*
 * fs/terminal.h — terminal devices (kernel/dev/tty/): the console and pseudo-terminals, each a
 * `struct terminal` running the one line discipline (fs/tty.h), and the job control that
 * sessions and process groups have through them (docs/tty.md).
 *
 * A terminal may be the controlling terminal of one session (`sid`) and then has a
 * foreground process group (`pgrp`): ISIG characters signal that group, and members of other
 * groups of the session that read it get SIGTTIN (that write it with TOSTOP, or change its
 * settings: SIGTTOU). A session leader acquires one by opening a terminal without O_NOCTTY
 * (not /dev/console, /dev/tty or /dev/ptmx) or by TIOCSCTTY; it loses it by TIOCNOTTY, its
 * exit, or the terminal's hangup. /dev/tty opens the caller's controlling terminal.
 *
 * A pty (kernel/dev/tty/pty.c) is one terminal with two sides: the slave (/dev/pts/N) is the
 * terminal programs see; the master (an open of /dev/ptmx) writes the slave's input and reads
 * its output queue. Closing the master hangs the slave up (reads 0, writes EIO, SIGHUP to the
 * session); once every slave file is closed, master reads return EIO.
 *
 * Open terminal files carry their terminal in file->term (a reference) and, for a master,
 * file->term_master. The system calls reach terminals only through the functions below.
 * In packet mode (TIOCPKT) every master read starts with a status byte: 0 before data, or
 * alone the TIOCPKT_* events since the last read (flushes, output stopped or started, IXON
 * switched).
 *
 * Locking: a terminal's spinlock guards its line discipline and its job-control and pty
 * state; it is never held while taking proc_lock or a process's sig_lock (signals are sent
 * after it is dropped). Everything that waits on a terminal (readers and writers of both
 * sides, pollers) sleeps on its one wait queue, woken at every change.
 */
#ifndef KERNEL_FS_TERMINAL_H
#define KERNEL_FS_TERMINAL_H

#include <fs/tty.h>
#include <fs/vfs.h>
#include <fw/refcount.h>
#include <fw/sync.h>

#define TERM_PTY_MAX 128u   /* pseudo-terminals at once: /dev/ptmx says ENOSPC beyond */
#define TERM_PTS_MAJOR 136u /* /dev/pts/N (UNIX98_PTY_SLAVE_MAJOR) */

struct terminal {
	/* Set at creation, then fixed: */
	bool is_pty;
	u32 index;            /* a pty's number (/dev/pts/N) */
	struct waitq wq;      /* see the locking note */
	struct refcount refs; /* a pty's: its master file's and each slave file's */

	struct spinlock lock;
	struct tty ld GUARDED_BY(&lock);
	u32 sid GUARDED_BY(&lock);  /* the session it controls (0: none) */
	u32 pgrp GUARDED_BY(&lock); /* its foreground process group (0: none) */
	bool stopped GUARDED_BY(&lock); /* output suspended (TCXONC TCOOFF) */
	u32 ispeed GUARDED_BY(&lock), ospeed GUARDED_BY(&lock); /* termios2's c_ispeed, c_ospeed */
	bool excl GUARDED_BY(&lock);    /* TIOCEXCL (of the slave, the console): opens are EBUSY
					 * but for root */
	/* a pty's sides: */
	bool locked GUARDED_BY(&lock);       /* TIOCSPTLCK: the slave cannot be opened yet */
	bool master_excl GUARDED_BY(&lock);  /* the master's own TIOCEXCL (no effect: ptmx opens anew) */
	bool master_open GUARDED_BY(&lock);  /* false once the master is closed: hung up */
	u32 slave_files GUARDED_BY(&lock);   /* open files of the slave */
	bool slave_opened GUARDED_BY(&lock); /* it had one: master reads say EIO once none is left */
	bool packet GUARDED_BY(&lock);       /* TIOCPKT: master reads carry a status byte */
	u8 pkt_status GUARDED_BY(&lock);     /* TIOCPKT_* events not read by the master yet */
};

struct thread;

/* term_console - the console's terminal (5:1, ttyS0 4:64). */
struct terminal *term_console(void);
/* term_console_input - move what the console received through its line discipline (echo,
 * ISIG signals to the foreground group) and wake its readers: whether a read would now take
 * something. Context: task (the clock task, readers, pollers). */
bool term_console_input(void);

/* tty_open - finish open(2) of a terminal file f by p (flags: open(2)'s): /dev/tty becomes
 * p's controlling terminal (-ENXIO without one), /dev/ptmx a new pty's master (-ENOSPC when
 * TERM_PTY_MAX are in use), /dev/pts/N that pty's slave (-EIO while locked or after its
 * master closed); a session leader without one acquires it (no O_NOCTTY). 0 or -errno (the
 * caller closes f). */
int tty_open(struct thread *p, struct file *f, u32 flags);
/* tty_rw - read(2)/write(2) of `count` bytes at user `buf` on terminal file f, with job
 * control, VMIN/VTIME and waiting (unless !may_wait or O_NONBLOCK): bytes, or -errno
 * (-ERESTARTSYS when interrupted before any byte moved). */
i64 tty_rw(struct thread *p, struct file *f, u64 buf, u64 count, bool write, bool may_wait);
/* tty_ioctl - ioctl(2) on terminal file f: 0 (or a value) or -errno (-ENOTTY: unknown); the
 * file_ops.ioctl of every terminal file (the console's, a pty's sides). */
i64 tty_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg);
/* term_file_poll - file_ops.poll of every terminal file. */
u32 term_file_poll(struct file *f, struct poll_table *pt);
/* term_file_close - file_ops.close of every terminal file: its last reference is gone. */
void term_file_close(struct file *f);
/* term_waitq - where callers blocked on terminal file f sleep. */
struct waitq *term_waitq(struct file *f);
/* tty_session_exit - the leader of session `sid` exits: its controlling terminal (if any)
 * sends SIGHUP (only: no SIGCONT, as Linux) to its foreground group and controls no session
 * any more. (Linux also hangs a non-pty terminal up then; the console here is not.) */
void tty_session_exit(u32 sid);
/* tty_of_session - the device number (major, minor) of session sid's controlling terminal and
 * its foreground process group (0: none): false when it has none (/proc/PID/stat's tty_nr
 * and tpgid). */
bool tty_of_session(u32 sid, u32 *major, u32 *minor, u32 *pgrp);

/* Inside kernel/dev/tty: */
void term_init(struct terminal *t, bool is_pty, u32 index);
void term_get(struct terminal *t);
void term_put(struct terminal *t);
/* pty_new - a new pty (its master open, locked): a reference, or NULL (*err -ENOSPC/-ENOMEM). */
struct terminal *pty_new(u32 uid, u32 gid, int *err);
/* pty_find - pty `index` while its master is open: a reference, or NULL. */
struct terminal *pty_find(u32 index);
/* pty_master_closed - the master's last file went: hang the slave up, remove /dev/pts/N. */
void pty_master_closed(struct terminal *t);
/* pty_destroy - free pty t: its last reference went. */
void pty_destroy(struct terminal *t);
/* term_ctty_lock - held across a session's check that it has no controlling terminal and the
 * taking of one (open, TIOCSCTTY), so that two at once cannot both succeed (Linux: siglock). */
extern struct mutex term_ctty_lock;
/* term_of_session - the controlling terminal of session sid: a reference, or NULL. */
struct terminal *term_of_session(u32 sid);
/* term_hangup_session - a hangup: SIGHUP and SIGCONT to the leader of session `sid` (0:
 * none), the terminal's controlling process; nothing to its foreground group (Linux's
 * tty_signal_session_leader: the shell passes the hangup on to its jobs). */
void term_hangup_session(u32 sid);
/* term_output_locked - the output queue goes to the device when it has no master to read it
 * (the console: written out now). */
void term_output_locked(struct terminal *t) REQUIRES(t->lock);
/* term_pkt_event_locked - a packet-mode event (TIOCPKT_*) for the master to read. */
void term_pkt_event_locked(struct terminal *t, u8 ev) REQUIRES(t->lock);
/* term_job_ids - p's process group and session, and the session whose controlling terminal it
 * has (its own, or 0 once it gave it up by TIOCNOTTY). */
struct job_ids {
	u32 pgid, sid;
	u32 ctty_sid; /* the session whose controlling terminal p has: sid, or 0 after TIOCNOTTY */
	bool leader;  /* p leads its session */
};
struct job_ids term_job_ids(struct thread *p);
/* term_job_check - may p read (sig SIGTTIN) or write/change (SIGTTOU) t from its process group:
 * 0, -EIO, or -ERESTARTSYS after stopping p's group (Linux's __tty_check_change). */
int term_job_check(struct thread *p, struct terminal *t, u32 sig);

#endif /* KERNEL_FS_TERMINAL_H */
