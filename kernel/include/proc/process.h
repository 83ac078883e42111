/*
 * proc/process.h — processes, minimal: a memory map (vm/vm.h: the address space and its
 * regions, shared under CLONE_VM), a file-descriptor table, credentials and a working directory, signal
 * dispositions, mask and pending set (delivered by proc/signal.c), the ITIMER_REAL alarm, and
 * the parent/child links wait4 needs.
 *
 * Until kernel threads exist (the tasks issue), every process runs on the one kernel thread
 * that calls proc_run(): it enters a process's user context, serves what comes back (a system
 * call, a fault, a timer deadline), and switches to another runnable process when the current
 * one blocks (wait4 with no child to reap), exits, or has used its time slice. A blocked
 * system call is re-executed when the process runs again (its registers still hold it).
 *
 * Locking: proc_lock guards the process list and every process's fields that other processes
 * touch (state, parent, exit status); the memory map has its own lock (vm/vm.h).
 */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include <exec/stack.h>
#include <fs/vfs.h>
#include <fw/array.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/user.h>
#include <fw/vmspace.h>
#include <vm/vm.h>

#define PROC_MAX_FDS 1024u
#define PROC_NSIG 64u
#define PROC_STACK_TOP 0x7ffffffde000ull /* below VM_USER_END, 16-aligned */
#define PROC_STACK_MAX (8ull << 20)      /* RLIMIT_STACK's default */
#define PROC_STACK_EAGER (64u << 10)     /* bytes of stack built and mapped at exec */
#define PROC_PIE_BASE 0x555555554000ull  /* where a static-PIE program is loaded */

struct fd_slot {
	struct file *file; /* NULL: free */
	bool cloexec;
};
DEFINE_ARRAY(fd_array, struct fd_slot);

/* A recorded signal disposition (struct kernel_sigaction as rt_sigaction passes it). */
struct proc_sigaction {
	u64 handler; /* SIG_DFL 0, SIG_IGN 1, or a user address */
	u64 flags;
	u64 restorer;
	u64 mask;
};

/* What a pending signal's siginfo says (one per signal: standard signals do not queue). */
struct proc_siginfo {
	i32 code; /* si_code: SI_USER 0, SI_TKILL -6, SI_KERNEL 0x80, CLD_* for SIGCHLD */
	u32 pid;  /* the sender (SIGCHLD: the child) */
	i32 status; /* SIGCHLD: the exit code or signal */
	u32 trapno, err; /* a fault: the vector and error code */
	u64 addr;        /* a fault: the address (si_addr) */
};

enum proc_state {
	PROC_RUNNABLE,
	PROC_BLOCKED, /* in wait4 (re-run when a child changes state) or waiting for the
		       * console (wait_console: re-run when input arrives or at wait_deadline_ns) */
	PROC_ZOMBIE,  /* exited, waiting to be reaped */
	PROC_STOPPED, /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT or SIGKILL */
};

struct process {
	struct list_link all_link; /* on the process list (proc_lock) */
	struct user_context uc;
	struct vm_map *mm; /* a reference (NULL once exited); mm->vs is the address space */
	struct vfs_ctx fs;
	struct fd_array fds;
	u32 umask;
	u32 pid, pgid;
	struct process *parent;
	enum proc_state state;
	int wait_status; /* the wait4 status word once a zombie */
	bool wait_console;   /* blocked in a read/poll of the console */
	bool wait_pipe;      /* blocked in a read/write/poll of a pipe: re-run on any pipe change */
	u64 wait_deadline_ns; /* poll's timeout while blocked (0: none); kept across re-runs */
	u64 pipe_written;     /* a blocking pipe write: bytes already written, kept across re-runs */
	u64 tid_address;
	u64 sigmask;
	u64 sigpending;      /* bit sig-1: sent, not yet delivered (proc/signal.c) */
	u64 sigsaved;        /* rt_sigsuspend: the mask to restore after the handler */
	bool sigsuspended;   /* rt_sigsuspend replaced the mask (sigsaved holds the old one) */
	bool in_block;       /* the last system call returned SC_BLOCK (rewound for a re-run) */
	u64 sigwaiting;      /* rt_sigtimedwait: these signals wake p even though blocked */
	u32 stop_sig;        /* the signal that stopped p, while wait4 has not reported it */
	bool cont_report;    /* continued, while wait4 (WCONTINUED) has not reported it */
	u64 alarm_ns;        /* ITIMER_REAL: when SIGALRM is due (fw_time_ns; 0: disarmed) */
	u64 alarm_interval_ns; /* and its reload (0: one shot) */
	bool autoreap;       /* a zombie nobody waits for (SIGCHLD ignored): reaped by the runner */
	struct proc_sigaction sigactions[PROC_NSIG];
	struct proc_siginfo siginfo[PROC_NSIG];
};

/* The process list and its lock. */
extern struct litelock proc_lock;

