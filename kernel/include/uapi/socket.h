/*
 * uapi/socket.h — socket constants and structures of x86-64 Linux (linux/socket.h,
 * asm-generic/socket.h, linux/un.h, bits/socket.h): address families, socket types and their
 * creation flags, the SOL_SOCKET options, MSG_* flags, control messages (struct cmsghdr,
 * SCM_RIGHTS, SCM_CREDENTIALS with struct ucred), struct msghdr / mmsghdr and sockaddr_un, as
 * union-free plain data with explicit padding. tests/kernel/t_uapi.c compares them with
 * /usr/include.
 */
#ifndef KERNEL_UAPI_SOCKET_H
#define KERNEL_UAPI_SOCKET_H

#include <fw/types.h>

/* address families (linux/socket.h) */
#define UAPI_AF_UNSPEC 0
#define UAPI_AF_UNIX 1
#define UAPI_AF_INET 2
#define UAPI_AF_INET6 10
#define UAPI_AF_NETLINK 16
#define UAPI_AF_PACKET 17
#define UAPI_AF_MAX 46

/* socket types (linux/net.h) and socket()'s flags in the type argument */
#define UAPI_SOCK_STREAM 1
#define UAPI_SOCK_DGRAM 2
#define UAPI_SOCK_RAW 3
#define UAPI_SOCK_RDM 4
#define UAPI_SOCK_SEQPACKET 5
#define UAPI_SOCK_DCCP 6
#define UAPI_SOCK_PACKET 10
#define UAPI_SOCK_TYPE_MASK 0xf
#define UAPI_SOCK_NONBLOCK 04000u
#define UAPI_SOCK_CLOEXEC 02000000u

/* SOL_SOCKET options (asm-generic/socket.h) */
#define UAPI_SOL_SOCKET 1
#define UAPI_SO_DEBUG 1
#define UAPI_SO_REUSEADDR 2
#define UAPI_SO_TYPE 3
#define UAPI_SO_ERROR 4
#define UAPI_SO_DONTROUTE 5
#define UAPI_SO_BROADCAST 6
#define UAPI_SO_SNDBUF 7
#define UAPI_SO_RCVBUF 8
#define UAPI_SO_KEEPALIVE 9
#define UAPI_SO_OOBINLINE 10
#define UAPI_SO_LINGER 13
#define UAPI_SO_REUSEPORT 15
#define UAPI_SO_PASSCRED 16
#define UAPI_SO_PEERCRED 17
#define UAPI_SO_RCVLOWAT 18
#define UAPI_SO_SNDLOWAT 19
#define UAPI_SO_RCVTIMEO 20 /* SO_RCVTIMEO_OLD: a struct timeval */
#define UAPI_SO_SNDTIMEO 21
#define UAPI_SO_ACCEPTCONN 30
#define UAPI_SO_PROTOCOL 38
#define UAPI_SO_DOMAIN 39

/* send/recv flags (linux/socket.h) */
#define UAPI_MSG_OOB 0x1u
#define UAPI_MSG_PEEK 0x2u
#define UAPI_MSG_DONTROUTE 0x4u
#define UAPI_MSG_CTRUNC 0x8u
#define UAPI_MSG_TRUNC 0x20u
#define UAPI_MSG_DONTWAIT 0x40u
#define UAPI_MSG_EOR 0x80u
#define UAPI_MSG_WAITALL 0x100u
#define UAPI_MSG_NOSIGNAL 0x4000u
#define UAPI_MSG_MORE 0x8000u
#define UAPI_MSG_WAITFORONE 0x10000u
#define UAPI_MSG_CMSG_CLOEXEC 0x40000000u

#define UAPI_SHUT_RD 0
#define UAPI_SHUT_WR 1
#define UAPI_SHUT_RDWR 2

#define UAPI_SCM_RIGHTS 1
#define UAPI_SCM_CREDENTIALS 2
#define UAPI_SCM_MAX_FD 253u /* descriptors in one SCM_RIGHTS message */

#define UAPI_SOMAXCONN 4096u
#define UAPI_UIO_MAXIOV 1024u

/* ioctls on sockets (asm-generic/ioctls.h, linux/sockios.h) */
#define UAPI_FIONREAD 0x541Bu /* SIOCINQ */
#define UAPI_TIOCOUTQ 0x5411u /* SIOCOUTQ */
#define UAPI_FIONBIO 0x5421u

/* interface ioctls on any socket (linux/sockios.h), with struct ifreq (linux/if.h): the name
 * (16 bytes) and a 24-byte union (ifr_ifindex, ifr_flags, ifr_mtu: an int at its start) */
#define UAPI_SIOCGIFNAME 0x8910u
#define UAPI_SIOCGIFFLAGS 0x8913u
#define UAPI_SIOCGIFMTU 0x8921u
#define UAPI_SIOCGIFINDEX 0x8933u
#define UAPI_IFNAMSIZ 16u
struct uapi_ifreq {
	u8 if_name[UAPI_IFNAMSIZ];
	i32 if_int;
	u8 if_rest[20];
};

#define UAPI_SIGPIPE 13u

/* struct sockaddr_un (linux/un.h): 110 bytes */
#define UAPI_UNIX_PATH_MAX 108u
struct uapi_sockaddr_un {
	u16 sun_family;
	u8 sun_path[UAPI_UNIX_PATH_MAX];
};

/* struct msghdr as the 64-bit kernel reads it (linux/socket.h's user_msghdr) */
struct uapi_msghdr {
	u64 msg_name;
	u32 msg_namelen;
	u32 pad0;
	u64 msg_iov;
	u64 msg_iovlen;
	u64 msg_control;
	u64 msg_controllen;
	u32 msg_flags;
	u32 pad1;
};

/* struct mmsghdr */
struct uapi_mmsghdr {
	struct uapi_msghdr msg_hdr;
	u32 msg_len;
	u32 pad0;
};

/* struct cmsghdr; each is followed by its data and padded to 8 bytes (CMSG_ALIGN) */
struct uapi_cmsghdr {
	u64 cmsg_len;
	i32 cmsg_level;
	i32 cmsg_type;
};
#define UAPI_CMSG_ALIGN(len) (((len) + 7u) & ~(u64)7u)

/* struct ucred (SCM_CREDENTIALS, SO_PEERCRED) */
struct uapi_ucred {
	i32 pid;
	u32 uid;
	u32 gid;
};

/* socketpair's int sv[2] */
struct uapi_sock_fdpair {
	i32 fd[2];
};

/* struct linger (SO_LINGER) */
struct uapi_linger {
	i32 l_onoff;
	i32 l_linger;
};

/* struct timeval (SO_RCVTIMEO_OLD / SO_SNDTIMEO_OLD) */
struct uapi_sock_timeval {
	i64 tv_sec;
	i64 tv_usec;
};

#endif /* KERNEL_UAPI_SOCKET_H */
