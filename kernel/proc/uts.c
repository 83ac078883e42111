/*
 * uts.c — the host and domain names (proc/uts.h), under one lock.
 */
#include <fw/sync.h>
#include <proc/uts.h>

struct uts_name {
	u8 text[UTS_NAME_MAX];
	u32 len;
};

static struct spinlock uts_lock = SPINLOCK_INIT(uts_lock);
static struct uts_name uts_host GUARDED_BY(&uts_lock) = { { 't', 'r', 'e', 'l', 'l', 'i', 's' }, 7 };
static struct uts_name uts_domain GUARDED_BY(&uts_lock) = { { '(', 'n', 'o', 'n', 'e', ')' }, 6 };

static struct uts_name *field_of(enum uts_field field) REQUIRES(uts_lock)
{
	return field == UTS_HOSTNAME ? &uts_host : &uts_domain;
}

size_t uts_read(enum uts_field field, struct bytes dst)
{
	spin_lock(&uts_lock);
	struct uts_name *n = field_of(field);
	size_t len = n->len < bytes_len(dst) ? n->len : bytes_len(dst);
	(void)bytes_copy(bytes_head(dst, len), bytes_head(BYTES_OF_ARRAY(n->text), len));
	spin_unlock(&uts_lock);
	return len;
}

int uts_write(enum uts_field field, struct bytes src)
{
	if (bytes_len(src) > UTS_NAME_MAX)
		return -EINVAL;
	size_t len = bytes_len(src);
	struct result_size nul = bytes_find(src, 0, 0);
	if (!nul.err)
		len = nul.value;
	spin_lock(&uts_lock);
	struct uts_name *n = field_of(field);
	bytes_fill(BYTES_OF_ARRAY(n->text), 0);
	(void)bytes_copy(BYTES_OF_ARRAY(n->text), bytes_head(src, len));
	n->len = (u32)len;
	spin_unlock(&uts_lock);
	return 0;
}
