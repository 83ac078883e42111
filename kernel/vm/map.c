/*
 * map.c — memory maps (vm/vm.h): the region tree and the range operations on it (add, unmap,
 * protect, all splitting regions at the range's ends), the free-range search mmap uses, and
 * the copy-on-write copy fork makes.
 *
 * Every range operation first edits the tree under map->lock, then the address space through
 * one framework call for the whole range (one TLB flush per batch, never per page).
 *
 * A shared region that may write (VMA_SHARED without VMA_NOWRITE) counts itself in its object's
 * `writable_maps` from vma_new to vma_free, as Linux counts i_mmap_writable per VMA: a split,
 * a fork's copy and mremap's new region add one, a merge, an unmap and the map's end take one;
 * mprotect changes no count (Linux tracks VM_SHARED|VM_MAYWRITE, not the current PROT_WRITE).
 * memfd's F_SEAL_WRITE is -EBUSY while the count is not zero.
 *
 * A file mapping's region holds references to the path it was made through (/proc/PID/maps
 * prints that path as it is now). Dropping a path may take vfs_lock, a sleeping lock, so a region freed
 * under map->lock (a spinlock) with a path goes on the `dead` list instead, and vm_reap,
 * called by the exported operations once no lock is held, drops those paths and frees them.
 */
#include <fw/heap.h>
#include <fw/list.h>
#include <fw/typecache.h>
#include <vm/vm.h>

DEFINE_TYPE_CACHE(vm_map_cache, struct vm_map);
DEFINE_TYPE_CACHE(vma_cache, struct vma);

/* Every live map, for vm_map_of (the fault handler is given an address space). */
struct vm_map_entry {
	struct list_link link;
	struct vm_map *map;
};
DEFINE_TYPE_CACHE(vm_map_entry_cache, struct vm_map_entry);
DEFINE_LIST(vm_map_list, struct vm_map_entry, link, spinlock);
static struct spinlock maps_lock = SPINLOCK_INIT(vm_maps_lock);
static struct vm_map_list maps GUARDED_BY(&maps_lock);
static bool maps_ready GUARDED_BY(&maps_lock);
static struct vm_map *last_found GUARDED_BY(&maps_lock); /* the last vm_map_of answer */

#define PAGE VM_PAGE_SIZE
#define VM_MMAP_BASE 0x7f0000000000ull /* mmap hands out addresses downwards from here */

/* maps_ready_locked - the list, initialised on first use. */
static void maps_ready_locked(void) REQUIRES(maps_lock)
{
	if (maps_ready)
		return;
	maps_ready = true;
	vm_map_list_init(&maps, &maps_lock);
}

struct vm_map *vm_map_create(void)
{
	struct vm_map *m = KNEW(vm_map_cache);
	struct vm_map_entry *ent = KNEW(vm_map_entry_cache);
	if (!m || !ent)
		goto err_free;
	if (vmspace_create(&m->vs))
		goto err_free;
	vmspace_set_fault_handler(&m->vs, vm_fault);
	refcount_init(&m->refs, 1);
	spin_lock_init(&m->lock);
	atomic_flag_init(&m->oom_hit, false);
	spin_lock(&m->lock);
	vma_tree_init(&m->vmas, &m->lock);
	m->mmap_base = VM_MMAP_BASE;
	spin_unlock(&m->lock);
	ent->map = m;
	spin_lock(&maps_lock);
	maps_ready_locked();
	vm_map_list_push_back(&maps, ent);
	spin_unlock(&maps_lock);
	return m;
err_free:
	if (ent)
		KFREE(vm_map_entry_cache, ent);
	if (m)
		KFREE(vm_map_cache, m);
	return NULL;
}

void vm_map_get(struct vm_map *m)
{
	refcount_get(&m->refs);
}

struct vm_map *vm_map_of(struct vmspace *vs)
{
	struct vm_map *found = NULL;
	spin_lock(&maps_lock);
	maps_ready_locked();
	if (last_found && vmspace_ref_is(&last_found->vs, vs)) {
		found = last_found;
	} else {
		LIST_FOR_EACH(vm_map_list, &maps, ent)
			if (vmspace_ref_is(&ent->map->vs, vs))
				found = ent->map;
		last_found = found;
	}
	spin_unlock(&maps_lock);
	return found;
}

