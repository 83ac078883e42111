/*
 * proc/process.h — processes, minimal: a memory map (vm/vm.h: the address space and its
 * regions, shared under CLONE_VM), a file-descriptor table, credentials and a working directory, signal
 * dispositions, mask and pending set (delivered by proc/signal.c), the ITIMER_REAL alarm, and
 * the parent/child links wait4 needs.
 *
 * Threads and processes: a `struct thread` is one thread (one framework task); a `struct
 * process` is a thread group (Linux's signal_struct), made by fork or clone without
 * CLONE_THREAD, shared by reference by its threads (t->proc) and freed with the last of them.
 * The process holds the group's state: its thread count and how it ends (exit_group, a fatal
 * signal, an execve ending the other threads), exit signal, program file, OOM adjustment,
 * prctl/personality flags, process group and session, interval timers, resource limits,
 * nice value and usage totals. The threads clone makes with CLONE_THREAD share their
 * leader's memory map; getpid is the leader's pid, gettid the thread's own. The group exits
 * when its last thread does (with the status exit_group or a fatal signal gave, else the
 * last thread's); the parent link and the job-control stop are the process's, the zombie and
 * its wait status are still kept in the leader thread: wait4 and the child scans see leaders
 * only (a leader whose own thread ended stays listed, not a zombie,
 * until the group ends). execve from a thread ends the other threads first (the caller keeps its own
 * tid; Linux gives it the leader's). The file table is shared under CLONE_FILES
 * (proc/files.c), the fs context under CLONE_FS (proc/fsctx.c), otherwise copied; the signal
 * dispositions are one table the group shares (proc/signal.h).
 *
 * Every thread runs on its own framework task (proc/thread.c): enter user mode, serve the
 * system call or exception that comes back, act on pending signals, repeat. A call that must
 * wait sleeps on the wait queue of the object it waits for (proc/wait.h: a pipe, the console,
 * p->child_wq for wait4, p->sig_wq for pause/sigsuspend), with a deadline and interruptible by
 * signals; an interrupted call returns -ERESTART* and signal delivery turns that into -EINTR
 * or a restart.
 *
 * Locking (lock order: proc_lock -> t->sig_lock; proc_lock -> proc->itimer_lock; each struct
 * groups its fields under the lock that guards them, GUARDED_BY on each):
 *  - proc_lock (a spinlock) guards the process list and the fields other processes touch: a
 *    thread's state, wait_status, autoreap; a process's parent, stop/continue reports,
 *    thread count, group exit, exit signal, exe, OOM adjustment, prctl flags, pgid and sid;
 *  - t->sig_lock (a spinlock) guards a thread's signal state and its current wait (senders
 *    and the clock task reach it from other tasks);
 *  - proc->itimer_lock guards the process's interval timers (the clock task and every
 *    thread's tick read them), proc->rlim_lock its limits, nice value and usage totals;
 *  - the memory map (t->mm) has its own lock (vm/vm.h), the descriptor table (t->files) its
 *    own (proc/files.c);
 *  - the rest (brk, context, credentials) is touched only by the thread's own task.
 */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include <exec/stack.h>
#include <fs/vfs.h>
#include <fw/array.h>
#include <fw/atomic.h>
#include <fw/heap.h>
#include <fw/list.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/user.h>
#include <proc/wait.h>
#include <fw/vmspace.h>
#include <proc/signal.h>
#include <proc/rlimit.h>
#include <proc/usage.h>
#include <vm/vm.h>

#define PROC_MAX_FDS 1024u
#define PROC_COMM_LEN 16u /* TASK_COMM_LEN: a name of 15 bytes and its NUL */

/* A process's name: NUL-padded, at most 15 bytes. */
struct proc_comm {
	u8 b[PROC_COMM_LEN];
};
#define PROC_STACK_TOP 0x7ffffffde000ull /* below VM_USER_END, 16-aligned */
#define PROC_STACK_LIMIT_MAX (1ull << 30) /* the largest stack region (RLIMIT_STACK above it) */
#define PROC_PIE_BASE 0x555555554000ull  /* where a static-PIE program is loaded */
#define PROC_INTERP_BASE 0x7ff000000000ull /* where a dynamic linker (PT_INTERP) is loaded: above
					     * mmap's range, below the stack */
/* Where exec maps the vDSO pair (fw/vdso.h): [vvar], then [vdso] (AT_SYSINFO_EHDR) right above
 * it. A fixed address above the stack's top, 8 KiB clear of it, below VM_USER_END (the pair
 * takes a few pages of the 132 KiB there); nothing else is ever placed there but by MAP_FIXED. */
#define PROC_VDSO_BASE 0x7ffffffe0000ull

struct fd_slot {
	struct file *file; /* NULL: free */
	bool cloexec;
};
DEFINE_ARRAY(fd_array, struct fd_slot);
DEFINE_ARRAY(file_refs, struct file *);
struct fd_table; /* proc/files.c */
struct proc_fsctx; /* proc/fsctx.c */

/* The process list's lock (see the locking note above). */
extern struct spinlock proc_lock;
/* The futex waiters' lock (proc/futex.c; a mutex: reading a futex word may fault and sleep). */
extern struct mutex futex_lock;

enum proc_state {
	PROC_RUNNABLE, /* running, or sleeping in a system call */
	PROC_ZOMBIE,   /* exited, waiting to be reaped */
	PROC_STOPPED,  /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT or SIGKILL */
};

/* What a call interrupted by a signal wants (restart_syscall continues a sleep). */
enum proc_restart {
	PROC_RESTART_NONE,
	PROC_RESTART_SLEEP, /* nanosleep/clock_nanosleep: sleep until restart_deadline_ns */
	PROC_RESTART_CPU_SLEEP, /* clock_nanosleep on the process's CPU clock: until its CPU
				 * time reaches restart_deadline_ns */
};

