/*
 * object_user.c — page-cache reads straight into user memory (vm/vm.h): each page's frame
 * is copied to the user writer in one copy, with no kernel bounce buffer (read(2) and
 * pread(2) of a regular file), and fault-around's mapping of the pages an object holds.
 * Kept apart from object.c, which the host tests build (these need the address space).
 */
#include <vm/vm.h>

#define PAGE VM_PAGE_SIZE

struct result_size vm_object_read_user(struct vm_object *o, u64 pos, u64 count,
				       struct vm_writer *w)
{
	u64 done = 0;
	while (done < count) {
		u64 in = pos % PAGE, n = PAGE - in;
		if (n > count - done)
			n = count - done;
		struct frame f = FRAME_EMPTY;
		/* A reference, so the copy (which may fault and run the fault handler, which
		 * takes object locks) happens without the object's lock held. */
		int e = vm_object_page(o, pos / PAGE, false, &f);
		struct result_size c = e ? frame_zero_to_user(w, n) : frame_to_user(w, &f, in, n);
		frame_release(&f);
		if (c.err)
			return done ? result_size_ok(done) : c;
		done += c.value;
		pos += c.value;
		if (c.value < n)
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