/* Regions freed with a path, waiting for vm_reap (singly linked through vma->dead). */
static struct spinlock dead_lock = SPINLOCK_INIT(vm_dead_lock);
static struct vma *dead_list GUARDED_BY(&dead_lock);

/* vma_maywrite - whether a region with `flags` on `obj` counts in obj->writable_maps. */
static bool vma_maywrite(u32 flags, const struct vm_object *obj)
{
	return obj && (flags & VMA_SHARED) && !(flags & VMA_NOWRITE);
}

static void vma_free(struct vma *v)
{
	if (vma_maywrite(v->flags, v->obj))
		vm_object_unmap_writable(v->obj);
	if (v->obj)
		vm_object_put(v->obj);
	v->obj = NULL;
	if (!v->file.mnt && !v->file.dentry) {
		KFREE(vma_cache, v);
		return;
	}
	spin_lock(&dead_lock);
	v->dead = dead_list;
	dead_list = v;
	spin_unlock(&dead_lock);
}

/* vm_reap - drop the paths of the regions on the dead list and free them. Does nothing where
 * it may not take vfs_lock (in atomic context, or with vfs_lock held by this task: a later
 * call does it). */
static void vm_reap(void)
{
	if (in_atomic() || rwsem_held(&vfs_lock))
		return;
	spin_lock(&dead_lock);
	struct vma *v = dead_list;
	dead_list = NULL;
	spin_unlock(&dead_lock);
	if (!v)
		return;
	down_write(&vfs_lock);
	while (v) {
		struct vma *next = v->dead;
		vfs_path_put_locked(v->file);
		KFREE(vma_cache, v);
		v = next;
	}
	up_write(&vfs_lock);
}

void vm_map_put(struct vm_map *m)
{
	if (!m || !refcount_put(&m->refs))
		return;
	spin_lock(&maps_lock);
	maps_ready_locked();
	LIST_FOR_EACH_SAFE(vm_map_list, &maps, ent) {
		if (ent->map == m) {
			vm_map_list_remove(&maps, ent);
			KFREE(vm_map_entry_cache, ent);
		}
	}
	if (last_found == m)
		last_found = NULL;
	spin_unlock(&maps_lock);
	vmspace_put(&m->vs);
	spin_lock(&m->lock);
	struct vm_object *exe = m->exe;
	m->exe = NULL;
	for (struct vma *v = vma_tree_first(&m->vmas); v; v = vma_tree_first(&m->vmas)) {
		vma_tree_remove(&m->vmas, v);
		vma_free(v);
	}
	spin_unlock(&m->lock);
	if (exe) {
		vm_object_allow_write(exe);
		vm_object_put(exe);
	}
	KFREE(vm_map_cache, m);
	vm_reap();
}

/* vma_new - a region with the given fields (new references to obj and file, counted in
 * obj's writable_maps when it may write through a shared mapping); NULL and *err -ENOMEM
 * when short, -EPERM when a write seal denies the writable shared mapping. */
static struct vma *vma_new(u64 start, u64 end, u32 prot, u32 flags, struct vm_object *obj,
			   u64 pgoff, struct vfs_path file, int *err)
{
	*err = -ENOMEM;
	struct vma *v = KNEW(vma_cache);
	if (!v)
		return NULL;
	if (vma_maywrite(flags, obj) && !vm_object_map_writable(obj)) {
		KFREE(vma_cache, v);
		*err = -EPERM;
		return NULL;
	}
	*err = 0;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->obj = obj;
	v->pgoff = pgoff;
	if (obj)
		vm_object_get(obj);
	v->file = file;
	vfs_path_get(file);
	return v;
}

/* find_locked - the region containing addr, or NULL. */
static struct vma *find_locked(struct vm_map *m, u64 addr) REQUIRES(m->lock)
{
	struct vma *v = vma_tree_floor(&m->vmas, addr);
	return v && addr < v->end ? v : NULL;
}

