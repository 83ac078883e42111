/*
 * tests/kernel/t_uapi_socket.c — uapi/socket.h against glibc's <sys/socket.h> and <sys/un.h>
 * (which cannot share a file with linux/uio.h): every size and field offset of sockaddr_un,
 * msghdr, mmsghdr, cmsghdr, ucred, linger and ifreq, and the constants the socket layer uses.
 */
#define _GNU_SOURCE
#include <stddef.h>

#include <asm/ioctls.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <uapi/socket.h>

#include "khost.h"

#define SAME(ours, theirs, f1, f2)                                                          \
	KT_EXPECT(kt, offsetof(ours, f1) == offsetof(theirs, f2) &&                         \
			      sizeof(((ours *)0)->f1) == sizeof(((theirs *)0)->f2))

KTEST(uapi, socket)
{
	KT_EXPECT(kt, sizeof(struct uapi_sockaddr_un) == sizeof(struct sockaddr_un));
	SAME(struct uapi_sockaddr_un, struct sockaddr_un, sun_family, sun_family);
	SAME(struct uapi_sockaddr_un, struct sockaddr_un, sun_path, sun_path);
	KT_EXPECT(kt, sizeof(struct uapi_msghdr) == sizeof(struct msghdr));
	SAME(struct uapi_msghdr, struct msghdr, msg_name, msg_name);
	SAME(struct uapi_msghdr, struct msghdr, msg_namelen, msg_namelen);
	SAME(struct uapi_msghdr, struct msghdr, msg_iov, msg_iov);
	SAME(struct uapi_msghdr, struct msghdr, msg_iovlen, msg_iovlen);
	SAME(struct uapi_msghdr, struct msghdr, msg_control, msg_control);
	SAME(struct uapi_msghdr, struct msghdr, msg_controllen, msg_controllen);
	SAME(struct uapi_msghdr, struct msghdr, msg_flags, msg_flags);
	KT_EXPECT(kt, sizeof(struct uapi_mmsghdr) == sizeof(struct mmsghdr));
	SAME(struct uapi_mmsghdr, struct mmsghdr, msg_len, msg_len);
	KT_EXPECT(kt, sizeof(struct uapi_cmsghdr) == sizeof(struct cmsghdr));
	SAME(struct uapi_cmsghdr, struct cmsghdr, cmsg_len, cmsg_len);
	SAME(struct uapi_cmsghdr, struct cmsghdr, cmsg_level, cmsg_level);
	SAME(struct uapi_cmsghdr, struct cmsghdr, cmsg_type, cmsg_type);
	KT_EXPECT(kt, UAPI_CMSG_ALIGN(sizeof(struct uapi_cmsghdr) + 4) == CMSG_SPACE(4));
	KT_EXPECT(kt, sizeof(struct uapi_ucred) == sizeof(struct ucred));
	SAME(struct uapi_ucred, struct ucred, pid, pid);
	SAME(struct uapi_ucred, struct ucred, uid, uid);
	SAME(struct uapi_ucred, struct ucred, gid, gid);
	KT_EXPECT(kt, sizeof(struct uapi_linger) == sizeof(struct linger));
	KT_EXPECT(kt, UAPI_AF_UNIX == AF_UNIX && UAPI_AF_INET == AF_INET && UAPI_AF_INET6 == AF_INET6 &&
			      UAPI_AF_NETLINK == AF_NETLINK && UAPI_AF_MAX == AF_MAX);
	KT_EXPECT(kt, UAPI_SOCK_STREAM == SOCK_STREAM && UAPI_SOCK_DGRAM == SOCK_DGRAM &&
			      UAPI_SOCK_SEQPACKET == SOCK_SEQPACKET && UAPI_SOCK_RAW == SOCK_RAW &&
			      UAPI_SOCK_NONBLOCK == SOCK_NONBLOCK && UAPI_SOCK_CLOEXEC == SOCK_CLOEXEC);
	KT_EXPECT(kt, UAPI_SOL_SOCKET == SOL_SOCKET && UAPI_SO_TYPE == SO_TYPE &&
			      UAPI_SO_ERROR == SO_ERROR && UAPI_SO_SNDBUF == SO_SNDBUF &&
			      UAPI_SO_RCVBUF == SO_RCVBUF && UAPI_SO_PASSCRED == SO_PASSCRED &&
			      UAPI_SO_PEERCRED == SO_PEERCRED && UAPI_SO_ACCEPTCONN == SO_ACCEPTCONN &&
			      UAPI_SO_DOMAIN == SO_DOMAIN && UAPI_SO_PROTOCOL == SO_PROTOCOL &&
			      UAPI_SO_REUSEADDR == SO_REUSEADDR && UAPI_SO_LINGER == SO_LINGER);
	KT_EXPECT(kt, UAPI_MSG_PEEK == MSG_PEEK && UAPI_MSG_TRUNC == MSG_TRUNC &&
			      UAPI_MSG_CTRUNC == MSG_CTRUNC && UAPI_MSG_DONTWAIT == MSG_DONTWAIT &&
			      UAPI_MSG_WAITALL == MSG_WAITALL && UAPI_MSG_NOSIGNAL == MSG_NOSIGNAL &&
			      UAPI_MSG_CMSG_CLOEXEC == MSG_CMSG_CLOEXEC && UAPI_MSG_WAITFORONE == MSG_WAITFORONE);
	KT_EXPECT(kt, UAPI_SCM_RIGHTS == SCM_RIGHTS && UAPI_SCM_CREDENTIALS == SCM_CREDENTIALS &&
			      UAPI_SHUT_RDWR == SHUT_RDWR && UAPI_SO_RCVTIMEO == SO_RCVTIMEO_OLD);
	KT_EXPECT(kt, UAPI_FIONREAD == FIONREAD && UAPI_TIOCOUTQ == TIOCOUTQ && UAPI_FIONBIO == FIONBIO);
	KT_EXPECT(kt, sizeof(struct uapi_ifreq) == sizeof(struct ifreq));
	SAME(struct uapi_ifreq, struct ifreq, if_name, ifr_name);
	SAME(struct uapi_ifreq, struct ifreq, if_int, ifr_ifindex);
	KT_EXPECT(kt, UAPI_SIOCGIFINDEX == SIOCGIFINDEX && UAPI_SIOCGIFNAME == SIOCGIFNAME &&
			      UAPI_SIOCGIFFLAGS == SIOCGIFFLAGS && UAPI_SIOCGIFMTU == SIOCGIFMTU);
}
