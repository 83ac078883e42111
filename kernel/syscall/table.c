/*
 * table.c — the system call table, indexed by the x86-64 Linux number, and the dispatcher.
 *
 * Each entry names the handler and how complete it is: FULL (the Linux semantics, all flags
 * a program can pass), or PARTIAL with a note saying what is missing. tools/gen-compat.py
 * reads the SC()/SCF() lines below to write docs/linux-compat.md (and checks every number
 * against the name in the UAPI header), so keep one entry per line.
 */
#include <fw/log.h>
#include <syscall/syscall.h>

enum sc_status {
	SC_MISSING = 0,
	SC_FULL,
	SC_PARTIAL,
};

struct sc_entry {
	sc_fn *fn;
	enum sc_status status;
};

#define SCF(nr, name, fn_, st, note) [nr] = { .fn = fn_, .status = SC_##st }
#define SC(nr, name, st, note) SCF(nr, name, sys_##name, st, note)

static const struct sc_entry sc_table[SYSCALL_MAX] = {
	SC(0, read, FULL, ""),
	SC(1, write, FULL, ""),
	SC(2, open, PARTIAL, "O_PATH and O_NOCTTY semantics and O_NONBLOCK are not implemented; an O_TMPFILE file cannot be linked in (linkat AT_EMPTY_PATH)"),
	SC(3, close, FULL, ""),
	SC(4, stat, FULL, ""),
	SC(5, fstat, FULL, ""),
	SC(6, lstat, FULL, ""),
	SC(7, poll, PARTIAL, "the console waits for input; other files are always ready"),
	SC(8, lseek, PARTIAL, "SEEK_DATA/SEEK_HOLE missing"),
	SC(9, mmap, PARTIAL, "files with a page cache (ramfs, tmpfs) only; MAP_GROWSDOWN does not grow; MAP_HUGETLB/MAP_SYNC are refused"),
	SC(10, mprotect, PARTIAL, "PROT_GROWSDOWN/PROT_GROWSUP are ignored"),
	SC(11, munmap, FULL, ""),
	SC(12, brk, FULL, ""),
	SC(13, rt_sigaction, PARTIAL, "SA_ONSTACK (sigaltstack) is ignored; stop/continue default actions are ignore"),
	SC(14, rt_sigprocmask, FULL, ""),
	SC(15, rt_sigreturn, PARTIAL, "the FPU image is restored as written (no FP_XSTATE magic check)"),
	SC(16, ioctl, PARTIAL, "console only: TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP (not applied)"),
	SC(17, pread64, FULL, ""),
	SC(18, pwrite64, FULL, ""),
	SC(19, readv, FULL, ""),
	SC(20, writev, FULL, ""),
	SC(21, access, FULL, ""),
	SC(22, pipe, PARTIAL, "64 KiB buffer; no SIGPIPE (a write with no reader is only -EPIPE); writev to a pipe returns short when it fills"),
	SC(24, sched_yield, FULL, ""),
	SC(25, mremap, PARTIAL, "MREMAP_DONTUNMAP is refused (EINVAL)"),
	SC(26, msync, FULL, ""),
	SC(27, mincore, PARTIAL, "reports pages mapped in this process, not page-cache residency"),
	SC(28, madvise, PARTIAL, "hints other than WILLNEED/DONTNEED/FREE/DONTFORK/DOFORK are accepted and ignored; MADV_REMOVE is EINVAL"),
	SC(32, dup, FULL, ""),
	SC(33, dup2, FULL, ""),
	SC(34, pause, FULL, ""),
	SC(35, nanosleep, FULL, ""),
	SC(36, getitimer, PARTIAL, "ITIMER_REAL only"),
	SC(37, alarm, FULL, ""),
	SC(38, setitimer, PARTIAL, "ITIMER_REAL only; fires at the 4 ms tick's granularity"),
	SC(39, getpid, FULL, ""),
	SC(40, sendfile, FULL, ""),
	SC(41, socket, PARTIAL, "AF_UNIX only (other families EAFNOSUPPORT)"),
	SC(42, connect, FULL, ""),
	SC(43, accept, FULL, ""),
	SC(44, sendto, FULL, ""),
	SC(45, recvfrom, FULL, ""),
	SC(46, sendmsg, PARTIAL, "SCM_RIGHTS and SCM_CREDENTIALS; MSG_OOB is EOPNOTSUPP"),
	SC(47, recvmsg, PARTIAL, "SCM_RIGHTS and SCM_CREDENTIALS; MSG_OOB is EOPNOTSUPP"),
	SC(48, shutdown, FULL, ""),
	SC(49, bind, FULL, ""),
	SC(50, listen, FULL, ""),
	SC(51, getsockname, FULL, ""),
	SC(52, getpeername, FULL, ""),
	SC(53, socketpair, PARTIAL, "AF_UNIX only"),
	SC(54, setsockopt, PARTIAL, "SOL_SOCKET only: the buffers, timeouts, SO_PASSCRED, SO_LINGER; SO_REUSEADDR/KEEPALIVE and a few others are recorded only"),
	SC(55, getsockopt, PARTIAL, "SOL_SOCKET only"),
	SC(56, clone, PARTIAL, "fork-like only: SIGCHLD with CLONE_VM|CLONE_VFORK, *_SETTID, CHILD_CLEARTID; no threads"),
	SC(57, fork, FULL, ""),
	SCF(58, vfork, sys_fork, PARTIAL, "a fork (the parent does not wait for exec)"),
	SC(59, execve, PARTIAL, "static and static-PIE ELF, #! scripts; no PT_INTERP"),
	SC(60, exit, FULL, ""),
	SC(61, wait4, PARTIAL, "no rusage; pid 0 and < -1 wait for any child"),
	SC(62, kill, PARTIAL, "no saved uids in the permission check; SIGSTOP/SIGCONT do not stop"),
	SC(63, uname, FULL, ""),
	SC(72, fcntl, PARTIAL, "F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL, POSIX and OFD record locks (F_GETLK/F_SETLK/F_SETLKW with EDEADLK, F_OFD_*); no leases, notifications or seals"),
	SC(73, flock, FULL, ""),
	SC(74, fsync, FULL, ""),
	SC(75, fdatasync, FULL, ""),
	SC(76, truncate, FULL, ""),
	SC(77, ftruncate, FULL, ""),
	SC(79, getcwd, FULL, ""),
	SC(80, chdir, FULL, ""),
	SC(81, fchdir, FULL, ""),
	SC(82, rename, FULL, ""),
	SC(83, mkdir, FULL, ""),
	SC(84, rmdir, FULL, ""),
	SC(86, link, FULL, ""),
	SC(87, unlink, FULL, ""),
	SC(88, symlink, FULL, ""),
	SC(89, readlink, FULL, ""),
	SC(90, chmod, FULL, ""),
	SC(91, fchmod, FULL, ""),
	SC(92, chown, PARTIAL, "no supplementary groups in the owner check"),
	SC(93, fchown, PARTIAL, "as chown"),
	SC(94, lchown, PARTIAL, "as chown"),
	SC(95, umask, FULL, ""),
	SC(96, gettimeofday, FULL, ""),
	SC(99, sysinfo, PARTIAL, "memory and uptime; procs and load averages are 0"),
	SC(102, getuid, FULL, ""),
	SC(104, getgid, FULL, ""),
	SC(107, geteuid, FULL, ""),
	SC(108, getegid, FULL, ""),
	SC(109, setpgid, PARTIAL, "own process only"),
	SC(110, getppid, FULL, ""),
	SC(111, getpgrp, FULL, ""),
	SC(121, getpgid, PARTIAL, "own process only"),
	SC(127, rt_sigpending, FULL, ""),
	SC(128, rt_sigtimedwait, FULL, ""),
	SC(130, rt_sigsuspend, FULL, ""),
	SC(132, utime, FULL, ""),
	SC(133, mknod, PARTIAL, "FIFOs are nodes without behaviour yet; a socket node is only connectable when bind(2) made it"),
	SC(137, statfs, PARTIAL, "f_fsid is zero; ramfs/tmpfs without size= report 0 blocks"),
	SC(138, fstatfs, PARTIAL, "as statfs"),
	SC(143, sched_getparam, FULL, ""),
	SC(145, sched_getscheduler, FULL, ""),
	SC(146, sched_get_priority_max, FULL, ""),
	SC(147, sched_get_priority_min, FULL, ""),
	SC(148, sched_rr_get_interval, FULL, ""),
	SC(149, mlock, PARTIAL, "accounting only: pages are populated, nothing is ever swapped anyway"),
	SC(150, munlock, FULL, ""),
	SC(151, mlockall, PARTIAL, "MCL_FUTURE is accepted but not applied to later mappings"),
	SC(152, munlockall, FULL, ""),
	SC(158, arch_prctl, PARTIAL, "ARCH_SET_FS/ARCH_GET_FS only"),
	SC(161, chroot, FULL, ""),
	SC(162, sync, FULL, ""),
	SC(164, settimeofday, FULL, ""),
	SC(165, mount, PARTIAL, "tmpfs and ramfs (size=, mode=, uid=, gid=); MS_BIND without MS_REC's submounts; MS_REMOUNT changes per-mount flags only; propagation flags are accepted (every mount is private)"),
	SC(166, umount2, PARTIAL, "MNT_FORCE is ignored; MNT_EXPIRE is -EAGAIN"),
	SC(169, reboot, PARTIAL, "power off, halt; restart powers off"),
	SC(186, gettid, FULL, ""),
	SC(188, setxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(189, lsetxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(190, fsetxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(191, getxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(192, lgetxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(193, fgetxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(194, listxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(195, llistxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(196, flistxattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(197, removexattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(198, lremovexattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(199, fremovexattr, PARTIAL, "no file system keeps extended attributes: lists are empty, the rest EOPNOTSUPP"),
	SC(200, tkill, FULL, ""),
	SC(201, time, FULL, ""),
	SC(203, sched_setaffinity, FULL, ""),
	SC(204, sched_getaffinity, FULL, ""),
	SC(217, getdents64, FULL, ""),
	SC(218, set_tid_address, PARTIAL, "recorded; not cleared at exit yet"),
	SC(219, restart_syscall, FULL, ""),
	SC(227, clock_settime, FULL, ""),
	SC(228, clock_gettime, PARTIAL, "the CPU-time clocks read the monotonic clock (no per-thread CPU accounting yet); clock ids for other processes (negative) are EINVAL"),
	SC(229, clock_getres, FULL, ""),
	SC(230, clock_nanosleep, PARTIAL, "every clock is the monotonic clock"),
	SCF(231, exit_group, sys_exit_group, FULL, ""),
	SC(234, tgkill, FULL, ""),
	SC(235, utimes, FULL, ""),
	SC(257, openat, PARTIAL, "as open"),
	SC(258, mkdirat, FULL, ""),
	SC(259, mknodat, PARTIAL, "as mknod"),
	SC(260, fchownat, PARTIAL, "as chown"),
	SC(261, futimesat, FULL, ""),
	SC(262, newfstatat, FULL, ""),
	SC(263, unlinkat, FULL, ""),
	SC(264, renameat, FULL, ""),
	SC(265, linkat, PARTIAL, "AT_EMPTY_PATH (linking an fd) is -ENOENT"),
	SC(266, symlinkat, FULL, ""),
	SC(267, readlinkat, FULL, ""),
	SC(268, fchmodat, FULL, ""),
	SC(269, faccessat, FULL, ""),
	SC(271, ppoll, PARTIAL, "as poll; the temporary signal mask is ignored"),
	SC(280, utimensat, FULL, ""),
	SC(284, eventfd, FULL, "as eventfd2 with no flags"),
	SC(285, fallocate, PARTIAL, "modes other than 0 and FALLOC_FL_KEEP_SIZE are -EOPNOTSUPP"),
	SC(288, accept4, FULL, ""),
	SC(290, eventfd2, FULL, "EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC; poll readiness (not yet epoll)"),
	SC(292, dup3, FULL, ""),
	SC(293, pipe2, PARTIAL, "O_CLOEXEC, O_NONBLOCK (no O_DIRECT packet mode); as pipe"),
	SC(325, mlock2, PARTIAL, "accounting only, as mlock"),
	SC(299, recvmmsg, PARTIAL, "the timeout is checked between messages (as Linux)"),
	SC(306, syncfs, FULL, ""),
	SC(307, sendmmsg, FULL, ""),
	SC(309, getcpu, PARTIAL, "node is always 0 (no NUMA)"),
	SC(316, renameat2, PARTIAL, "RENAME_WHITEOUT is -EINVAL"),
	SC(319, memfd_create, PARTIAL, "no sealing (MFD_ALLOW_SEALING is accepted; F_ADD_SEALS is EINVAL); MFD_HUGETLB is EINVAL"),
	SC(326, copy_file_range, FULL, ""),
	SC(332, statx, PARTIAL, "no btime, mount id or attributes; AT_STATX_* sync modes are accepted and ignored"),
	SC(436, close_range, FULL, ""),
	SC(439, faccessat2, PARTIAL, "AT_EMPTY_PATH is -EINVAL"),
};

/* Numbers already reported as missing (logged once each). */
static u64 sc_logged[SYSCALL_MAX / 64];

i64 syscall_dispatch(struct process *p)
{
	u64 nr = user_ctx_syscall_nr(&p->uc);
	struct sc_args a;
	for (unsigned i = 0; i < 6; i++)
		a.a[i] = user_ctx_syscall_arg(&p->uc, i);
	if (nr >= SYSCALL_MAX || !sc_table[nr].fn) {
		if (nr < SYSCALL_MAX && !(sc_logged[nr / 64] & (1ull << (nr % 64)))) {
			sc_logged[nr / 64] |= 1ull << (nr % 64);
			struct str name = syscall_name(nr);
			fw_info("syscall: %s (%u) is not implemented: -ENOSYS (pid %u)",
				str_len(name) ? name : STR("unassigned"), nr, p->pid);
		}
		return -ENOSYS;
	}
	return sc_table[nr].fn(p, &a);
}
