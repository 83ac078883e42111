/*
 * user.c — the user-memory stores the VFS needs (an ioctl's answer, epoll's events), in the kernel.
 * Kept out of fs/vfs/ so the VFS builds on the host, as fs/clock.c, where the tests give
 * vfs_u32_to_user their own.
 */
#include <fs/vfs.h>
#include <fw/uaccess.h>
#include <uapi/epoll.h>

DEFINE_UCOPY(fs_u32, u32);
DEFINE_UCOPY(fs_epoll_event, struct uapi_epoll_event);

int vfs_u32_to_user(u32 v, u64 addr)
{
	return fs_u32_to_user(&v, uaddr(addr)) ? -EFAULT : 0;
}

int vfs_epoll_event_to_user(u32 events, u64 data, u64 addr)
{
	struct uapi_epoll_event u = { .events = events, .data_lo = (u32)data, .data_hi = (u32)(data >> 32) };
	return fs_epoll_event_to_user(&u, uaddr(addr)) ? -EFAULT : 0;
}
