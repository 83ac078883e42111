/*
 * uapi/prctl.h — prctl(2) options (linux/prctl.h), personality(2) values
 * (linux/personality.h) and the capability calls' header and data (linux/capability.h), as
 * plain data. tests/kernel/t_uapi.c compares them against /usr/include.
 */
#ifndef KERNEL_UAPI_PRCTL_H
#define KERNEL_UAPI_PRCTL_H

#include <fw/types.h>

#define UAPI_PR_SET_PDEATHSIG 1
#define UAPI_PR_GET_PDEATHSIG 2
#define UAPI_PR_GET_DUMPABLE 3
#define UAPI_PR_SET_DUMPABLE 4
#define UAPI_PR_SET_NAME 15
#define UAPI_PR_GET_NAME 16
#define UAPI_PR_SET_CHILD_SUBREAPER 36
#define UAPI_PR_GET_CHILD_SUBREAPER 37
#define UAPI_PR_SET_NO_NEW_PRIVS 38
#define UAPI_PR_GET_NO_NEW_PRIVS 39

#define UAPI_PER_LINUX 0x0000u
#define UAPI_ADDR_NO_RANDOMIZE 0x0040000u
#define UAPI_PER_QUERY 0xffffffffu

#define UAPI_LINUX_CAPABILITY_VERSION_1 0x19980330u
#define UAPI_LINUX_CAPABILITY_VERSION_2 0x20071026u
#define UAPI_LINUX_CAPABILITY_VERSION_3 0x20080522u
#define UAPI_CAP_LAST_CAP 40u /* CAP_CHECKPOINT_RESTORE */

struct uapi_cap_header {
	u32 version;
	i32 pid;
};
struct uapi_cap_data {
	u32 effective;
	u32 permitted;
	u32 inheritable;
};
_Static_assert(sizeof(struct uapi_cap_header) == 8, "struct __user_cap_header_struct");
_Static_assert(sizeof(struct uapi_cap_data) == 12, "struct __user_cap_data_struct");

#endif /* KERNEL_UAPI_PRCTL_H */
