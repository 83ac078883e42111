/*
 * devtmpfs.c — the /dev file system (fs/devices.h): a tmpfs that is born holding a node for
 * every character device with a driver (console, tty, ttyS0, null, zero, full, random,
 * urandom), the directories shm (1777, for POSIX shared memory) and pts, and the fd/stdin/
 * stdout/stderr links into /proc/self; plus the memory devices /dev/full, /dev/random and
 * /dev/urandom.
 *
 * random and urandom read the kernel's ChaCha20 generator (random/random.h, the one getrandom(2)
 * reads; seeded at boot, so neither blocks), and every write to them is mixed into it.
 */
#include <fs/devices.h>
#include <fs/vfs.h>
#include <random/random.h>

/* --- the memory devices ---------------------------------------------------------------------- */

static struct result_size random_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	random_fill(dst, true);
	return result_size_ok(bytes_len(dst));
}

static struct result_size random_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	random_mix(src);
	return result_size_ok(bytes_len(src));
}

static struct result_size full_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	bytes_fill(dst, 0);
	return result_size_ok(bytes_len(dst));
}

static struct result_size full_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)src;
	(void)pos;
	return result_size_err(-ENOSPC);
}

static const struct inode_ops random_ops = { .read = random_read, .write = random_write };
static const struct inode_ops full_ops = { .read = full_read, .write = full_write };

/* --- the file system ------------------------------------------------------------------------- */

struct devtmpfs_node {
	struct str name;
	u32 mode, major, minor;
};

static int devtmpfs_fill(struct vfs_sb *sb, struct str options, struct inode **root)
	REQUIRES(vfs_lock)
{
	int e = vfs_memfs_fill(sb, options, root);
	if (!e && str_find(options, STR("mode=")).err) /* no mode= given: /dev's usual 0755 */
		(*root)->mode = VFS_S_IFDIR | 0755;
	return e;
}

static int devtmpfs_populate(const struct vfs_ctx *c)
{
	static const struct devtmpfs_node nodes[] = {
		{ STR("console"), 0600, 5, 1 }, { STR("tty"), 0666, 5, 0 },
		{ STR("ttyS0"), 0660, 4, 64 },  { STR("ptmx"), 0666, 5, 2 },
		{ STR("null"), 0666, 1, 3 },    { STR("zero"), 0666, 1, 5 },
		{ STR("full"), 0666, 1, 7 },    { STR("random"), 0666, 1, 8 },
		{ STR("urandom"), 0666, 1, 9 }, { STR("kmsg"), 0644, 1, 11 },
	};
	static const struct devtmpfs_node links[] = {
		{ STR("fd"), 0, 0, 0 }, { STR("stdin"), 0, 0, 0 },
		{ STR("stdout"), 0, 0, 0 }, { STR("stderr"), 0, 0, 0 },
	};
	static const struct str targets[] = {
		STR("/proc/self/fd"), STR("/proc/self/fd/0"), STR("/proc/self/fd/1"),
		STR("/proc/self/fd/2"),
	};
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		if (!vfs_chrdev_registered(nodes[i].major, nodes[i].minor))
			continue;
		int e = vfs_mknod(c, nodes[i].name, VFS_S_IFCHR | nodes[i].mode, nodes[i].major,
				  nodes[i].minor);
		if (e)
			return e;
	}
	int e = bdev_make_nodes(c); /* the disks and partitions: vda, vda1, ... */
	if (!e)
		e = vfs_mkdir(c, STR("shm"), 01777);
	if (!e)
		e = vfs_mkdir(c, STR("pts"), 0755);
	for (size_t i = 0; !e && i < sizeof links / sizeof links[0]; i++)
		e = vfs_symlink(c, targets[i], links[i].name);
	return e;
}

static const struct vfs_fstype devtmpfs_type = {
	.name = STR("devtmpfs"),
	.magic = VFS_TMPFS_MAGIC, /* as Linux: devtmpfs is a tmpfs */
	.fill = devtmpfs_fill,
	.populate = devtmpfs_populate,
};

void devtmpfs_init(void)
{
	(void)vfs_register_chrdev(1, 7, &full_ops, false);
	(void)vfs_register_chrdev(1, 8, &random_ops, false);
	(void)vfs_register_chrdev(1, 9, &random_ops, false);
	(void)vfs_register_fstype(&devtmpfs_type);
}
