/*
 * uapi/misc.h — the smaller Linux UAPI structures the first syscalls exchange with user
 * space, as union-free plain data: utsname (uname), iovec (readv/writev), timespec,
 * termios and winsize (TCGETS/TIOCGWINSZ on the console), and the layout of a
 * linux_dirent64 record (getdents64; variable length, so described by offsets).
 * tests/kernel/t_uapi.c compares every size and offset against /usr/include.
 */
#ifndef KERNEL_UAPI_MISC_H
#define KERNEL_UAPI_MISC_H

#include <fw/types.h>

#define UAPI_UTS_LEN 65
struct uapi_utsname {
	char sysname[UAPI_UTS_LEN];
	char nodename[UAPI_UTS_LEN];
	char release[UAPI_UTS_LEN];
	char version[UAPI_UTS_LEN];
	char machine[UAPI_UTS_LEN];
	char domainname[UAPI_UTS_LEN];
};
_Static_assert(sizeof(struct uapi_utsname) == 390, "struct new_utsname");

struct uapi_iovec {
	u64 iov_base; /* a user address */
	u64 iov_len;
};
#define UAPI_IOV_MAX 1024

struct uapi_timespec {
	i64 tv_sec;
	i64 tv_nsec;
};

#define UAPI_NCCS 19
struct uapi_termios {
	u32 c_iflag;
	u32 c_oflag;
	u32 c_cflag;
	u32 c_lflag;
	u8 c_line;
	u8 c_cc[UAPI_NCCS];
};
_Static_assert(sizeof(struct uapi_termios) == 36, "struct termios");

/* struct termios2 (asm-generic/termbits.h): termios plus the input and output speeds, used
 * with BOTHER in c_cflag for a speed no Bnnn constant names (TCGETS2 / TCSETS2). */
struct uapi_termios2 {
	struct uapi_termios t;
	u32 c_ispeed;
	u32 c_ospeed;
};
_Static_assert(sizeof(struct uapi_termios2) == 44, "struct termios2");

struct uapi_winsize {
	u16 ws_row;
	u16 ws_col;
	u16 ws_xpixel;
	u16 ws_ypixel;
};

/* struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; } */
#define UAPI_DIRENT64_INO 0
#define UAPI_DIRENT64_OFF 8
#define UAPI_DIRENT64_RECLEN 16
#define UAPI_DIRENT64_TYPE 18
#define UAPI_DIRENT64_NAME 19

/* ioctl numbers (asm-generic/ioctls.h) */
#define UAPI_TCGETS 0x5401u
#define UAPI_TCSETS 0x5402u
#define UAPI_TCSETSW 0x5403u
#define UAPI_TCSETSF 0x5404u
#define UAPI_TIOCGPGRP 0x540fu
#define UAPI_TIOCSPGRP 0x5410u
#define UAPI_TIOCGWINSZ 0x5413u
#define UAPI_TIOCSWINSZ 0x5414u

/* struct pollfd and its event bits (asm-generic/poll.h) */
struct uapi_pollfd {
	i32 fd;
	i16 events;
	i16 revents;
};
_Static_assert(sizeof(struct uapi_pollfd) == 8, "struct pollfd");
#define UAPI_POLLIN 0x1
#define UAPI_POLLOUT 0x4
#define UAPI_POLLNVAL 0x20

/* the int[2] pipe(2) and pipe2(2) fill: read end, write end */
struct uapi_fdpair {
	i32 fd[2];
};
_Static_assert(sizeof(struct uapi_fdpair) == 8, "int[2]");

/* struct sysinfo (linux/sysinfo.h) on x86-64, with its padding written out (plain data). */
struct uapi_sysinfo {
	i64 uptime;    /* seconds since boot */
	u64 loads[3];  /* 1, 5, 15 minute load averages, << 16 */
	u64 totalram;  /* in mem_unit bytes */
	u64 freeram;
	u64 sharedram;
	u64 bufferram;
	u64 totalswap;
	u64 freeswap;
	u16 procs;
	u16 pad;
	u32 pad2;      /* the compiler's padding before totalhigh */
	u64 totalhigh;
	u64 freehigh;
	u32 mem_unit;
	u32 pad3;      /* char _f[0], then tail padding */
};
_Static_assert(sizeof(struct uapi_sysinfo) == 112, "struct sysinfo");

#endif /* KERNEL_UAPI_MISC_H */