/* What prctl(2) sets per thread (proc/ctl.c), in struct thread under proc_lock. */
struct proc_ctl {
	u32 pdeath_signal;    /* PR_SET_PDEATHSIG (0: none): sent when the creating thread exits */
	u32 creator_tid;      /* a leader's: the thread that forked its process (0: it has
			       * outlived it) */
	bool pdeath_due;      /* marked by an exit, sent by proc_ctl_send_pdeath */
	bool no_new_privs;    /* PR_SET_NO_NEW_PRIVS: inherited by fork and clone, never cleared */
};

/* What prctl(2) and personality(2) set per process (proc/ctl.c), in struct process under
 * proc_lock. */
struct proc_group_ctl {
	bool undumpable;      /* PR_SET_DUMPABLE 0, or its ids changed (exec clears) */
	bool child_subreaper; /* PR_SET_CHILD_SUBREAPER (orphans of its descendants) */
	u32 personality;      /* personality(2), inherited by fork, kept by exec */
};

/* The thread group (Linux's signal_struct): made by fork, or clone without CLONE_THREAD, and
 * for init (proc_alloc); every thread of the group holds a reference to it (t->proc, fixed
 * for the thread's life: execve from any thread keeps it) and the last put frees it. It holds
 * what belongs to the process rather than to one thread. What stays in the leader thread (its
 * pid is the process id): the zombie and its wait status (proc/process.c; see the notes in
 * notes/proc-audit.md). */
struct process {
	/* Set at creation, then fixed: */
	struct refcount refs;      /* one per thread (t->proc) */

	/* Guarded by proc_lock (other processes' exits, wait4 and /proc read them): */
	struct thread *parent GUARDED_BY(&proc_lock); /* the parent process's leader thread (NULL:
						       * none, init); moved to a reaper when it
						       * exits (proc_exit) */
	struct atomic_u32 ppid;     /* parent's pid (0: none), written with parent under proc_lock:
				     * getppid reads it lock-free */
	u32 nthreads GUARDED_BY(&proc_lock);        /* threads that have not exited yet */
	bool group_exiting GUARDED_BY(&proc_lock);  /* exit_group or a fatal signal ends the group */
	int group_status GUARDED_BY(&proc_lock);    /* the wait status it ends with */
	struct thread *exec_thread GUARDED_BY(&proc_lock); /* an execve ending the other threads */
	u32 exit_signal GUARDED_BY(&proc_lock);     /* what its exit sends its parent (clone's low
						     * byte: SIGCHLD for fork, 0 for none); a child whose signal
						     * is not SIGCHLD is a "clone child", waited for with
						     * __WCLONE or __WALL only; reparenting makes it SIGCHLD */
	struct vfs_path exe GUARDED_BY(&proc_lock); /* its program file (references; mnt NULL:
						      * none): /proc/PID/exe */
	i32 oom_score_adj GUARDED_BY(&proc_lock);   /* /proc/PID/oom_score_adj, -1000..1000
						     * (-1000: never the OOM victim); fork inherits
						     * it, exec keeps it */
	i32 oom_score_adj_min GUARDED_BY(&proc_lock); /* the lowest value an unprivileged write
						       * may set: root's last write (Linux) */
	struct proc_group_ctl ctl GUARDED_BY(&proc_lock); /* prctl and personality (proc/ctl.c) */
	u32 pgid GUARDED_BY(&proc_lock);            /* process group (setpgid, setsid) */
	u32 sid GUARDED_BY(&proc_lock);             /* session (setsid) */
	bool tty_detached GUARDED_BY(&proc_lock);   /* gave its session's controlling terminal up
						     * (TIOCNOTTY); inherited, cleared by setsid */
	bool execed GUARDED_BY(&proc_lock);         /* ran execve: its parent may not move it
						     * (setpgid EACCES) */
	/* job control (proc/signal.c): the group stop, reported once for the process */
	bool stopped GUARDED_BY(&proc_lock);        /* a stop signal stopped its threads, no SIGCONT
						     * or SIGKILL since */
	u32 stop_sig GUARDED_BY(&proc_lock);        /* that signal, while wait4 has not reported it */
	bool cont_report GUARDED_BY(&proc_lock);    /* continued, while wait4 (WCONTINUED) has not
						     * reported it */

	/* The interval timers (proc/itimer.h), guarded by itimer_lock (after proc_lock): */
	struct spinlock itimer_lock;
	u64 alarm_ns GUARDED_BY(&itimer_lock);      /* ITIMER_REAL: when SIGALRM is due (fw_time_ns;
						     * 0: disarmed) */
	u64 alarm_interval_ns GUARDED_BY(&itimer_lock); /* and its reload (0: one shot) */
	u64 cpu_itimer_ns[2] GUARDED_BY(&itimer_lock); /* ITIMER_VIRTUAL, ITIMER_PROF: when due, in
							* the process's user (user + system) CPU
							* time; 0: disarmed */
	u64 cpu_itimer_interval_ns[2] GUARDED_BY(&itimer_lock); /* and their reloads */

	/* Resource limits (proc/rlimit.h) and usage totals (proc/usage.h), guarded by rlim_lock: */
	struct spinlock rlim_lock;
	struct proc_rlimit rlim[PROC_RLIM_N] GUARDED_BY(&rlim_lock);
	i32 nice GUARDED_BY(&rlim_lock); /* setpriority(2): -20..19, inherited (the policy ignores it) */
	struct proc_usage dead_usage GUARDED_BY(&rlim_lock);  /* its ended threads' (not the leader's: it
								* keeps its own, proc/usage.h) */
	struct proc_usage child_usage GUARDED_BY(&rlim_lock); /* its reaped children's */
};

/* The files of one 64-descriptor word (proc_fd_get_set). */
struct proc_fd_set {
	struct file *f[64];
};

/* select's working sets (syscall/poll.c): the asked and ready bits of every word, and the
 * files of the word being scanned. In the thread, reused by each call: select over 100
 * descriptors paid more for allocating and zeroing them than for a third of its polls. */
