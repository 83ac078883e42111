/*
 * blockdev.c — the block layer (block/block.h): a table of named, numbered block devices
 * with open counts, and request validation and accounting around every driver call.
 */
#include <block/block.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/strbuf.h>
#include <fw/sync.h>

static struct mutex table_lock = MUTEX_INIT(table_lock);
static struct blockdev *table[BLK_MAX_DEVS] GUARDED_BY(&table_lock);

static struct blockdev *find_locked(struct str name) REQUIRES(&table_lock)
{
	for (u32 i = 0; i < BLK_MAX_DEVS; i++)
		if (table[i] && str_eq(blk_name(table[i]), name))
			return table[i];
	return NULL;
}

static struct blockdev *find_dev_locked(u32 major, u32 minor) REQUIRES(&table_lock)
{
	for (u32 i = 0; i < BLK_MAX_DEVS; i++)
		if (table[i] && table[i]->major == major && table[i]->minor == minor)
			return table[i];
	return NULL;
}

int blk_register(struct blockdev *bd)
{
	int err = -ENOSPC;
	mutex_lock(&table_lock);
	if (find_locked(blk_name(bd)) || find_dev_locked(bd->major, bd->minor)) {
		err = -EEXIST;
	} else {
		for (u32 i = 0; i < BLK_MAX_DEVS; i++) {
			if (!table[i]) {
				table[i] = bd;
				bd->registered = true;
				bd->opens = 0;
				err = 0;
				break;
			}
		}
	}
	mutex_unlock(&table_lock);
	if (!err)
		fw_info("block: %s (%u:%u): %u sectors (%u MiB)%s", blk_name(bd), bd->major, bd->minor,
			bd->sectors, bd->sectors >> 11, bd->read_only ? STR(", read-only") : STR(""));
	return err;
}

struct blockdev *blk_find(struct str name)
{
	mutex_lock(&table_lock);
	struct blockdev *bd = find_locked(name);
	mutex_unlock(&table_lock);
	return bd;
}

struct blockdev *blk_find_dev(u32 major, u32 minor)
{
	mutex_lock(&table_lock);
	struct blockdev *bd = find_dev_locked(major, minor);
	mutex_unlock(&table_lock);
	return bd;
}

int blk_open_dev(u32 major, u32 minor)
{
	mutex_lock(&table_lock);
	struct blockdev *bd = find_dev_locked(major, minor);
	if (bd)
		bd->opens++;
	mutex_unlock(&table_lock);
	return bd ? 0 : -ENXIO;
}

void blk_close_dev(u32 major, u32 minor)
{
	mutex_lock(&table_lock);
	struct blockdev *bd = find_dev_locked(major, minor);
	if (bd && bd->opens)
		bd->opens--;
	mutex_unlock(&table_lock);
}

int blk_detach_partitions(struct blockdev *disk, struct blk_detached *out)
{
	out->n = 0;
	int err = 0;
	mutex_lock(&table_lock);
	for (u32 i = 0; i < BLK_MAX_DEVS; i++)
		if (table[i] && table[i]->parent == disk && table[i]->opens)
			err = -EBUSY;
	for (u32 i = 0; !err && i < BLK_MAX_DEVS; i++) {
		struct blockdev *bd = table[i];
		if (!bd || bd->parent != disk || out->n >= BLK_MINORS)
			continue;
		table[i] = NULL;
		bd->registered = false;
		out->dev[out->n++] = bd;
	}
	mutex_unlock(&table_lock);
	return err;
}

bool blk_info_at(u32 i, struct blk_info *out)
{
	bool ok = false;
	mutex_lock(&table_lock);
	struct blockdev *bd = i < BLK_MAX_DEVS ? table[i] : NULL;
	if (bd) {
		struct result_size n = str_copy_to(BYTES_OF_ARRAY(out->name), blk_name(bd));
		out->name_len = n.err ? 0 : (u32)n.value;
		out->major = bd->major;
		out->minor = bd->minor;
		out->disk_minor = bd->parent ? bd->parent->minor : bd->minor;
		out->sectors = bd->sectors;
		out->read_only = bd->read_only;
		ok = out->name_len != 0;
	}
	mutex_unlock(&table_lock);
	return ok;
}

static void show_one(struct strbuf *sb, struct blockdev *bd)
{
	STRBUF_FMT(sb, "%4u  %7u %10u %s\n", bd->major, bd->minor, bd->sectors >> 1, blk_name(bd));
}

