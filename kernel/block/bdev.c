/*
 * bdev.c — block device files (block/bdev.h): what open(2) of /dev/vda or /dev/vda1 gives.
 *
 * Every block device node shares one ops table, registered with the VFS at boot; the device is
 * found from the node's (major, minor) — 254:16n for the n-th virtio disk, + the partition
 * number for its partitions, as Debian's kernel numbers them. read/write go through the buffer
 * cache at any offset and length (a read at the end returns 0, a write there -ENOSPC, as
 * Linux); they run without vfs_lock, since they sleep on the disk. An open file pins its device
 * (BLKRRPART answers -EBUSY while a partition is open). O_DIRECT is refused with -EINVAL (the
 * cache is the only path to the disk).
 *
 * ioctl: BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET, BLKBSZGET, BLKROGET, HDIO_GETGEO
 * (virtio-blk's made-up geometry, as Linux's, and the partition's first sector), BLKFLSBUF and
 * BLKRRPART (root only, as CAP_SYS_ADMIN), others -ENOTTY. fsync writes the device's dirty
 * blocks and flushes the disk's write cache (VIRTIO_BLK_T_FLUSH), so a returned fsync means
 * the data survives a power cut.
 */
#include <block/bcache.h>
#include <block/bdev.h>
#include <block/block.h>
#include <fs/vfs.h>
#include <fw/errno.h>
#include <fw/uaccess.h>
#include <proc/process.h>

#define O_DIRECT 040000u

/* <linux/fs.h>: _IO(0x12, n) and _IOR(0x12, n, size_t) */
#define BLKROGET 0x125eu
#define BLKRRPART 0x125fu
#define BLKGETSIZE 0x1260u
#define BLKFLSBUF 0x1261u
#define BLKSSZGET 0x1268u
#define BLKPBSZGET 0x127bu
#define BLKBSZGET 0x80081270u
#define BLKGETSIZE64 0x80081272u
#define HDIO_GETGEO 0x0301u /* <linux/hdreg.h> */

/* struct hd_geometry as x86-64 lays it out (the padding made a field: no kernel bytes leak). */
struct hd_geometry {
	u8 heads;
	u8 sectors;
	u16 cylinders;
	u32 pad;
	u64 start;
};
_Static_assert(sizeof(struct hd_geometry) == 16, "struct hd_geometry is 16 bytes on x86-64");

DEFINE_UCOPY(bdev_u64, u64);
DEFINE_UCOPY(bdev_int, i32);
DEFINE_UCOPY(bdev_geo, struct hd_geometry);

static struct blockdev *dev_of(const struct inode *ip)
{
	return blk_find_dev(ip->rdev_major, ip->rdev_minor);
}

static struct result_size bdev_read(struct inode *ip, struct bytes dst, u64 pos)
{
	struct blockdev *bd = dev_of(ip);
	return bd ? bcache_read(bd, dst, pos) : result_size_err(-ENXIO);
}

static struct result_size bdev_write(struct inode *ip, struct bytes src, u64 pos)
{
	struct blockdev *bd = dev_of(ip);
	return bd ? bcache_write(bd, src, pos) : result_size_err(-ENXIO);
}

static int bdev_open(struct inode *ip, u32 flags)
{
	if (flags & O_DIRECT)
		return -EINVAL;
	return blk_open_dev(ip->rdev_major, ip->rdev_minor);
}

static void bdev_release(struct inode *ip, u32 flags)
{
	(void)flags;
	blk_close_dev(ip->rdev_major, ip->rdev_minor);
}

/* bdev_file_ioctl - file_ops.ioctl: bdev_ioctl, CAP_SYS_ADMIN being euid 0. */
static i64 bdev_file_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	return bdev_ioctl(f, cmd, arg, p->fs.cred.euid == 0);
}

/* bdev_file_fsync - file_ops.fsync: the device's dirty blocks and the disk's cache. */
static int bdev_file_fsync(struct file *f)
{
	return bdev_fsync(f);
}

/* bdev_llseek - file_ops.llseek: SEEK_END is the device's end, not the node's size. */
static struct result_i64 bdev_llseek(struct file *f, i64 off, int whence)
{
	if (whence != 2)
		return vfs_generic_llseek(f, off, whence);
	struct result_u64 size = bdev_size(f);
	if (size.err)
		return result_i64_err(size.err);
	i64 pos;
	if (fw_add_overflow((i64)size.value, off, &pos))
		return result_i64_err(-EINVAL);
	return vfs_generic_llseek(f, pos, 0);
}

