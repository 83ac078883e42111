/*
 * fault.c — the page-fault handler of every memory map (vm/vm.h), and populate.
 *
 * A fault is resolved from the region containing the address:
 *   - no region, or the access needs a right the region lacks: refused (-EFAULT: SIGSEGV);
 *     an address just below a MAP_GROWSDOWN region extends it first (up to VM_STACK_MAX,
 *     keeping VM_STACK_GUARD_GAP above the region below);
 *   - a page of a file mapping wholly past the end of the file: refused (-ENXIO: SIGBUS);
 *   - an absent page of private anonymous memory: a zeroed frame;
 *   - an absent page of [vdso] or [vvar]: the framework's page (fw_vdso_map_page);
 *   - an absent page of an object (a file's page cache, shared anonymous memory): the
 *     object's frame itself for a shared region, or for a private one the same frame
 *     read-only (a read) or a private copy of it (a write);
 *   - a write to a present read-only page of a writable private region: copy on write
 *     (vmspace_cow copies unless this mapping alone holds the frame);
 *   - a present page whose rights lag behind the region (after mprotect): brought up to it.
 * A read fault in an object's region also maps the neighbours the object already holds
 * (fault_around_locked), as Linux does.
 * The map's lock is held throughout, so the region cannot change under the handler.
 */
#include <fw/vdso.h>
#include <vm/vm.h>

#define PAGE VM_PAGE_SIZE

/* absent_locked - map the missing page at `page` of region v for `access`. */
static int absent_locked(struct vm_map *m, const struct vma *v, u64 page, unsigned access)
	REQUIRES(m->lock)
{
	struct frame f = FRAME_EMPTY;
	unsigned prot = v->prot;
	int e;
	if (v->flags & (VMA_VDSO | VMA_VVAR)) {
		/* The framework's page back (after MADV_DONTNEED), read-only: a write to a
		 * writable [vdso] faults again and copies it (vmspace_cow). */
		enum fw_vdso_part part = (v->flags & VMA_VVAR) ? FW_VDSO_VVAR : FW_VDSO_TEXT;
		e = fw_vdso_map_page(&m->vs, uaddr(page), part, v->pgoff + (page - v->start) / PAGE,
				     prot & ~(unsigned)VM_WRITE);
		return e == -EINVAL || e == -ENOENT ? -EFAULT : e;
	} else if (!v->obj) {
		e = frame_alloc(&f);
	} else if (!vm_object_page_in_size(v->obj, v->pgoff + (page - v->start) / PAGE)) {
		return -ENXIO; /* past the end of the file: SIGBUS */
	} else {
		e = vm_object_page(v->obj, v->pgoff + (page - v->start) / PAGE, true, &f);
		if (!e && !(v->flags & VMA_SHARED)) {
			if (access & VM_FAULT_WRITE) {
				struct frame copy = FRAME_EMPTY;
				e = frame_alloc(&copy);
				if (!e)
					e = frame_copy(&copy, &f);
				frame_release(&f);
				if (!e)
					e = frame_clone(&f, &copy);
				frame_release(&copy);
			} else {
				prot &= ~(unsigned)VM_WRITE; /* the cache's frame: copied on write */
			}
		}
	}
	if (!e)
		e = vmspace_map(&m->vs, uaddr(page), &f, prot);
	frame_release(&f);
	if (e == -EEXIST) {
		/* Mapped after all (a PROT_NONE leaf that mprotect has not reached, or a
		 * spurious fault): bring its rights up to the region's. */
		enum vm_protect_mode mode = (v->flags & VMA_SHARED) ? VM_PROTECT_SHARED
								    : VM_PROTECT_PRIVATE;
		e = vmspace_protect(&m->vs, uaddr(page), PAGE, v->prot, mode);
		if (!e && (access & VM_FAULT_WRITE) && !(v->flags & VMA_SHARED))
			e = vmspace_cow(&m->vs, uaddr(page), v->prot);
	}
	return e;
}

/*
 * fault_around_locked - after a read fault at `page` of object-backed region v, map the pages
 * of the same aligned VM_FAULT_AROUND window that the object already holds and that are not
 * mapped yet, read-only in a private region (copied on write like any), as Linux's
 * fault-around: a program reading a file mapping (its own text, a library, a data file) takes
 * one fault per window instead of one per page. Pages the object lacks (holes, not yet read)
 * are left to their own faults; nothing here allocates or fails the fault.
 */
static void fault_around_locked(struct vm_map *m, const struct vma *v, u64 page) REQUIRES(m->lock)
{
	const u64 window = VM_FAULT_AROUND * PAGE;
	u64 lo = page / window * window, hi = lo + window;
	if (lo < v->start)
		lo = v->start;
	if (hi > v->end)
		hi = v->end;
	unsigned prot = v->prot;
	if (!(v->flags & VMA_SHARED))
		prot &= ~(unsigned)VM_WRITE;
	vm_object_map_cached(v->obj, v->pgoff + (lo - v->start) / PAGE, (hi - lo) / PAGE, &m->vs, lo,
			     prot, page);
}