#define PROC_SELECT_WORDS (PROC_MAX_FDS / 64u)
struct proc_select_sets {
	u64 in[PROC_SELECT_WORDS], out[PROC_SELECT_WORDS], ex[PROC_SELECT_WORDS];    /* asked */
	u64 rin[PROC_SELECT_WORDS], rout[PROC_SELECT_WORDS], rex[PROC_SELECT_WORDS]; /* ready */
	struct proc_fd_set files;
};

struct thread {
	/* Set at creation, then fixed: */
	struct callback entry;     /* the task's entry (proc_thread_main, proc/thread.c) */
	u32 pid;                   /* the thread id (tid); the process id is leader->pid */
	struct thread *leader;    /* the thread group's first thread (p itself for a process);
				    * a thread holds a reference to it */
	struct process *proc;      /* p's thread group (a reference; struct process) */
	struct waitq futex_wq;     /* futex waits sleep here (proc/futex.c) */
	struct waitq child_wq;     /* wait4 sleeps here; a child's exit/stop/continue wakes it */
	struct waitq sig_wq;       /* pause, rt_sigsuspend, rt_sigtimedwait sleep here */
	struct waitq exit_wq;      /* woken when p's task ends (proc_run waits for init), and for a
				    * leader when a thread of its group exits (execve waits) and
				    * when the group has exited (pidfd polls) */
	struct waitq poll_wq;      /* poll sleeps here; the polled files' queues wake it */
	struct kbuf io_kbuf;       /* a page for moving data between user memory and files
				    * (kbuf_bytes at each use: a slice kept here beside it would be
				    * a fat value other tasks can read, rule shared-fat) */
	struct refcount refs;      /* the list's (until reaped), the task's, lookups' */
	struct proc_sighand *sighand; /* the group's handler table (a reference; proc/signal.h) */
	u64 start_ns;              /* when it was made (fw_time_ns; /proc/PID/stat's starttime) */
	struct atomic_u64 cpu_mask_pending; /* sched_setaffinity's CPUs not yet applied by p's task
					     * (0: none); atomic, as every return to user mode checks it */
	struct atomic_u32 make_it_fail; /* /proc/PID/make-it-fail: 1 lets failure injection fail
					 * p's task (fault.task_filter, docs/fuzzing.md); p's task
					 * applies it at its next return to user mode; fork and clone
					 * copy it */

	/* Guarded by proc_lock: */
	struct list_link all_link;
	enum proc_state state GUARDED_BY(&proc_lock);
	int wait_status GUARDED_BY(&proc_lock);     /* the wait4 status word once a zombie */
	bool autoreap GUARDED_BY(&proc_lock);       /* a zombie nobody waits for (SIGCHLD ignored): reaped at once */
	bool exited GUARDED_BY(&proc_lock);         /* p has no task (not started, or it ended) */
	bool listed GUARDED_BY(&proc_lock);         /* on the list (not reaped yet) */
	bool vfork_wait GUARDED_BY(&proc_lock);     /* a vfork child: its parent sleeps until it execs or exits */
	u64 task_id GUARDED_BY(&proc_lock);         /* its framework task's task_id() (0: none yet) */
	struct proc_comm comm GUARDED_BY(&proc_lock); /* its name (prctl PR_SET_NAME, exec) */
	struct proc_ctl ctl GUARDED_BY(&proc_lock); /* prctl's per-thread part (proc/ctl.c) */

	/* Guarded by sig_lock: */
	struct spinlock sig_lock;
	u64 sigmask GUARDED_BY(&sig_lock);
	struct proc_sigpending pending GUARDED_BY(&sig_lock); /* sent, not yet delivered (proc/signal.h) */
	u64 sigsaved GUARDED_BY(&sig_lock);        /* rt_sigsuspend: the mask to restore after the handler */
	bool sigsuspended GUARDED_BY(&sig_lock);   /* rt_sigsuspend replaced the mask (sigsaved holds the old one);
						    * written through proc_sigsuspended_set_locked */
	struct atomic_u32 sig_attn; /* PROC_SIG_ATTN_*: written under sig_lock, read without it by
				     * p's return path (proc_signal_deliver's fast check) */
	u64 sigwaiting GUARDED_BY(&sig_lock);      /* rt_sigtimedwait: these signals wake p even though blocked */
	struct waitq *waiting_on GUARDED_BY(&sig_lock); /* the queue p sleeps on (a signal or the clock wakes it) */
	u64 sleep_deadline_ns GUARDED_BY(&sig_lock);    /* when that sleep times out (0: never) */
	bool sleep_wall GUARDED_BY(&sig_lock);          /* ... a wall-clock date, not a monotonic time */
	u64 poll_seq GUARDED_BY(&sig_lock);  /* bumped when a file p polls changes */
	u64 cpu_mask GUARDED_BY(&sig_lock);  /* sched_setaffinity's CPUs (0: all), inherited */
	u64 robust_list GUARDED_BY(&sig_lock); /* set_robust_list's head (0: none), walked at exit */

	/* Usage counters (proc/usage.h): written by p's task, read by anyone */
	struct proc_acct acct;

	/* A futex wait of p (proc/futex.c), guarded by futex_lock; the flag is atomic (p's wait
	 * condition reads it): */
	struct list_link futex_link;
	struct vm_futex_key futex_key GUARDED_BY(&futex_lock); /* the word waited on */
	u32 futex_bitset GUARDED_BY(&futex_lock);
	struct atomic_flag futex_woken;

