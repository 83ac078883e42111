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

#endif /* KERNEL_UAPI_EVENTS_H */
