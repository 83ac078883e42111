/*
 * block/block.h — the block layer: block devices a file system can sit on, and synchronous
 * requests on 512-byte sectors whose data lives in an untyped frame (a buffer cache block).
 *
 * A driver embeds a `struct blockdev` (tagged through its subtype), fills the geometry, its
 * device number and its ops, and registers it under a name ("vda"). Users find it by name or
 * number and submit requests:
 *
 *     struct blockdev *bd = blk_find(STR("vda"));
 *     int err = blk_read(bd, sector, 8, &frame);    // 8 sectors into the frame at offset 0
 *
 * A read or write carries its data in up to BLK_MAX_SEGS frames (the buffer cache's blocks of
 * a contiguous run: one device request instead of one per 4 KiB): frame k holds sectors
 * [8k, 8k+8) of the request, every frame but the last full. The block layer validates every
 * request before the driver sees it (range inside the device, data that fits its frames, no
 * more frames than the device takes in one request, no writes to a read-only device,
 * flush/discard only when the device supports them), counts requests and errors, and returns
 * Linux errnos. A driver's submit() sleeps until the device answers; several tasks may have
 * requests in flight at once. `blk_flush` returns once everything written before it is
 * durable.
 *
 * Partitions (block/partition.h read the table, kernel/block/part_dev.c) are block devices of
 * their own whose `parent` is the disk: their requests are validated against the partition,
 * shifted and validated again against the disk. Byte-granular, cached access for files is
 * block/bcache.h; the files themselves block/bdev.h.
 *
 * Device numbers follow Debian's kernel: virtio disks are major 254 (Linux's dynamic block
 * major), 16 minors each (the disk, then partitions 1-15).
 *
 * Locking: the device table's mutex guards registration, lookup and the open counts; a device
 * that is open (blk_open_dev) stays registered; disks are never unregistered.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <fw/atomic.h>
#include <fw/frame.h>
#include <fw/str.h>
#include <fw/strbuf.h>
#include <fw/subtype.h>
#include <fw/types.h>

#define BLK_SECTOR_SIZE 512u
#define BLK_FRAME_SECTORS (FRAME_SIZE / BLK_SECTOR_SIZE) /* sectors one frame holds */
#define BLK_MAX_SEGS 32u /* frames in one request (128 KiB) */
#define BLK_MAX_DEVS 64u    /* registered devices, partitions included */
#define BLK_MINORS 16u      /* minors per disk: the disk and partitions 1-15 */
#define BLK_NAME_MAX 16u    /* bytes of a device name ("vda15") */
#define BLK_VIRTIO_MAJOR 254u

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH,
	BLK_DISCARD,
};

/* One request. READ/WRITE: frame[0..nframes) hold the data, frame k sectors [8k, 8k+8) of it
 * (so count is more than 8 * (nframes - 1) and at most 8 * nframes). */
struct blk_request {
	enum blk_op op;
	u64 sector;
	u32 count; /* sectors */
	u32 nframes;
	const struct frame *frame[BLK_MAX_SEGS];
};

struct blockdev;
struct blockdev_ops {
	/* submit - perform rq (already validated) and return 0 or -EIO; sleeps. */
	int (*submit)(struct blockdev *bd, const struct blk_request *rq);
};

struct blockdev {
	struct type_tag tag;
	/* Set before blk_register, then read-only. */
	const struct blockdev_ops *ops;
	/* Its name ("vda", "vda1"): text in the device itself, read through blk_name (a slice
	 * bounded by this array, whatever a racing writer does: a struct str kept here would be
	 * a fat value other tasks read, rule shared-fat). */
	u8 name_text[BLK_NAME_MAX];
	u8 name_len;
	u32 major, minor;
	struct blockdev *parent; /* the disk of a partition; NULL for a disk */
	u64 start_sect;          /* a partition's first sector on its disk; 0 for a disk */
	u64 sectors;
	bool read_only;
	bool can_flush;
	bool can_discard;
	u32 max_segs; /* frames one request may carry: 1..BLK_MAX_SEGS (0 counts as 1) */
	/* Counters. */
	struct atomic_u64 reads, writes, flushes, discards, errors;
	/* The buffer cache's lock (bcache.c): a write-back error not yet reported by a sync; the
	 * block after the last run read from the disk (a miss there is sequential: read ahead). */
	int wb_err;
	u64 ra_next;
	/* The device table's lock (blockdev.c). */
	u32 opens;
	bool registered;
};