	/* p's own task only: */
	struct vm_map *mm;         /* a reference (NULL once exited); mm->vs is the address space.
				    * Changed only by p's task, through proc_swap_mm (under
				    * proc_lock, so others may read it under proc_lock) */
	struct user_context uc;
	struct vfs_ctx fs;          /* root, cwd (p's copy) and credentials */
	struct proc_fsctx *fsctx;   /* CLONE_FS: root, cwd and umask shared (NULL: p's alone) */
	u64 fsctx_gen;              /* the shared values' generation p's copy holds */
	u64 pivot_seen;             /* the pivot_root count p's root and cwd are current with */
	struct fd_table *files;           /* the descriptor table (proc/files.c), maybe shared */
	/* References this call's lookups hold (proc_fd_get): only p's task touches them, but a
	 * growable array in a heap object is a fat value (rule shared-fat), so under a lock of
	 * its own (never contended); nborrowed mirrors the length, for the lock-free "none" test
	 * at the end of every call. */
	struct spinlock borrowed_lock;
	struct file_refs fd_borrowed GUARDED_BY(&borrowed_lock);
	u32 nborrowed;
	struct proc_select_sets select; /* select's and pselect6's sets (written before read) */
	u32 umask;
	u32 make_it_fail_task;      /* the make_it_fail value p's task has applied */
	u64 fault_addr_last;        /* p's task's last page fault it resolved, and how many times in a
				     * row it was that one (a fault that keeps coming back: logged once) */
	u32 fault_repeats;
	u64 clear_child_tid;        /* set_tid_address / CLONE_CHILD_CLEARTID: zeroed and woken at exit */
	struct proc_altstack altstack; /* sigaltstack: per thread, inherited by fork, reset by exec */
	enum proc_restart restart;   /* what restart_syscall continues */
	u64 restart_deadline_ns;
};
/* The pending-signal primitives behind proc/signal.h (proc/sigqueue.c), under p->sig_lock. */
/* proc_sigqueue_locked - make sig pending in p with `info` (p->sig_lock held): a standard
 * signal already pending is left as it is; a real-time one queues another instance. 0, or
 * -EAGAIN when a real-time send other than SI_USER is over the limit or out of memory. */
int proc_sigqueue_locked(struct thread *p, u32 sig, const struct proc_siginfo *info)
	REQUIRES(p->sig_lock);
/* proc_sigdequeue_locked - take the lowest pending signal of `set` (SIGKILL first) with its
 * siginfo: the signal, or 0 when none is pending in set. */
u32 proc_sigdequeue_locked(struct thread *p, u64 set, struct proc_siginfo *info)
	REQUIRES(p->sig_lock);
/* proc_sigdiscard_locked - sig is no longer pending in p (every instance). */
void proc_sigdiscard_locked(struct thread *p, u32 sig) REQUIRES(p->sig_lock);
/* proc_sigsuspended_set_locked - p->sigsuspended becomes `on` (and p->sig_attn says so). */
void proc_sigsuspended_set_locked(struct thread *p, bool on) REQUIRES(p->sig_lock);
#define PROC_SIG_ATTN_PENDING 1u   /* p->pending.set is not empty */
#define PROC_SIG_ATTN_SUSPENDED 2u /* p->sigsuspended */
/* proc_sigqueue_timer_merge_locked - POSIX timer `timer_id`'s signal sig is still pending in
 * p: add `expirations` to its si_overrun (saturating at INT_MAX) and return true, as Linux
 * counts an expiry whose signal is still queued; false when it is not pending. */
bool proc_sigqueue_timer_merge_locked(struct thread *p, u32 sig, i32 timer_id, u32 expirations)
	REQUIRES(p->sig_lock);

/* proc_create - a new process with an empty address space and no files; NULL on -ENOMEM. */
struct thread *proc_create(struct thread *parent);
/* proc_wake_sleepers - wake every process whose sleep deadline is <= now_ns (the clock task,
 * proc/clock.c). */
void proc_wake_sleepers(u64 now_ns);
/* proc_sleep_due_locked - p's sleep deadline (monotonic or wall: proc/wait.h) has passed at
 * monotonic now_ns / wall-clock wall_ns. Context: p->sig_lock held. */
bool proc_sleep_due_locked(const struct thread *p, u64 now_ns, i64 wall_ns) REQUIRES(&p->sig_lock);
/* proc_set_exit_parent - c (made by p, not started) sends `exit_signal` (0: nothing, past 64:
 * nothing either, as Linux) to its parent when it exits; with `clone_parent` its parent is
 * p's parent instead of p, and its exit signal p's own (CLONE_PARENT). -EINVAL: p has no
 * parent to give (init). */
int proc_set_exit_parent(struct thread *c, struct thread *p, u32 exit_signal,
			 bool clone_parent);
/* Which children a wait4/waitid call is about. */
enum proc_wait_by {
	PROC_WAIT_ANY,  /* every child */
	PROC_WAIT_PID,  /* the child with pid `id` */
	PROC_WAIT_PGID, /* the children in process group `id` */
};
/* Which kind of child (Linux's eligible_child): a wait without __WCLONE or __WALL sees only
 * children whose exit signal is SIGCHLD, one with __WCLONE only the others, __WALL both. */
enum proc_wait_kind {
	PROC_WAIT_SIGCHLD_CHILDREN, /* the default */
	PROC_WAIT_CLONE_CHILDREN,   /* __WCLONE */
	PROC_WAIT_ALL_CHILDREN,     /* __WALL */
};
struct proc_wait_sel {
	enum proc_wait_by by;
	u32 id;
	enum proc_wait_kind kind;
};
/* proc_find_child - a zombie child of p matching `sel`, with a reference, or NULL; *has_child
 * says whether p has any matching child at all. */
struct thread *proc_find_child(struct thread *p, struct proc_wait_sel sel, bool *has_child);
/* proc_exit - p becomes a zombie with `status` (a wait status word); its files, memory and
 * regions go; its children go to its nearest living subreaper, else init
 * (proc_new_reaper_locked); its parent is woken. */
void proc_exit(struct thread *p, int status);
/* proc_find_stop_event - a child of p matching `sel` with a stop (when `stops`) or a
 * continue (when `conts`) no wait has reported: its wait status in *status, with a reference,
 * or NULL. The report is consumed unless `keep` (WNOWAIT). */
struct thread *proc_find_stop_event(struct thread *p, struct proc_wait_sel sel, bool stops,
				     bool conts, bool keep, u32 *status);
