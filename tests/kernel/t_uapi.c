/*
 * tests/kernel/t_uapi.c — the union-free UAPI copies in kernel/include/uapi/ against the real
 * headers: every size and every field offset of struct stat (asm/stat.h), new_utsname
 * (linux/utsname.h), termios and winsize (asm/termbits.h, asm/termios.h), iovec
 * (linux/uio.h), timespec (linux/time_types.h) and linux_dirent64 (glibc's dirent64, which
 * has the same layout: the kernel's own header is not exported), plus the ioctl numbers and
 * the scheduling policies (linux/sched.h) and the futex operations and robust list
 * (linux/futex.h). The socket structures: t_uapi_socket.c.
 */
#include <stddef.h>

#include <asm/ioctls.h>
#include <asm/stat.h>
#include <asm/termbits.h>
#include <asm/statfs.h>
#include <linux/fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/time_types.h>
#include <linux/uio.h>
#include <linux/capability.h>
#include <linux/personality.h>
#include <linux/prctl.h>
#include <linux/sysinfo.h>
#include <linux/utsname.h>
#include <asm/termios.h>
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>

#include <uapi/fs.h>
#include <uapi/futex.h>
#include <uapi/misc.h>
#include <uapi/prctl.h>
#include <uapi/resource.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include <uapi/stat.h>
#include <uapi/time.h>
#include <uapi/tty.h>

#include "khost.h"

#define SAME(ours, theirs, f1, f2)                                                          \
	KT_EXPECT(kt, offsetof(ours, f1) == offsetof(theirs, f2) &&                         \
			      sizeof(((ours *)0)->f1) == sizeof(((theirs *)0)->f2))

KTEST(uapi, stat)
{
	KT_EXPECT(kt, sizeof(struct uapi_stat) == sizeof(struct stat));
	SAME(struct uapi_stat, struct stat, st_dev, st_dev);
	SAME(struct uapi_stat, struct stat, st_ino, st_ino);
	SAME(struct uapi_stat, struct stat, st_nlink, st_nlink);
	SAME(struct uapi_stat, struct stat, st_mode, st_mode);
	SAME(struct uapi_stat, struct stat, st_uid, st_uid);
	SAME(struct uapi_stat, struct stat, st_gid, st_gid);
	SAME(struct uapi_stat, struct stat, pad0, __pad0);
	SAME(struct uapi_stat, struct stat, st_rdev, st_rdev);
	SAME(struct uapi_stat, struct stat, st_size, st_size);
	SAME(struct uapi_stat, struct stat, st_blksize, st_blksize);
	SAME(struct uapi_stat, struct stat, st_blocks, st_blocks);
	SAME(struct uapi_stat, struct stat, st_atime_sec, st_atime);
	SAME(struct uapi_stat, struct stat, st_atime_nsec, st_atime_nsec);
	SAME(struct uapi_stat, struct stat, st_mtime_sec, st_mtime);
	SAME(struct uapi_stat, struct stat, st_mtime_nsec, st_mtime_nsec);
	SAME(struct uapi_stat, struct stat, st_ctime_sec, st_ctime);
	SAME(struct uapi_stat, struct stat, st_ctime_nsec, st_ctime_nsec);
	SAME(struct uapi_stat, struct stat, unused, __unused);
	KT_EXPECT(kt, uapi_makedev(5, 1) == makedev(5, 1) && uapi_makedev(0x1234, 0x56789) == makedev(0x1234, 0x56789));
}