void blk_partitions_show(struct strbuf *sb)
{
	strbuf_add(sb, STR("major minor  #blocks  name\n\n"));
	mutex_lock(&table_lock);
	for (u32 i = 0; i < BLK_MAX_DEVS; i++) {
		struct blockdev *disk = table[i];
		if (!disk || disk->parent)
			continue;
		show_one(sb, disk);
		for (u32 p = 1; p < BLK_MINORS; p++) {
			struct blockdev *part = find_dev_locked(disk->major, disk->minor + p);
			if (part && part->parent == disk)
				show_one(sb, part);
		}
	}
	mutex_unlock(&table_lock);
}

u32 blk_max_segs(const struct blockdev *bd)
{
	u32 n = bd->max_segs;
	return n < 1 ? 1 : n > BLK_MAX_SEGS ? BLK_MAX_SEGS : n;
}

/* data_ok - rq's frames hold its sectors: 1..max frames, none empty, every one but the last
 * full (count > 8 * (nframes - 1), count <= 8 * nframes). */
static bool data_ok(const struct blockdev *bd, const struct blk_request *rq)
{
	if (rq->nframes == 0 || rq->nframes > blk_max_segs(bd))
		return false;
	for (u32 k = 0; k < rq->nframes && k < BLK_MAX_SEGS; k++)
		if (!rq->frame[k] || frame_is_empty(rq->frame[k]))
			return false;
	return rq->count > BLK_FRAME_SECTORS * (rq->nframes - 1) &&
	       rq->count <= BLK_FRAME_SECTORS * rq->nframes;
}

static int validate(const struct blockdev *bd, const struct blk_request *rq)
{
	switch (rq->op) {
	case BLK_READ:
	case BLK_WRITE:
		if (!data_ok(bd, rq))
			return -EINVAL;
		if (rq->op == BLK_WRITE && bd->read_only)
			return -EROFS;
		break;
	case BLK_FLUSH:
		return bd->can_flush ? 0 : -EOPNOTSUPP;
	case BLK_DISCARD:
		if (bd->read_only)
			return -EROFS;
		if (!bd->can_discard)
			return -EOPNOTSUPP;
		break;
	default:
		return -EINVAL;
	}
	if (rq->count == 0 || rq->sector >= bd->sectors || rq->count > bd->sectors - rq->sector)
		return -EINVAL;
	return 0;
}

int blk_submit(struct blockdev *bd, const struct blk_request *rq)
{
	int err = validate(bd, rq);
	if (err)
		return err;
	err = bd->ops->submit(bd, rq);
	struct atomic_u64 *ctr = rq->op == BLK_READ ? &bd->reads : rq->op == BLK_WRITE ? &bd->writes :
				 rq->op == BLK_FLUSH ? &bd->flushes : &bd->discards;
	atomic_u64_fetch_add(err ? &bd->errors : ctr, 1);
	return err;
}

int blk_read(struct blockdev *bd, u64 sector, u32 count, const struct frame *f)
{
	struct blk_request rq = { .op = BLK_READ, .sector = sector, .count = count, .nframes = 1,
				  .frame = { f } };
	return blk_submit(bd, &rq);
}

int blk_write(struct blockdev *bd, u64 sector, u32 count, const struct frame *f)
{
	struct blk_request rq = { .op = BLK_WRITE, .sector = sector, .count = count, .nframes = 1,
				  .frame = { f } };
	return blk_submit(bd, &rq);
}

int blk_flush(struct blockdev *bd)
{
	struct blk_request rq = { .op = BLK_FLUSH };
	return blk_submit(bd, &rq);
}

int blk_discard(struct blockdev *bd, u64 sector, u32 count)
{
	struct blk_request rq = { .op = BLK_DISCARD, .sector = sector, .count = count };
	return blk_submit(bd, &rq);
}

int blk_flush_all(void)
{
	struct blockdev *disks[BLK_MAX_DEVS];
	u32 n = 0;
	mutex_lock(&table_lock);
	for (u32 i = 0; i < BLK_MAX_DEVS; i++)
		if (table[i] && !table[i]->parent && table[i]->can_flush)
			disks[n++] = table[i];
	mutex_unlock(&table_lock);
	int err = 0;
	for (u32 i = 0; i < n && i < BLK_MAX_DEVS; i++) { /* disks stay registered */
		int e = blk_flush(disks[i]);
		if (!err)
			err = e;
	}
	return err;
}
