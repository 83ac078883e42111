/*
 * part_dev.c — partitions as block devices (blk_scan_partitions in block/block.h).
 *
 * A partition is a block device of its own ("vda1", minor = the disk's + number, as Linux's
 * virtio-blk with 16 minors per disk) whose requests are checked against the partition's size
 * by the block layer, shifted by its first sector and submitted to the disk, where they are
 * checked again: I/O through a partition cannot leave it. The table is read through the
 * buffer cache of the disk (so a table just written through /dev/vda and not yet synced is
 * what is seen, as on Linux) by the hostile-input parser of partition.c.
 *
 * Rescanning (BLKRRPART) first detaches the old partitions, refused with -EBUSY while any is
 * open, and invalidates their cached blocks before freeing them.
 */
#include <block/bcache.h>
#include <block/block.h>
#include <block/partition.h>
#include <fw/errno.h>
#include <fw/fmt.h>
#include <fw/log.h>
#include <fw/typecache.h>

struct blk_part {
	struct blockdev bd;
	/* Set at creation, then read-only. */
	struct blockdev *whole; /* the disk (disks are never unregistered) */
	u64 offset;             /* first sector on the disk */
};
DEFINE_SUBTYPE(blk_part_dev, struct blk_part, bd, struct blockdev, tag);

static int part_submit(struct blockdev *bd, const struct blk_request *rq)
{
	struct blk_part *p = blk_part_dev_from(bd);
	struct blk_request r = *rq;
	if (rq->op != BLK_FLUSH)
		r.sector += p->offset; /* inside the partition (validated), which is inside the disk */
	return blk_submit(p->whole, &r);
}

static const struct blockdev_ops part_ops = {
	.submit = part_submit,
};

/* The disk as the parser sees it: sectors read through the cache. */
struct blk_part_reader {
	struct part_disk pd;
	struct blockdev *bd;
};
DEFINE_SUBTYPE(blk_part_reader, struct blk_part_reader, pd, struct part_disk, tag);

static int reader_read(struct part_disk *d, u64 lba, struct bytes dst)
{
	struct blk_part_reader *r = blk_part_reader_from(d);
	struct result_size n = bcache_read(r->bd, dst, lba * BLK_SECTOR_SIZE);
	if (n.err)
		return n.err;
	return n.value == bytes_len(dst) ? 0 : -EIO;
}

static const struct part_disk_ops reader_ops = {
	.read = reader_read,
};

DEFINE_TYPE_CACHE(blk_part_table_cache, struct part_table);

/* add_partition - register entry e of whole's table as a device; 0 or -errno (logged). */
static int add_partition(struct blockdev *whole, const struct part_entry *e)
{
	if (e->number == 0 || e->number >= BLK_MINORS) {
		fw_warn("block: %s: partition %u has no minor number: no device for it", blk_name(whole),
			e->number);
		return -ERANGE;
	}
	struct blk_part *p = blk_part_dev_new();
	if (!p)
		return -ENOMEM;
	u8 name_buf[BLK_NAME_MAX];
	struct bytes nb = BYTES_OF_ARRAY(name_buf);
	struct str wn = blk_name(whole);
	u8 last = str_len(wn) ? str_at(wn, str_len(wn) - 1).value : 0;
	/* Linux's rule: "nvme0n1" + 1 is "nvme0n1p1", "vda" + 1 is "vda1" */
	struct result_size n = last >= '0' && last <= '9' ? FMT(nb, "%sp%u", wn, e->number)
							 : FMT(nb, "%s%u", wn, e->number);
	p->whole = whole;
	p->offset = e->start;
	p->bd.ops = &part_ops;
	blk_set_name(&p->bd, str_from_bytes(bytes_head(nb, n.value)));
	p->bd.major = whole->major;
	p->bd.minor = whole->minor + e->number;
	p->bd.parent = whole;
	p->bd.start_sect = e->start;
	/* An extended partition is a container: Linux shows 2 sectors of it (room for a boot
	 * loader), so nothing can format it over its logical partitions. */
	p->bd.sectors = e->extended ? (e->sectors < 2 ? e->sectors : 2) : e->sectors;
	p->bd.read_only = whole->read_only;
	p->bd.can_flush = whole->can_flush;
	p->bd.can_discard = whole->can_discard;
	p->bd.max_segs = whole->max_segs;
	int err = n.err ? -EINVAL : blk_register(&p->bd);
	if (err) {
		fw_warn("block: %s: partition %u not registered (%d)", blk_name(whole), e->number, err);
		blk_part_dev_delete(p);
	}
	return err;
}

int blk_scan_partitions(struct blockdev *whole)
{
	if (whole->parent)
		return -EINVAL;
	struct blk_detached old;
	int err = blk_detach_partitions(whole, &old);
	if (err)
		return err;
	for (u32 i = 0; i < old.n && i < BLK_MINORS; i++) {
		(void)bcache_invalidate(old.dev[i]); /* writes back what was dirty in it */
		blk_part_dev_delete(blk_part_dev_from(old.dev[i]));
	}
	struct part_table *t = blk_part_table_cache_alloc();
	struct blk_part_reader *r = blk_part_reader_new();
	if (!t || !r) {
		blk_part_table_cache_free(t);
		blk_part_reader_delete(r);
		return -ENOMEM;
	}
	r->bd = whole;
	r->pd.ops = &reader_ops;
	r->pd.sectors = whole->sectors;
	part_disk_set_name(&r->pd, blk_name(whole));
	err = part_scan(&r->pd, t);
	u32 added = 0;
	for (u32 i = 0; !err && i < t->count && i < PART_MAX; i++)
		if (!add_partition(whole, ELEM_PTR(t->part, i)))
			added++;
	if (!err && t->scheme != PART_NONE)
		fw_info("block: %s: %s partition table, %u partition(s)%s", blk_name(whole),
			part_scheme_name(t->scheme), added,
			t->rejected ? STR(" (entries rejected, see above)") : STR(""));
	blk_part_table_cache_free(t);
	blk_part_reader_delete(r);
	/* A disk without a usable table is still a disk: only I/O errors and memory matter. */
	return err == -EINVAL ? 0 : err;
}
