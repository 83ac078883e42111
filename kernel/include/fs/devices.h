/*
 * fs/devices.h — the character devices every system has: the console (5:1, also /dev/tty
 * 5:0 and ttyS0 4:64) and /dev/null (1:3) and /dev/zero (1:5).
 */
#ifndef KERNEL_FS_DEVICES_H
#define KERNEL_FS_DEVICES_H

/* devices_init - register them with the VFS (vfs_register_chrdev); idempotent. */
void devices_init(void);

struct vfs_ctx;

/*
 * devices_populate - create /dev and the nodes of the devices above in the tree `c` where the
 * initramfs did not (as the kernel's own default initramfs would provide them), so init finds
 * /dev/console. Existing entries are left alone. Returns 0 or -errno from the VFS.
 */
int devices_populate(const struct vfs_ctx *c);

#endif /* KERNEL_FS_DEVICES_H */
