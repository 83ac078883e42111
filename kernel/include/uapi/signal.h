/*
 * uapi/signal.h — the Linux signal constants and structures (asm/signal.h,
 * asm-generic/signal-defs.h, asm-generic/siginfo.h, linux/wait.h): signal numbers, sigaction
 * flags, sigaltstack's stack_t and flags, the si_code values, siginfo_t without its union (the
 * fields after the 16-byte preamble are u64 words; proc/sigqueue.c lays them out per
 * siginfo_layout), and the wait/waitid options. tests/kernel/t_uapi.c compares them against
 * /usr/include.
 */
#ifndef KERNEL_UAPI_SIGNAL_H
#define KERNEL_UAPI_SIGNAL_H

#include <fw/types.h>

#define UAPI_NSIG 64u
#define UAPI_SIGHUP 1u
#define UAPI_SIGINT 2u
#define UAPI_SIGQUIT 3u
#define UAPI_SIGILL 4u
#define UAPI_SIGTRAP 5u
#define UAPI_SIGABRT 6u
#define UAPI_SIGBUS 7u
#define UAPI_SIGFPE 8u
#define UAPI_SIGKILL 9u
#define UAPI_SIGUSR1 10u
#define UAPI_SIGSEGV 11u
#define UAPI_SIGUSR2 12u
#define UAPI_SIGALRM 14u
#define UAPI_SIGTERM 15u
#define UAPI_SIGCHLD 17u
#define UAPI_SIGCONT 18u
#define UAPI_SIGSTOP 19u
#define UAPI_SIGTSTP 20u
#define UAPI_SIGTTIN 21u
#define UAPI_SIGTTOU 22u
#define UAPI_SIGURG 23u
#define UAPI_SIGVTALRM 26u
#define UAPI_SIGPROF 27u
#define UAPI_SIGWINCH 28u
#define UAPI_SIGPOLL 29u
#define UAPI_SIGSYS 31u
#define UAPI_SIGRTMIN 32u /* the kernel's; the C libraries keep 32-34 for themselves */

/* sigaction's sa_flags */
#define UAPI_SA_NOCLDSTOP 0x1ull
#define UAPI_SA_NOCLDWAIT 0x2ull
#define UAPI_SA_SIGINFO 0x4ull
#define UAPI_SA_RESTORER 0x04000000ull
#define UAPI_SA_ONSTACK 0x08000000ull
#define UAPI_SA_RESTART 0x10000000ull
#define UAPI_SA_NODEFER 0x40000000ull
#define UAPI_SA_RESETHAND 0x80000000ull
#define UAPI_SIG_DFL 0ull
#define UAPI_SIG_IGN 1ull

/* sigaltstack */
#define UAPI_SS_ONSTACK 1
#define UAPI_SS_DISABLE 2
#define UAPI_SS_AUTODISARM (1u << 31)
#define UAPI_MINSIGSTKSZ 2048u

struct uapi_stack {
	u64 ss_sp;
	i32 ss_flags;
	u32 pad;
	u64 ss_size;
};

/* si_code */
#define UAPI_SI_USER 0
#define UAPI_SI_KERNEL 0x80
#define UAPI_SI_QUEUE (-1)
#define UAPI_SI_TIMER (-2)
#define UAPI_SI_MESGQ (-3)
#define UAPI_SI_ASYNCIO (-4)
#define UAPI_SI_SIGIO (-5)
#define UAPI_SI_TKILL (-6)
#define UAPI_ILL_ILLOPN 2
#define UAPI_FPE_INTDIV 1
#define UAPI_SEGV_MAPERR 1
#define UAPI_SEGV_ACCERR 2
#define UAPI_BUS_ADRERR 2
#define UAPI_CLD_EXITED 1
#define UAPI_CLD_KILLED 2
#define UAPI_CLD_DUMPED 3
#define UAPI_CLD_TRAPPED 4
#define UAPI_CLD_STOPPED 5
#define UAPI_CLD_CONTINUED 6
/* The largest si_code per signal whose siginfo has that signal's own layout (NSIGILL...). */
#define UAPI_NSIGILL 11
#define UAPI_NSIGFPE 15
#define UAPI_NSIGSEGV 9
#define UAPI_NSIGBUS 5
#define UAPI_NSIGTRAP 6
#define UAPI_NSIGCHLD 6
#define UAPI_NSIGPOLL 6
#define UAPI_NSIGSYS 2

/* siginfo_t: 128 bytes; the union's words start at offset 16. */
struct uapi_siginfo {
	i32 si_signo, si_errno, si_code, si_pad;
	u64 si_fields[14];
};
_Static_assert(sizeof(struct uapi_siginfo) == 128, "siginfo_t");

/* wait4/waitid options and waitid's id types */
#define UAPI_WNOHANG 0x1u
#define UAPI_WUNTRACED 0x2u
#define UAPI_WSTOPPED 0x2u
#define UAPI_WEXITED 0x4u
#define UAPI_WCONTINUED 0x8u
#define UAPI_WNOWAIT 0x01000000u
#define UAPI_WNOTHREAD 0x20000000u
#define UAPI_WALL 0x40000000u
#define UAPI_WCLONE 0x80000000u
#define UAPI_P_ALL 0
#define UAPI_P_PID 1
#define UAPI_P_PGID 2
#define UAPI_P_PIDFD 3

#endif /* KERNEL_UAPI_SIGNAL_H */