static const struct file_ops bdev_fops = {
	.llseek = bdev_llseek,
	.fsync = bdev_file_fsync,
	.read = bdev_read,
	.write = bdev_write,
	.ioctl = bdev_file_ioctl,
	.open = bdev_open,
	.release = bdev_release,
	.io_unlocked = true,
};

void bdev_init(void)
{
	vfs_register_blkdev_ops(&bdev_fops);
}

int bdev_make_nodes(const struct vfs_ctx *c)
{
	for (u32 i = 0; i < BLK_MAX_DEVS; i++) {
		struct blk_info bi;
		if (!blk_info_at(i, &bi))
			continue;
		struct str name = str_from_bytes(bytes_head(BYTES_OF_ARRAY(bi.name), bi.name_len));
		int e = vfs_mknod(c, name, VFS_S_IFBLK | 0660, bi.major, bi.minor);
		if (e && e != -EEXIST)
			return e;
	}
	return 0;
}

bool bdev_is_file(const struct file *f)
{
	return f->ops == &bdev_fops;
}

struct result_u64 bdev_size(const struct file *f)
{
	struct blockdev *bd = dev_of(f->inode);
	return bd ? result_u64_ok(bd->sectors * BLK_SECTOR_SIZE) : result_u64_err(-ENXIO);
}

int bdev_fsync(const struct file *f)
{
	struct blockdev *bd = dev_of(f->inode);
	return bd ? bcache_sync(bd) : -ENXIO;
}

/* block_size - BLKBSZGET: Linux's initial block size of a device, the largest power of two up
 * to 4096 that divides its size in bytes. */
static i32 block_size(const struct blockdev *bd)
{
	u64 bytes = bd->sectors * BLK_SECTOR_SIZE;
	i32 bs = (i32)BLK_SECTOR_SIZE;
	while (bs < 4096 && !(bytes & (u64)bs))
		bs <<= 1;
	return bs;
}

i64 bdev_ioctl(const struct file *f, u64 cmd, u64 arg, bool privileged)
{
	struct blockdev *bd = dev_of(f->inode);
	if (!bd)
		return -ENXIO;
	u64 v64;
	i32 v32;
	switch (cmd) {
	case BLKGETSIZE64:
		v64 = bd->sectors * BLK_SECTOR_SIZE;
		return bdev_u64_to_user(&v64, uaddr(arg)) ? -EFAULT : 0;
	case BLKGETSIZE:
		v64 = bd->sectors;
		return bdev_u64_to_user(&v64, uaddr(arg)) ? -EFAULT : 0;
	case BLKSSZGET:
	case BLKPBSZGET:
		v32 = (i32)BLK_SECTOR_SIZE;
		return bdev_int_to_user(&v32, uaddr(arg)) ? -EFAULT : 0;
	case BLKBSZGET:
		v32 = block_size(bd);
		return bdev_int_to_user(&v32, uaddr(arg)) ? -EFAULT : 0;
	case BLKROGET:
		v32 = bd->read_only ? 1 : 0;
		return bdev_int_to_user(&v32, uaddr(arg)) ? -EFAULT : 0;
	case HDIO_GETGEO: {
		/* Linux's virtio_blk without VIRTIO_BLK_F_GEOMETRY: 64 heads, 32 sectors a track,
		 * cylinders of the whole disk (cut to 16 bits); start: the partition's offset */
		const struct blockdev *disk = bd->parent ? bd->parent : bd;
		struct hd_geometry g = { .heads = 64, .sectors = 32,
					 .cylinders = (u16)(disk->sectors >> 11),
					 .start = bd->start_sect };
		if (arg == 0)
			return -EINVAL;
		return bdev_geo_to_user(&g, uaddr(arg)) ? -EFAULT : 0;
	}
	case BLKFLSBUF:
		if (!privileged)
			return -EACCES;
		return bcache_invalidate(bd);
	case BLKRRPART:
		if (!privileged)
			return -EACCES;
		if (bd->parent)
			return -EINVAL; /* only a whole disk has a table */
		return blk_scan_partitions(bd);
	default:
		return -ENOTTY;
	}
}
