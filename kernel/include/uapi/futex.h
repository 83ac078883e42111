/*
 * uapi/futex.h — the Linux futex constants (linux/futex.h): operations, flags, the robust
 * list's layout and the owner-died protocol bits. tests/kernel/t_uapi.c compares them against
 * /usr/include/linux/futex.h.
 */
#ifndef KERNEL_UAPI_FUTEX_H
#define KERNEL_UAPI_FUTEX_H

#include <fw/types.h>

#define UAPI_FUTEX_WAIT 0
#define UAPI_FUTEX_WAKE 1
#define UAPI_FUTEX_FD 2
#define UAPI_FUTEX_REQUEUE 3
#define UAPI_FUTEX_CMP_REQUEUE 4
#define UAPI_FUTEX_WAKE_OP 5
#define UAPI_FUTEX_LOCK_PI 6
#define UAPI_FUTEX_UNLOCK_PI 7
#define UAPI_FUTEX_TRYLOCK_PI 8
#define UAPI_FUTEX_WAIT_BITSET 9
#define UAPI_FUTEX_WAKE_BITSET 10
#define UAPI_FUTEX_PRIVATE_FLAG 128
#define UAPI_FUTEX_CLOCK_REALTIME 256
#define UAPI_FUTEX_CMD_MASK (~(UAPI_FUTEX_PRIVATE_FLAG | UAPI_FUTEX_CLOCK_REALTIME))
#define UAPI_FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define UAPI_FUTEX_WAITERS 0x80000000u
#define UAPI_FUTEX_OWNER_DIED 0x40000000u
#define UAPI_FUTEX_TID_MASK 0x3fffffffu
#define UAPI_ROBUST_LIST_LIMIT 2048u

/* struct robust_list_head: the list's first link, the futex word's offset from each link,
 * the link being added or removed (list_op_pending). */
struct uapi_robust_list_head {
	u64 list_next;
	i64 futex_offset;
	u64 list_op_pending;
};
_Static_assert(sizeof(struct uapi_robust_list_head) == 24, "struct robust_list_head");

#endif /* KERNEL_UAPI_FUTEX_H */