KTEST(uapi, small_structs)
{
	KT_EXPECT(kt, sizeof(struct uapi_utsname) == sizeof(struct new_utsname));
	SAME(struct uapi_utsname, struct new_utsname, sysname, sysname);
	SAME(struct uapi_utsname, struct new_utsname, nodename, nodename);
	SAME(struct uapi_utsname, struct new_utsname, release, release);
	SAME(struct uapi_utsname, struct new_utsname, version, version);
	SAME(struct uapi_utsname, struct new_utsname, machine, machine);
	SAME(struct uapi_utsname, struct new_utsname, domainname, domainname);
	KT_EXPECT(kt, sizeof(struct uapi_sysinfo) == sizeof(struct sysinfo));
	SAME(struct uapi_sysinfo, struct sysinfo, uptime, uptime);
	SAME(struct uapi_sysinfo, struct sysinfo, totalram, totalram);
	SAME(struct uapi_sysinfo, struct sysinfo, freeram, freeram);
	SAME(struct uapi_sysinfo, struct sysinfo, freeswap, freeswap);
	SAME(struct uapi_sysinfo, struct sysinfo, procs, procs);
	SAME(struct uapi_sysinfo, struct sysinfo, totalhigh, totalhigh);
	SAME(struct uapi_sysinfo, struct sysinfo, mem_unit, mem_unit);
	KT_EXPECT(kt, sizeof(struct uapi_iovec) == sizeof(struct iovec));
	SAME(struct uapi_iovec, struct iovec, iov_base, iov_base);
	SAME(struct uapi_iovec, struct iovec, iov_len, iov_len);
	KT_EXPECT(kt, UAPI_IOV_MAX == UIO_MAXIOV);
	KT_EXPECT(kt, sizeof(struct uapi_timespec) == sizeof(struct __kernel_timespec));
	SAME(struct uapi_timespec, struct __kernel_timespec, tv_sec, tv_sec);
	SAME(struct uapi_timespec, struct __kernel_timespec, tv_nsec, tv_nsec);
	KT_EXPECT(kt, sizeof(struct uapi_timeval) == sizeof(struct timeval));
	SAME(struct uapi_timeval, struct timeval, tv_sec, tv_sec);
	SAME(struct uapi_timeval, struct timeval, tv_usec, tv_usec);
	KT_EXPECT(kt, sizeof(struct uapi_itimerval) == sizeof(struct itimerval));
	SAME(struct uapi_itimerval, struct itimerval, it_interval, it_interval);
	SAME(struct uapi_itimerval, struct itimerval, it_value, it_value);
	KT_EXPECT(kt, UAPI_ITIMER_REAL == ITIMER_REAL && UAPI_ITIMER_VIRTUAL == ITIMER_VIRTUAL);
	KT_EXPECT(kt, UAPI_ITIMER_PROF == ITIMER_PROF && UAPI_TIMER_ABSTIME == TIMER_ABSTIME);
	KT_EXPECT(kt, UAPI_SIGVTALRM == SIGVTALRM && UAPI_SIGPROF == SIGPROF);
	KT_EXPECT(kt, sizeof(struct uapi_timezone) == sizeof(struct timezone));
	SAME(struct uapi_timezone, struct timezone, tz_minuteswest, tz_minuteswest);
	SAME(struct uapi_timezone, struct timezone, tz_dsttime, tz_dsttime);
	KT_EXPECT(kt, UAPI_CLOCK_REALTIME == CLOCK_REALTIME && UAPI_CLOCK_MONOTONIC == CLOCK_MONOTONIC);
	KT_EXPECT(kt, UAPI_CLOCK_PROCESS_CPUTIME_ID == CLOCK_PROCESS_CPUTIME_ID);
	KT_EXPECT(kt, UAPI_CLOCK_THREAD_CPUTIME_ID == CLOCK_THREAD_CPUTIME_ID);
	KT_EXPECT(kt, UAPI_CLOCK_MONOTONIC_RAW == CLOCK_MONOTONIC_RAW);
	KT_EXPECT(kt, UAPI_CLOCK_REALTIME_COARSE == CLOCK_REALTIME_COARSE);
	KT_EXPECT(kt, UAPI_CLOCK_MONOTONIC_COARSE == CLOCK_MONOTONIC_COARSE);
	KT_EXPECT(kt, UAPI_CLOCK_BOOTTIME == CLOCK_BOOTTIME && UAPI_CLOCK_TAI == CLOCK_TAI);
	KT_EXPECT(kt, UAPI_CLOCK_REALTIME_ALARM == CLOCK_REALTIME_ALARM);
	KT_EXPECT(kt, UAPI_CLOCK_BOOTTIME_ALARM == CLOCK_BOOTTIME_ALARM);
	KT_EXPECT(kt, sizeof(struct uapi_termios) == sizeof(struct termios));
	SAME(struct uapi_termios, struct termios, c_iflag, c_iflag);
	SAME(struct uapi_termios, struct termios, c_oflag, c_oflag);
	SAME(struct uapi_termios, struct termios, c_cflag, c_cflag);
	SAME(struct uapi_termios, struct termios, c_lflag, c_lflag);
	SAME(struct uapi_termios, struct termios, c_line, c_line);
	SAME(struct uapi_termios, struct termios, c_cc, c_cc);
	KT_EXPECT(kt, sizeof(struct uapi_termios2) == sizeof(struct termios2));
	SAME(struct uapi_termios2, struct termios2, t.c_cc, c_cc);
	SAME(struct uapi_termios2, struct termios2, c_ispeed, c_ispeed);
	SAME(struct uapi_termios2, struct termios2, c_ospeed, c_ospeed);
	KT_EXPECT(kt, UAPI_TCGETS2 == TCGETS2 && UAPI_TCSETS2 == TCSETS2 && UAPI_TCSETSW2 == TCSETSW2 &&
			      UAPI_TCSETSF2 == TCSETSF2 && UAPI_TIOCGEXCL == TIOCGEXCL &&
			      UAPI_TIOCEXCL == TIOCEXCL && UAPI_TIOCNXCL == TIOCNXCL);
	KT_EXPECT(kt, UAPI_CBAUD == CBAUD && UAPI_BOTHER == BOTHER && UAPI_IBSHIFT == IBSHIFT);
	KT_EXPECT(kt, sizeof(struct uapi_winsize) == sizeof(struct winsize));
	SAME(struct uapi_winsize, struct winsize, ws_row, ws_row);
	SAME(struct uapi_winsize, struct winsize, ws_col, ws_col);
	SAME(struct uapi_winsize, struct winsize, ws_xpixel, ws_xpixel);
	SAME(struct uapi_winsize, struct winsize, ws_ypixel, ws_ypixel);
	KT_EXPECT(kt, UAPI_DIRENT64_INO == offsetof(struct dirent64, d_ino));
	KT_EXPECT(kt, UAPI_DIRENT64_OFF == offsetof(struct dirent64, d_off));
	KT_EXPECT(kt, UAPI_DIRENT64_RECLEN == offsetof(struct dirent64, d_reclen));
	KT_EXPECT(kt, UAPI_DIRENT64_TYPE == offsetof(struct dirent64, d_type));
	KT_EXPECT(kt, UAPI_DIRENT64_NAME == offsetof(struct dirent64, d_name));
	KT_EXPECT(kt, UAPI_TCGETS == TCGETS && UAPI_TCSETS == TCSETS && UAPI_TIOCGWINSZ == TIOCGWINSZ &&
			      UAPI_TIOCGPGRP == TIOCGPGRP && UAPI_TCSETSW == TCSETSW &&
			      UAPI_TCSETSF == TCSETSF && UAPI_TIOCSPGRP == TIOCSPGRP);
}

