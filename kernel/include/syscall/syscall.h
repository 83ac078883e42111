/*
 * syscall/syscall.h — the x86-64 Linux system call layer: one table indexed by the Linux
 * number (kernel/syscall/table.c), one file per family of handlers. Each handler decodes and
 * validates its arguments (copying user memory in through fw/uaccess.h) before it acts, and
 * returns a value or a negative errno exactly as Linux's system call would. A number with no
 * handler returns -ENOSYS and is logged once. docs/linux-compat.md is generated from the
 * table by tools/gen-compat.py.
 */
#ifndef KERNEL_SYSCALL_SYSCALL_H
#define KERNEL_SYSCALL_SYSCALL_H

#include <fw/heap.h>
#include <fw/str.h>
#include <proc/process.h>

#define SYSCALL_MAX 512u

/* A handler: the process that called, the call as read from its context (its six arguments
 * are named and typed by SYSCALL_DEFINE, syscall/define.h); the return value or -errno. */
typedef i64 sc_fn(struct thread *p, const struct user_syscall *a);

/* Internal results (never seen by user space); a call interrupted by a signal returns one of
 * the -ERESTART* values of proc/wait.h, settled at signal delivery. */
#define SC_GONE (-100001)  /* the caller exited (exit, exit_group, a fatal error) */
#define SC_KEEP (-100002)  /* the context already holds the result (rt_sigreturn) */

/* syscall_dispatch - serve the system call `sc` read from p's context (user_ctx_syscall);
 * SC_GONE/SC_KEEP or the value that goes to RAX. */
i64 syscall_dispatch(struct thread *p, const struct user_syscall *sc);
/* syscall_name - the Linux name of `nr` ("" when the number is not assigned). */
struct str syscall_name(u64 nr);

/* User memory helpers (syscall/uarg.c). */
#define UPATH_SHORT 256u
struct upath {
	u8 small[UPATH_SHORT]; /* a path that fits is copied here (no allocation) */
	struct kbuf buf;       /* else a PATH_MAX buffer owns the copy */
	struct str s;          /* the path, in small or buf */
};
/* upath_get - copy the path at user `addr`: 0, -EFAULT, -ENAMETOOLONG, -ENOMEM, -ENOENT (""). */
int upath_get(struct upath *u, u64 addr);
void upath_put(struct upath *u);
/* A NULL-terminated user array of strings (argv, envp), copied into kernel buffers that grow
 * as the strings come (4 KiB, then 16, 64, 256 KiB...): a buffer of the largest size, zeroed
 * for every exec, cost more than the rest of fork+exec. */
#define UARGV_CHUNKS 6
struct uargv {
	struct kbuf bufs[UARGV_CHUNKS];
	u32 nbufs;
	size_t used;           /* bytes used in the last buffer */
	size_t total;          /* in all of them */
	struct exec_strv v;
};
#define UARGV_MAX_BYTES (512u << 10) /* all strings of one array, NULs included */
#define UARGV_FIRST_CHUNK 4096u
/* uargv_get - copy the array at `addr` (0: an empty array): 0, -EFAULT, -E2BIG, -ENOMEM. */
int uargv_get(struct uargv *u, u64 addr);
void uargv_put(struct uargv *u);

/* at_ctx - the lookup context of a *at call (dirfd's directory for a relative path). */
int at_ctx(struct thread *p, i64 dirfd, struct str path, struct vfs_ctx *out);