/* split_locked - make addr a region boundary (if a region straddles it). 0, -ENOMEM, or
 * -EINVAL inside a [vdso] or [vvar] region (never split, as Linux). */
static int split_locked(struct vm_map *m, u64 addr) REQUIRES(m->lock)
{
	struct vma *v = find_locked(m, addr);
	if (!v || v->start == addr)
		return 0;
	if (v->flags & (VMA_VDSO | VMA_VVAR))
		return -EINVAL; /* as Linux's special mappings (special_mapping_split) */
	u64 pages = (addr - v->start) / PAGE;
	int e;
	struct vma *hi = vma_new(addr, v->end, v->prot, v->flags, v->obj,
				 v->obj || (v->flags & VMA_VDSO) ? v->pgoff + pages : 0, v->file, &e);
	if (!hi)
		return e; /* not -EPERM: v counts, so no seal can deny its half */
	v->end = addr;
	if (vma_tree_insert(&m->vmas, hi, addr)) { /* cannot happen: addr was inside v */
		v->end = hi->end;
		vma_free(hi);
		return -EEXIST;
	}
	return 0;
}

/* remove_locked - take every region inside [start, end) out of the tree (after splitting at
 * both ends). 0 or -ENOMEM (nothing removed). */
static int remove_locked(struct vm_map *m, u64 start, u64 end) REQUIRES(m->lock)
{
	int e = split_locked(m, start);
	if (!e)
		e = split_locked(m, end);
	if (e)
		return e;
	for (struct vma *v = vma_tree_ceil(&m->vmas, start); v && v->start < end;) {
		struct vma *next = vma_tree_next(&m->vmas, v);
		if (v->flags & VMA_LOCKED)
			m->locked_bytes -= v->end - v->start;
		vma_tree_remove(&m->vmas, v);
		vma_free(v);
		v = next;
	}
	return 0;
}

int vm_map_unmap(struct vm_map *m, u64 start, u64 end)
{
	if (start >= end || (start | end) % PAGE)
		return -EINVAL;
	spin_lock(&m->lock);
	int e = remove_locked(m, start, end);
	spin_unlock(&m->lock);
	vm_reap();
	if (!e && vmspace_unmap(&m->vs, uaddr(start), end - start) < 0)
		e = -EINVAL;
	return e;
}

/* free_locked - nothing is mapped in [start, end). */
static bool free_locked(struct vm_map *m, u64 start, u64 end) REQUIRES(m->lock)
{
	struct vma *v = vma_tree_floor(&m->vmas, end - 1);
	return !v || v->end <= start;
}

/* mergeable - whether b can continue a: adjacent, same rights and flags, and either both
 * anonymous or both on the same object with b's pages following a's; never the vDSO's (its
 * regions keep their page index). As Linux's vma_merge. */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->obj != b->obj || a->file.mnt != b->file.mnt || a->file.dentry != b->file.dentry ||
	    (a->flags & (VMA_VDSO | VMA_VVAR)))
		return false;
	return !a->obj || b->pgoff == a->pgoff + (a->end - a->start) / PAGE;
}

/* merge_locked - join the regions in or next to [start, end) that continue each other, after
 * mprotect, madvise, mlock or msync split them (Linux merges there too: /proc/PID/maps shows
 * one line for a mapping whose parts are alike again). */
static void merge_locked(struct vm_map *m, u64 start, u64 end) REQUIRES(m->lock)
{
	struct vma *v = start ? vma_tree_floor(&m->vmas, start - 1) : NULL;
	if (!v)
		v = vma_tree_ceil(&m->vmas, start);
	while (v && v->start < end) {
		struct vma *next = vma_tree_next(&m->vmas, v);
		if (next && next->start <= end && mergeable(v, next)) {
			v->end = next->end;
			vma_tree_remove(&m->vmas, next);
			vma_free(next);
			continue;
		}
		v = next;
	}
}

