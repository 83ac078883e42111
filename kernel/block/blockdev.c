/*
 * blockdev.c — the block layer (block/block.h): a table of named block devices, and request
 * validation and accounting around every driver call.
 */
#include <block/block.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/sync.h>

#define BLK_MAX_DEVS 8u

static struct mutex table_lock = MUTEX_INIT(table_lock);
static struct blockdev *table[BLK_MAX_DEVS] GUARDED_BY(&table_lock);

static struct blockdev *find_locked(struct str name) REQUIRES(&table_lock)
{
	for (u32 i = 0; i < BLK_MAX_DEVS; i++)
		if (table[i] && str_eq(table[i]->name, name))
			return table[i];
	return NULL;
}

int blk_register(struct blockdev *bd)
{
	int err = -ENOSPC;
	mutex_lock(&table_lock);
	if (find_locked(bd->name)) {
		err = -EEXIST;
	} else {
		for (u32 i = 0; i < BLK_MAX_DEVS; i++) {
			if (!table[i]) {
				table[i] = bd;
				err = 0;
				break;
			}
		}
	}
	mutex_unlock(&table_lock);
	if (!err)
		fw_info("block: %s: %u sectors (%u MiB)%s", bd->name, bd->sectors,
			bd->sectors >> 11, bd->read_only ? STR(", read-only") : STR(""));
	return err;
}

struct blockdev *blk_find(struct str name)
{
	mutex_lock(&table_lock);
	struct blockdev *bd = find_locked(name);
	mutex_unlock(&table_lock);
	return bd;
}

static int validate(const struct blockdev *bd, const struct blk_request *rq)
{
	switch (rq->op) {
	case BLK_READ:
	case BLK_WRITE:
		if (!rq->frame || frame_is_empty(rq->frame) || rq->count > BLK_MAX_SECTORS)
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
	struct blk_request rq = { .op = BLK_READ, .sector = sector, .count = count, .frame = f };
	return blk_submit(bd, &rq);
}

int blk_write(struct blockdev *bd, u64 sector, u32 count, const struct frame *f)
{
	struct blk_request rq = { .op = BLK_WRITE, .sector = sector, .count = count, .frame = f };
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
