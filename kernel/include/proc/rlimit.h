/*
 * proc/rlimit.h — resource limits (getrlimit(2), setrlimit(2), prlimit64(2)), kept per process
 * (in struct process, shared by its threads, under its rlim_lock), copied on fork, kept
 * across execve.
 *
 * The first process starts with Linux's defaults for init (include/asm-generic/resource.h):
 * every limit unlimited except STACK 8 MiB soft, CORE 0 soft, NOFILE 1024/4096, MEMLOCK
 * 8 MiB, MSGQUEUE 819200, NICE and RTPRIO 0, and NPROC and SIGPENDING both max_threads/2
 * (max_threads being RAM pages / 32, as fork_init computes it).
 *
 * Enforced by their owners through proc_rlimit_cur(): NOFILE (the descriptor table,
 * proc/files.c), FSIZE (the write paths, SIGXFSZ + EFBIG), STACK (the size of the stack
 * region execve maps, at most 1 GiB), AS (brk and mmap), DATA (brk only), NPROC (fork and
 * clone), CPU (SIGXCPU, then SIGKILL: proc_rlimit_cpu_check at each tick), SIGPENDING
 * (queued real-time signals, proc_sigpending_limit). CORE is recorded (no core dumps are
 * written); the rest are recorded and reported only.
 *
 * Locking: each process's rlim_lock (a spinlock, innermost) guards its limits; a limit read
 * is a snapshot.
 */
#ifndef KERNEL_PROC_RLIMIT_H
#define KERNEL_PROC_RLIMIT_H

#include <fw/types.h>
#include <uapi/resource.h>

#define PROC_RLIM_N UAPI_RLIM_NLIMITS
#define PROC_RLIM_INFINITY UAPI_RLIM_INFINITY
/* fs.nr_open: the most a NOFILE hard limit may be raised to (Linux's default). */
#define PROC_NR_OPEN (1u << 20)

struct proc_rlimit {
	u64 cur, max;
};

struct thread;
struct process;
struct cred;

/* proc_rlimit_init - p (a new thread group) gets the limits of `parent`'s process, or the
 * defaults when parent is NULL (the first process). Context: before p's first thread runs. */
void proc_rlimit_init(struct process *p, struct thread *parent);

/* proc_rlimit_cur / proc_rlimit_max - the soft / hard limit `res` (< PROC_RLIM_N) of p's
 * process (struct process); PROC_RLIM_INFINITY for unlimited or an unknown resource. Context:
 * any task. */
u64 proc_rlimit_cur(struct thread *p, u32 res);
u64 proc_rlimit_max(struct thread *p, u32 res);

/* proc_rlimit_get - both limits of `res` for target's process. */
struct proc_rlimit proc_rlimit_get(struct thread *target, u32 res);

/*
 * proc_rlimit_set - prlimit64 by a caller with credentials `by` on `target`: with `set`, the
 * new limits (*set) replace the old after Linux's checks; with `old`, the previous limits are
 * written there (read before the change, atomically with it).
 * Returns: 0; -EINVAL (res out of range, soft above hard); -EPERM (raising the hard limit
 * unprivileged, NOFILE above fs.nr_open, or another user's process).
 */
int proc_rlimit_set(struct thread *target, const struct cred *by, u32 res,
		    const struct proc_rlimit *set, struct proc_rlimit *old);

/* proc_rlimit_fsize - RLIMIT_FSIZE for a write of *count bytes at `pos` of a regular file by
 * p: -EFBIG with SIGXFSZ sent to p when pos is at or past the limit, else 0 with *count cut
 * to end at it. */
int proc_rlimit_fsize(struct thread *p, u64 pos, u64 *count);

/* proc_rlimit_cpu_check - RLIMIT_CPU against p's process's CPU time (user + system), as
 * Linux's check_process_timers: at the hard limit SIGKILL; at the soft limit SIGXCPU (SI_KERNEL,
 * to the process), and the soft limit moves up one second so the next comes a second later.
 * Called once per tick (proc_acct_tick). Context: p's task. */
void proc_rlimit_cpu_check(struct thread *p);

#endif /* KERNEL_PROC_RLIMIT_H */