int vm_map_add(struct vm_map *m, u64 start, u64 end, u32 prot, u32 flags,
	       struct vm_object *obj, u64 pgoff)
{
	return vm_map_add_file(m, start, end, prot, flags, obj, pgoff, (struct vfs_path){ 0 });
}

int vm_map_add_file(struct vm_map *m, u64 start, u64 end, u32 prot, u32 flags,
		    struct vm_object *obj, u64 pgoff, struct vfs_path file)
{
	if (start >= end || (start | end) % PAGE || !uaddr_range_ok(uaddr(start), end - start))
		return -EINVAL;
	int e;
	struct vma *v = vma_new(start, end, prot, flags, obj, pgoff, file, &e);
	if (!v)
		return e;
	spin_lock(&m->lock);
	bool had = !free_locked(m, start, end);
	e = had ? remove_locked(m, start, end) : 0;
	if (e) {
		spin_unlock(&m->lock);
		vma_free(v);
		vm_reap();
		return e;
	}
	if (flags & VMA_LOCKED)
		m->locked_bytes += end - start;
	/* An anonymous region continuing its neighbour extends it (brk, adjacent mmaps). */
	struct vma *prev = vma_tree_floor(&m->vmas, start);
	if (prev && mergeable(prev, v)) {
		prev->end = end;
		vma_free(v);
		v = prev;
	} else if (vma_tree_insert(&m->vmas, v, start)) {
		spin_unlock(&m->lock);
		vma_free(v);
		vm_reap();
		return -EEXIST; /* cannot happen: the range was emptied */
	}
	struct vma *next = vma_tree_next(&m->vmas, v);
	if (next && mergeable(v, next)) {
		v->end = next->end;
		vma_tree_remove(&m->vmas, next);
		vma_free(next);
	}
	spin_unlock(&m->lock);
	vm_reap();
	if (had)
		(void)vmspace_unmap(&m->vs, uaddr(start), end - start);
	return 0;
}

bool vm_map_free_range(struct vm_map *m, u64 start, u64 end)
{
	spin_lock(&m->lock);
	bool free = free_locked(m, start, end);
	spin_unlock(&m->lock);
	return free;
}

int vm_map_protect(struct vm_map *m, u64 start, u64 end, u32 prot)
{
	if (start >= end || (start | end) % PAGE)
		return -EINVAL;
	spin_lock(&m->lock);
	/* The whole range must be mapped (Linux: -ENOMEM, nothing changed). */
	u64 at = start;
	for (struct vma *v = find_locked(m, start); v && v->start <= at && at < end;
	     v = vma_tree_next(&m->vmas, v)) {
		if ((prot & VM_WRITE) && (v->flags & VMA_SHARED) && (v->flags & VMA_NOWRITE)) {
			spin_unlock(&m->lock);
			return -EACCES; /* a shared mapping of a file opened read-only */
		}
		if ((prot & VM_EXEC) && (v->flags & VMA_NOEXEC)) {
			spin_unlock(&m->lock);
			return -EACCES; /* a file mapping from a noexec mount */
		}
		if ((prot & (VM_WRITE | VM_EXEC)) && (v->flags & VMA_VVAR)) {
			spin_unlock(&m->lock);
			return -EACCES; /* [vvar]: Linux maps it without VM_MAYWRITE/VM_MAYEXEC */
		}
		at = v->end;
	}
	int e = at >= end ? 0 : -ENOMEM;
	if (!e)
		e = split_locked(m, start);
	if (!e)
		e = split_locked(m, end);
	for (struct vma *v = e ? NULL : vma_tree_ceil(&m->vmas, start); v && v->start < end;
	     v = vma_tree_next(&m->vmas, v)) {
		v->prot = prot;
		enum vm_protect_mode mode = (v->flags & VMA_SHARED) ? VM_PROTECT_SHARED
								    : VM_PROTECT_PRIVATE;
		e = vmspace_protect(&m->vs, uaddr(v->start), v->end - v->start, prot, mode);
		if (e)
			break;
	}
	if (!e)
		merge_locked(m, start, end);
	spin_unlock(&m->lock);
	vm_reap();
	return e;
}