/* proc_vfork_release - p (a vfork child) no longer uses its parent's memory (it execs or
 * exits): wake the parent. Nothing for any other process. */
void proc_vfork_release(struct thread *p);
/* proc_fire_alarms - send SIGALRM to every process whose ITIMER_REAL is due at `now_ns`. */
void proc_fire_alarms(u64 now_ns);
/* proc_reap - take a zombie off the list (wait4 reported it); freed with its last reference. */
void proc_reap(struct thread *z);
/* proc_discard - free a process that never ran (a failed fork or exec of init): its files
 * and memory go, nobody is notified. */
void proc_discard(struct thread *p);
/* proc_clock_start - start the clock task (proc/clock.c) once: 0, -ENOMEM or -EAGAIN. */
int proc_clock_start(void);
/* proc_get / proc_put - take / drop a reference; the last put frees p. */
void proc_get(struct thread *p);
void proc_put(struct thread *p);
/* proc_task_done - p's task leaves p for good (its last touch of p): a reaper may free it. */
void proc_task_done(struct thread *p);
/* proc_has_exited - p's task has left it (proc_task_done). */
bool proc_has_exited(struct thread *p);
/* proc_end_all - SIGKILL every process but `keep`, wait for their tasks, free them all. */
void proc_end_all(struct thread *keep);
/* proc_start - spawn p's task (on any CPU its affinity mask allows, proc/thread.c): 0,
 * -EAGAIN when out of tasks or -ENOMEM when out of frames for its stack. */
int proc_start(struct thread *p);

/* Files (proc/files.c): the descriptor table, shared by the tasks made with CLONE_FILES.
 * proc_files_new - p gets a new empty table (proc_alloc does this): 0 or -ENOMEM.
 * proc_copy_files - dst gets a copy of src's table (each file referenced again): 0, or
 * -ENOMEM (dst keeps its own empty table). proc_share_files - dst uses src's table itself
 * (CLONE_FILES). proc_files_put - p lets go of its table; the last user closes every file,
 * dropping the process's POSIX locks when `process_exit`. proc_files_unshare - p gets a
 * private copy of a shared table (execve, close_range(CLOSE_RANGE_UNSHARE)): 0 or -ENOMEM. */
int proc_files_new(struct thread *p);
int proc_copy_files(struct thread *dst, struct thread *src);
void proc_share_files(struct thread *dst, struct thread *src);
void proc_files_put(struct thread *p, bool process_exit);
int proc_files_unshare(struct thread *p);
/* The fs context under CLONE_FS (proc/fsctx.c): each thread uses its own copy (p->fs's root
 * and cwd, p->umask); threads made with CLONE_FS share a `struct proc_fsctx` too, whose changes
 * the others copy at the start of their next system call.
 * proc_fs_share - dst (a new thread or process, its copy made from src's) shares src's fs
 * context: 0 or -ENOMEM. proc_fs_release - p lets go of it (exit; idempotent).
 * proc_fs_sync - p's copy catches up with changes other threads made (every system call).
 * proc_fs_set_cwd / proc_fs_set_root - chdir/fchdir/chroot by p (the path's references go to
 * the context); proc_fs_set_umask - umask(2): the old mask. Context: p's task. */
int proc_fs_share(struct thread *dst, struct thread *src);
void proc_fs_release(struct thread *p);
void proc_fs_sync(struct thread *p);
void proc_fs_set_cwd(struct thread *p, struct vfs_path cwd);
void proc_fs_set_root(struct thread *p, struct vfs_path root);
u32 proc_fs_set_umask(struct thread *p, u32 mask);

/* proc_fd_install - f at the lowest free descriptor >= min_fd: the descriptor, or -EMFILE
 * when none is free below proc_fd_limit(p) (the table keeps the caller's reference to f on
 * success; on failure f is still the caller's). proc_fd_install_at - f at `fd` (dup2/dup3),
 * closing the file that was there: 0, or -EBADF when fd is negative or >= proc_fd_limit(p). */
struct result_i64 proc_fd_install(struct thread *p, struct file *f, u32 min_fd, bool cloexec);
int proc_fd_install_at(struct thread *p, i64 fd, struct file *f, bool cloexec);
/* proc_fd_limit - one more than the highest descriptor p may open: RLIMIT_NOFILE's soft
 * limit, at most the table's PROC_MAX_FDS. */
u32 proc_fd_limit(struct thread *p);
/* proc_fd_get - the file at fd, or NULL: usable until the current system call returns (a
 * shared table's lookup holds a reference until proc_fd_end_call, which the system-call loop
 * runs after every call). */
struct file *proc_fd_get(struct thread *p, i64 fd);
/* proc_fd_get_set - proc_fd_get of the descriptors base + i for every bit i of `mask`, under
 * one acquisition of the table's lock (select's scan): out->f[i] is the file or NULL (entries
 * of clear bits are left as they were); returns the mask of those open. */
u64 proc_fd_get_set(struct thread *p, u64 base, u64 mask, struct proc_fd_set *out);
/* proc_fd_end_call - drop the references the call's lookups took (none in an unshared table:
 * the check is inline, the drop out of line). Context: p's own task. */
void proc_fd_drop_borrowed(struct thread *p);
static inline void proc_fd_end_call(struct thread *p)
{
	if (p->nborrowed)
		proc_fd_drop_borrowed(p);
}
/* proc_fd_peek - the file at fd of another process (/proc/<pid>/fd), or NULL: no reference is
 * taken. The caller holds vfs_lock: a close of the file by its owner cannot finish (free it, or
 * drop its path) before the caller lets vfs_lock go. */
struct file *proc_fd_peek(struct thread *p, i64 fd) REQUIRES(vfs_lock);
/* proc_fd_peek_get - the same with a reference (vfs_close it; not under vfs_lock) and the
 * descriptor's close-on-exec flag in *cloexec; NULL: no such descriptor. */
struct file *proc_fd_peek_get(struct thread *p, i64 fd, bool *cloexec);
/* proc_fd_cloexec - 1 or 0 (the descriptor's FD_CLOEXEC), -EBADF; proc_fd_set_cloexec - 0 or
 * -EBADF. */