/* blk_name - bd's name. blk_set_name - set it (before blk_register), cut to BLK_NAME_MAX. */
static inline struct str blk_name(struct blockdev *bd)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(bd->name_text), bd->name_len));
}
static inline void blk_set_name(struct blockdev *bd, struct str name)
{
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(bd->name_text), str_head(name, BLK_NAME_MAX));
	bd->name_len = n.err ? 0 : (u8)n.value;
}

/* blk_register - make bd findable by its name and number. 0, -EEXIST, -ENOSPC (table full). */
int blk_register(struct blockdev *bd);
/* blk_find - the registered device with this name, or NULL. */
struct blockdev *blk_find(struct str name);
/* blk_find_dev - the registered device with this number, or NULL. The caller must hold it
 * open (or it must be a disk) for the pointer to stay valid. */
struct blockdev *blk_find_dev(u32 major, u32 minor);
/* blk_open_dev / blk_close_dev - count an open file of the device (0 or -ENXIO). */
int blk_open_dev(u32 major, u32 minor);
void blk_close_dev(u32 major, u32 minor);

/* blk_detach_partitions - unregister every partition of `disk` and hand them to the caller
 * (out->dev[0..out->n)), who must invalidate their cached blocks and free them. -EBUSY
 * (nothing changes) when one is open. */
struct blk_detached {
	struct blockdev *dev[BLK_MINORS];
	u32 n;
};
int blk_detach_partitions(struct blockdev *disk, struct blk_detached *out);

/* What devtmpfs needs to make a node: a copy, valid after the device goes. */
struct blk_info {
	u8 name[BLK_NAME_MAX];
	u32 name_len;
	u32 major, minor;
	u32 disk_minor; /* the disk's minor: its own, or a partition's disk's (/sys, /proc) */
	u64 sectors;
	bool read_only;
};
/* blk_info_at - the i-th registered device (i < BLK_MAX_DEVS): true and *out, or false for an
 * empty slot. */
bool blk_info_at(u32 i, struct blk_info *out);

/* blk_partitions_show - /proc/partitions (Linux's format: a header, then per device its
 * major, minor, size in KiB and name, disks before their partitions, in registration order). */
void blk_partitions_show(struct strbuf *sb);

/* blk_max_segs - the frames one request to bd may carry (bd->max_segs, within 1..BLK_MAX_SEGS). */
u32 blk_max_segs(const struct blockdev *bd);

/* blk_submit - validate and perform rq. 0; -EINVAL (range, size, empty frame), -EROFS,
 * -EOPNOTSUPP (flush/discard unsupported), -EIO (the device failed). Context: task. */
int blk_submit(struct blockdev *bd, const struct blk_request *rq);

/* blk_read / blk_write - a request of one frame (count <= 8). */
int blk_read(struct blockdev *bd, u64 sector, u32 count, const struct frame *f);
int blk_write(struct blockdev *bd, u64 sector, u32 count, const struct frame *f);
int blk_flush(struct blockdev *bd);
int blk_discard(struct blockdev *bd, u64 sector, u32 count);
/* blk_flush_all - flush every disk that has a write cache: the first error, or 0. */
int blk_flush_all(void);

/* blk_scan_partitions - (re)read disk's partition table and register its partitions as
 * devices (part_dev.c). 0 (also when there is no usable table: the disk stays a disk);
 * -EBUSY when a partition is open; -EINVAL for a partition; -EIO/-ENOMEM. */
int blk_scan_partitions(struct blockdev *disk);

#endif /* BLOCK_BLOCK_H */
