/*
 * fs/devices.h — the character devices every system has: the console (5:1, also ttyS0
 * 4:64), /dev/tty (5:0: the caller's controlling terminal), /dev/ptmx (5:2) and the ptys'
 * slaves (136:N, fs/terminal.h), /dev/null (1:3) and /dev/zero (1:5).
 */
#ifndef KERNEL_FS_DEVICES_H
#define KERNEL_FS_DEVICES_H

#include <block/bdev.h>
#include <fw/libbase.h>
#include <fw/str.h>
#include <fw/sync.h>

/* devices_init - register them with the VFS (vfs_register_chrdev); idempotent. */
void devices_init(void);

struct vfs_ctx;

/*
 * devices_populate - create /dev and the nodes of the devices above in the tree `c` where the
 * initramfs did not (as the kernel's own default initramfs would provide them), so init finds
 * /dev/console. Existing entries are left alone. Returns 0 or -errno from the VFS.
 */
int devices_populate(const struct vfs_ctx *c);

/* One character device node: its name in /dev, its class in /sys/class, mode and number. */
struct dev_char_node {
	struct str name;
	struct str class;
	u32 mode, major, minor;
};
/* devices_char_node_at - the i-th character device devtmpfs makes a node for (when it has a
 * driver: vfs_chrdev_registered) into *out; false past the last. */
bool devices_char_node_at(u32 i, struct dev_char_node *out);

/* devtmpfs_init - register the devtmpfs file system type and the memory devices /dev/full,
 * /dev/random and /dev/urandom (fs/devtmpfs.c). Context: boot, task, once. */
void devtmpfs_init(void);

/* pty_init - register /dev/ptmx, the /dev/pts/N devices and the devpts file system
 * (kernel/dev/tty/pty.c). */
void pty_init(void);

#endif /* KERNEL_FS_DEVICES_H */