int proc_fd_cloexec(struct thread *p, i64 fd);
int proc_fd_set_cloexec(struct thread *p, i64 fd, bool cloexec);
/* proc_fd_close - close(2) of fd: 0 or -EBADF. */
int proc_fd_close(struct thread *p, i64 fd);
/* proc_fd_slots - the length of p's descriptor array: one past its highest open descriptor
 * (closing the highest one trims it), which is what a fork copies and an exit walks. */
size_t proc_fd_slots(struct thread *p);
/* proc_fd_next - the lowest open descriptor >= from, or -1. */
i64 proc_fd_next(struct thread *p, i64 from);
/* proc_fd_close_range - close (or only mark close-on-exec) the open descriptors in
 * [first, last]; proc_fd_close_on_exec - close those marked close-on-exec (execve). */
void proc_fd_close_range(struct thread *p, i64 first, i64 last, bool cloexec_only);
void proc_fd_close_on_exec(struct thread *p);

/* Memory (proc/mm.c). proc_copy_memory - dst's memory becomes a copy-on-write copy of src's
 * (fork); proc_share_memory - dst uses src's map itself (CLONE_VM); proc_drop_memory - p
 * lets go of its map (at its exit, from its own task, the active space is deactivated first;
 * a creator discarding a child that shares its map keeps it). */
int proc_copy_memory(struct thread *dst, struct thread *src);
void proc_share_memory(struct thread *dst, struct thread *src);
void proc_drop_memory(struct thread *p);

/* exec (proc/exec.c): replace p's program; 0 or -errno (p unchanged on error before the
 * point of no return, killed after it). */
int proc_execve(struct thread *p, struct str path, const struct exec_strv *argv,
		const struct exec_strv *envp);

/* Signals (proc/signal.c). */
/* proc_signal_send - a thread-directed signal: make `sig` (1..64) pending in thread p with
 * `info` (proc/signal.h: standard signals coalesce, real-time ones queue) and wake p if the
 * signal is not blocked; a signal whose action is to ignore it is dropped. 0, or -EAGAIN when
 * a real-time signal other than SI_USER finds the queue full (RLIMIT_SIGPENDING). */
int proc_signal_send(struct thread *p, u32 sig, struct proc_siginfo info);
/* proc_signal_fatal - p is being killed (SIGKILL pending): a killable sleep ends, and a long
 * loop that never sleeps (sendfile, splice, copy_file_range, a large read or write moved chunk
 * by chunk) stops between chunks with what it did, as Linux's fatal_signal_pending. One
 * atomic load when no signal is pending. */
bool proc_signal_fatal(struct thread *p);
/* proc_may_signal - whether `from` may send a signal to `to` (Linux's kill_ok_by_cred): root,
 * or the sender's real or effective uid is the target's real or saved uid. */
bool proc_may_signal(const struct thread *from, const struct thread *to);
/* proc_may_ptrace_attach - Linux's ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS) of `from`
 * to the process of leader `g` (pidfd_getfd), in what the credentials model has: a thread of
 * the same group; root (CAP_SYS_PTRACE); or from's real uid and gid equal g's real, effective
 * and saved ones and g is dumpable (PR_SET_DUMPABLE, not after an id change). A zombie has no
 * memory, so its dumpable flag is not asked, as Linux. */
bool proc_may_ptrace_attach(struct thread *from, struct thread *g);
/* proc_kill - kill(2)'s targets: pid > 0 one process, 0 the sender's group, -1 every process
 * but init and the sender, < -1 the group -pid; signal 0 only checks. 0, -ESRCH or -EPERM. */
int proc_kill(struct thread *from, i64 pid, u32 sig);
/* proc_signal_pgrp - a kernel signal (no permission check) to every member of group pgid. */
void proc_signal_pgrp(u32 pgid, u32 sig);
/* proc_pgrp_session - whether group pgid has a live member in session sid: 0, -EPERM when its
 * members are in another session, -ESRCH when it has none (tcsetpgrp's checks). */
int proc_pgrp_session(u32 pgid, u32 sid);
/* proc_pgid, proc_sid - p's process group and session. */
u32 proc_pgid(struct thread *p);
u32 proc_sid(struct thread *p);
/* proc_setpgid - setpgid(2) by p: move `pid` (0: p) into group `pgid` (0: its own pid), with
 * Linux's rules and errnos (ESRCH, EPERM, EACCES, EINVAL). */
int proc_setpgid(struct thread *p, i64 pid, i64 pgid);
/* proc_setsid - setsid(2): p leads a new session and group; the new sid, or -EPERM when p's pid
 * is already some group's id. */
i64 proc_setsid(struct thread *p);
/* proc_pgrp_orphaned - whether p's process group is orphaned (POSIX: no member has a parent
 * outside the group but inside the session; init does not count). Terminal stop signals
 * (SIGTSTP, SIGTTIN, SIGTTOU) with the default action are discarded in such a group. */
bool proc_pgrp_orphaned(struct thread *p);
/* proc_by_pid - the process (zombies included) with `pid`, with a reference (proc_put), or
 * NULL. */
struct thread *proc_by_pid(i64 pid);
/* proc_count_tasks - the threads not yet exited (zombies left out), of every user
 * (PROC_ANY_UID) or of real uid `uid` (RLIMIT_NPROC counts these): a snapshot. */
#define PROC_ANY_UID 0xffffffffu
u32 proc_count_tasks(u32 uid);
/* proc_show_all - print every process to the console (pid, group, parent, task, state, whether
 * it sleeps on a queue, its pending and blocked signals), then every framework task with its
 * backtrace (task_show_all): /proc/sysrq-trigger's 't', a debugging aid. */
void proc_show_all(void);
/* proc_next_leader - the process (thread group leader, zombies included) with the smallest pid
 * above `after`, with a reference (proc_put), or NULL: walks every process. */
