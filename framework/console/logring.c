/*
 * logring.c — the kernel log's memory: every line logged (every level, whether the console
 * printed it or not) is kept in a ring of LOGRING_SLOTS records with a sequence number, its
 * time and level, for syslog(2), dmesg and /dev/kmsg (fw/log.h: fw_log_read). The oldest
 * records are overwritten; text beyond LOGRING_TEXT bytes is cut.
 *
 * Locking: one raw spinlock with interrupts off (lines are logged from any context), held
 * only to copy one record in or out.
 */
#include <fw/log.h>

#include "internal/printk.h"
#include "internal/rawlock.h"

#define LOGRING_SLOTS 512u
#define LOGRING_TEXT 240u

struct logrec {
	u64 seq;
	u64 ts_ns;
	u32 level;
	u32 len;
	char text[LOGRING_TEXT];
};

static struct fw_rawlock ring_lock = RAW_SPINLOCK_INIT;
static struct logrec ring[LOGRING_SLOTS]; /* guarded by ring_lock */
static u64 ring_next;                     /* guarded by ring_lock: the next sequence number */

void logring_add(enum fw_log_level level, u64 ts_ns, const char *text, size_t len)
{
	while (len && (text[len - 1] == '\n')) /* SAFETY: len - 1 < len, inside the caller's text */
		len--;
	if (len > LOGRING_TEXT)
		len = LOGRING_TEXT;
	u64 f = raw_spin_lock_irqsave(&ring_lock);
	/* SAFETY: the index is reduced modulo the array's length. */
	struct logrec *r = &ring[ring_next % LOGRING_SLOTS];
	r->seq = ring_next++;
	r->ts_ns = ts_ns;
	r->level = level;
	r->len = (u32)len;
	for (size_t i = 0; i < len; i++)
		r->text[i] = text[i]; /* SAFETY: i < len <= LOGRING_TEXT, and < the caller's length */
	raw_spin_unlock_irqrestore(&ring_lock, f);
}

void fw_log_bounds(uint64_t *first, uint64_t *next)
{
	u64 f = raw_spin_lock_irqsave(&ring_lock);
	*next = ring_next;
	*first = ring_next > LOGRING_SLOTS ? ring_next - LOGRING_SLOTS : 0;
	raw_spin_unlock_irqrestore(&ring_lock, f);
}

int fw_log_read(uint64_t seq, struct fw_log_record *rec, struct bytes text)
{
	u64 f = raw_spin_lock_irqsave(&ring_lock);
	u64 first = ring_next > LOGRING_SLOTS ? ring_next - LOGRING_SLOTS : 0;
	if (seq >= ring_next) {
		raw_spin_unlock_irqrestore(&ring_lock, f);
		return -ENOENT;
	}
	if (seq < first)
		seq = first;
	/* SAFETY: the index is reduced modulo the array's length. */
	const struct logrec *r = &ring[seq % LOGRING_SLOTS];
	rec->seq = r->seq;
	rec->ts_ns = r->ts_ns;
	rec->level = (enum fw_log_level)r->level;
	size_t n = r->len < bytes_len(text) ? r->len : bytes_len(text);
	for (size_t i = 0; i < n; i++)
		(void)bytes_put_u8(text, i, (u8)r->text[i]); /* SAFETY: i < r->len <= LOGRING_TEXT */
	rec->len = n;
	raw_spin_unlock_irqrestore(&ring_lock, f);
	return 0;
}

void fw_log_set_console_level(enum fw_log_level level)
{
	__atomic_store_n(&console_loglevel, level, __ATOMIC_RELAXED); /* SAFETY: an atomic store */
}

enum fw_log_level fw_log_console_level(void)
{
	return __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED); /* SAFETY: an atomic load */
}