/* uapi/fs.h: struct statfs, struct statx, the *at() and renameat2 flags, UTIME_* */
KTEST(uapi, fs)
{
	KT_EXPECT(kt, sizeof(struct uapi_statfs) == sizeof(struct statfs64));
	SAME(struct uapi_statfs, struct statfs64, f_type, f_type);
	SAME(struct uapi_statfs, struct statfs64, f_bsize, f_bsize);
	SAME(struct uapi_statfs, struct statfs64, f_blocks, f_blocks);
	SAME(struct uapi_statfs, struct statfs64, f_bfree, f_bfree);
	SAME(struct uapi_statfs, struct statfs64, f_bavail, f_bavail);
	SAME(struct uapi_statfs, struct statfs64, f_files, f_files);
	SAME(struct uapi_statfs, struct statfs64, f_ffree, f_ffree);
	SAME(struct uapi_statfs, struct statfs64, f_fsid, f_fsid);
	SAME(struct uapi_statfs, struct statfs64, f_namelen, f_namelen);
	SAME(struct uapi_statfs, struct statfs64, f_frsize, f_frsize);
	SAME(struct uapi_statfs, struct statfs64, f_flags, f_flags);
	KT_EXPECT(kt, sizeof(struct uapi_statx) == sizeof(struct statx));
	SAME(struct uapi_statx, struct statx, stx_mask, stx_mask);
	SAME(struct uapi_statx, struct statx, stx_blksize, stx_blksize);
	SAME(struct uapi_statx, struct statx, stx_nlink, stx_nlink);
	SAME(struct uapi_statx, struct statx, stx_mode, stx_mode);
	SAME(struct uapi_statx, struct statx, stx_ino, stx_ino);
	SAME(struct uapi_statx, struct statx, stx_size, stx_size);
	SAME(struct uapi_statx, struct statx, stx_blocks, stx_blocks);
	SAME(struct uapi_statx, struct statx, stx_atime, stx_atime);
	SAME(struct uapi_statx, struct statx, stx_btime, stx_btime);
	SAME(struct uapi_statx, struct statx, stx_ctime, stx_ctime);
	SAME(struct uapi_statx, struct statx, stx_mtime, stx_mtime);
	SAME(struct uapi_statx, struct statx, stx_rdev_major, stx_rdev_major);
	SAME(struct uapi_statx, struct statx, stx_dev_minor, stx_dev_minor);
	SAME(struct uapi_statx, struct statx, stx_mnt_id, stx_mnt_id);
	SAME(struct uapi_statx_timestamp, struct statx_timestamp, tv_nsec, tv_nsec);
	KT_EXPECT(kt, UAPI_AT_FDCWD == AT_FDCWD && UAPI_AT_SYMLINK_NOFOLLOW == AT_SYMLINK_NOFOLLOW &&
			      UAPI_AT_REMOVEDIR == AT_REMOVEDIR && UAPI_AT_SYMLINK_FOLLOW == AT_SYMLINK_FOLLOW &&
			      UAPI_AT_EMPTY_PATH == AT_EMPTY_PATH && UAPI_AT_NO_AUTOMOUNT == AT_NO_AUTOMOUNT &&
			      UAPI_AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE);
	KT_EXPECT(kt, UAPI_STATX_BASIC_STATS == STATX_BASIC_STATS);
	KT_EXPECT(kt, UAPI_FIOCLEX == FIOCLEX && UAPI_FIONCLEX == FIONCLEX);
}