struct thread *proc_next_leader(u32 after);
/* proc_swap_mm - make m p's memory map (a reference p now owns) and return the old one (the
 * caller's reference to put), under proc_lock. Context: p's own task or before p starts. */
struct vm_map *proc_swap_mm(struct thread *p, struct vm_map *m);
/* proc_oom_victim - the process with the highest proc_oom_badness (its resident pages in
 * *pages), with a reference: the out-of-memory policy's choice; never init (pid 1), a process
 * whose oom_score_adj is -1000 or one without memory; NULL when none is left. */
struct thread *proc_oom_victim(u64 *pages);
/* proc_oom_badness - Linux's oom_badness: the pages a process holds, moved by its adjustment
 * (adj / 1000 of memory); -1 for a process never chosen (adj -1000). */
i64 proc_oom_badness(u64 resident_pages, i32 adj);
/* proc_oom_score - /proc/PID/oom_score: the badness scaled to 0..2000 as Linux (0 for init
 * and for adj -1000). */
u64 proc_oom_score(struct thread *p);
/* proc_oom_adj - the group's adjustment; proc_set_oom_adj - set it: 0, -EINVAL (outside
 * -1000..1000), -EACCES (below the lowest root allowed, without `privileged`). */
i32 proc_oom_adj(struct thread *p);
int proc_set_oom_adj(struct thread *p, i32 adj, bool privileged);
/* proc_oom_kill - a page fault of p found no memory: SIGKILL the process proc_oom_victim
 * names (once: a victim already dying is waited for, not doubled) and return true, so that p
 * waits a little and faults again; false when p itself is the victim or none is left (the
 * caller ends p). Context: p's task, may sleep. */
bool proc_oom_kill(struct thread *p);
/* proc_oom_after_copy - a user copy of p's system call found no frame (the call failed with
 * EFAULT; the fault handler cannot run the policy there, it may not sleep): SIGKILL the
 * largest process, p itself when it is the largest (with a message: p never sees the EFAULT),
 * as Linux's OOM killer would have during the copy. Context: p's task, may sleep. */
void proc_oom_after_copy(struct thread *p);
/* proc_signal_deliver - act on p's pending unblocked signals before it returns to user mode:
 * terminate, stop (sleeping until SIGCONT or SIGKILL), ignore, or build a handler's frame on
 * the user stack. When p returns from system call `nr` with `ret`, a -ERESTART* result
 * becomes -EINTR or a restart of the call (proc/wait.h); nr 0 and ret 0 otherwise. p's address
 * space must be active. Returns: false when p was terminated. */
bool proc_signal_deliver_pending(struct thread *p, u64 nr, i64 ret);
static inline bool proc_signal_deliver(struct thread *p, u64 nr, i64 ret)
{
	/* The common return, inline on every system call's way out: no -ERESTART* result to
	 * settle, no signal to look at (sig_attn, a relaxed load: a signal posted just after is
	 * seen at the next return, proc/signal.c). */
	if (!proc_is_restart(ret) && !atomic_u32_load_relaxed(&p->sig_attn))
		return true;
	return proc_signal_deliver_pending(p, nr, ret);
}
/* proc_signal_fault - an exception that kills with `sig` unless p has a handler for it (then
 * it is delivered, the signal unblocked as Linux forces it). Returns: false when p died. */
bool proc_signal_fault(struct thread *p, u32 sig, struct user_exception ex);
/* proc_sigreturn - restore the registers and mask saved by the handler's frame; false when
 * the frame is unreadable (p was killed with SIGSEGV). */
bool proc_sigreturn(struct thread *p);

/* Threads (proc/thread.c). */
/* proc_create_thread - a new thread of p's group sharing p's memory map, with copies of p's
 * files, fs context, signal mask and dispositions; not started (proc_start). NULL on
 * -ENOMEM. */
struct thread *proc_create_thread(struct thread *p, bool share_files);
/* proc_thread_exit - p (one thread) exits with `status`: its clear-child-tid word is zeroed
 * and woken, its robust list walked; the last thread of a group ends the group
 * (proc_exit of the leader) with the group's status. Context: p's task, p's space active. */
void proc_thread_exit(struct thread *p, int status);
/* proc_group_exit - exit_group or a fatal signal: every other thread of p's group is killed,
 * the group ends with `status`, p exits. Context: p's task. */
void proc_group_exit(struct thread *p, int status);
/* proc_exec_single - execve's point of no return in a thread group: every other thread is
 * killed and gone before this returns (Linux's de_thread; the caller keeps its own tid), and
 * p's clear-child-tid word and robust list are released as at exit. Context: p's task. */
void proc_exec_single(struct thread *p);
/* proc_group_signal - a process-directed signal to the group of `g` (a leader): to the first
 * live thread that does not block it (SIGKILL, stops and SIGCONT: to every thread). 0 or
 * -EAGAIN (proc_signal_send). */
int proc_group_signal(struct thread *g, u32 sig, struct proc_siginfo info);
/* proc_group_next - the live thread of g's group with the smallest tid above `after`, with
 * a reference (proc_put), or NULL. */
struct thread *proc_group_next(struct thread *g, u32 after);
/* proc_group_threads - how many threads of p's group have not exited. */
u32 proc_group_threads(struct thread *p);

/* Futexes (proc/futex.c), keyed by vm_map_futex_key; `priv` is FUTEX_PRIVATE_FLAG. */
/* proc_futex_wait - sleep until woken at uaddr (FUTEX_WAIT/WAIT_BITSET) if the word there is
 * `val`: 0 woken; -EAGAIN the word differs; -EFAULT; -ETIMEDOUT at deadline_ns (0: none; `wall`: a date
 * of the wall clock, which follows clock changes: proc/wait.h); -ERESTARTSYS for a signal
 * (untimed), -EINTR (timed). Context: p's task, no lock held. */
int proc_futex_wait(struct thread *p, struct uaddr uaddr, u32 val, u32 bitset, u64 deadline_ns,
		    bool wall, bool priv);
