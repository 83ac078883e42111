/*
 * vm/vm.h — virtual memory of processes: memory maps (an address space and its regions),
 * page-cache objects, the page-fault handler and the operations behind brk, mmap, munmap,
 * mprotect, mremap, madvise, mincore, msync and fork.
 *
 * A `struct vm_map` is one process's (or, shared by CLONE_VM, one thread group's) memory: the
 * framework address space (fw/vmspace.h) and the regions (`struct vma`) in an AVL tree keyed
 * by start address. Each region is anonymous (obj NULL: private zero-filled pages made on the
 * first touch) or backed by a page-cache object (`struct vm_object`) from page `pgoff` on:
 * a file's cache (inode->cache), or the object of a MAP_SHARED|MAP_ANONYMOUS mapping.
 *
 * Private regions (no VMA_SHARED) are copy-on-write: their pages may be frames shared with
 * the page cache or with a forked process, mapped read-only; the write fault copies them
 * unless this mapping alone holds the frame (vmspace_cow, where the frame's reference count
 * decides). Shared regions map the object's frames themselves, so stores through any mapping
 * and read()/write() of the file see the same bytes.
 *
 * Locking: map->lock guards the region tree and the brk/mmap fields (a spinlock: the fault
 * handler takes it, so nothing sleeps under it and no user memory is touched while it is
 * held). An object's lock guards
 * its page tree. Order: map->lock, then an object's lock, then the VmSpace's own lock (taken
 * inside the framework calls). Maps and objects are reference-counted.
 */
#ifndef KERNEL_VM_VM_H
#define KERNEL_VM_VM_H

#include <fw/atomic.h>
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/sync.h>
#include <fw/radix.h>
#include <fw/refcount.h>
#include <fw/result.h>
#include <fw/tree.h>
#include <fw/types.h>
#include <fw/uaccess.h>
#include <fw/vmspace.h>
#include <fs/vfs.h>

/* --- page-cache objects (vm/object.c) ------------------------------------------------------ */

struct vm_page {
	struct frame frame;
};
DEFINE_RADIX(vm_page_map, struct vm_page, spinlock);

/*
 * A page cache: frames by page index. The pages of a ramfs file are its only copy of the
 * data (no second copy); a shared anonymous mapping's object holds its memory. Pages are
 * created zero-filled on first use.
 */
struct vm_object {
	struct refcount refs;
	struct spinlock lock;
	struct vm_page_map pages GUARDED_BY(&lock);
	u32 exec_users GUARDED_BY(&lock); /* memory maps running this file as their program:
					   * writes and truncation are refused (ETXTBSY) */
	u64 size GUARDED_BY(&lock); /* a file's size (its owner keeps it current, vm_object_
				     * set_size): a mapping's pages past it raise SIGBUS; ~0 for
				     * shared anonymous memory */
	/* Linux's i_mmap_writable: > 0, the regions of shared mappings that may write to it (a
	 * region with VMA_SHARED and without VMA_NOWRITE, one count per region: a split adds
	 * one, a merge or unmap takes one); < 0, a write seal denies new ones (memfd
	 * F_SEAL_WRITE, fs/vfs/memfd.c). */
	i32 writable_maps GUARDED_BY(&lock);
};

/* vm_object_new - an empty object with one reference; NULL when memory is short. */
struct vm_object *vm_object_new(void);
void vm_object_get(struct vm_object *o);
/* vm_object_put - drop a reference; the last one frees every page the object holds. */
void vm_object_put(struct vm_object *o);
/*
 * vm_object_page - a new reference to page `index` in *out (*out empty), creating a zeroed
 * page when there is none and `create`. Returns 0, -ENOENT (absent, !create), -ENOMEM.
 */
int vm_object_page(struct vm_object *o, u64 index, bool create, struct frame *out);
/*
 * vm_object_map_cached - map into `vs` the pages index .. index+n-1 that the object holds,
 * page index+i at va+i*PAGE with `prot`, skipping `skip_va` (the page the caller maps itself)
 * and pages already mapped; absent pages and pages wholly past the end are left alone.
 * Fault-around's window in one hold of the object's lock. Nothing fails: a page that cannot
 * be mapped is left to its own fault.
 */
void vm_object_map_cached(struct vm_object *o, u64 index, u64 n, const struct vmspace_ref *vs,
			  u64 va, unsigned prot, u64 skip_va);