KTEST(uapi, sched)
{
	KT_EXPECT(kt, UAPI_SCHED_OTHER == SCHED_NORMAL && UAPI_SCHED_FIFO == SCHED_FIFO &&
			      UAPI_SCHED_RR == SCHED_RR && UAPI_SCHED_BATCH == SCHED_BATCH &&
			      UAPI_SCHED_IDLE == SCHED_IDLE && UAPI_SCHED_DEADLINE == SCHED_DEADLINE);
	KT_EXPECT(kt, UAPI_CSIGNAL == CSIGNAL && UAPI_CLONE_VM == CLONE_VM && UAPI_CLONE_FS == CLONE_FS &&
			      UAPI_CLONE_FILES == CLONE_FILES && UAPI_CLONE_SIGHAND == CLONE_SIGHAND &&
			      UAPI_CLONE_PIDFD == CLONE_PIDFD && UAPI_CLONE_PTRACE == CLONE_PTRACE &&
			      UAPI_CLONE_VFORK == CLONE_VFORK && UAPI_CLONE_PARENT == CLONE_PARENT &&
			      UAPI_CLONE_THREAD == CLONE_THREAD && UAPI_CLONE_NEWNS == CLONE_NEWNS &&
			      UAPI_CLONE_SYSVSEM == CLONE_SYSVSEM && UAPI_CLONE_SETTLS == CLONE_SETTLS &&
			      UAPI_CLONE_PARENT_SETTID == CLONE_PARENT_SETTID &&
			      UAPI_CLONE_CHILD_CLEARTID == CLONE_CHILD_CLEARTID &&
			      UAPI_CLONE_DETACHED == CLONE_DETACHED && UAPI_CLONE_UNTRACED == CLONE_UNTRACED &&
			      UAPI_CLONE_CHILD_SETTID == CLONE_CHILD_SETTID);
	/* clone3's argument */
	KT_EXPECT(kt, sizeof(struct uapi_clone_args) == sizeof(struct clone_args) &&
			      UAPI_CLONE_ARGS_SIZE_VER0 == CLONE_ARGS_SIZE_VER0 &&
			      UAPI_CLONE_ARGS_SIZE_VER1 == CLONE_ARGS_SIZE_VER1 &&
			      UAPI_CLONE_ARGS_SIZE_VER2 == CLONE_ARGS_SIZE_VER2);
	SAME(struct uapi_clone_args, struct clone_args, flags, flags);
	SAME(struct uapi_clone_args, struct clone_args, pidfd, pidfd);
	SAME(struct uapi_clone_args, struct clone_args, child_tid, child_tid);
	SAME(struct uapi_clone_args, struct clone_args, parent_tid, parent_tid);
	SAME(struct uapi_clone_args, struct clone_args, exit_signal, exit_signal);
	SAME(struct uapi_clone_args, struct clone_args, stack, stack);
	SAME(struct uapi_clone_args, struct clone_args, stack_size, stack_size);
	SAME(struct uapi_clone_args, struct clone_args, tls, tls);
	SAME(struct uapi_clone_args, struct clone_args, set_tid, set_tid);
	SAME(struct uapi_clone_args, struct clone_args, set_tid_size, set_tid_size);
	SAME(struct uapi_clone_args, struct clone_args, cgroup, cgroup);
}

