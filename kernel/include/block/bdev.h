/*
 * block/bdev.h — block device files: the system-call side of /dev/vda, /dev/vda1, ...
 * (kernel/block/bdev.c). read/write/open/release are the VFS ops of every block node; the
 * calls below are what the system call layer asks of an open block device file.
 */
#ifndef BLOCK_BDEV_H
#define BLOCK_BDEV_H

#include <fw/result.h>
#include <fw/types.h>

struct file;
struct vfs_ctx;

/* bdev_make_nodes - a block node (0660, Linux's numbers) for every registered disk and
 * partition in the directory c's cwd names (devtmpfs's populate); existing names are left
 * alone. 0 or -errno from the VFS. */
int bdev_make_nodes(const struct vfs_ctx *c);

/* bdev_init - give the VFS the ops of block device nodes. Context: boot, once. */
void bdev_init(void);

/* bdev_is_file - whether f is an open block device node. */
bool bdev_is_file(const struct file *f);

/* bdev_size - the device's size in bytes (lseek SEEK_END), or -ENXIO. */
struct result_u64 bdev_size(const struct file *f);

/* bdev_fsync - fsync/fdatasync: the device's dirty blocks written and the disk's write cache
 * flushed; 0, or -EIO (also for an earlier write-back that failed, reported once). */
int bdev_fsync(const struct file *f);

/* bdev_ioctl - the block ioctls (BLKGETSIZE64 & co., see bdev.c); `privileged` is
 * CAP_SYS_ADMIN (euid 0) for BLKFLSBUF and BLKRRPART. -ENOTTY for anything else. */
i64 bdev_ioctl(const struct file *f, u64 cmd, u64 arg, bool privileged);

#endif /* BLOCK_BDEV_H */
