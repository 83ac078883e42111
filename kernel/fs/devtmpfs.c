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

static const struct file_ops random_fops = {
	.read = random_read,
	.write = random_write,
	.llseek = vfs_noop_llseek,
};
static const struct file_ops full_fops = {
	.read = full_read,
	.write = full_write,
	.llseek = vfs_zero_llseek,
};

/* --- the file system ------------------------------------------------------------------------- */

/* The character devices every system has, as /dev and /sys/class name them. */
static const struct dev_char_node char_nodes[] = {
	{ STR("console"), STR("tty"), 0600, 5, 1 }, { STR("tty"), STR("tty"), 0666, 5, 0 },
	{ STR("ttyS0"), STR("tty"), 0660, 4, 64 },  { STR("ptmx"), STR("tty"), 0666, 5, 2 },
	{ STR("null"), STR("mem"), 0666, 1, 3 },    { STR("zero"), STR("mem"), 0666, 1, 5 },
	{ STR("full"), STR("mem"), 0666, 1, 7 },    { STR("random"), STR("mem"), 0666, 1, 8 },
	{ STR("urandom"), STR("mem"), 0666, 1, 9 }, { STR("kmsg"), STR("mem"), 0644, 1, 11 },
};

bool devices_char_node_at(u32 i, struct dev_char_node *out)
{
	if (i >= sizeof char_nodes / sizeof char_nodes[0])
		return false;
	*out = char_nodes[i];
	return true;
}

struct devtmpfs_link {
	struct str name, target;
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
	static const struct devtmpfs_link links[] = {
		{ STR("fd"), STR("/proc/self/fd") },
		{ STR("stdin"), STR("/proc/self/fd/0") },
		{ STR("stdout"), STR("/proc/self/fd/1") },
		{ STR("stderr"), STR("/proc/self/fd/2") },
	};
	struct dev_char_node n;
	for (u32 i = 0; devices_char_node_at(i, &n); i++) {
		if (!vfs_chrdev_registered(n.major, n.minor))
			continue;
		int e = vfs_mknod(c, n.name, VFS_S_IFCHR | n.mode, n.major, n.minor);
		if (e)
			return e;
	}
	int e = bdev_make_nodes(c); /* the disks and partitions: vda, vda1, ... */
	if (!e)
		e = vfs_mkdir(c, STR("shm"), 01777);
	if (!e)
		e = vfs_mkdir(c, STR("pts"), 0755);
	for (size_t i = 0; !e && i < sizeof links / sizeof links[0]; i++)
		e = vfs_symlink(c, links[i].target, links[i].name);
	return e;
}

static const struct vfs_fstype devtmpfs_type = {
	.name = STR("devtmpfs"),
	.magic = VFS_TMPFS_MAGIC, /* as Linux: devtmpfs is a tmpfs */
	.fill = devtmpfs_fill,
	.populate = devtmpfs_populate,
	.show = vfs_memfs_show,
};

void devtmpfs_init(void)
{
	(void)vfs_register_chrdev(1, 7, &full_fops, false);
	(void)vfs_register_chrdev(1, 8, &random_fops, false);
	(void)vfs_register_chrdev(1, 9, &random_fops, false);
	(void)vfs_register_fstype(&devtmpfs_type);
}
