/*
 * block/block.h — the block layer: block devices a file system can sit on, and synchronous
 * requests on 512-byte sectors whose data lives in an untyped frame (a future page-cache page).
 *
 * A driver embeds a `struct blockdev` (tagged through its subtype), fills the geometry and its
 * ops, and registers it under a name ("vda"). Users find it by name and submit requests:
 *
 *     struct blockdev *bd = blk_find(STR("vda"));
 *     int err = blk_read(bd, sector, 8, &frame);    // 8 sectors into the frame at offset 0
 *
 * The block layer validates every request before the driver sees it (range inside the device,
 * at most one frame of data, no writes to a read-only device, flush/discard only when the
 * device supports them), counts requests and errors, and returns Linux errnos. A driver's
 * submit() sleeps until the device answers; several tasks may have requests in flight at once.
 * `blk_flush` returns once everything written before it is durable.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <fw/atomic.h>
#include <fw/frame.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/types.h>

#define BLK_SECTOR_SIZE 512u
#define BLK_MAX_SECTORS (FRAME_SIZE / BLK_SECTOR_SIZE)

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH,
	BLK_DISCARD,
};

/* One request. `frame` holds the data at offset 0 (READ/WRITE only). */
struct blk_request {
	enum blk_op op;
	u64 sector;
	u32 count; /* sectors */
	const struct frame *frame;
};

struct blockdev;
struct blockdev_ops {
	/* submit - perform rq (already validated) and return 0 or -EIO; sleeps. */
	int (*submit)(struct blockdev *bd, const struct blk_request *rq);
};

struct blockdev {
	struct type_tag tag;
	const struct blockdev_ops *ops;
	struct str name; /* a literal, e.g. STR("vda") */
	u64 sectors;
	bool read_only;
	bool can_flush;
	bool can_discard;
	struct atomic_u64 reads, writes, flushes, discards, errors;
};

/* blk_register - make bd findable by its name. 0, -EEXIST, -ENOSPC (table full). */
int blk_register(struct blockdev *bd);
/* blk_find - the registered device with this name, or NULL. */
struct blockdev *blk_find(struct str name);

/* blk_submit - validate and perform rq. 0; -EINVAL (range, size, empty frame), -EROFS,
 * -EOPNOTSUPP (flush/discard unsupported), -EIO (the device failed). Context: task. */
int blk_submit(struct blockdev *bd, const struct blk_request *rq);

int blk_read(struct blockdev *bd, u64 sector, u32 count, const struct frame *f);
int blk_write(struct blockdev *bd, u64 sector, u32 count, const struct frame *f);
int blk_flush(struct blockdev *bd);
int blk_discard(struct blockdev *bd, u64 sector, u32 count);

#endif /* BLOCK_BLOCK_H */