/* The handlers, by family. */
/* fs: syscall/fs.c, syscall/fs_path.c */
i64 sys_read(struct thread *p, const struct user_syscall *a);
i64 sys_write(struct thread *p, const struct user_syscall *a);
i64 sys_readv(struct thread *p, const struct user_syscall *a);
i64 sys_pread64(struct thread *p, const struct user_syscall *a);
i64 sys_pwrite64(struct thread *p, const struct user_syscall *a);
i64 sys_sendfile(struct thread *p, const struct user_syscall *a);
i64 sys_splice(struct thread *p, const struct user_syscall *a);
i64 sys_tee(struct thread *p, const struct user_syscall *a);
i64 sys_readlinkat(struct thread *p, const struct user_syscall *a);
i64 sys_fchdir(struct thread *p, const struct user_syscall *a);
i64 sys_writev(struct thread *p, const struct user_syscall *a);
i64 sys_open(struct thread *p, const struct user_syscall *a);
i64 sys_openat(struct thread *p, const struct user_syscall *a);
i64 sys_creat(struct thread *p, const struct user_syscall *a);
i64 sys_pivot_root(struct thread *p, const struct user_syscall *a);
i64 sys_openat2(struct thread *p, const struct user_syscall *a);
i64 sys_close(struct thread *p, const struct user_syscall *a);
i64 sys_lseek(struct thread *p, const struct user_syscall *a);
i64 sys_fstat(struct thread *p, const struct user_syscall *a);
i64 sys_stat(struct thread *p, const struct user_syscall *a);
i64 sys_lstat(struct thread *p, const struct user_syscall *a);
i64 sys_newfstatat(struct thread *p, const struct user_syscall *a);
i64 sys_getdents64(struct thread *p, const struct user_syscall *a);
i64 sys_ioctl(struct thread *p, const struct user_syscall *a);
i64 sys_poll(struct thread *p, const struct user_syscall *a);
i64 sys_ppoll(struct thread *p, const struct user_syscall *a);
i64 sys_select(struct thread *p, const struct user_syscall *a);
i64 sys_pselect6(struct thread *p, const struct user_syscall *a);
/* poll_mask_install / poll_mask_restore (syscall/poll.c) - a temporary signal mask for the
 * length of a wait (ppoll, pselect6, epoll_pwait), installed as rt_sigsuspend does; restore
 * puts the old one back at once unless the call was interrupted (`interrupted`: then signal
 * delivery does, after running the handler with the temporary mask's effect). */
