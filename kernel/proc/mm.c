/*
 * mm.c — a process's memory (proc/process.h): the list of regions (page-aligned ranges with
 * their rights), demand paging of anonymous memory (a zeroed frame on the first touch), the
 * range operations munmap and mprotect need (with region splitting), the eager copy fork
 * makes, and tearing it all down at exit and exec.
 */
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/typecache.h>
#include <proc/process.h>

DEFINE_TYPE_CACHE(vm_region_cache, struct vm_region);

int proc_add_region(struct process *p, u64 start, u64 end, u32 prot)
{
	if (start >= end || (start | end) % VM_PAGE_SIZE)
		return -EINVAL;
	struct vm_region *r = KNEW(vm_region_cache);
	if (!r)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->prot = prot;
	spin_lock(&p->mm_lock);
	region_list_push_back(&p->regions, r);
	spin_unlock(&p->mm_lock);
	return 0;
}

/* find_region - the region containing addr, or NULL. */
static struct vm_region *find_region(struct process *p, u64 addr) REQUIRES(p->mm_lock)
{
	LIST_FOR_EACH(region_list, &p->regions, r)
		if (addr >= r->start && addr < r->end)
			return r;
	return NULL;
}

int proc_fault(struct vmspace *vs, struct uaddr addr, unsigned access)
{
	struct process *p = proc_by_vmspace(vs);
	if (!p || (access & VM_FAULT_PRESENT))
		return -EFAULT;
	u64 page = addr.v / VM_PAGE_SIZE * VM_PAGE_SIZE;
	spin_lock(&p->mm_lock);
	struct vm_region *r = find_region(p, addr.v);
	u32 prot = r ? r->prot : 0;
	spin_unlock(&p->mm_lock);
	if (!r || ((access & VM_FAULT_WRITE) && !(prot & VM_WRITE)) ||
	    ((access & VM_FAULT_EXEC) && !(prot & VM_EXEC)))
		return -EFAULT;
	struct frame f = FRAME_EMPTY;
	int e = frame_alloc(&f);
	if (!e)
		e = vmspace_map(vs, uaddr(page), &f, prot);
	frame_release(&f);
	return e ? -EFAULT : 0;
}

/* piece - a new region [start, end) with `prot` after `r`; false when memory is short. */
static bool piece(struct process *p, struct vm_region *r, u64 start, u64 end, u32 prot)
	REQUIRES(p->mm_lock)
{
	struct vm_region *n = KNEW(vm_region_cache);
	if (!n)
		return false;
	n->start = start;
	n->end = end;
	n->prot = prot;
	region_list_insert_after(&p->regions, r, n);
	return true;
}

/* edit_range - trim, split or drop the regions overlapping [start, end) (prot < 0), or give
 * the overlap the rights `prot`. Pieces inserted after a region lie outside the range, so
 * the iteration (which fetched the next region before the body) never edits them. */
static int edit_range(struct process *p, u64 start, u64 end, int prot)
{
	int e = 0;
	spin_lock(&p->mm_lock);
	LIST_FOR_EACH_SAFE(region_list, &p->regions, r) {
		if (r->end <= start || r->start >= end)
			continue;
		u64 lo = r->start > start ? r->start : start, hi = r->end < end ? r->end : end;
		if (prot >= 0) {
			if ((r->start < lo && !piece(p, r, r->start, lo, r->prot)) ||
			    (hi < r->end && !piece(p, r, hi, r->end, r->prot))) {
				e = -ENOMEM;
				break;
			}
			r->start = lo;
			r->end = hi;
			r->prot = (u32)prot;
		} else if (r->start < lo && hi < r->end) {
			if (!piece(p, r, hi, r->end, r->prot)) {
				e = -ENOMEM;
				break;
			}
			r->end = lo;
		} else if (r->start < lo) {
			r->end = lo;
		} else if (hi < r->end) {
			r->start = hi;
		} else {
			region_list_remove(&p->regions, r);
			KFREE(vm_region_cache, r);
		}
	}
	spin_unlock(&p->mm_lock);
	return e;
}

int proc_remove_range(struct process *p, u64 start, u64 end)
{
	int e = edit_range(p, start, end, -1);
	if (!e && vmspace_unmap(p->vs, uaddr(start), end - start) < 0)
		e = -EINVAL;
	return e;
}

int proc_protect_range(struct process *p, u64 start, u64 end, u32 prot)
{
	int e = edit_range(p, start, end, (int)prot);
	/* Pages already present take the new rights; absent ones get them on the fault. */
	for (u64 a = start; !e && a < end; a += VM_PAGE_SIZE) {
		unsigned old;
		if (vmspace_query(p->vs, uaddr(a), &old) == 0 &&
		    vmspace_protect(p->vs, uaddr(a), VM_PAGE_SIZE, prot))
			e = -ENOMEM;
	}
	return e;
}

/* copy_page - a private copy of src's page at `a` mapped into dst with the same rights
 * (through `bounce`, a page). */
static int copy_page(struct process *dst, struct process *src, u64 a, struct bytes bounce)
{
	unsigned prot;
	if (vmspace_query(src->vs, uaddr(a), &prot))
		return 0; /* never touched: stays demand-paged */
	struct frame from = FRAME_EMPTY, to = FRAME_EMPTY;
	int e = vmspace_frame_at(src->vs, uaddr(a), &from);
	if (!e)
		e = frame_alloc(&to);
	if (!e)
		e = frame_read(&from, 0, bounce);
	if (!e)
		e = frame_write(&to, 0, bounce);
	if (!e)
		e = vmspace_map(dst->vs, uaddr(a), &to, prot);
	frame_release(&from);
	frame_release(&to);
	return e;
}

int proc_copy_memory(struct process *dst, struct process *src)
{
	int e = 0;
	spin_lock(&src->mm_lock);
	struct vm_region *r = region_list_first(&src->regions);
	spin_unlock(&src->mm_lock);
	while (r && !e) {
		e = proc_add_region(dst, r->start, r->end, r->prot);
		for (u64 a = r->start; !e && a < r->end; a += VM_PAGE_SIZE)
			e = copy_page(dst, src, a, src->io_buf);
		spin_lock(&src->mm_lock);
		r = region_list_next(&src->regions, r);
		spin_unlock(&src->mm_lock);
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_next = src->mmap_next;
	return e;
}

void proc_drop_memory(struct process *p)
{
	spin_lock(&p->mm_lock);
	for (struct vm_region *r = region_list_pop_front(&p->regions); r;
	     r = region_list_pop_front(&p->regions)) {
		spin_unlock(&p->mm_lock);
		(void)vmspace_unmap(p->vs, uaddr(r->start), r->end - r->start);
		KFREE(vm_region_cache, r);
		spin_lock(&p->mm_lock);
	}
	spin_unlock(&p->mm_lock);
}