KTEST(uapi, futex)
{
	KT_EXPECT(kt, UAPI_FUTEX_WAIT == FUTEX_WAIT && UAPI_FUTEX_WAKE == FUTEX_WAKE &&
			      UAPI_FUTEX_FD == FUTEX_FD && UAPI_FUTEX_REQUEUE == FUTEX_REQUEUE &&
			      UAPI_FUTEX_CMP_REQUEUE == FUTEX_CMP_REQUEUE &&
			      UAPI_FUTEX_WAKE_OP == FUTEX_WAKE_OP && UAPI_FUTEX_LOCK_PI == FUTEX_LOCK_PI &&
			      UAPI_FUTEX_UNLOCK_PI == FUTEX_UNLOCK_PI &&
			      UAPI_FUTEX_TRYLOCK_PI == FUTEX_TRYLOCK_PI &&
			      UAPI_FUTEX_WAIT_BITSET == FUTEX_WAIT_BITSET &&
			      UAPI_FUTEX_WAKE_BITSET == FUTEX_WAKE_BITSET);
	KT_EXPECT(kt, UAPI_FUTEX_PRIVATE_FLAG == FUTEX_PRIVATE_FLAG &&
			      UAPI_FUTEX_CLOCK_REALTIME == FUTEX_CLOCK_REALTIME &&
			      UAPI_FUTEX_CMD_MASK == FUTEX_CMD_MASK &&
			      UAPI_FUTEX_BITSET_MATCH_ANY == FUTEX_BITSET_MATCH_ANY);
	KT_EXPECT(kt, UAPI_FUTEX_WAITERS == FUTEX_WAITERS &&
			      UAPI_FUTEX_OWNER_DIED == FUTEX_OWNER_DIED &&
			      UAPI_FUTEX_TID_MASK == FUTEX_TID_MASK &&
			      UAPI_ROBUST_LIST_LIMIT == ROBUST_LIST_LIMIT);
	KT_EXPECT(kt, sizeof(struct uapi_robust_list_head) == sizeof(struct robust_list_head));
	SAME(struct uapi_robust_list_head, struct robust_list_head, list_next, list);
	SAME(struct uapi_robust_list_head, struct robust_list_head, futex_offset, futex_offset);
	SAME(struct uapi_robust_list_head, struct robust_list_head, list_op_pending, list_op_pending);
}

