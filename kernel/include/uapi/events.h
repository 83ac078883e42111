/*
 * uapi/events.h — the constants and records of the event files: pidfd (linux/pidfd.h,
 * linux/sched.h's CLONE_PIDFD, linux/wait.h's P_PIDFD), inotify (linux/inotify.h) and
 * signalfd (linux/signalfd.h), as plain data. tests/kernel/t_uapi_events.c checks them
 * against the real headers.
 */
#ifndef KERNEL_UAPI_EVENTS_H
#define KERNEL_UAPI_EVENTS_H

#include <fw/types.h>

/* pidfd */
#define UAPI_PIDFD_NONBLOCK 04000u /* O_NONBLOCK */
#define UAPI_CLONE_PIDFD 0x1000ull
#define UAPI_P_PIDFD 3

/* inotify: event bits (a watch's mask and an event's) */
#define UAPI_IN_ACCESS 0x00000001u
#define UAPI_IN_MODIFY 0x00000002u
#define UAPI_IN_ATTRIB 0x00000004u
#define UAPI_IN_CLOSE_WRITE 0x00000008u
#define UAPI_IN_CLOSE_NOWRITE 0x00000010u
#define UAPI_IN_OPEN 0x00000020u
#define UAPI_IN_MOVED_FROM 0x00000040u
#define UAPI_IN_MOVED_TO 0x00000080u
#define UAPI_IN_CREATE 0x00000100u
#define UAPI_IN_DELETE 0x00000200u
#define UAPI_IN_DELETE_SELF 0x00000400u
#define UAPI_IN_MOVE_SELF 0x00000800u
#define UAPI_IN_ALL_EVENTS 0x00000fffu
/* ... only in events */
#define UAPI_IN_UNMOUNT 0x00002000u
#define UAPI_IN_Q_OVERFLOW 0x00004000u
#define UAPI_IN_IGNORED 0x00008000u
#define UAPI_IN_ISDIR 0x40000000u
/* ... only in a watch's mask */
#define UAPI_IN_ONLYDIR 0x01000000u
#define UAPI_IN_DONT_FOLLOW 0x02000000u
#define UAPI_IN_EXCL_UNLINK 0x04000000u
#define UAPI_IN_MASK_CREATE 0x10000000u
#define UAPI_IN_MASK_ADD 0x20000000u
#define UAPI_IN_ONESHOT 0x80000000u
/* inotify_init1's flags */
#define UAPI_IN_CLOEXEC 02000000u
#define UAPI_IN_NONBLOCK 04000u

/* struct inotify_event's fixed part (the name follows, NUL-padded to a multiple of its size) */
struct uapi_inotify_event {
	i32 wd;
	u32 mask;
	u32 cookie;
	u32 len; /* bytes of name with its padding (0: none) */
};
_Static_assert(sizeof(struct uapi_inotify_event) == 16, "struct inotify_event");

/* signalfd */
#define UAPI_SFD_CLOEXEC 02000000u
#define UAPI_SFD_NONBLOCK 04000u
struct uapi_signalfd_siginfo {
	u32 ssi_signo;
	i32 ssi_errno;
	i32 ssi_code;
	u32 ssi_pid;
	u32 ssi_uid;
	i32 ssi_fd;
	u32 ssi_tid;
	u32 ssi_band;
	u32 ssi_overrun;
	u32 ssi_trapno;
	i32 ssi_status;
	i32 ssi_int;
	u64 ssi_ptr;
	u64 ssi_utime;
	u64 ssi_stime;
	u64 ssi_addr;
	u16 ssi_addr_lsb;
	u16 pad2;
	i32 ssi_syscall;
	u64 ssi_call_addr;
	u32 ssi_arch;
	u8 pad[28];
};
_Static_assert(sizeof(struct uapi_signalfd_siginfo) == 128, "struct signalfd_siginfo");

#endif /* KERNEL_UAPI_EVENTS_H */
