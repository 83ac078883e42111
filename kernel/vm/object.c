/*
 * object.c — page-cache objects (vm/vm.h): a radix tree from page index to an untyped frame.
 * ramfs keeps a file's bytes here (its only copy); file mappings and exec map these frames;
 * a MAP_SHARED|MAP_ANONYMOUS mapping's memory is an object of its own. Pages come zeroed on
 * first use; a page is never replaced while it is in the tree, so every mapping of it and
 * every read()/write() see the same bytes.
 */
#include <fw/heap.h>
#include <fw/typecache.h>
#include <vm/vm.h>

DEFINE_TYPE_CACHE(vm_object_cache, struct vm_object);
DEFINE_TYPE_CACHE(vm_page_cache, struct vm_page);

#define PAGE VM_PAGE_SIZE

struct vm_object *vm_object_new(void)
{
	struct vm_object *o = KNEW(vm_object_cache);
	if (!o)
		return NULL;
	refcount_init(&o->refs, 1);
	spin_lock_init(&o->lock);
	spin_lock(&o->lock);
	vm_page_map_init(&o->pages, &o->lock);
	o->size = ~0ull;
	spin_unlock(&o->lock);
	return o;
}

void vm_object_get(struct vm_object *o)
{
	refcount_get(&o->refs);
}

void vm_object_put(struct vm_object *o)
{
	if (!o || !refcount_put(&o->refs))
		return;
	(void)vm_object_truncate(o, 0);
	spin_lock(&o->lock);
	vm_page_map_destroy(&o->pages);
	spin_unlock(&o->lock);
	KFREE(vm_object_cache, o);
}

/* page_locked - the page at index, created when absent and `create`; NULL otherwise. */
static struct vm_page *page_locked(struct vm_object *o, u64 index, bool create, int *err)
	REQUIRES(o->lock)
{
	struct vm_page *pg = vm_page_map_lookup(&o->pages, index);
	*err = 0;
	if (pg || !create) {
		*err = pg ? 0 : -ENOENT;
		return pg;
	}
	pg = KNEW(vm_page_cache);
	if (!pg) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = frame_alloc(&pg->frame);
	if (!*err)
		*err = vm_page_map_insert(&o->pages, index, pg);
	if (*err) {
		frame_release(&pg->frame);
		KFREE(vm_page_cache, pg);
		return NULL;
	}
	return pg;
}

int vm_object_page(struct vm_object *o, u64 index, bool create, struct frame *out)
{
	int e;
	spin_lock(&o->lock);
	struct vm_page *pg = page_locked(o, index, create, &e);
	if (pg)
		e = frame_clone(out, &pg->frame);
	spin_unlock(&o->lock);
	return e;
}

int vm_object_read(struct vm_object *o, u64 pos, struct bytes dst)
{
	size_t done = 0;
	int e = 0;
	spin_lock(&o->lock);
	while (!e && done < bytes_len(dst)) {
		u64 in = pos % PAGE, n = PAGE - in;
		if (n > bytes_len(dst) - done)
			n = bytes_len(dst) - done;
		struct bytes_result to = bytes_sub(dst, done, n);
		e = to.err;
		struct vm_page *pg = e ? NULL : vm_page_map_lookup(&o->pages, pos / PAGE);
		if (!e && pg)
			e = frame_read(&pg->frame, in, to.value);
		else if (!e)
			bytes_fill(to.value, 0);
		done += n;
		pos += n;
	}
	spin_unlock(&o->lock);
	return e;
}

struct result_size vm_object_write(struct vm_object *o, u64 pos, struct bytes src,
				   u64 max_new, u64 *added)
{
	size_t done = 0;
	int e = 0;
	*added = 0;
	spin_lock(&o->lock);
	while (!e && done < bytes_len(src)) {
		u64 in = pos % PAGE, n = PAGE - in;
		if (n > bytes_len(src) - done)
			n = bytes_len(src) - done;
		bool exists = vm_page_map_lookup(&o->pages, pos / PAGE) != NULL;
		if (!exists && *added >= max_new) {
			e = -ENOSPC;
			break;
		}
		struct vm_page *pg = page_locked(o, pos / PAGE, true, &e);
		struct bytes_result from = bytes_sub(src, done, n);
		if (!e && !exists)
			(*added)++;
		if (!e)
			e = from.err;
		if (!e && pg)
			e = frame_write(&pg->frame, in, from.value);
		if (!e) {
			done += n;
			pos += n;
		}
	}
	spin_unlock(&o->lock);
	return done || !e ? result_size_ok(done) : result_size_err(e);
}

u64 vm_object_truncate(struct vm_object *o, u64 size)
{
	u64 keep = (size + PAGE - 1) / PAGE, index = 0, dropped = 0;
	spin_lock(&o->lock);
	for (struct vm_page *pg = vm_page_map_next(&o->pages, keep, &index); pg;
	     pg = vm_page_map_next(&o->pages, index + 1, &index)) {
		(void)vm_page_map_remove(&o->pages, index);
		frame_release(&pg->frame);
		KFREE(vm_page_cache, pg);
		dropped++;
	}
	if (size % PAGE) {
		struct vm_page *pg = vm_page_map_lookup(&o->pages, size / PAGE);
		if (pg)
			(void)frame_fill(&pg->frame, size % PAGE, PAGE - size % PAGE, 0);
	}
	spin_unlock(&o->lock);
	return dropped;
}

u64 vm_object_pages(struct vm_object *o)
{
	spin_lock(&o->lock);
	u64 n = vm_page_map_count(&o->pages);
	spin_unlock(&o->lock);
	return n;
}

void vm_object_set_size(struct vm_object *o, u64 size)
{
	spin_lock(&o->lock);
	o->size = size;
	spin_unlock(&o->lock);
}

bool vm_object_page_in_size(struct vm_object *o, u64 index)
{
	spin_lock(&o->lock);
	bool in = o->size == ~0ull || index < (o->size + PAGE - 1) / PAGE;
	spin_unlock(&o->lock);
	return in;
}

void vm_object_deny_write(struct vm_object *o)
{
	spin_lock(&o->lock);
	o->exec_users++;
	spin_unlock(&o->lock);
}

void vm_object_allow_write(struct vm_object *o)
{
	spin_lock(&o->lock);
	if (o->exec_users)
		o->exec_users--;
	spin_unlock(&o->lock);
}

bool vm_object_write_denied(struct vm_object *o)
{
	spin_lock(&o->lock);
	bool denied = o->exec_users != 0;
	spin_unlock(&o->lock);
	return denied;
}

bool vm_object_next_page(struct vm_object *o, u64 from, u64 *index)
{
	spin_lock(&o->lock);
	bool found = vm_page_map_next(&o->pages, from, index) != NULL;
	spin_unlock(&o->lock);
	return found;
}

bool vm_object_map_writable(struct vm_object *o)
{
	spin_lock(&o->lock);
	bool ok = o->writable_maps >= 0;
	if (ok)
		o->writable_maps++;
	spin_unlock(&o->lock);
	return ok;
}

void vm_object_unmap_writable(struct vm_object *o)
{
	spin_lock(&o->lock);
	if (o->writable_maps > 0)
		o->writable_maps--;
	spin_unlock(&o->lock);
}

int vm_object_deny_writable(struct vm_object *o)
{
	spin_lock(&o->lock);
	int e = o->writable_maps > 0 ? -EBUSY : 0;
	if (!e)
		o->writable_maps--;
	spin_unlock(&o->lock);
	return e;
}