KTEST(uapi, signal)
{
	KT_EXPECT(kt, sizeof(struct uapi_siginfo) == sizeof(siginfo_t));
	KT_EXPECT(kt, offsetof(siginfo_t, si_pid) == 16 && offsetof(siginfo_t, si_uid) == 20 &&
			      offsetof(siginfo_t, si_value) == 24 &&
			      offsetof(siginfo_t, si_status) == 24 &&
			      offsetof(siginfo_t, si_addr) == 16 && offsetof(siginfo_t, si_band) == 16 &&
			      offsetof(siginfo_t, si_fd) == 24);
	KT_EXPECT(kt, sizeof(struct uapi_stack) == sizeof(stack_t));
	SAME(struct uapi_stack, stack_t, ss_sp, ss_sp);
	SAME(struct uapi_stack, stack_t, ss_flags, ss_flags);
	SAME(struct uapi_stack, stack_t, ss_size, ss_size);
	KT_EXPECT(kt, UAPI_SS_ONSTACK == SS_ONSTACK && UAPI_SS_DISABLE == SS_DISABLE &&
			      UAPI_MINSIGSTKSZ == 2048);
	KT_EXPECT(kt, UAPI_SA_NOCLDSTOP == SA_NOCLDSTOP && UAPI_SA_NOCLDWAIT == SA_NOCLDWAIT &&
			      UAPI_SA_SIGINFO == SA_SIGINFO && UAPI_SA_ONSTACK == SA_ONSTACK &&
			      UAPI_SA_RESTART == SA_RESTART && UAPI_SA_NODEFER == SA_NODEFER &&
			      UAPI_SA_RESETHAND == (u64)(unsigned)SA_RESETHAND);
	KT_EXPECT(kt, UAPI_SI_USER == SI_USER && UAPI_SI_KERNEL == SI_KERNEL &&
			      UAPI_SI_QUEUE == SI_QUEUE && UAPI_SI_TIMER == SI_TIMER &&
			      UAPI_SI_SIGIO == SI_SIGIO && UAPI_SI_TKILL == SI_TKILL);
	KT_EXPECT(kt, UAPI_CLD_EXITED == CLD_EXITED && UAPI_CLD_KILLED == CLD_KILLED &&
			      UAPI_CLD_DUMPED == CLD_DUMPED && UAPI_CLD_STOPPED == CLD_STOPPED &&
			      UAPI_CLD_CONTINUED == CLD_CONTINUED);
	KT_EXPECT(kt, UAPI_WNOHANG == WNOHANG && UAPI_WUNTRACED == WUNTRACED &&
			      UAPI_WEXITED == WEXITED && UAPI_WCONTINUED == WCONTINUED &&
			      UAPI_WNOWAIT == WNOWAIT && UAPI_P_ALL == P_ALL && UAPI_P_PID == P_PID &&
			      UAPI_P_PGID == P_PGID);
	KT_EXPECT(kt, UAPI_SIGCHLD == SIGCHLD && UAPI_SIGSYS == SIGSYS && UAPI_SIGPOLL == SIGPOLL &&
			      UAPI_SIGWINCH == SIGWINCH && UAPI_SIGURG == SIGURG);
}

