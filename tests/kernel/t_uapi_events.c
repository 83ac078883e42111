/*
 * tests/kernel/t_uapi_events.c — uapi/events.h against the real headers: struct inotify_event
 * and its IN_* bits (linux/inotify.h), struct signalfd_siginfo and SFD_* (linux/signalfd.h),
 * PIDFD_NONBLOCK (linux/pidfd.h), CLONE_PIDFD (linux/sched.h) and P_PIDFD (linux/wait.h).
 */
#include <stddef.h>

#include <linux/inotify.h>
#include <linux/pidfd.h>
#include <linux/sched.h>
#include <linux/signalfd.h>
#include <linux/wait.h>

#include <uapi/events.h>

#include "khost.h"

#define SAME(ours, theirs, f1, f2)                                                          \
	KT_EXPECT(kt, offsetof(ours, f1) == offsetof(theirs, f2) &&                         \
			      sizeof(((ours *)0)->f1) == sizeof(((theirs *)0)->f2))

KTEST(uapi_events, inotify_event)
{
	KT_EXPECT(kt, sizeof(struct uapi_inotify_event) == sizeof(struct inotify_event));
	SAME(struct uapi_inotify_event, struct inotify_event, wd, wd);
	SAME(struct uapi_inotify_event, struct inotify_event, mask, mask);
	SAME(struct uapi_inotify_event, struct inotify_event, cookie, cookie);
	SAME(struct uapi_inotify_event, struct inotify_event, len, len);
	KT_EXPECT(kt, UAPI_IN_ACCESS == IN_ACCESS && UAPI_IN_MODIFY == IN_MODIFY &&
			      UAPI_IN_ATTRIB == IN_ATTRIB && UAPI_IN_CLOSE_WRITE == IN_CLOSE_WRITE &&
			      UAPI_IN_CLOSE_NOWRITE == IN_CLOSE_NOWRITE && UAPI_IN_OPEN == IN_OPEN &&
			      UAPI_IN_MOVED_FROM == IN_MOVED_FROM && UAPI_IN_MOVED_TO == IN_MOVED_TO &&
			      UAPI_IN_CREATE == IN_CREATE && UAPI_IN_DELETE == IN_DELETE &&
			      UAPI_IN_DELETE_SELF == IN_DELETE_SELF &&
			      UAPI_IN_MOVE_SELF == IN_MOVE_SELF && UAPI_IN_ALL_EVENTS == IN_ALL_EVENTS);
	KT_EXPECT(kt, UAPI_IN_UNMOUNT == IN_UNMOUNT && UAPI_IN_Q_OVERFLOW == IN_Q_OVERFLOW &&
			      UAPI_IN_IGNORED == IN_IGNORED && UAPI_IN_ISDIR == IN_ISDIR &&
			      UAPI_IN_ONLYDIR == IN_ONLYDIR && UAPI_IN_DONT_FOLLOW == IN_DONT_FOLLOW &&
			      UAPI_IN_EXCL_UNLINK == IN_EXCL_UNLINK &&
			      UAPI_IN_MASK_CREATE == IN_MASK_CREATE && UAPI_IN_MASK_ADD == IN_MASK_ADD &&
			      UAPI_IN_ONESHOT == IN_ONESHOT && UAPI_IN_CLOEXEC == IN_CLOEXEC &&
			      UAPI_IN_NONBLOCK == IN_NONBLOCK);
}

KTEST(uapi_events, signalfd_siginfo)
{
	typedef struct uapi_signalfd_siginfo O;
	typedef struct signalfd_siginfo T;
	KT_EXPECT(kt, sizeof(O) == sizeof(T));
	SAME(O, T, ssi_signo, ssi_signo);
	SAME(O, T, ssi_errno, ssi_errno);
	SAME(O, T, ssi_code, ssi_code);
	SAME(O, T, ssi_pid, ssi_pid);
	SAME(O, T, ssi_uid, ssi_uid);
	SAME(O, T, ssi_fd, ssi_fd);
	SAME(O, T, ssi_tid, ssi_tid);
	SAME(O, T, ssi_band, ssi_band);
	SAME(O, T, ssi_overrun, ssi_overrun);
	SAME(O, T, ssi_trapno, ssi_trapno);
	SAME(O, T, ssi_status, ssi_status);
	SAME(O, T, ssi_int, ssi_int);
	SAME(O, T, ssi_ptr, ssi_ptr);
	SAME(O, T, ssi_utime, ssi_utime);
	SAME(O, T, ssi_stime, ssi_stime);
	SAME(O, T, ssi_addr, ssi_addr);
	SAME(O, T, ssi_addr_lsb, ssi_addr_lsb);
	SAME(O, T, ssi_syscall, ssi_syscall);
	SAME(O, T, ssi_call_addr, ssi_call_addr);
	SAME(O, T, ssi_arch, ssi_arch);
	KT_EXPECT(kt, UAPI_SFD_CLOEXEC == SFD_CLOEXEC && UAPI_SFD_NONBLOCK == SFD_NONBLOCK);
}

KTEST(uapi_events, pidfd)
{
	KT_EXPECT(kt, UAPI_PIDFD_NONBLOCK == PIDFD_NONBLOCK);
	KT_EXPECT(kt, UAPI_CLONE_PIDFD == CLONE_PIDFD);
	KT_EXPECT(kt, UAPI_P_PIDFD == P_PIDFD);
}