/* vm_object_read - `dst` from byte `pos` (holes read as zeros). 0 or -errno. */
int vm_object_read(struct vm_object *o, u64 pos, struct bytes dst);
/* vm_object_write - `src` at byte `pos`, creating at most `max_new` pages (*added: how many):
 * the bytes written, short when the allowance or memory ran out; -ENOSPC or -ENOMEM when
 * nothing could be written. */
struct result_size vm_object_write(struct vm_object *o, u64 pos, struct bytes src,
				   u64 max_new, u64 *added);
/* vm_object_read_user - `count` bytes from `pos` straight into the user writer (one copy):
 * the bytes copied, or -EFAULT when none could be. */
struct result_size vm_object_read_user(struct vm_object *o, u64 pos, u64 count,
				       struct vm_writer *w);
/* vm_object_truncate - drop the pages from byte `size` on and zero the tail of the page
 * `size` falls in (mappings keep the frames they hold): how many pages were dropped. */
u64 vm_object_truncate(struct vm_object *o, u64 size);
/* vm_object_set_size - the file's size now (faults on pages wholly past it are refused). */
void vm_object_set_size(struct vm_object *o, u64 size);
/* vm_object_page_in_size - whether page `index` has bytes below the object's size. */
bool vm_object_page_in_size(struct vm_object *o, u64 index);
/* vm_object_deny_write / vm_object_allow_write - a memory map starts / stops running the file
 * as its program (exec, fork, the map's end). vm_object_write_denied - whether one does:
 * the file's owner refuses writes and truncation then, with -ETXTBSY, as Linux. */
void vm_object_deny_write(struct vm_object *o);
void vm_object_allow_write(struct vm_object *o);
bool vm_object_write_denied(struct vm_object *o);
/* vm_object_map_writable - a shared mapping that may write to the object is made (a region,
 * vm/map.c): false (nothing counted) when a write seal denies them (Linux's
 * mapping_map_writable, -EPERM). vm_object_unmap_writable - such a region is gone.
 * vm_object_deny_writable - F_SEAL_WRITE: -EBUSY while such a region exists; else new ones
 * are denied from now on (Linux's mapping_deny_writable). */
bool vm_object_map_writable(struct vm_object *o);
void vm_object_unmap_writable(struct vm_object *o);
int vm_object_deny_writable(struct vm_object *o);
/* vm_object_next_page - the least index >= from of a page the object holds, into *index:
 * true, or false when it holds none there (lseek SEEK_DATA/SEEK_HOLE). */
bool vm_object_next_page(struct vm_object *o, u64 from, u64 *index);
/* vm_object_pages - how many pages the object holds (tests, accounting). */
u64 vm_object_pages(struct vm_object *o);

/* --- memory maps (vm/map.c) ---------------------------------------------------------------- */

#define VM_STACK_MAX (8ull << 20)       /* how far a MAP_GROWSDOWN region grows (RLIMIT_STACK) */
#define VM_FAULT_AROUND 16              /* pages one read fault of a file mapping maps */
#define VM_STACK_GUARD_GAP (256ull << 12) /* kept free below it (Linux's stack_guard_gap) */

enum vma_flags {
	VMA_SHARED = 1u << 0,    /* MAP_SHARED: stores reach the object */
	VMA_GROWSDOWN = 1u << 1, /* a stack: a fault just below it extends it */
	VMA_DONTFORK = 1u << 2,  /* madvise(MADV_DONTFORK): not in a fork's child */
	VMA_LOCKED = 1u << 3,    /* mlock: accounting only */
	VMA_STACK = 1u << 4,     /* the main thread's stack ([stack] in /proc/PID/maps) */
	VMA_HEAP = 1u << 5,      /* brk's region ([heap]) */
	VMA_NOWRITE = 1u << 6,   /* shared file mapping of a file opened read-only: mprotect may
				  * not add PROT_WRITE */
	VMA_VDSO = 1u << 7,      /* the vDSO's text ([vdso], fw/vdso.h): private, pgoff is the
				  * page's index in the image; an absent page faults back in */
	VMA_VVAR = 1u << 8,      /* the vDSO's data page ([vvar]): read-only for good
				  * (mprotect adding write or exec: -EACCES, as Linux) */
	VMA_NOEXEC = 1u << 9,    /* a file on a noexec mount: mprotect may not add PROT_EXEC
				  * (-EACCES: Linux's mapping without VM_MAYEXEC) */
};