/* fault_locked - resolve one fault in region v (which contains addr). */
static int fault_locked(struct vm_map *m, const struct vma *v, u64 addr, unsigned access)
	REQUIRES(m->lock)
{
	u64 page = addr / PAGE * PAGE;
	if (v->prot == 0 || ((access & VM_FAULT_WRITE) && !(v->prot & VM_WRITE)) ||
	    ((access & VM_FAULT_EXEC) && !(v->prot & VM_EXEC)))
		return -EACCES; /* mapped, without the right: SEGV_ACCERR */
	if (!(access & VM_FAULT_PRESENT)) {
		int e = absent_locked(m, v, page, access);
		if (!e && v->obj && !(access & VM_FAULT_WRITE))
			fault_around_locked(m, v, page);
		return e;
	}
	if ((access & VM_FAULT_WRITE) && !(v->flags & VMA_SHARED))
		return vmspace_cow(&m->vs, uaddr(page), v->prot);
	/* Rights behind the region's (a shared page, or an exec after mprotect). */
	unsigned now = 0;
	if (vmspace_query(&m->vs, uaddr(page), &now))
		return absent_locked(m, v, page, access);
	if ((now & v->prot) == v->prot)
		return -EACCES; /* nothing to grant: a real protection fault */
	enum vm_protect_mode mode = (v->flags & VMA_SHARED) ? VM_PROTECT_SHARED : VM_PROTECT_PRIVATE;
	return vmspace_protect(&m->vs, uaddr(page), PAGE, v->prot, mode);
}

/*
 * grow_locked - the MAP_GROWSDOWN region just above addr, extended down to addr's page, or
 * NULL. As Linux: the region may grow to VM_STACK_MAX bytes, and never to within
 * VM_STACK_GUARD_GAP of an accessible region below it (the stack guard gap).
 */
static struct vma *grow_locked(struct vm_map *m, u64 addr) REQUIRES(m->lock)
{
	struct vma *v = vma_tree_ceil(&m->vmas, addr);
	u64 page = addr / PAGE * PAGE;
	if (!v || !(v->flags & VMA_GROWSDOWN) || v->obj || v->end - page > VM_STACK_MAX)
		return NULL;
	struct vma *below = vma_tree_prev(&m->vmas, v);
	if (below && page < below->end)
		return NULL;
	/* The gap is kept from an accessible region that is not a stack itself (Linux's
	 * expand_downwards: a PROT_NONE reservation below may be grown right up to). */
	if (below && below->prot && !(below->flags & VMA_GROWSDOWN) &&
	    page - below->end < VM_STACK_GUARD_GAP)
		return NULL;
	vma_tree_remove(&m->vmas, v);
	u64 old = v->start;
	v->start = page;
	if (vma_tree_insert(&m->vmas, v, page)) { /* cannot happen: nothing maps page */
		v->start = old;
		(void)vma_tree_insert(&m->vmas, v, old);
		return NULL;
	}
	return v;
}

int vm_fault(struct vmspace *vs, struct uaddr addr, unsigned access)
{
	struct vm_map *m = vm_map_of(vs);
	if (!m || addr.v >= VM_USER_END)
		return -EFAULT;
	spin_lock(&m->lock);
	struct vma *v = vma_tree_floor(&m->vmas, addr.v);
	if (!v || addr.v >= v->end)
		v = grow_locked(m, addr.v);
	int e = v ? fault_locked(m, v, addr.v, access) : -EFAULT;
	spin_unlock(&m->lock);
	if (e == -ENOMEM && (access & VM_FAULT_KERNEL))
		atomic_flag_store(&m->oom_hit, true); /* the policy runs when the call ends */
	return e == 0 || e == -ENXIO || e == -ENOMEM || e == -EACCES ? e : -EFAULT;
}

int vm_map_populate(struct vm_map *m, u64 start, u64 end, bool write)
{
	int e = 0;
	spin_lock(&m->lock);
	for (u64 a = start; !e && a < end; a += PAGE) {
		struct vma *v = vma_tree_floor(&m->vmas, a);
		if (!v || a >= v->end) {
			e = -ENOMEM;
			break;
		}
		unsigned now = 0;
		bool present = vmspace_query(&m->vs, uaddr(a), &now) == 0;
		if (present && (!write || (now & VM_WRITE)))
			continue;
		e = fault_locked(m, v, a, (write ? VM_FAULT_WRITE : 0) |
					       (present ? VM_FAULT_PRESENT : 0));
	}
	spin_unlock(&m->lock);
	return e;
}
