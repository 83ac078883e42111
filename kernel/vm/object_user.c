/*
 * object_user.c — page-cache reads straight into user memory (vm/vm.h): each page's frame
 * is copied to the user writer in one copy, with no kernel bounce buffer (read(2) and
 * pread(2) of a regular file), and fault-around's mapping of the pages an object holds.
 * Kept apart from object.c, which the host tests build (these need the address space).
 */
#include <vm/vm.h>

#define PAGE VM_PAGE_SIZE

/* Pages looked up under one hold of the object's lock (a 64 KiB read is one batch). */
#define READ_BATCH 16

struct result_size vm_object_read_user(struct vm_object *o, u64 pos, u64 count,
				       struct vm_writer *w)
{
	u64 done = 0;
	while (done < count) {
		/* References to the batch's pages (empty for a hole), taken in one hold of the
		 * lock; the copies happen without it, since they may fault and run the fault
		 * handler, which takes object locks. */
		struct frame f[READ_BATCH] = { FRAME_EMPTY }; /* all empty (pfn 0) */
		int err[READ_BATCH];
		u64 first = pos / PAGE, left = count - done, n = READ_BATCH;
		if (left < READ_BATCH * PAGE)
			n = (pos % PAGE + left + PAGE - 1) / PAGE; /* at most READ_BATCH + 1 */
		if (n > READ_BATCH)
			n = READ_BATCH;
		spin_lock(&o->lock);
		for (u64 i = 0; i < n; i++) {
			struct frame *fi = ELEM_PTR(f, i);
			struct vm_page *pg = vm_page_map_lookup(&o->pages, first + i);
			*ELEM_PTR(err, i) = pg ? frame_clone(fi, &pg->frame) : 0;
		}
		spin_unlock(&o->lock);
		struct result_size c = result_size_ok(0);
		bool stop = false;
		for (u64 i = 0; i < n; i++) {
			struct frame *fi = ELEM_PTR(f, i);
			if (!stop) {
				u64 in = pos % PAGE, len = PAGE - in;
				if (len > count - done)
					len = count - done;
				c = *ELEM_PTR(err, i) ? result_size_err(*ELEM_PTR(err, i))
				    : frame_is_empty(fi) ? frame_zero_to_user(w, len)
							 : frame_to_user_release(w, fi, in, len);
				if (!c.err) {
					done += c.value;
					pos += c.value;
				}
				stop = c.err || c.value < len || done == count;
			}
			frame_release(fi); /* the pages after a stop (the others are empty) */
		}
		if (c.err)
			return done ? result_size_ok(done) : c;
		if (stop)
			break;
	}
	return result_size_ok(done);
}

void vm_object_map_cached(struct vm_object *o, u64 index, u64 n, const struct vmspace_ref *vs,
			  u64 va, unsigned prot, u64 skip_va)
{
	spin_lock(&o->lock);
	u64 end = index + n;
	if (o->size != ~0ull && end > (o->size + PAGE - 1) / PAGE)
		end = (o->size + PAGE - 1) / PAGE;
	for (u64 i = index; i < end; i++, va += PAGE) {
		if (va == skip_va)
			continue;
		struct vm_page *pg = vm_page_map_lookup(&o->pages, i);
		if (pg)
			(void)vmspace_map(vs, uaddr(va), &pg->frame, prot); /* -EEXIST: mapped already */
	}
	spin_unlock(&o->lock);
}

