/*
 * bcache.c — the buffer cache (block/bcache.h): 4 KiB blocks of block devices in untyped
 * frames, found through a hash table on (device, block number), kept in least-recently-used
 * order, written back on sync, on BLKFLSBUF and when evicted.
 *
 * Invariants (under bc_lock): a buffer is on the hash table and on the LRU list at once, or on
 * neither (while it is being created or destroyed); a buffer in the table always holds its
 * block's data (it was read, or entirely overwritten, before it went in); nbufs counts them
 * and never exceeds BCACHE_MAX_BLOCKS; a buffer's device outlives it (partition devices are
 * invalidated before they are freed).
 */
#include <block/bcache.h>
#include <block/block.h>
#include <fw/errno.h>
#include <fw/frame.h>
#include <fw/hash.h>
#include <fw/list.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fw/typecache.h>

#define SECTORS_PER_BLOCK (BCACHE_BLOCK_SIZE / BLK_SECTOR_SIZE)

struct bcache_buf {
	struct list_link lru;    /* bc_lru: least recently used first */
	struct hash_link by_key; /* bc_table */
	/* Set before the buffer goes in, then read-only. */
	struct blockdev *bd;
	u64 index;   /* block number in bd */
	u32 sectors; /* sectors of bd it covers (SECTORS_PER_BLOCK, fewer at the end) */
	/* bc_lock */
	bool dirty;
	struct frame data;
};
DEFINE_TYPE_CACHE(bcache_buf_cache, struct bcache_buf);
DEFINE_LIST(bcache_lru, struct bcache_buf, lru, mutex);
DEFINE_HASH(bcache_table, struct bcache_buf, by_key, 10, mutex);
DEFINE_RESULT(bcache_buf_result, struct bcache_buf *);

static struct mutex bc_lock = MUTEX_INIT(bc_lock);
static struct bcache_lru bc_lru GUARDED_BY(&bc_lock);
static struct bcache_table bc_table GUARDED_BY(&bc_lock);
static bool bc_ready GUARDED_BY(&bc_lock);
static u32 nbufs GUARDED_BY(&bc_lock);
static u32 limit GUARDED_BY(&bc_lock) = BCACHE_MAX_BLOCKS;
static u32 ndirty GUARDED_BY(&bc_lock);
static struct bcache_stats st GUARDED_BY(&bc_lock);

static void lock_cache(void) ACQUIRE(&bc_lock)
{
	mutex_lock(&bc_lock);
	if (!bc_ready) {
		bcache_lru_init(&bc_lru, &bc_lock);
		bcache_table_init(&bc_table, &bc_lock);
		bc_ready = true;
	}
}

static void unlock_cache(void) RELEASE(&bc_lock)
{
	mutex_unlock(&bc_lock);
}

static u64 key_of(const struct blockdev *bd, u64 index)
{
	return ((u64)bd->major << 52) ^ ((u64)bd->minor << 40) ^ index;
}

static struct bcache_buf *find_locked(struct blockdev *bd, u64 index) REQUIRES(&bc_lock)
{
	for (struct bcache_buf *b = bcache_table_find(&bc_table, key_of(bd, index)); b;
	     b = bcache_table_find_next(&bc_table, b))
		if (b->bd == bd && b->index == index)
			return b;
	return NULL;
}

/* writeback_locked - write b to its device if it is dirty. On failure the data is lost (the
 * buffer is marked clean) and the device remembers the error for its next sync. */
static int writeback_locked(struct bcache_buf *b) REQUIRES(&bc_lock)
{
	if (!b->dirty)
		return 0;
	int err = blk_write(b->bd, b->index * SECTORS_PER_BLOCK, b->sectors, &b->data);
	b->dirty = false;
	ndirty--;
	st.writebacks++;
	if (err) {
		fw_warn("bcache: %s: writing block %u back failed (%d): its data is lost", b->bd->name,
			b->index, err);
		b->bd->wb_err = -EIO;
		return -EIO;
	}
	return 0;
}

static void destroy_locked(struct bcache_buf *b) REQUIRES(&bc_lock)
{
	bcache_table_remove(&bc_table, b);
	bcache_lru_remove(&bc_lru, b);
	if (b->dirty)
		ndirty--;
	nbufs--;
	frame_release(&b->data);
	bcache_buf_cache_free(b);
}

/* evict_locked - make room for one buffer: write the least recently used one back (if it is
 * dirty) and free it. */
static void evict_locked(void) REQUIRES(&bc_lock)
{
	struct bcache_buf *b = bcache_lru_first(&bc_lru);
	if (!b)
		return;
	(void)writeback_locked(b); /* a failure is remembered by the device */
	st.evictions++;
	destroy_locked(b);
}

/* get_locked - the buffer of block `index` of bd, most recently used now; read from the disk
 * when it was not cached, unless `overwrite` (the caller writes the whole block). */
