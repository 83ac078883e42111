/*
 * proc/signal.h — the signal state of a thread and of a thread group, and how to post a
 * signal (proc/signal.c delivers, proc/sigqueue.c queues).
 *
 * Dispositions: one handler table per thread group (struct proc_sighand, Linux's
 * sighand_struct): the threads of a group (CLONE_SIGHAND) share it, fork copies it, execve
 * resets it. rt_sigaction changes one entry
 * under the table's own lock, O(1) whatever the number of threads.
 *
 * Pending signals: per thread (struct proc_sigpending, under the thread's sig_lock).
 * A process-directed signal picks its thread when it is sent (proc_group_signal). A standard
 * signal (1..31) is one bit and one siginfo: sending it again while it is pending changes
 * nothing. A real-time signal (32..64) queues: every instance keeps its own siginfo and is
 * delivered, lowest number first and in sending order within a number. Queued instances are
 * counted per real uid of the receiver against RLIMIT_SIGPENDING (proc_sigpending_limit):
 * over the limit (or out of memory) a send fails with -EAGAIN, except a kill-style one
 * (SI_USER), which only sets the bit: it merges with the instances already pending, or is
 * taken alone with its siginfo lost (SI_USER from pid 0), as Linux.
 *
 * Posting a signal from a new source (signalfd, POSIX timers, SIGIO): fill a struct
 * proc_siginfo with the si_code and the fields its layout uses (proc_siginfo_layout) and call
 * proc_signal_send (one thread) or proc_group_signal (a process). Taking one without a handler
 * (sigwaitinfo, signalfd's read): proc_signal_dequeue, then proc_siginfo_to_user for the
 * siginfo_t (or read the fields). Every send wakes the thread's current sleep
 * (p->waiting_on) when the signal is not blocked or p waits for it (rt_sigtimedwait).
 *
 * Locking: proc_lock -> p->sig_lock -> sighand->lock (innermost; never held across a
 * user copy). p->sighand itself is fixed from p's creation to its freeing.
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

#include <fw/list.h>
#include <fw/refcount.h>
#include <fw/sync.h>
#include <fw/types.h>
#include <fw/user.h>
#include <uapi/signal.h>

#define PROC_NSIG 64u
struct thread;

/* A recorded signal disposition (struct kernel_sigaction as rt_sigaction passes it). */
struct proc_sigaction {
	u64 handler; /* SIG_DFL 0, SIG_IGN 1, or a user address */
	u64 flags;
	u64 restorer;
	u64 mask;
};

/* The handler table of a thread group (CLONE_SIGHAND shares it, fork copies it). */
struct proc_sighand {
	struct refcount refs;
	struct spinlock lock;
	struct proc_sigaction act[PROC_NSIG] GUARDED_BY(&lock);
	/* woken after every signal queued to a thread of the group (signalfd readers and pollers,
	 * proc/signalfd.c; a signalfd holds a reference on its creator's table) */
	struct waitq signalfd_wq;
};

/* What a signal's siginfo says. Which fields reach siginfo_t depends on the layout Linux
 * derives from (signal, si_code): see proc_siginfo_layout. */
struct proc_siginfo {
	i32 code;        /* si_code: SI_USER 0, SI_QUEUE -1, SI_TKILL -6, SI_KERNEL 0x80, CLD_*... */
	i32 errnum;      /* si_errno */
	u32 pid, uid;    /* KILL, RT, CHLD: the sender (SIGCHLD: the child) and its real uid */
	i32 status;      /* CHLD: the exit code or signal */
	u64 value;       /* RT, TIMER: si_value */
	u64 addr;        /* FAULT: si_addr; SYS: si_call_addr */
	i32 timer_id;    /* TIMER: si_tid; SYS: si_syscall */
	i32 overrun;     /* TIMER: si_overrun; SYS: si_arch */
	i64 band;        /* POLL: si_band */
	i32 fd;          /* POLL: si_fd */
	u32 trapno, err; /* a fault: the vector and error code (the frame's sigcontext) */
};

/* siginfo_layout: which union member of siginfo_t a (signal, si_code) pair uses. */
enum proc_siginfo_layout {
	PROC_SIL_KILL,  /* si_pid, si_uid */
	PROC_SIL_TIMER, /* si_tid, si_overrun, si_value */
	PROC_SIL_POLL,  /* si_band, si_fd */
	PROC_SIL_FAULT, /* si_addr */
	PROC_SIL_CHLD,  /* si_pid, si_uid, si_status, si_utime, si_stime */
	PROC_SIL_RT,    /* si_pid, si_uid, si_value */
	PROC_SIL_SYS,   /* si_call_addr, si_syscall, si_arch */
};

