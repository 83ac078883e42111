/*
 * fs/devices.h — the character devices every system has: the console (5:1, also /dev/tty
 * 5:0 and ttyS0 4:64) and /dev/null (1:3) and /dev/zero (1:5).
 */
#ifndef KERNEL_FS_DEVICES_H
#define KERNEL_FS_DEVICES_H

#include <block/bdev.h>
#include <fw/libbase.h>
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

/* devtmpfs_init - register the devtmpfs file system type and the memory devices /dev/full,
 * /dev/random and /dev/urandom (fs/devtmpfs.c). Context: boot, task, once. */
void devtmpfs_init(void);

struct tty;

/*
 * console_tty - the console's line discipline state (termios, window size), for ioctl.
 * The first call sets it to Linux's defaults.
 */
struct tty *console_tty(void);

/*
 * console_poll - move what the console has received through the line discipline (echoing
 * it), waking the readers when something came. Returns: true when a read of the console
 * would now return without waiting. Context: task.
 */
bool console_poll(void);
/* console_waitq - where readers of the console sleep (woken by console_poll). */
struct waitq *console_waitq(void);

#endif /* KERNEL_FS_DEVICES_H */