static struct bcache_buf_result get_locked(struct blockdev *bd, u64 index, bool overwrite)
	REQUIRES(&bc_lock)
{
	struct bcache_buf *b = find_locked(bd, index);
	if (b) {
		st.hits++;
		bcache_lru_remove(&bc_lru, b);
		bcache_lru_push_back(&bc_lru, b);
		return bcache_buf_result_ok(b);
	}
	st.misses++;
	while (nbufs && nbufs >= limit)
		evict_locked();
	b = bcache_buf_cache_alloc();
	if (!b)
		return bcache_buf_result_err(-ENOMEM);
	if (frame_alloc(&b->data)) {
		bcache_buf_cache_free(b);
		return bcache_buf_result_err(-ENOMEM);
	}
	u64 first = index * SECTORS_PER_BLOCK;
	b->bd = bd;
	b->index = index;
	b->sectors = bd->sectors - first < SECTORS_PER_BLOCK ? (u32)(bd->sectors - first)
							      : SECTORS_PER_BLOCK;
	if (!overwrite) {
		st.reads++;
		int err = blk_read(bd, first, b->sectors, &b->data);
		if (err) {
			frame_release(&b->data);
			bcache_buf_cache_free(b);
			return bcache_buf_result_err(err == -ENOMEM ? -ENOMEM : -EIO);
		}
	}
	bcache_table_insert(&bc_table, b, key_of(bd, index));
	bcache_lru_push_back(&bc_lru, b);
	nbufs++;
	return bcache_buf_result_ok(b);
}

static u64 dev_bytes(const struct blockdev *bd)
{
	return bd->sectors * BLK_SECTOR_SIZE;
}

/* rw - the copy loop of bcache_read and bcache_write (pos < the device's size). */
static struct result_size rw(struct blockdev *bd, struct bytes buf, u64 pos, bool write)
{
	u64 size = dev_bytes(bd);
	size_t len = bytes_len(buf);
	if (len > size - pos)
		len = (size_t)(size - pos);
	size_t done = 0;
	int err = 0;
	lock_cache();
	while (done < len) {
		u64 at = pos + done;
		u64 index = at / BCACHE_BLOCK_SIZE;
		u32 off = (u32)(at % BCACHE_BLOCK_SIZE);
		u64 block_bytes = size - index * BCACHE_BLOCK_SIZE;
		if (block_bytes > BCACHE_BLOCK_SIZE)
			block_bytes = BCACHE_BLOCK_SIZE;
		size_t n = block_bytes - off < len - done ? (size_t)(block_bytes - off) : len - done;
		bool whole = write && off == 0 && n == block_bytes;
		struct bcache_buf_result b = get_locked(bd, index, whole);
		if (b.err) {
			err = b.err;
			break;
		}
		struct bytes part = bytes_sub(buf, done, n).value;
		err = write ? frame_write(&b.value->data, off, part) : frame_read(&b.value->data, off, part);
		if (err) {
			err = -EIO;
			break;
		}
		if (write && !b.value->dirty) {
			b.value->dirty = true;
			ndirty++;
		}
		done += n;
	}
	unlock_cache();
	if (done || !err)
		return result_size_ok(done);
	return result_size_err(err);
}

struct result_size bcache_read(struct blockdev *bd, struct bytes dst, u64 pos)
{
	if (pos >= dev_bytes(bd) || bytes_len(dst) == 0)
		return result_size_ok(0);
	return rw(bd, dst, pos, false);
}

struct result_size bcache_write(struct blockdev *bd, struct bytes src, u64 pos)
{
	if (bd->read_only)
		return result_size_err(-EPERM);
	if (bytes_len(src) == 0)
		return result_size_ok(0);
	if (pos >= dev_bytes(bd))
		return result_size_err(-ENOSPC);
	return rw(bd, src, pos, true);
}

/* sync_locked - write back every dirty block of bd (every device when bd is NULL). */
static int sync_locked(struct blockdev *bd) REQUIRES(&bc_lock)
{
	int err = 0;
	for (struct bcache_buf *b = bcache_lru_first(&bc_lru); b && ndirty;
	     b = bcache_lru_next(&bc_lru, b)) {
		if (!bd || b->bd == bd) {
			int e = writeback_locked(b);
			if (!err)
				err = e;
		}
	}
	return err;
}

/* take_error_locked - the write-back error bd remembers (reported once). */
static int take_error_locked(struct blockdev *bd) REQUIRES(&bc_lock)
{
	int e = bd->wb_err;
	bd->wb_err = 0;
	return e;
}

static int flush(struct blockdev *bd)
{
	int err = blk_flush(bd);
	return err == -EOPNOTSUPP ? 0 : err; /* no write cache: written is durable */
}

int bcache_sync(struct blockdev *bd)
{
	lock_cache();
	int err = sync_locked(bd);
	int old = take_error_locked(bd);
	unlock_cache();
	int f = flush(bd);
	return err ? err : old ? old : f;
}

int bcache_sync_all(void)
{
	lock_cache();
	int err = sync_locked(NULL);
	unlock_cache();
	int f = blk_flush_all();
	return err ? err : f;
}

int bcache_invalidate(struct blockdev *bd)
{
	lock_cache();
	int err = sync_locked(bd);
	int old = take_error_locked(bd);
	struct bcache_buf *b = bcache_lru_first(&bc_lru);
	while (b) {
		struct bcache_buf *next = bcache_lru_next(&bc_lru, b);
		if (b->bd == bd)
			destroy_locked(b);
		b = next;
	}
	unlock_cache();
	int f = flush(bd);
	return err ? err : old ? old : f;
}

u32 bcache_set_limit(u32 blocks)
{
	lock_cache();
	u32 old = limit;
	limit = blocks < 1 ? 1 : blocks > BCACHE_MAX_BLOCKS ? BCACHE_MAX_BLOCKS : blocks;
	while (nbufs > limit)
		evict_locked();
	unlock_cache();
	return old;
}

void bcache_stats(struct bcache_stats *out)
{
	lock_cache();
	*out = st;
	out->blocks = nbufs;
	out->dirty = ndirty;
	unlock_cache();
}