/* proc_futex_wake - wake up to `n` (at least 1, as Linux) waiters of uaddr whose bitset
 * meets `bitset`: the number woken. */
int proc_futex_wake(struct thread *p, struct uaddr uaddr, u32 bitset, i64 n, bool priv);
/* proc_futex_requeue - wake up to nwake waiters of uaddr, move up to nrequeue of the rest to
 * uaddr2; with `cmp`, only if the word at uaddr is cmpval (else -EAGAIN). The number woken
 * plus moved, -EAGAIN or -EFAULT. */
int proc_futex_requeue(struct thread *p, struct uaddr uaddr, struct uaddr uaddr2, i64 nwake,
		       i64 nrequeue, bool cmp, u32 cmpval, bool priv);
/* proc_futex_wake_op - FUTEX_WAKE_OP: apply `op` (its encoding) to the word at uaddr2, wake up to
 * nwake waiters of uaddr, and up to nwake2 of uaddr2 when the old value meets op's comparison:
 * the number woken, -EFAULT, or -ENOSYS for an unknown operation or comparison. */
int proc_futex_wake_op(struct thread *p, struct uaddr uaddr, struct uaddr uaddr2, i64 nwake,
		       i64 nwake2, u32 op, bool priv);

/* prctl(2) and personality(2) (proc/ctl.c; struct proc_ctl). proc_ctl_fork - c, just made by
 * thread p (a process, or with `thread` a thread of p's group), inherits no_new_privs and (a
 * process) the personality and dumpable flag, and remembers p as its creating thread.
 * proc_ctl_exec - a new program is dumpable. proc_ctl_ids_changed - p's effective or fs ids
 * changed: not dumpable (fs.suid_dumpable 0). The getters and setters: the thread's
 * parent-death signal and no_new_privs, the group's dumpable, subreaper and personality. */
void proc_ctl_fork(struct thread *c, struct thread *p, bool thread);
void proc_ctl_exec(struct thread *p);
void proc_ctl_ids_changed(struct thread *p);
u32 proc_ctl_pdeathsig(struct thread *p);
void proc_ctl_set_pdeathsig(struct thread *p, u32 sig);
bool proc_ctl_dumpable(struct thread *p);
void proc_ctl_set_dumpable(struct thread *p, bool on);
bool proc_ctl_no_new_privs(struct thread *p);
void proc_ctl_set_no_new_privs(struct thread *p);
bool proc_ctl_subreaper(struct thread *p);
void proc_ctl_set_subreaper(struct thread *p, bool on);
u32 proc_personality(struct thread *p);
void proc_set_personality(struct thread *p, u32 persona);
/* proc_new_reaper_locked - who adopts the children of exiting group g: its nearest living
 * ancestor with PR_SET_CHILD_SUBREAPER, else the root of the tree (init). */
struct thread *proc_new_reaper_locked(struct thread *g) REQUIRES(&proc_lock);
/* proc_ctl_mark_pdeath_locked - thread `tid` of group g exits: its children (every child of g
 * when `all`: the group is gone) with a parent-death signal are marked for it.
 * proc_ctl_send_pdeath - send the marked ones their signal (proc/process.c). */
void proc_ctl_mark_pdeath_locked(struct thread *g, u32 tid, bool all) REQUIRES(&proc_lock);
void proc_ctl_send_pdeath(void);

/* Introspection (proc/info.c), for /proc and prctl. */
/* What /proc/PID/stat and status say about a thread group (a snapshot under proc_lock). */
struct proc_info {
	u32 tgid, tid, ppid, pgid, sid;
	char state;       /* R running, S sleeping, T stopped, Z zombie */
	u32 nthreads;
	struct proc_comm comm;
	struct cred cred; /* written by the process's own task only: a snapshot may be torn
			   * while another process changes its ids */
	u64 start_ns;
};
/* proc_current - the process (thread) whose task calls, with a reference, or NULL (a kernel
 * task). Context: task; takes proc_lock. */
struct thread *proc_current(void);
/* proc_info_of - fill *out for p (its group's leader's view; tid: p's own). */
void proc_info_of(struct thread *p, struct proc_info *out);
/* proc_next_tgid - the smallest thread-group id >= `from` of a process still listed (zombies
 * included), or 0. */
u32 proc_next_tgid(u32 from);
/* proc_set_comm / proc_get_comm - p's name (prctl PR_SET_NAME, exec): the first 15 bytes of
 * `name`; get copies the 16 NUL-padded bytes into dst. */
void proc_set_comm(struct thread *p, struct str name);
void proc_get_comm(struct thread *p, struct proc_comm *dst);
/* proc_set_exe - p's group runs the program at `exe` (references taken over; the old ones
 * dropped). proc_get_exe - a copy with references (mnt NULL: none). Context: may sleep. */
void proc_set_exe(struct thread *p, struct vfs_path exe);
struct vfs_path proc_get_exe(struct thread *p);
/* proc_mm_get - p's memory map with a reference (vm_map_put), or NULL once p exited. */
struct vm_map *proc_mm_get(struct thread *p);

/* proc_run - start `init`'s task and wait until init exits; then end every other process
 * and free the zombies nobody reaped, init too: `init` is gone when this returns (no
 * proc_reap after it). init's wait status. */
int proc_run(struct thread *init);

/* proc_spawn_init - a first process (no parent) in `c`, fds 0-2 on /dev/console, running
 * `init_path` (or, when empty, the first of /init, /sbin/init, /bin/sh that can run): the
 * process, or NULL and *err. Its task has not started yet (proc_run). */
struct thread *proc_spawn_init(const struct vfs_ctx *c, struct str init_path, int *err);

/* proc_init_from_archive - unpack `archive` into a fresh root, start the first program
 * (rdinit=/init=, else /init, /sbin/init, /bin/sh) and run it: init's wait status, or -errno. */
int proc_start_init(struct bytes archive, struct str init_path);

#endif /* KERNEL_PROC_PROCESS_H */
