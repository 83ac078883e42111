/*
 * uapi/tty.h — terminal ioctl numbers beyond uapi/misc.h's (asm-generic/ioctls.h), the
 * TCFLSH/TCXONC arguments (asm-generic/termbits.h), and the signals terminals send
 * (asm/signal.h, x86-64 numbers).
 */
#ifndef KERNEL_UAPI_TTY_H
#define KERNEL_UAPI_TTY_H

#define UAPI_TCSBRK 0x5409u
#define UAPI_TCXONC 0x540Au
#define UAPI_TCFLSH 0x540Bu
#define UAPI_TIOCEXCL 0x540Cu
#define UAPI_TIOCNXCL 0x540Du
#define UAPI_TIOCGEXCL 0x80045440u
#define UAPI_TIOCSCTTY 0x540Eu
#define UAPI_TIOCSTI 0x5412u
#define UAPI_TIOCINQ 0x541Bu /* FIONREAD */
#define UAPI_TIOCNOTTY 0x5422u
#define UAPI_TIOCSETD 0x5423u
#define UAPI_TIOCGETD 0x5424u
#define UAPI_TCSBRKP 0x5425u
#define UAPI_TIOCGSID 0x5429u
#define UAPI_TIOCGPTN 0x80045430u
#define UAPI_TIOCSPTLCK 0x40045431u
#define UAPI_TIOCGPTLCK 0x80045439u
#define UAPI_TIOCGPTPEER 0x5441u
#define UAPI_TIOCSIG 0x40045436u
#define UAPI_TIOCPKT 0x5420u
#define UAPI_TCGETS2 0x802C542Au
#define UAPI_TCSETS2 0x402C542Bu
#define UAPI_TCSETSW2 0x402C542Cu
#define UAPI_TCSETSF2 0x402C542Du
/* c_cflag's speed bits (asm-generic/termbits.h) */
#define UAPI_CBAUD 0010017u
#define UAPI_CBAUDEX 0010000u
#define UAPI_BOTHER 0010000u
#define UAPI_IBSHIFT 16u
#define UAPI_TIOCGPKT 0x80045438u
#define UAPI_TIOCPKT_DATA 0x0u
#define UAPI_TIOCPKT_FLUSHREAD 0x1u
#define UAPI_TIOCPKT_FLUSHWRITE 0x2u
#define UAPI_TIOCPKT_STOP 0x4u
#define UAPI_TIOCPKT_START 0x8u
#define UAPI_TIOCPKT_NOSTOP 0x10u
#define UAPI_TIOCPKT_DOSTOP 0x20u

#define UAPI_TCIFLUSH 0u
#define UAPI_TCOFLUSH 1u
#define UAPI_TCIOFLUSH 2u
#define UAPI_TCOOFF 0u
#define UAPI_TCOON 1u
#define UAPI_TCIOFF 2u
#define UAPI_TCION 3u
#define UAPI_O_NOCTTY 0400u
#define UAPI_O_NONBLOCK 04000u
#define UAPI_O_CLOEXEC 02000000u

#define UAPI_SIGHUP 1u
#define UAPI_SIGINT 2u
#define UAPI_SIGQUIT 3u
#define UAPI_SIGCONT 18u
#define UAPI_SIGTSTP 20u
#define UAPI_SIGTTIN 21u
#define UAPI_SIGTTOU 22u
#define UAPI_SIGWINCH 28u

#endif /* KERNEL_UAPI_TTY_H */