/* One queued instance of a real-time signal (on its thread's pending list). */
struct proc_sigqueued {
	struct list_link link;
	u32 sig;
	u32 uid;      /* whose RLIMIT_SIGPENDING count it holds */
	struct proc_siginfo info;
};
DEFINE_LIST(proc_sigq_list, struct proc_sigqueued, link, spinlock);

/* A thread's pending signals (guarded by its sig_lock). */
struct proc_sigpending {
	u64 set;                       /* bit sig-1: pending */
	struct proc_siginfo std[31];   /* the siginfo of pending standard signal sig (1..31) */
	struct proc_sigq_list rt;      /* real-time instances, in sending order */
};

/* proc_sighand_new - a table with every signal at SIG_DFL (one reference), or NULL. */
struct proc_sighand *proc_sighand_new(void);
/* proc_sighand_put - drop a reference; the last frees the table (NULL is ignored). */
void proc_sighand_put(struct proc_sighand *h);
/* proc_sigaction_get - p's group's disposition of sig (1..64). */
struct proc_sigaction proc_sigaction_get(struct thread *p, u32 sig);
/* proc_sigaction_set - rt_sigaction: set sig's disposition for p's whole group (the old one in
 * *old, when not NULL). A disposition that ignores sig (SIG_IGN, or SIG_DFL of a signal whose
 * default is to ignore it) discards sig where it is pending in every thread of the group. */
void proc_sigaction_set(struct thread *p, u32 sig, struct proc_sigaction act,
			struct proc_sigaction *old);
/* proc_sighand_exec - execve's reset of the dispositions (Linux's flush_signal_handlers):
 * handlers go back to SIG_DFL (SIG_IGN stays); flags, restorers and masks are cleared. The
 * table is reset in place: only threads of one group ever share a table (clone refuses
 * CLONE_SIGHAND without CLONE_THREAD), and after execve's point of no return they are gone. */
void proc_sighand_exec(struct thread *p);
/* proc_sighand_inherit - fork: dst's table (its own) gets src's dispositions. */
void proc_sighand_inherit(struct thread *dst, struct thread *src);

/* proc_sigpending_init - an empty pending set bound to its thread's lock. */
void proc_sigpending_init(struct thread *p);
/* proc_sigpending_flush - discard every pending signal of p (exit, free): the queued
 * instances' counts are given back. */
void proc_sigpending_flush(struct thread *p);
/* proc_sigpending_limit - the most queued real-time instances per real uid: the receiver's
 * soft RLIMIT_SIGPENDING (proc/rlimit.h; unlimited becomes U32_MAX). Context: may be called
 * under p's sig_lock (the limits' rlim_lock is innermost). */
u32 proc_sigpending_limit(struct thread *p);
/* proc_sigqueued_count - the real-time instances queued now for real uid `uid` (what counts
 * against the limit above; /proc/PID/status's SigQ). */
u32 proc_sigqueued_count(u32 uid);
/* proc_sigqueue_locked, proc_sigdequeue_locked, proc_sigdiscard_locked: proc/process.h (they
 * need struct thread for their lock annotation). */

/* proc_siginfo_layout - Linux's siginfo_layout(sig, code). */
enum proc_siginfo_layout proc_siginfo_layout(u32 sig, i32 code);
/* proc_siginfo_to_uapi / proc_siginfo_from_uapi - siginfo_t <-> struct proc_siginfo by the
 * layout of (sig, code). */
struct uapi_siginfo proc_siginfo_to_uapi(u32 sig, const struct proc_siginfo *si);
struct proc_siginfo proc_siginfo_from_uapi(u32 sig, const struct uapi_siginfo *u);
/* proc_siginfo_to_user - write sig's siginfo_t to user memory: 0 or -EFAULT. */
int proc_siginfo_to_user(u32 sig, const struct proc_siginfo *si, struct uaddr to);

/* proc_signal_dequeue - take the lowest pending signal of `set` from p (rt_sigtimedwait,
 * signalfd): the signal with its siginfo in *info, or 0. */
u32 proc_signal_dequeue(struct thread *p, u64 set, struct proc_siginfo *info);

/* The alternate signal stack (sigaltstack) of one thread. */
struct proc_altstack {
	u64 sp;    /* the lowest address */
	u64 size;  /* 0: none (SS_DISABLE) */
	u32 flags; /* SS_AUTODISARM or 0 */
};
/* proc_sigaltstack - sigaltstack(2) for p, whose user stack pointer is `sp`: the old setting
 * in *old (when not NULL), then `ss` applied (when not NULL). 0, -EPERM (p runs on the
 * alternate stack), -EINVAL (bad flags) or -ENOMEM (smaller than min_size). */
int proc_sigaltstack(struct thread *p, const struct uapi_stack *ss, struct uapi_stack *old,
		     u64 sp, u64 min_size);

#endif /* KERNEL_PROC_SIGNAL_H */