KTEST(uapi, resource)
{
	KT_EXPECT(kt, sizeof(struct uapi_rlimit) == sizeof(struct rlimit));
	SAME(struct uapi_rlimit, struct rlimit, rlim_cur, rlim_cur);
	SAME(struct uapi_rlimit, struct rlimit, rlim_max, rlim_max);
	KT_EXPECT(kt, sizeof(struct uapi_rusage) == sizeof(struct rusage));
	SAME(struct uapi_rusage, struct rusage, ru_utime, ru_utime);
	SAME(struct uapi_rusage, struct rusage, ru_stime, ru_stime);
	SAME(struct uapi_rusage, struct rusage, ru_maxrss, ru_maxrss);
	SAME(struct uapi_rusage, struct rusage, ru_minflt, ru_minflt);
	SAME(struct uapi_rusage, struct rusage, ru_majflt, ru_majflt);
	SAME(struct uapi_rusage, struct rusage, ru_nvcsw, ru_nvcsw);
	SAME(struct uapi_rusage, struct rusage, ru_nivcsw, ru_nivcsw);
	KT_EXPECT(kt, sizeof(struct uapi_tms) == sizeof(struct tms));
	SAME(struct uapi_tms, struct tms, tms_cstime, tms_cstime);
	KT_EXPECT(kt, UAPI_RLIMIT_NOFILE == RLIMIT_NOFILE && UAPI_RLIMIT_NPROC == RLIMIT_NPROC &&
			      UAPI_RLIMIT_AS == RLIMIT_AS && UAPI_RLIM_NLIMITS == RLIM_NLIMITS &&
			      UAPI_RLIMIT_SIGPENDING == RLIMIT_SIGPENDING);
	KT_EXPECT(kt, UAPI_GRND_NONBLOCK == GRND_NONBLOCK && UAPI_GRND_RANDOM == GRND_RANDOM &&
			      UAPI_GRND_INSECURE == GRND_INSECURE);
	KT_EXPECT(kt, UAPI_RUSAGE_CHILDREN == RUSAGE_CHILDREN && UAPI_RUSAGE_THREAD == RUSAGE_THREAD);
}

KTEST(uapi, prctl_personality_capability)
{
	KT_EXPECT(kt, UAPI_PR_SET_PDEATHSIG == PR_SET_PDEATHSIG && UAPI_PR_GET_PDEATHSIG == PR_GET_PDEATHSIG &&
			      UAPI_PR_GET_DUMPABLE == PR_GET_DUMPABLE && UAPI_PR_SET_DUMPABLE == PR_SET_DUMPABLE &&
			      UAPI_PR_SET_NAME == PR_SET_NAME && UAPI_PR_GET_NAME == PR_GET_NAME);
	KT_EXPECT(kt, UAPI_PR_SET_CHILD_SUBREAPER == PR_SET_CHILD_SUBREAPER &&
			      UAPI_PR_GET_CHILD_SUBREAPER == PR_GET_CHILD_SUBREAPER &&
			      UAPI_PR_SET_NO_NEW_PRIVS == PR_SET_NO_NEW_PRIVS &&
			      UAPI_PR_GET_NO_NEW_PRIVS == PR_GET_NO_NEW_PRIVS);
	KT_EXPECT(kt, UAPI_PER_LINUX == PER_LINUX && UAPI_ADDR_NO_RANDOMIZE == ADDR_NO_RANDOMIZE);
	KT_EXPECT(kt, UAPI_LINUX_CAPABILITY_VERSION_1 == _LINUX_CAPABILITY_VERSION_1 &&
			      UAPI_LINUX_CAPABILITY_VERSION_2 == _LINUX_CAPABILITY_VERSION_2 &&
			      UAPI_LINUX_CAPABILITY_VERSION_3 == _LINUX_CAPABILITY_VERSION_3 &&
			      UAPI_CAP_LAST_CAP == CAP_LAST_CAP);
	KT_EXPECT(kt, sizeof(struct uapi_cap_header) == sizeof(struct __user_cap_header_struct));
	SAME(struct uapi_cap_header, struct __user_cap_header_struct, pid, pid);
	KT_EXPECT(kt, sizeof(struct uapi_cap_data) == sizeof(struct __user_cap_data_struct));
	SAME(struct uapi_cap_data, struct __user_cap_data_struct, permitted, permitted);
	SAME(struct uapi_cap_data, struct __user_cap_data_struct, inheritable, inheritable);
}
