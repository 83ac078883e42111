/*
 * bcache.c — the buffer cache (block/bcache.h): 4 KiB blocks of block devices in untyped
 * frames, found through a hash table on (device, block number), kept in least-recently-used
 * order, written back on sync, on BLKFLSBUF, when evicted and by the flusher task once they
 * have been dirty for dirty_expire.
 *
 * I/O goes in runs: a read miss reads the missing blocks the caller asked for in one request
 * (plus RA_BLOCKS more when the miss continues the device's last read: readahead), and a
 * write-back takes the dirty blocks next to the one it writes along (one request for up to
 * blk_max_segs() contiguous blocks), as Linux merges adjacent pages into one bio.
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
#include <fw/task.h>
#include <fw/time.h>
#include <fw/typecache.h>

#define SECTORS_PER_BLOCK (BCACHE_BLOCK_SIZE / BLK_SECTOR_SIZE)
#define RA_BLOCKS 32u /* read ahead of a sequential miss: 128 KiB, Linux's read_ahead_kb */
#define NS_PER_CS 10000000ull

struct bcache_buf {
	struct list_link lru;    /* bc_lru: least recently used first */
	struct hash_link by_key; /* bc_table */
	/* Set before the buffer goes in, then read-only. */
	struct blockdev *bd;
	u64 index;   /* block number in bd */
	u32 sectors; /* sectors of bd it covers (SECTORS_PER_BLOCK, fewer at the end) */
	/* bc_lock */
	bool dirty;
	u64 dirtied_ns; /* when it last went from clean to dirty */
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
static u32 expire_cs GUARDED_BY(&bc_lock) = BCACHE_DIRTY_EXPIRE_CS;
static bool flusher_started GUARDED_BY(&bc_lock);
/* The flusher sleeps on flush_wq until flush_wake is set (dirty data appeared, or the expiry
 * changed) or its deadline passes. Both have their own synchronisation. */
static struct waitq flush_wq;
static struct atomic_u32 flush_wake;

static void lock_cache(void) ACQUIRE(&bc_lock)
{
	mutex_lock(&bc_lock);
	if (!bc_ready) {
		bcache_lru_init(&bc_lru, &bc_lock);
		bcache_table_init(&bc_table, &bc_lock);
		waitq_init(&flush_wq);
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

/* writeback_locked - write b to its device if it is dirty, with the dirty blocks around it
 * (one request for up to blk_max_segs() contiguous blocks). On failure their data is lost (the
 * buffers are marked clean) and the device remembers the error for its next sync. */
static int writeback_locked(struct bcache_buf *b) REQUIRES(&bc_lock)
{
	if (!b->dirty)
		return 0;
	struct blockdev *bd = b->bd;
	u32 max = blk_max_segs(bd);
	u64 first = b->index;
	while (first > 0 && b->index - first + 1 < max) {
		struct bcache_buf *p = find_locked(bd, first - 1);
		if (!p || !p->dirty)
			break;
		first--;
	}
	struct bcache_buf *run[BLK_MAX_SEGS];
	struct blk_request rq = { .op = BLK_WRITE, .sector = first * SECTORS_PER_BLOCK };
	u32 n = 0;
	for (u64 i = first; n < max && n < BLK_MAX_SEGS; i++) {
		struct bcache_buf *x = i == b->index ? b : find_locked(bd, i);
		if (!x || !x->dirty)
			break; /* not before b: first..b are dirty */
		run[n] = x;
		rq.frame[n] = &x->data;
		rq.count += x->sectors;
		n++;
		if (x->sectors < SECTORS_PER_BLOCK)
			break; /* the device's last block */
	}
	rq.nframes = n;
	int err = blk_submit(bd, &rq);
	for (u32 k = 0; k < n && k < BLK_MAX_SEGS; k++) {
		run[k]->dirty = false;
		ndirty--;
	}
	st.writebacks += n;
	st.writeback_requests++;
	if (err) {
		fw_warn("bcache: %s: writing blocks %u..%u back failed (%d): their data is lost",
			blk_name(bd), first, first + n - 1, err);
		bd->wb_err = -EIO;
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

/* new_buf_locked - an empty buffer for block `index` of bd (not in the cache yet), after
 * evicting down to the limit. */
static struct bcache_buf *new_buf_locked(struct blockdev *bd, u64 index) REQUIRES(&bc_lock)
{
	while (nbufs && nbufs >= limit)
		evict_locked();
	struct bcache_buf *b = bcache_buf_cache_alloc();
	if (!b)
		return NULL;
	if (frame_alloc(&b->data)) {
		bcache_buf_cache_free(b);
		return NULL;
	}
	u64 first = index * SECTORS_PER_BLOCK;
	b->bd = bd;
	b->index = index;
	b->sectors = bd->sectors - first < SECTORS_PER_BLOCK ? (u32)(bd->sectors - first)
							      : SECTORS_PER_BLOCK;
	return b;
}

static void free_buf(struct bcache_buf *b)
{
	frame_release(&b->data);
	bcache_buf_cache_free(b);
}

static void insert_locked(struct bcache_buf *b) REQUIRES(&bc_lock)
{
	bcache_table_insert(&bc_table, b, key_of(b->bd, b->index));
	bcache_lru_push_back(&bc_lru, b);
	nbufs++;
}

/* read_run_locked - read blocks [index, index + n) of bd, none of them cached, in one request
 * and cache them (fewer when memory is short: at least block `index`, or -ENOMEM). The new
 * buffers count toward nbufs only once they are in, so n is kept within the limit. */
static int read_run_locked(struct blockdev *bd, u64 index, u32 n) REQUIRES(&bc_lock)
{
	struct bcache_buf *run[BLK_MAX_SEGS];
	struct blk_request rq = { .op = BLK_READ, .sector = index * SECTORS_PER_BLOCK };
	u32 got = 0;
	while (got < n && got < BLK_MAX_SEGS) {
		while (nbufs && nbufs + got >= limit)
			evict_locked();
		struct bcache_buf *b = new_buf_locked(bd, index + got);
		if (!b)
			break;
		run[got] = b;
		rq.frame[got] = &b->data;
		rq.count += b->sectors;
		got++;
	}
	if (!got)
		return -ENOMEM;
	rq.nframes = got;
	st.reads += got;
	st.read_requests++;
	int err = blk_submit(bd, &rq);
	for (u32 k = 0; k < got && k < BLK_MAX_SEGS; k++) {
		if (err)
			free_buf(run[k]);
		else
			insert_locked(run[k]);
	}
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EIO;
	return 0;
}

/* run_length - how many blocks to read for a miss at `index` when the caller wants `want`
 * blocks from there: the wanted ones, plus RA_BLOCKS when the miss continues the last read
 * (sequential), up to the first block already cached, the end of the device, the device's
 * request size and half the cache. */
static u32 run_length(struct blockdev *bd, u64 index, u64 want, bool ahead) REQUIRES(&bc_lock)
{
	u64 n = want;
	if (ahead && index == bd->ra_next)
		n += RA_BLOCKS;
	u64 blocks = (bd->sectors + SECTORS_PER_BLOCK - 1) / SECTORS_PER_BLOCK;
	if (n > blocks - index)
		n = blocks - index;
	u32 max = blk_max_segs(bd);
	if (n > max)
		n = max;
	if (n > limit / 2)
		n = limit / 2;
	if (n < 1)
		n = 1;
	for (u64 k = 1; k < n; k++) {
		if (find_locked(bd, index + k)) {
			n = k;
			break;
		}
	}
	return (u32)n;
}

/* get_locked - the buffer of block `index` of bd, most recently used now. When it was not
 * cached: with `overwrite` (the caller writes the whole block) a fresh buffer; else it is read
 * from the disk together with the next want - 1 blocks and, for a reader (`ahead`), what
 * read-ahead adds. */
static struct bcache_buf_result get_locked(struct blockdev *bd, u64 index, bool overwrite,
					   u64 want, bool ahead) REQUIRES(&bc_lock)
{
	struct bcache_buf *b = find_locked(bd, index);
	if (b) {
		st.hits++;
		bcache_lru_remove(&bc_lru, b);
		bcache_lru_push_back(&bc_lru, b);
		return bcache_buf_result_ok(b);
	}
	st.misses++;
	if (overwrite) {
		b = new_buf_locked(bd, index);
		if (!b)
			return bcache_buf_result_err(-ENOMEM);
		insert_locked(b);
		return bcache_buf_result_ok(b);
	}
	u32 n = run_length(bd, index, want, ahead);
	int err = read_run_locked(bd, index, n);
	if (err)
		return bcache_buf_result_err(err);
	if (ahead)
		bd->ra_next = index + n;
	b = find_locked(bd, index);
	return b ? bcache_buf_result_ok(b) : bcache_buf_result_err(-EIO);
}

static u64 dev_bytes(const struct blockdev *bd)
{
	return bd->sectors * BLK_SECTOR_SIZE;
}

/* ---- the flusher ------------------------------------------------------------------------ */

struct bcache_flusher {
	struct callback cb;
};
DEFINE_SUBTYPE(bcache_flusher_cb, struct bcache_flusher, cb, struct callback, tag);

/* flush_expired_locked - write back every block dirty for expire_cs or more (with its dirty
 * neighbours); the time the oldest block still dirty expires, or 0 when none is. */
static u64 flush_expired_locked(u64 now) REQUIRES(&bc_lock)
{
	u64 expire_ns = (u64)expire_cs * NS_PER_CS;
	for (struct bcache_buf *b = bcache_lru_first(&bc_lru); b && ndirty;
	     b = bcache_lru_next(&bc_lru, b))
		if (b->dirty && now - b->dirtied_ns >= expire_ns)
			(void)writeback_locked(b); /* a failure is remembered by the device */
	u64 next = 0;
	for (struct bcache_buf *b = bcache_lru_first(&bc_lru); b && ndirty;
	     b = bcache_lru_next(&bc_lru, b)) {
		u64 due = b->dirtied_ns + expire_ns;
		if (b->dirty && (next == 0 || due < next))
			next = due ? due : 1; /* 0 would mean no deadline */
	}
	st.flusher_runs++;
	return next;
}

static void flusher_main(struct bcache_flusher *f)
{
	(void)f;
	u64 deadline = 0;
	for (;;) {
		(void)WAITQ_WAIT_EVENT(&flush_wq, atomic_u32_load(&flush_wake) != 0, deadline, 0);
		atomic_u32_store(&flush_wake, 0);
		lock_cache();
		deadline = flush_expired_locked(fw_time_ns());
		unlock_cache();
	}
}
DEFINE_SUBTYPE_CALLBACK(bcache_flusher_cb, struct callback, flusher_main);

/* wake_flusher_locked - dirty data appeared (or the expiry changed): the flusher computes its
 * next deadline. Started here the first time (lazily: a system that never writes a block
 * device has no flusher). */
static void wake_flusher_locked(void) REQUIRES(&bc_lock)
{
	if (!flusher_started) {
		struct bcache_flusher *f = bcache_flusher_cb_new();
		struct task_handle t = TASK_HANDLE_EMPTY;
		if (f) {
			callback_set(&f->cb, SUBTYPE_CALLBACK(bcache_flusher_cb, flusher_main));
			if (task_spawn(&t, &f->cb, STR("bcache-flush"), TASK_ANY_CPU)) {
				bcache_flusher_cb_delete(f);
				f = NULL;
			}
		}
		if (!f) {
			fw_warn("bcache: no flusher task (out of memory or tasks): dirty blocks wait "
				"for a sync or an eviction; retried at the next write");
			return;
		}
		task_detach(&t);
		flusher_started = true;
	}
	atomic_u32_store(&flush_wake, 1);
	waitq_wake_all(&flush_wq);
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
		u64 want = write ? 1 : (pos + len - 1) / BCACHE_BLOCK_SIZE - index + 1;
		struct bcache_buf_result b = get_locked(bd, index, whole, want, !write);
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
			b.value->dirtied_ns = fw_time_ns();
			if (ndirty++ == 0)
				wake_flusher_locked();
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
	bd->ra_next = 0; /* no read history either */
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

u32 bcache_set_dirty_expire_cs(u32 cs)
{
	lock_cache();
	u32 old = expire_cs;
	expire_cs = cs;
	if (ndirty)
		wake_flusher_locked();
	unlock_cache();
	return old;
}

u32 bcache_dirty_expire_cs(void)
{
	lock_cache();
	u32 cs = expire_cs;
	unlock_cache();
	return cs;
}

void bcache_stats(struct bcache_stats *out)
{
	lock_cache();
	*out = st;
	out->blocks = nbufs;
	out->dirty = ndirty;
	unlock_cache();
}
