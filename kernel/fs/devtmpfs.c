/*
 * devtmpfs.c — the /dev file system (fs/devices.h): a tmpfs that is born holding a node for
 * every character device with a driver (console, tty, ttyS0, null, zero, full, random,
 * urandom), the directories shm (1777, for POSIX shared memory) and pts, and the fd/stdin/
 * stdout/stderr links into /proc/self; plus the memory devices /dev/full, /dev/random and
 * /dev/urandom.
 *
 * random and urandom read the same generator, xoshiro256** seeded at boot from the virtio
 * entropy device when there is one (else from the clock) and stirred by every write: it does
 * not block, and it is not a cryptographic generator — getrandom(2) and a ChaCha20 pool are
 * the follow-up.
 */
#include <drivers/hwrng.h>
#include <fs/devices.h>
#include <fs/vfs.h>
#include <fw/litelock.h>
#include <fw/time.h>

/* --- the memory devices ---------------------------------------------------------------------- */

static struct litelock rng_lock;
static u64 rng_state[4] GUARDED_BY(&rng_lock);

static u64 rotl(u64 x, u32 k)
{
	return (x << k) | (x >> (64 - k));
}

/* rng_next - xoshiro256** (Blackman and Vigna). */
static u64 rng_next(void) REQUIRES(rng_lock)
{
	u64 result = rotl(rng_state[1] * 5, 7) * 9;
	u64 t = rng_state[1] << 17;
	rng_state[2] ^= rng_state[0];
	rng_state[3] ^= rng_state[1];
	rng_state[1] ^= rng_state[2];
	rng_state[0] ^= rng_state[3];
	rng_state[2] ^= t;
	rng_state[3] = rotl(rng_state[3], 45);
	return result;
}

/* rng_mix - stir a 64-bit value into the state (splitmix64 of it into each word). */
static void rng_mix(u64 v) REQUIRES(rng_lock)
{
	for (u32 i = 0; i < 4; i++) {
		v += 0x9e3779b97f4a7c15ull;
		u64 z = v;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		rng_state[i] ^= z ^ (z >> 31);
	}
	if (!(rng_state[0] | rng_state[1] | rng_state[2] | rng_state[3]))
		rng_state[0] = 1; /* the one state xoshiro cannot leave */
}

static struct result_size random_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	litelock_lock(&rng_lock);
	for (size_t i = 0; i < bytes_len(dst); i += 8) {
		u64 r = rng_next();
		for (size_t k = 0; k < 8 && i + k < bytes_len(dst); k++)
			(void)bytes_put_u8(dst, i + k, (u8)(r >> (8 * k)));
	}
	litelock_unlock(&rng_lock);
	return result_size_ok(bytes_len(dst));
}

static struct result_size random_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	litelock_lock(&rng_lock);
	for (size_t i = 0; i < bytes_len(src); i += 8) {
		u64 v = 0;
		for (size_t k = 0; k < 8 && i + k < bytes_len(src); k++)
			v |= (u64)bytes_u8(src, i + k).value << (8 * k);
		rng_mix(v);
	}
	litelock_unlock(&rng_lock);
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
};

void devtmpfs_init(void)
{
	litelock_init(&rng_lock);
	u8 seed[32] = { 0 };
	if (hwrng_present())
		(void)hwrng_read(BYTES_OF_ARRAY(seed));
	litelock_lock(&rng_lock);
	rng_mix(fw_time_ns());
	for (u32 i = 0; i < 4; i++)
		rng_mix(bytes_le64(BYTES_OF_ARRAY(seed), 8 * i).value);
	litelock_unlock(&rng_lock);
	(void)vfs_register_chrdev(1, 7, &full_ops, false);
	(void)vfs_register_chrdev(1, 8, &random_ops, false);
	(void)vfs_register_chrdev(1, 9, &random_ops, false);
	(void)vfs_register_fstype(&devtmpfs_type);
}
