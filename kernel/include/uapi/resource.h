/*
 * uapi/resource.h — resource limits and usage as Linux exchanges them with user space
 * (asm-generic/resource.h, linux/resource.h, linux/times.h), getrandom's flags
 * (linux/random.h) and syslog(2)'s actions (include/linux/syslog.h, not exported: numbers
 * from syslog(2)). Plain data; tests/kernel/t_uapi.c compares sizes and offsets against
 * /usr/include.
 */
#ifndef KERNEL_UAPI_RESOURCE_H
#define KERNEL_UAPI_RESOURCE_H

#include <fw/types.h>
#include <uapi/time.h>

#define UAPI_RLIMIT_CPU 0u
#define UAPI_RLIMIT_FSIZE 1u
#define UAPI_RLIMIT_DATA 2u
#define UAPI_RLIMIT_STACK 3u
#define UAPI_RLIMIT_CORE 4u
#define UAPI_RLIMIT_RSS 5u
#define UAPI_RLIMIT_NPROC 6u
#define UAPI_RLIMIT_NOFILE 7u
#define UAPI_RLIMIT_MEMLOCK 8u
#define UAPI_RLIMIT_AS 9u
#define UAPI_RLIMIT_LOCKS 10u
#define UAPI_RLIMIT_SIGPENDING 11u
#define UAPI_RLIMIT_MSGQUEUE 12u
#define UAPI_RLIMIT_NICE 13u
#define UAPI_RLIMIT_RTPRIO 14u
#define UAPI_RLIMIT_RTTIME 15u
#define UAPI_RLIM_NLIMITS 16u
#define UAPI_RLIM_INFINITY (~0ull)

/* struct rlimit64 (prlimit64) and struct rlimit on x86-64 (getrlimit/setrlimit): the same. */
struct uapi_rlimit {
	u64 rlim_cur;
	u64 rlim_max;
};
_Static_assert(sizeof(struct uapi_rlimit) == 16, "struct rlimit64");

#define UAPI_RUSAGE_SELF 0
#define UAPI_RUSAGE_CHILDREN (-1)
#define UAPI_RUSAGE_THREAD 1

struct uapi_rusage {
	struct uapi_timeval ru_utime;
	struct uapi_timeval ru_stime;
	i64 ru_maxrss; /* KiB */
	i64 ru_ixrss;
	i64 ru_idrss;
	i64 ru_isrss;
	i64 ru_minflt;
	i64 ru_majflt;
	i64 ru_nswap;
	i64 ru_inblock;
	i64 ru_oublock;
	i64 ru_msgsnd;
	i64 ru_msgrcv;
	i64 ru_nsignals;
	i64 ru_nvcsw;
	i64 ru_nivcsw;
};
_Static_assert(sizeof(struct uapi_rusage) == 144, "struct rusage");

/* struct tms (times(2)), in clock ticks of USER_HZ. */
struct uapi_tms {
	i64 tms_utime;
	i64 tms_stime;
	i64 tms_cutime;
	i64 tms_cstime;
};
#define UAPI_USER_HZ 100u

/* getrandom(2) */
#define UAPI_GRND_NONBLOCK 0x1u
#define UAPI_GRND_RANDOM 0x2u
#define UAPI_GRND_INSECURE 0x4u

/* getpriority/setpriority(2) */
#define UAPI_PRIO_PROCESS 0
#define UAPI_PRIO_PGRP 1
#define UAPI_PRIO_USER 2

/* syslog(2) actions */
#define UAPI_SYSLOG_ACTION_CLOSE 0
#define UAPI_SYSLOG_ACTION_OPEN 1
#define UAPI_SYSLOG_ACTION_READ 2
#define UAPI_SYSLOG_ACTION_READ_ALL 3
#define UAPI_SYSLOG_ACTION_READ_CLEAR 4
#define UAPI_SYSLOG_ACTION_CLEAR 5
#define UAPI_SYSLOG_ACTION_CONSOLE_OFF 6
#define UAPI_SYSLOG_ACTION_CONSOLE_ON 7
#define UAPI_SYSLOG_ACTION_CONSOLE_LEVEL 8
#define UAPI_SYSLOG_ACTION_SIZE_UNREAD 9
#define UAPI_SYSLOG_ACTION_SIZE_BUFFER 10

#endif /* KERNEL_UAPI_RESOURCE_H */