u64 vm_map_find_gap(struct vm_map *m, u64 len, u64 floor)
{
	if (len == 0 || len % PAGE)
		return 0;
	spin_lock(&m->lock);
	u64 top = m->mmap_base, found = 0;
	/* Walk down from the base: each gap lies between a region's end and `top`. */
	struct vma *v = vma_tree_floor(&m->vmas, top - 1);
	for (;;) {
		if (v && v->end > top) { /* a region straddles top: continue below it */
			top = v->start;
			v = vma_tree_prev(&m->vmas, v);
			continue;
		}
		u64 bottom = v ? v->end : 0;
		if (bottom < floor)
			bottom = floor;
		if (top >= bottom && top - bottom >= len) {
			found = top - len;
			break;
		}
		if (!v || v->start <= floor)
			break;
		top = v->start;
		v = vma_tree_prev(&m->vmas, v);
	}
	spin_unlock(&m->lock);
	return found;
}

static void info_of(const struct vm_map *m, const struct vma *v, struct vm_region_info *out)
	REQUIRES(m->lock)
{
	*out = (struct vm_region_info){ .start = v->start, .end = v->end, .pgoff = v->pgoff,
					.prot = v->prot, .flags = v->flags, .file = v->obj != NULL,
					.exe = v->obj && v->obj == m->exe };
}

int vm_map_region_at(struct vm_map *m, u64 addr, struct vm_region_info *out)
{
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, addr);
	if (v)
		info_of(m, v, out);
	spin_unlock(&m->lock);
	return v ? 0 : -ENOENT;
}

struct vfs_path vm_map_region_file(struct vm_map *m, u64 addr)
{
	struct vfs_path file = { 0 };
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, addr);
	if (v) {
		file = v->file;
		vfs_path_get(file);
	}
	spin_unlock(&m->lock);
	return file;
}

bool vm_map_page_cached(struct vm_map *m, u64 addr)
{
	bool cached = false;
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, addr);
	if (v && v->obj) {
		spin_lock(&v->obj->lock);
		cached = vm_page_map_lookup(&v->obj->pages, v->pgoff + (addr - v->start) / PAGE);
		spin_unlock(&v->obj->lock);
	}
	spin_unlock(&m->lock);
	return cached;
}

int vm_map_region_next(struct vm_map *m, u64 addr, struct vm_region_info *out)
{
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, addr);
	if (!v)
		v = vma_tree_ceil(&m->vmas, addr);
	if (v)
		info_of(m, v, out);
	spin_unlock(&m->lock);
	return v ? 0 : -ENOENT;
}

struct vm_futex_key vm_map_futex_key(struct vm_map *m, u64 addr, bool priv)
{
	struct vm_futex_key k = { .map = m, .obj = NULL, .off = addr };
	if (priv)
		return k;
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, addr);
	if (v && v->obj && (v->flags & VMA_SHARED))
		k = (struct vm_futex_key){ .map = NULL, .obj = v->obj,
					   .off = v->pgoff * VM_PAGE_SIZE + (addr - v->start) };
	spin_unlock(&m->lock);
	return k;
}

struct vm_map *vm_map_fork(struct vm_map *src)
{
	struct vm_map *dst = vm_map_create();
	if (dst && vm_map_fork_into(dst, src)) {
		vm_map_put(dst);
		return NULL;
	}
	return dst;
}