void poll_mask_install(struct thread *p, u64 set);
void poll_mask_restore(struct thread *p, bool interrupted);
i64 sys_epoll_create(struct thread *p, const struct user_syscall *a);
i64 sys_epoll_create1(struct thread *p, const struct user_syscall *a);
i64 sys_epoll_ctl(struct thread *p, const struct user_syscall *a);
i64 sys_epoll_wait(struct thread *p, const struct user_syscall *a);
i64 sys_epoll_pwait(struct thread *p, const struct user_syscall *a);
i64 sys_epoll_pwait2(struct thread *p, const struct user_syscall *a);
i64 sys_timerfd_create(struct thread *p, const struct user_syscall *a);
i64 sys_timerfd_settime(struct thread *p, const struct user_syscall *a);
i64 sys_timerfd_gettime(struct thread *p, const struct user_syscall *a);
i64 sys_pidfd_open(struct thread *p, const struct user_syscall *a);
i64 sys_signalfd(struct thread *p, const struct user_syscall *a);
i64 sys_signalfd4(struct thread *p, const struct user_syscall *a);
i64 sys_inotify_init(struct thread *p, const struct user_syscall *a);
i64 sys_inotify_init1(struct thread *p, const struct user_syscall *a);
i64 sys_inotify_add_watch(struct thread *p, const struct user_syscall *a);
i64 sys_inotify_rm_watch(struct thread *p, const struct user_syscall *a);
i64 sys_pidfd_send_signal(struct thread *p, const struct user_syscall *a);
i64 sys_pidfd_getfd(struct thread *p, const struct user_syscall *a);
i64 sys_timer_create(struct thread *p, const struct user_syscall *a);
i64 sys_timer_settime(struct thread *p, const struct user_syscall *a);
i64 sys_timer_gettime(struct thread *p, const struct user_syscall *a);
i64 sys_timer_getoverrun(struct thread *p, const struct user_syscall *a);
i64 sys_timer_delete(struct thread *p, const struct user_syscall *a);
i64 sys_dup(struct thread *p, const struct user_syscall *a);
i64 sys_dup2(struct thread *p, const struct user_syscall *a);
i64 sys_dup3(struct thread *p, const struct user_syscall *a);
i64 sys_fcntl(struct thread *p, const struct user_syscall *a);
i64 sys_pipe(struct thread *p, const struct user_syscall *a);
i64 sys_pipe2(struct thread *p, const struct user_syscall *a);
i64 sys_eventfd(struct thread *p, const struct user_syscall *a);
i64 sys_eventfd2(struct thread *p, const struct user_syscall *a);
i64 sys_getcwd(struct thread *p, const struct user_syscall *a);
i64 sys_chdir(struct thread *p, const struct user_syscall *a);
i64 sys_mkdir(struct thread *p, const struct user_syscall *a);
i64 sys_mkdirat(struct thread *p, const struct user_syscall *a);
i64 sys_unlink(struct thread *p, const struct user_syscall *a);
i64 sys_unlinkat(struct thread *p, const struct user_syscall *a);
i64 sys_rmdir(struct thread *p, const struct user_syscall *a);
i64 sys_readlink(struct thread *p, const struct user_syscall *a);
i64 sys_access(struct thread *p, const struct user_syscall *a);
i64 sys_faccessat(struct thread *p, const struct user_syscall *a);
i64 sys_umask(struct thread *p, const struct user_syscall *a);
/* fs: syscall/fs_path.c (names) and syscall/fs_attr.c (attributes) */
i64 sys_rename(struct thread *p, const struct user_syscall *a);
i64 sys_renameat(struct thread *p, const struct user_syscall *a);
i64 sys_renameat2(struct thread *p, const struct user_syscall *a);
i64 sys_link(struct thread *p, const struct user_syscall *a);
i64 sys_linkat(struct thread *p, const struct user_syscall *a);
i64 sys_symlink(struct thread *p, const struct user_syscall *a);
i64 sys_symlinkat(struct thread *p, const struct user_syscall *a);
i64 sys_mknod(struct thread *p, const struct user_syscall *a);
i64 sys_mknodat(struct thread *p, const struct user_syscall *a);
i64 sys_faccessat2(struct thread *p, const struct user_syscall *a);
i64 sys_chroot(struct thread *p, const struct user_syscall *a);
i64 sys_chmod(struct thread *p, const struct user_syscall *a);
i64 sys_fchmod(struct thread *p, const struct user_syscall *a);
i64 sys_fchmodat(struct thread *p, const struct user_syscall *a);
i64 sys_chown(struct thread *p, const struct user_syscall *a);
i64 sys_fchown(struct thread *p, const struct user_syscall *a);
i64 sys_lchown(struct thread *p, const struct user_syscall *a);
i64 sys_fchownat(struct thread *p, const struct user_syscall *a);
i64 sys_utime(struct thread *p, const struct user_syscall *a);
i64 sys_utimes(struct thread *p, const struct user_syscall *a);
i64 sys_futimesat(struct thread *p, const struct user_syscall *a);
i64 sys_utimensat(struct thread *p, const struct user_syscall *a);
i64 sys_truncate(struct thread *p, const struct user_syscall *a);
i64 sys_ftruncate(struct thread *p, const struct user_syscall *a);
i64 sys_fallocate(struct thread *p, const struct user_syscall *a);
i64 sys_fsync(struct thread *p, const struct user_syscall *a);
i64 sys_fdatasync(struct thread *p, const struct user_syscall *a);
i64 sys_sync(struct thread *p, const struct user_syscall *a);
i64 sys_syncfs(struct thread *p, const struct user_syscall *a);
i64 sys_statfs(struct thread *p, const struct user_syscall *a);
i64 sys_fstatfs(struct thread *p, const struct user_syscall *a);
i64 sys_statx(struct thread *p, const struct user_syscall *a);
/* fs: syscall/fs_lock.c (fcntl's lock commands come through fs_fcntl_lock) */
i64 sys_flock(struct thread *p, const struct user_syscall *a);
i64 fs_fcntl_lock(struct thread *p, struct file *f, u64 cmd, u64 arg);
/* fs: syscall/fs_fd.c and syscall/fs_xattr.c */
i64 sys_close_range(struct thread *p, const struct user_syscall *a);
i64 sys_copy_file_range(struct thread *p, const struct user_syscall *a);
i64 sys_memfd_create(struct thread *p, const struct user_syscall *a);
i64 sys_setxattr(struct thread *p, const struct user_syscall *a);
i64 sys_lsetxattr(struct thread *p, const struct user_syscall *a);
i64 sys_fsetxattr(struct thread *p, const struct user_syscall *a);
i64 sys_getxattr(struct thread *p, const struct user_syscall *a);
i64 sys_lgetxattr(struct thread *p, const struct user_syscall *a);
i64 sys_fgetxattr(struct thread *p, const struct user_syscall *a);
i64 sys_listxattr(struct thread *p, const struct user_syscall *a);
i64 sys_llistxattr(struct thread *p, const struct user_syscall *a);
i64 sys_flistxattr(struct thread *p, const struct user_syscall *a);
i64 sys_removexattr(struct thread *p, const struct user_syscall *a);
i64 sys_lremovexattr(struct thread *p, const struct user_syscall *a);
i64 sys_fremovexattr(struct thread *p, const struct user_syscall *a);
/* fs: syscall/fs_mount.c */
i64 sys_mount(struct thread *p, const struct user_syscall *a);
i64 sys_umount2(struct thread *p, const struct user_syscall *a);
/* processes: syscall/proc.c */
i64 sys_exit(struct thread *p, const struct user_syscall *a);
i64 sys_exit_group(struct thread *p, const struct user_syscall *a);
i64 sys_getpid(struct thread *p, const struct user_syscall *a);
i64 sys_getppid(struct thread *p, const struct user_syscall *a);
i64 sys_gettid(struct thread *p, const struct user_syscall *a);
i64 sys_getuid(struct thread *p, const struct user_syscall *a);
i64 sys_geteuid(struct thread *p, const struct user_syscall *a);
i64 sys_getgid(struct thread *p, const struct user_syscall *a);
i64 sys_getegid(struct thread *p, const struct user_syscall *a);
i64 sys_setuid(struct thread *p, const struct user_syscall *a);
i64 sys_setgid(struct thread *p, const struct user_syscall *a);
i64 sys_setreuid(struct thread *p, const struct user_syscall *a);
i64 sys_setregid(struct thread *p, const struct user_syscall *a);
i64 sys_setresuid(struct thread *p, const struct user_syscall *a);
i64 sys_setresgid(struct thread *p, const struct user_syscall *a);
i64 sys_getresuid(struct thread *p, const struct user_syscall *a);
i64 sys_getresgid(struct thread *p, const struct user_syscall *a);
i64 sys_getgroups(struct thread *p, const struct user_syscall *a);
i64 sys_setgroups(struct thread *p, const struct user_syscall *a);
i64 sys_getpgid(struct thread *p, const struct user_syscall *a);
i64 sys_setpgid(struct thread *p, const struct user_syscall *a);
i64 sys_setsid(struct thread *p, const struct user_syscall *a);
i64 sys_getsid(struct thread *p, const struct user_syscall *a);
i64 sys_getpgrp(struct thread *p, const struct user_syscall *a);
i64 sys_fork(struct thread *p, const struct user_syscall *a);
i64 sys_clone(struct thread *p, const struct user_syscall *a);
i64 sys_clone3(struct thread *p, const struct user_syscall *a);
i64 sys_wait4(struct thread *p, const struct user_syscall *a);
i64 sys_execve(struct thread *p, const struct user_syscall *a);
i64 sys_set_tid_address(struct thread *p, const struct user_syscall *a);
i64 sys_restart_syscall(struct thread *p, const struct user_syscall *a);
i64 sys_prctl(struct thread *p, const struct user_syscall *a);
i64 sys_personality(struct thread *p, const struct user_syscall *a);
i64 sys_setfsuid(struct thread *p, const struct user_syscall *a);
i64 sys_setfsgid(struct thread *p, const struct user_syscall *a);
i64 sys_capget(struct thread *p, const struct user_syscall *a);
i64 sys_capset(struct thread *p, const struct user_syscall *a);
i64 sys_arch_prctl(struct thread *p, const struct user_syscall *a);
/* memory: syscall/mm.c */
i64 sys_brk(struct thread *p, const struct user_syscall *a);
i64 sys_mmap(struct thread *p, const struct user_syscall *a);
i64 sys_munmap(struct thread *p, const struct user_syscall *a);
i64 sys_mprotect(struct thread *p, const struct user_syscall *a);
i64 sys_mremap(struct thread *p, const struct user_syscall *a);
i64 sys_madvise(struct thread *p, const struct user_syscall *a);
i64 sys_mincore(struct thread *p, const struct user_syscall *a);
i64 sys_msync(struct thread *p, const struct user_syscall *a);
i64 sys_mlock(struct thread *p, const struct user_syscall *a);
i64 sys_mlock2(struct thread *p, const struct user_syscall *a);
i64 sys_munlock(struct thread *p, const struct user_syscall *a);
i64 sys_mlockall(struct thread *p, const struct user_syscall *a);
i64 sys_munlockall(struct thread *p, const struct user_syscall *a);
/* signals: syscall/signal.c */
i64 sys_kill(struct thread *p, const struct user_syscall *a);
i64 sys_tkill(struct thread *p, const struct user_syscall *a);
i64 sys_tgkill(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigreturn(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigsuspend(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigpending(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigqueueinfo(struct thread *p, const struct user_syscall *a);
i64 sys_rt_tgsigqueueinfo(struct thread *p, const struct user_syscall *a);
i64 sys_sigaltstack(struct thread *p, const struct user_syscall *a);
i64 sys_waitid(struct thread *p, const struct user_syscall *a);
i64 sys_vfork(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigtimedwait(struct thread *p, const struct user_syscall *a);
i64 sys_alarm(struct thread *p, const struct user_syscall *a);
i64 sys_getitimer(struct thread *p, const struct user_syscall *a);
i64 sys_setitimer(struct thread *p, const struct user_syscall *a);
i64 sys_nanosleep(struct thread *p, const struct user_syscall *a);
i64 sys_clock_nanosleep(struct thread *p, const struct user_syscall *a);
i64 sys_pause(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigaction(struct thread *p, const struct user_syscall *a);
i64 sys_rt_sigprocmask(struct thread *p, const struct user_syscall *a);
/* proc_restart_sleep - restart_syscall after an interrupted nanosleep: sleep on to its
 * deadline (-EINTR when nothing is to be restarted). */
i64 proc_restart_sleep(struct thread *p);
/* futexes: syscall/futex.c */
i64 sys_futex(struct thread *p, const struct user_syscall *a);
i64 sys_set_robust_list(struct thread *p, const struct user_syscall *a);
i64 sys_get_robust_list(struct thread *p, const struct user_syscall *a);
/* scheduling: syscall/sched.c */
i64 sys_sched_yield(struct thread *p, const struct user_syscall *a);
i64 sys_sched_setaffinity(struct thread *p, const struct user_syscall *a);
i64 sys_sched_getaffinity(struct thread *p, const struct user_syscall *a);
i64 sys_sched_getscheduler(struct thread *p, const struct user_syscall *a);
i64 sys_sched_getparam(struct thread *p, const struct user_syscall *a);
i64 sys_sched_get_priority_max(struct thread *p, const struct user_syscall *a);
i64 sys_sched_get_priority_min(struct thread *p, const struct user_syscall *a);
i64 sys_sched_rr_get_interval(struct thread *p, const struct user_syscall *a);
i64 sys_getcpu(struct thread *p, const struct user_syscall *a);
/* sockets: syscall/net.c */
i64 sys_socket(struct thread *p, const struct user_syscall *a);
i64 sys_socketpair(struct thread *p, const struct user_syscall *a);
i64 sys_bind(struct thread *p, const struct user_syscall *a);
i64 sys_connect(struct thread *p, const struct user_syscall *a);
i64 sys_listen(struct thread *p, const struct user_syscall *a);
i64 sys_accept(struct thread *p, const struct user_syscall *a);
i64 sys_accept4(struct thread *p, const struct user_syscall *a);
i64 sys_shutdown(struct thread *p, const struct user_syscall *a);
i64 sys_getsockname(struct thread *p, const struct user_syscall *a);
i64 sys_getpeername(struct thread *p, const struct user_syscall *a);
i64 sys_sendto(struct thread *p, const struct user_syscall *a);
i64 sys_recvfrom(struct thread *p, const struct user_syscall *a);
i64 sys_sendmsg(struct thread *p, const struct user_syscall *a);
i64 sys_recvmsg(struct thread *p, const struct user_syscall *a);
i64 sys_sendmmsg(struct thread *p, const struct user_syscall *a);
i64 sys_recvmmsg(struct thread *p, const struct user_syscall *a);
i64 sys_setsockopt(struct thread *p, const struct user_syscall *a);
i64 sys_getsockopt(struct thread *p, const struct user_syscall *a);
/* net_file_rw - read/write (one buffer at uiov of n bytes) or readv/writev (`vector`: n
 * iovecs at uiov) on socket file f (descriptor fd, unused: f's own O_NONBLOCK counts): bytes
 * or -errno. (net_file_ioctl, a socket file's ioctl op: net/socket.h.) */
i64 net_file_rw(struct thread *p, struct file *f, u64 fd, u64 uiov, u64 n, bool vector, bool write);
/* misc: syscall/misc.c */
i64 sys_uname(struct thread *p, const struct user_syscall *a);
i64 sys_sethostname(struct thread *p, const struct user_syscall *a);
i64 sys_setdomainname(struct thread *p, const struct user_syscall *a);
i64 sys_clock_gettime(struct thread *p, const struct user_syscall *a);
i64 sys_clock_getres(struct thread *p, const struct user_syscall *a);
i64 sys_clock_settime(struct thread *p, const struct user_syscall *a);
i64 sys_gettimeofday(struct thread *p, const struct user_syscall *a);
i64 sys_settimeofday(struct thread *p, const struct user_syscall *a);
i64 sys_adjtimex(struct thread *p, const struct user_syscall *a);
i64 sys_clock_adjtime(struct thread *p, const struct user_syscall *a);
i64 sys_time(struct thread *p, const struct user_syscall *a);
i64 sys_sysinfo(struct thread *p, const struct user_syscall *a);
i64 sys_reboot(struct thread *p, const struct user_syscall *a);
/* the kernel log: syscall/syslog.c */
i64 sys_syslog(struct thread *p, const struct user_syscall *a);
/* kmsg_init - register the /dev/kmsg device (1, 11). Context: boot, before /dev is mounted. */
void kmsg_init(void);
/* random: syscall/random.c */
i64 sys_getrandom(struct thread *p, const struct user_syscall *a);
/* resource: syscall/resource.c */
i64 sys_getrlimit(struct thread *p, const struct user_syscall *a);
i64 sys_setrlimit(struct thread *p, const struct user_syscall *a);
i64 sys_prlimit64(struct thread *p, const struct user_syscall *a);
i64 sys_getpriority(struct thread *p, const struct user_syscall *a);
i64 sys_setpriority(struct thread *p, const struct user_syscall *a);
i64 sys_getrusage(struct thread *p, const struct user_syscall *a);
i64 sys_times(struct thread *p, const struct user_syscall *a);
/* rusage_to_user - write u as a struct rusage at user address `addr`: 0 or -EFAULT. */
int rusage_to_user(struct proc_usage u, u64 addr);

#endif /* KERNEL_SYSCALL_SYSCALL_H */
