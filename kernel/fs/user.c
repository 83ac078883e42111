/*
 * user.c — the user-memory stores the VFS's file ops need (an ioctl's answer), in the kernel.
 * Kept out of fs/vfs/ so the VFS builds on the host, as fs/clock.c, where the tests give
 * vfs_u32_to_user their own.
 */
#include <fs/vfs.h>
#include <fw/uaccess.h>

DEFINE_UCOPY(fs_u32, u32);

int vfs_u32_to_user(u32 v, u64 addr)
{
	return fs_u32_to_user(&v, uaddr(addr)) ? -EFAULT : 0;
}
