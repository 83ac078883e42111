/*
 * uapi/epoll.h — epoll's user-visible layout and constants (linux/eventpoll.h, x86-64).
 *
 * struct epoll_event is packed on x86-64 (12 bytes: u32 events, then the u64 data at offset
 * 4); here the data is two u32 halves so the copy has no padding and needs no packed type.
 */
#ifndef KERNEL_UAPI_EPOLL_H
#define KERNEL_UAPI_EPOLL_H

#include <fw/types.h>

struct uapi_epoll_event {
	u32 events;
	u32 data_lo; /* the user's epoll_data_t, low half */
	u32 data_hi; /* and high half */
};
_Static_assert(sizeof(struct uapi_epoll_event) == 12, "struct epoll_event (packed on x86-64)");

#define UAPI_EPOLL_CTL_ADD 1
#define UAPI_EPOLL_CTL_DEL 2
#define UAPI_EPOLL_CTL_MOD 3

#define UAPI_EPOLL_CLOEXEC 02000000u /* O_CLOEXEC */

#define UAPI_EPOLLIN 0x00000001u
#define UAPI_EPOLLPRI 0x00000002u
#define UAPI_EPOLLOUT 0x00000004u
#define UAPI_EPOLLERR 0x00000008u
#define UAPI_EPOLLHUP 0x00000010u
#define UAPI_EPOLLNVAL 0x00000020u
#define UAPI_EPOLLRDNORM 0x00000040u
#define UAPI_EPOLLRDBAND 0x00000080u
#define UAPI_EPOLLWRNORM 0x00000100u
#define UAPI_EPOLLWRBAND 0x00000200u
#define UAPI_EPOLLMSG 0x00000400u
#define UAPI_EPOLLRDHUP 0x00002000u
#define UAPI_EPOLLEXCLUSIVE (1u << 28)
#define UAPI_EPOLLWAKEUP (1u << 29)
#define UAPI_EPOLLONESHOT (1u << 30)
#define UAPI_EPOLLET (1u << 31)

/* the flags that are not events (Linux's EP_PRIVATE_BITS) */
#define UAPI_EPOLL_PRIVATE_BITS                                                             \
	(UAPI_EPOLLWAKEUP | UAPI_EPOLLONESHOT | UAPI_EPOLLET | UAPI_EPOLLEXCLUSIVE)
/* what EPOLLEXCLUSIVE may be combined with (Linux's EPOLLEXCLUSIVE_OK_BITS) */
#define UAPI_EPOLLEXCLUSIVE_OK_BITS                                                         \
	(UAPI_EPOLLIN | UAPI_EPOLLOUT | UAPI_EPOLLERR | UAPI_EPOLLHUP | UAPI_EPOLLWAKEUP |        \
	 UAPI_EPOLLET | UAPI_EPOLLEXCLUSIVE)

/* the most events one epoll_wait may ask for: INT_MAX / sizeof(struct epoll_event) */
#define UAPI_EP_MAX_EVENTS (0x7fffffffu / 12u)

#endif /* KERNEL_UAPI_EPOLL_H */