struct vma {
	struct tree_link node; /* key: start */
	u64 start, end;        /* page-aligned, [start, end) */
	u32 prot;              /* enum vm_prot bits; 0 is PROT_NONE */
	u32 flags;             /* enum vma_flags */
	struct vm_object *obj; /* a reference; NULL for private anonymous memory */
	u64 pgoff;             /* obj's page index at `start` */
	/* A file mapping: the path it was made through (references, as Linux's vm_file), which
	 * /proc/PID/maps prints as it is now (after a rename; "(deleted)" once removed); both
	 * NULL otherwise. Dropping them takes vfs_lock (an rwsem: it sleeps), never done under a map's
	 * spinlock: a freed region with a path waits on a list (`dead`) until vm_reap. */
	struct vfs_path file;
	struct vma *dead;
};
DEFINE_TREE(vma_tree, struct vma, node, spinlock);

struct vm_map {
	struct refcount refs;     /* processes (threads) using it */
	struct vmspace_ref vs;    /* immutable: the address space (the map's one reference) */
	struct spinlock lock;
	struct vma_tree vmas GUARDED_BY(&lock);
	u64 brk_start GUARDED_BY(&lock), brk GUARDED_BY(&lock);
	u64 mmap_base GUARDED_BY(&lock); /* mmap hands out addresses below this */
	u64 locked_bytes GUARDED_BY(&lock); /* mlock accounting */
	struct vm_object *exe GUARDED_BY(&lock); /* the program's file (a reference, with its
						   * writes denied), or NULL */
	/* Set by exec before the map is in use, then fixed: where the initial stack holds the
	 * argument and environment strings (/proc/PID/cmdline, environ). */
	u64 arg_start, arg_end, env_start, env_end;
	/* Set by the fault handler when a kernel user copy's fault (VM_FAULT_KERNEL) found no
	 * frame; the process's task takes it
	 * (vm_map_take_oom) after a system call, to apply the out-of-memory policy that a fault
	 * from a kernel user copy cannot (the handler may not sleep there). */
	struct atomic_flag oom_hit;
};

/* A region description, as /proc/PID/maps prints one. */
struct vm_region_info {
	u64 start, end, pgoff;
	u32 prot, flags;
	bool file; /* backed by an object (a file or shared anonymous memory) */
	bool exe;  /* backed by the program's file (the map's exe) */
};

/* vm_map_create - an empty map with a fresh address space (fault handler vm_fault). */
struct vm_map *vm_map_create(void);
void vm_map_get(struct vm_map *m);
/* vm_map_put - drop a reference; the last one unmaps everything and frees the space.
 * Needs: the space is not active on any CPU when the last reference goes. */
void vm_map_put(struct vm_map *m);
/* vm_map_fork - a copy of m for fork(): private regions copy-on-write (no byte copied),
 * shared ones shared, VMA_DONTFORK ones left out. NULL when memory is short. */
struct vm_map *vm_map_fork(struct vm_map *m);
/* vm_map_fork_into - the same copy into `dst`, an empty map (proc_create's): 0, -EEXIST
 * (dst has regions), -ENOMEM (dst holds part of the copy: put it). */
int vm_map_fork_into(struct vm_map *dst, struct vm_map *src);
/* vm_map_take_oom - whether a fault in m found no frame since the last call (and clear it).
 * One load in the common case. */
static inline bool vm_map_take_oom(struct vm_map *m)
{
	if (!atomic_flag_load(&m->oom_hit))
		return false;
	atomic_flag_store(&m->oom_hit, false); /* a thread's hit in between is taken with it */
	return true;
}
/* vm_map_of - the map whose address space is vs (for the fault handler), or NULL. */
struct vm_map *vm_map_of(struct vmspace *vs);

/* vm_map_add - a region [start, end) with prot/flags, backed by `obj` (a new reference is
 * taken; NULL: anonymous) from page pgoff. Whatever was mapped there is unmapped first. */
int vm_map_add(struct vm_map *m, u64 start, u64 end, u32 prot, u32 flags,
	       struct vm_object *obj, u64 pgoff);
/* vm_map_add_file - vm_map_add for a file mapping made through `file` (new references are
 * taken for the region: /proc/PID/maps names it). */
int vm_map_add_file(struct vm_map *m, u64 start, u64 end, u32 prot, u32 flags,
		    struct vm_object *obj, u64 pgoff, struct vfs_path file);
/* vm_map_unmap - remove [start, end) from every region (splitting them) and its pages. */
int vm_map_unmap(struct vm_map *m, u64 start, u64 end);
/* vm_map_protect - mprotect: -ENOMEM when part of the range is not mapped (nothing changed). */
int vm_map_protect(struct vm_map *m, u64 start, u64 end, u32 prot);
/* vm_map_free_range - whether nothing is mapped in [start, end). */
bool vm_map_free_range(struct vm_map *m, u64 start, u64 end);
/* vm_map_find_gap - the highest free, page-aligned range of `len` bytes below the mmap base
 * and above `floor`: its start, or 0 when there is none. */