/* proc_create - a new process with an empty address space and no files; NULL on -ENOMEM. */
struct process *proc_create(struct process *parent);
/* proc_next_runnable - the next runnable process after `cur` (round robin), or NULL. */
struct process *proc_next_runnable(struct process *cur);
/* proc_wake_console_waiters - make runnable every process blocked on the console, when
 * `readable`, and those whose wait_deadline_ns is <= now_ns. Returns: how many processes
 * still wait for the console. */
u32 proc_wake_console_waiters(bool readable, u64 now_ns);
/* proc_wake_pipe_waiters - make runnable every process blocked on a pipe (some pipe changed). */
void proc_wake_pipe_waiters(void);
/* proc_find_zombie_child - a zombie child of p matching `pid` (-1: any), or NULL; *has_child
 * says whether p has any matching child at all. */
struct process *proc_find_child(struct process *p, i64 pid, bool *has_child);
/* proc_exit - p becomes a zombie with `status` (a wait status word); its files, memory and
 * regions go; its children go to `reaper`; its parent is woken. */
void proc_exit(struct process *p, int status, struct process *reaper);
/* proc_find_stop_event - a child of p matching `pid` (-1: any) with a stop (when `stops`) or
 * a continue (when `conts`) wait4 has not reported: its wait status in *status, or NULL. */
struct process *proc_find_stop_event(struct process *p, i64 pid, bool stops, bool conts,
				     u32 *status);
/* proc_fire_alarms - send SIGALRM to every process whose ITIMER_REAL is due at `now_ns`.
 * Returns: how many alarms stay armed. */
u32 proc_fire_alarms(u64 now_ns);
/* proc_reap_detached - free the zombies nobody waits for, except `keep`. */
void proc_reap_detached(struct process *keep);
/* proc_reap - free a zombie. */
void proc_reap(struct process *z);

/* Files */
struct result_i64 proc_fd_install(struct process *p, struct file *f, u32 min_fd, bool cloexec);
struct file *proc_fd_get(struct process *p, i64 fd);
int proc_fd_close(struct process *p, i64 fd);

/* Memory (proc/mm.c). proc_copy_memory - dst's memory becomes a copy-on-write copy of src's
 * (fork); proc_share_memory - dst uses src's map itself (CLONE_VM); proc_drop_memory - p
 * lets go of its map (exit: the address space is deactivated first when active here). */
int proc_copy_memory(struct process *dst, struct process *src);
void proc_share_memory(struct process *dst, struct process *src);
void proc_drop_memory(struct process *p);

/* exec (proc/exec.c): replace p's program; 0 or -errno (p unchanged on error before the
 * point of no return, killed after it). */
int proc_execve(struct process *p, struct str path, const struct exec_strv *argv,
		const struct exec_strv *envp);

/* Signals (proc/signal.c). */
/* proc_signal_send - make `sig` (1..64) pending in p and wake p if it is blocked and the
 * signal is not blocked; a signal whose action is to ignore it is dropped. */
void proc_signal_send(struct process *p, u32 sig, struct proc_siginfo info);
/* proc_kill - kill(2)'s targets: pid > 0 one process, 0 the sender's group, -1 every process
 * but init and the sender, < -1 the group -pid; signal 0 only checks. 0, -ESRCH or -EPERM. */
int proc_kill(struct process *from, i64 pid, u32 sig);
/* proc_by_pid - the process (zombies included) with `pid`, or NULL. */
struct process *proc_by_pid(i64 pid);
/* proc_signal_take - dequeue the lowest pending signal in `set` (rt_sigtimedwait), writing its
 * siginfo_t to `info` (0: not): the signal, 0 when none is pending, or -EFAULT. */
int proc_signal_take(struct process *p, u64 set, struct uaddr info);
/* proc_signal_deliver - act on p's pending unblocked signals before it returns to user mode:
 * terminate, ignore, or build a handler's frame on the user stack. p's address space must be
 * active. Returns: false when p was terminated. */
bool proc_signal_deliver(struct process *p);
/* proc_signal_fault - an exception that kills with `sig` unless p has a handler for it (then
 * it is delivered, the signal unblocked as Linux forces it). Returns: false when p died. */
bool proc_signal_fault(struct process *p, u32 sig, struct user_exception ex);
/* proc_sigreturn - restore the registers and mask saved by the handler's frame; false when
 * the frame is unreadable (p was killed with SIGSEGV). */
bool proc_sigreturn(struct process *p);

/* proc_run - run `init` (and everything it forks) until init exits; its wait status. */
int proc_run(struct process *init);

/* proc_spawn_init - a first process (no parent) in `c`, fds 0-2 on /dev/console, running
 * `init_path` (or, when empty, the first of /init, /sbin/init, /bin/sh that can run): the
 * process, or NULL and *err. It has not run yet (proc_run). */
struct process *proc_spawn_init(const struct vfs_ctx *c, struct str init_path, int *err);

/* proc_init_from_archive - unpack `archive` into a fresh root, start the first program
 * (rdinit=/init=, else /init, /sbin/init, /bin/sh) and run it: init's wait status, or -errno. */
int proc_start_init(struct bytes archive, struct str init_path);

#endif /* KERNEL_PROC_PROCESS_H */