int vm_map_fork_into(struct vm_map *dst, struct vm_map *src)
{
	if (dst == src)
		return -EINVAL;
	int e = 0;
	spin_lock(&src->lock);
	spin_lock(&dst->lock);
	if (vma_tree_count(&dst->vmas)) {
		spin_unlock(&dst->lock);
		spin_unlock(&src->lock);
		return -EEXIST;
	}
	dst->arg_start = src->arg_start; /* the same strings at the same addresses */
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	TREE_FOR_EACH(vma_tree, &src->vmas, v) {
		if (v->flags & VMA_DONTFORK)
			continue;
		/* the child's copy of a writable shared region counts as one more (Linux's
		 * dup_mmap: i_mmap_writable) */
		struct vma *c = vma_new(v->start, v->end, v->prot, v->flags & ~(u32)VMA_LOCKED,
					v->obj, v->pgoff, v->file, &e);
		e = c ? vma_tree_insert(&dst->vmas, c, c->start) : e;
		if (e) {
			if (c)
				vma_free(c);
			break;
		}
		/* Private pages become copy-on-write on both sides; shared ones stay shared. */
		enum vm_share_mode mode = (v->flags & VMA_SHARED) ? VM_SHARE_SAME
								 : VM_SHARE_COPY_ON_WRITE;
		i64 n = vmspace_share(&dst->vs, &src->vs, uaddr(v->start), v->end - v->start, mode);
		if (n < 0) {
			e = (int)n;
			break;
		}
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_base = src->mmap_base;
	if (src->exe && !dst->exe) {
		vm_object_get(src->exe);
		vm_object_deny_write(src->exe);
		dst->exe = src->exe;
	}
	spin_unlock(&dst->lock);
	spin_unlock(&src->lock);
	vm_reap();
	return e;
}

/* covered_locked - whether regions cover [start, end) without a hole. */
static bool covered_locked(struct vm_map *m, u64 start, u64 end) REQUIRES(m->lock)
{
	u64 at = start;
	for (struct vma *v = find_locked(m, start); v && v->start <= at && at < end;
	     v = vma_tree_next(&m->vmas, v))
		at = v->end;
	return at >= end;
}

int vm_map_set_flags(struct vm_map *m, u64 start, u64 end, u32 set, u32 clear, bool whole)
{
	if (start >= end || (start | end) % PAGE)
		return -EINVAL;
	/* a region's kind stays: writable_maps counts by VMA_SHARED and VMA_NOWRITE */
	set &= ~(u32)(VMA_SHARED | VMA_NOWRITE);
	clear &= ~(u32)(VMA_SHARED | VMA_NOWRITE);
	spin_lock(&m->lock);
	int e = whole && !covered_locked(m, start, end) ? -ENOMEM : 0;
	if (!e)
		e = split_locked(m, start);
	if (!e)
		e = split_locked(m, end);
	struct vma *v = e ? NULL : vma_tree_floor(&m->vmas, start);
	if (v && v->end <= start)
		v = vma_tree_next(&m->vmas, v);
	for (; v && v->start < end; v = vma_tree_next(&m->vmas, v)) {
		u32 nf = (v->flags | set) & ~clear;
		if (v->flags & (VMA_VDSO | VMA_VVAR))
			nf &= ~(u32)VMA_LOCKED; /* special mappings are never locked (VM_SPECIAL) */
		if ((nf & VMA_LOCKED) && !(v->flags & VMA_LOCKED))
			m->locked_bytes += v->end - v->start;
		else if (!(nf & VMA_LOCKED) && (v->flags & VMA_LOCKED))
			m->locked_bytes -= v->end - v->start;
		v->flags = nf;
	}
	if (!e)
		merge_locked(m, start, end);
	spin_unlock(&m->lock);
	vm_reap();
	return e;
}

int vm_map_discard(struct vm_map *m, u64 start, u64 end, bool anon_only)
{
	if (start >= end || (start | end) % PAGE)
		return -EINVAL;
	spin_lock(&m->lock);
	int e = covered_locked(m, start, end) ? 0 : -ENOMEM;
	for (struct vma *v = e ? NULL : find_locked(m, start); v && v->start < end;
	     v = vma_tree_next(&m->vmas, v)) {
		if (anon_only && (v->obj || (v->flags & VMA_LOCKED)))
			e = -EINVAL;
	}
	spin_unlock(&m->lock);
	/* Private pages go (the next touch gets zeros, or the file's bytes again); a shared
	 * mapping's pages stay in its object and are mapped again on the next touch. */
	if (!e && vmspace_unmap(&m->vs, uaddr(start), end - start) < 0)
		e = -EINVAL;
	return e;
}

i64 vm_map_remap(struct vm_map *m, u64 old, u64 old_len, u64 new_len, u32 how, u64 fixed_to)
{
	bool may_move = how & VM_REMAP_MAYMOVE, dontunmap = how & VM_REMAP_DONTUNMAP;
	if (old % PAGE || old_len % PAGE || new_len % PAGE || new_len == 0 ||
	    !uaddr_range_ok(uaddr(old), old_len) || (fixed_to % PAGE))
		return -EINVAL;
	struct vm_region_info r;
	struct vfs_path file = { 0 };
	spin_lock(&m->lock);
	struct vma *v = find_locked(m, old);
	bool ok = v && (old_len ? old + old_len <= v->end : true);
	if (ok) {
		info_of(m, v, &r);
		file = v->file;
		vfs_path_get(file);
	}
	struct vm_object *obj = ok ? v->obj : NULL;
	if (obj)
		vm_object_get(obj);
	spin_unlock(&m->lock);
	if (!ok)
		return -EFAULT;
	i64 ret = 0;
	if (old_len == 0 && !(r.flags & VMA_SHARED)) {
		ret = -EINVAL; /* duplicating a private mapping: Linux refuses too */
		goto out_put;
	}
	if (dontunmap && (r.flags & (VMA_VDSO | VMA_VVAR))) {
		ret = -EINVAL; /* Linux: special mappings are VM_DONTEXPAND */
		goto out_put;
	}
	u64 pgoff = obj || (r.flags & VMA_VDSO) ? r.pgoff + (old - r.start) / PAGE : 0;
	bool move = false; /* MREMAP_DONTUNMAP is always a move, never in place */
	if (!dontunmap && !fixed_to && new_len <= old_len) {
		/* shrinking (or the same): the tail goes */
		ret = new_len < old_len ? vm_map_unmap(m, old + new_len, old + old_len) : 0;
		ret = ret ? ret : (i64)old;
	} else if (!dontunmap && !fixed_to && uaddr_range_ok(uaddr(old), new_len) &&
		   vm_map_free_range(m, old + old_len, old + new_len)) {
		/* growing in place: the region continues (and merges with it) */
		ret = vm_map_add_file(m, old + old_len, old + new_len, r.prot, r.flags, obj,
				      pgoff + old_len / PAGE, file);
		ret = ret ? ret : (i64)old;
	} else if (!may_move && !dontunmap) {
		ret = -ENOMEM;
	} else {
		move = true;
	}
	if (move) {
		u64 to = fixed_to ? fixed_to : vm_map_find_gap(m, new_len, 0x10000);
		if (!to || !uaddr_range_ok(uaddr(to), new_len) ||
		    (to < old + old_len && old < to + new_len)) {
			ret = fixed_to ? -EINVAL : -ENOMEM;
		} else {
			ret = vm_map_add_file(m, to, to + new_len, r.prot, r.flags, obj, pgoff, file);
			u64 moved = old_len < new_len ? old_len : new_len;
			if (!ret && moved) {
				i64 n = vmspace_move(&m->vs, uaddr(old), uaddr(to), moved);
				ret = n < 0 ? n : 0;
			}
			/* MREMAP_DONTUNMAP: the old range stays mapped without its pages (they
			 * moved): private anonymous memory reads zeros again, a file or shared
			 * mapping its object's bytes; it is no longer locked (Linux clears
			 * VM_LOCKED on the old region). */
			if (!ret && old_len && dontunmap)
				ret = vm_map_set_flags(m, old, old + old_len, 0, VMA_LOCKED, false);
			else if (!ret && old_len)
				ret = vm_map_unmap(m, old, old + old_len);
			ret = ret ? ret : (i64)to;
		}
	}
out_put:
	if (obj)
		vm_object_put(obj);
	if (file.mnt || file.dentry)
		vfs_path_put(file);
	return ret;
}

void vm_map_set_exe(struct vm_map *m, struct vm_object *obj)
{
	if (obj) {
		vm_object_get(obj);
		vm_object_deny_write(obj);
	}
	spin_lock(&m->lock);
	struct vm_object *old = m->exe;
	m->exe = obj;
	spin_unlock(&m->lock);
	if (old) {
		vm_object_allow_write(old);
		vm_object_put(old);
	}
}