u64 vm_map_find_gap(struct vm_map *m, u64 len, u64 floor);
/* vm_map_region_at - the description of the region containing addr: 0, or -ENOENT. */
int vm_map_region_at(struct vm_map *m, u64 addr, struct vm_region_info *out);
/* vm_map_region_next - the first region starting at or after addr: 0, or -ENOENT. */
int vm_map_region_next(struct vm_map *m, u64 addr, struct vm_region_info *out);
/* vm_map_region_file - the path the file mapping containing addr was made through
 * (references for the caller, vfs_path_put), or an empty path (mnt and dentry NULL). */
struct vfs_path vm_map_region_file(struct vm_map *m, u64 addr);
/* vm_map_page_cached - whether the region containing addr is backed by an object that holds
 * the page behind addr (mincore's page-cache residency of a file mapping). */
bool vm_map_page_cached(struct vm_map *m, u64 addr);
/*
 * The key futex waiters of one word meet on (futex(2)): a word in a shared mapping of an
 * object is (the object, its byte offset in it), so processes that map it at different
 * addresses meet; any other word is (the map, its address). Keys are compared, never
 * followed: an object freed while a key names it can only cause a spurious wake-up (which
 * futex waiters must tolerate), not an access.
 */
struct vm_futex_key {
	const struct vm_map *map;    /* NULL for an object key */
	const struct vm_object *obj; /* NULL for a map key */
	u64 off;                     /* the address, or the byte offset in obj */
};
/* vm_map_futex_key - the key of the word at addr; `priv` (FUTEX_PRIVATE_FLAG) always gives the
 * map key, as Linux does. */
struct vm_futex_key vm_map_futex_key(struct vm_map *m, u64 addr, bool priv);

/* vm_map_set_flags - set and clear enum vma_flags bits on [start, end) (madvise DONTFORK,
 * mlock; VMA_SHARED and VMA_NOWRITE never change); with `whole`, -ENOMEM when part of the
 * range is not mapped (nothing changed). */
int vm_map_set_flags(struct vm_map *m, u64 start, u64 end, u32 set, u32 clear, bool whole);
/* vm_map_discard - drop the pages of [start, end) (madvise DONTNEED/FREE): private memory reads
 * zeros (or the file) again, shared memory keeps its bytes. -ENOMEM for a hole; with
 * `anon_only`, -EINVAL when a region is not private anonymous memory or is locked. */
int vm_map_discard(struct vm_map *m, u64 start, u64 end, bool anon_only);
/* vm_map_remap's `how`: mremap's MREMAP_MAYMOVE and MREMAP_DONTUNMAP. */
enum vm_remap_how {
	VM_REMAP_MAYMOVE = 1u << 0,
	VM_REMAP_DONTUNMAP = 1u << 1,
};
/* vm_map_remap - mremap: shrink, grow in place, or (VM_REMAP_MAYMOVE) move to a free range
 * or to `fixed_to` (non-zero: MREMAP_FIXED), the pages moving with it. old_len 0 duplicates
 * a shared mapping. VM_REMAP_DONTUNMAP always moves and keeps the old range mapped, empty of
 * the pages that moved and no longer locked (-EINVAL for [vdso]/[vvar]). The new address,
 * or -EINVAL, -EFAULT (not one mapped region), -ENOMEM. */
i64 vm_map_remap(struct vm_map *m, u64 old, u64 old_len, u64 new_len, u32 how, u64 fixed_to);

/* vm_map_set_exe - the file this map runs as its program (exec): a reference, writes to it
 * denied while the map (or a fork of it) lives. */
void vm_map_set_exe(struct vm_map *m, struct vm_object *obj);

/* vm_fault - the page-fault handler of every map's address space (fw/vmspace.h): 0, -EFAULT
 * (no region: SIGSEGV, SEGV_MAPERR), -EACCES (a region without the right: SEGV_ACCERR, also
 * for a PROT_NONE page, whose entry is not present), -ENXIO for a page of a file mapping past the end of the file (SIGBUS), or
 * -ENOMEM when no frame could be had (the caller retries, then gives up: OOM). */
int vm_fault(struct vmspace *vs, struct uaddr addr, unsigned access);
/* vm_map_populate - fault in [start, end) now (MAP_POPULATE, mlock, madvise WILLNEED). */
int vm_map_populate(struct vm_map *m, u64 start, u64 end, bool write);

#endif /* KERNEL_VM_VM_H */
