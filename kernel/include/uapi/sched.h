/*
 * uapi/sched.h — the Linux scheduling constants and structures (linux/sched.h,
 * linux/sched/types.h): policies, the sched_param of sched_getparam, and the CPU mask size
 * sched_{get,set}affinity use (one unsigned long per 64 CPUs: Trellis has at most 64).
 * tests/kernel/t_uapi.c compares the policies against /usr/include/linux/sched.h.
 */
#ifndef KERNEL_UAPI_SCHED_H
#define KERNEL_UAPI_SCHED_H

#include <fw/types.h>

#define UAPI_SCHED_OTHER 0
#define UAPI_SCHED_FIFO 1
#define UAPI_SCHED_RR 2
#define UAPI_SCHED_BATCH 3
#define UAPI_SCHED_IDLE 5
#define UAPI_SCHED_DEADLINE 6

/* The bytes of the kernel's cpumask (cpumask_size(): BITS_TO_LONGS(nr_cpu_ids) longs). */
#define UAPI_CPUMASK_BYTES 8u

/* clone(2)/clone3(2) flags (linux/sched.h); the low byte of clone's flags is the exit signal. */
#define UAPI_CSIGNAL 0xffull
#define UAPI_CLONE_VM 0x100ull
#define UAPI_CLONE_FS 0x200ull
#define UAPI_CLONE_FILES 0x400ull
#define UAPI_CLONE_SIGHAND 0x800ull
#define UAPI_CLONE_PIDFD 0x1000ull
#define UAPI_CLONE_PTRACE 0x2000ull
#define UAPI_CLONE_VFORK 0x4000ull
#define UAPI_CLONE_PARENT 0x8000ull
#define UAPI_CLONE_THREAD 0x10000ull
#define UAPI_CLONE_NEWNS 0x20000ull
#define UAPI_CLONE_SYSVSEM 0x40000ull
#define UAPI_CLONE_SETTLS 0x80000ull
#define UAPI_CLONE_PARENT_SETTID 0x100000ull
#define UAPI_CLONE_CHILD_CLEARTID 0x200000ull
#define UAPI_CLONE_DETACHED 0x400000ull
#define UAPI_CLONE_UNTRACED 0x800000ull
#define UAPI_CLONE_CHILD_SETTID 0x1000000ull

/* clone3's argument (linux/sched.h struct clone_args; the sizes of its versions). */
struct uapi_clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size; /* VER1 */
	u64 cgroup;                /* VER2 */
};
#define UAPI_CLONE_ARGS_SIZE_VER0 64u
#define UAPI_CLONE_ARGS_SIZE_VER1 80u
#define UAPI_CLONE_ARGS_SIZE_VER2 88u

struct uapi_sched_param {
	i32 sched_priority;
};

#endif /* KERNEL_UAPI_SCHED_H */
