/*
 * mm.c — memory system calls: brk, mmap (anonymous and file, private and shared), munmap,
 * mprotect, mremap, madvise, mincore, msync and the mlock family (accounting only). Each
 * decodes and checks its arguments as the man page says, then makes one call into the
 * process's memory map (vm/vm.h); pages come on the first touch (vm/fault.c).
 */
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <syscall/syscall.h>
#include <uapi/mman.h>

#define PAGE_MASK ((u64)VM_PAGE_SIZE - 1)
#define PROT_BITS (UAPI_PROT_READ | UAPI_PROT_WRITE | UAPI_PROT_EXEC)
#define MMAP_MIN_ADDR 0x10000ull /* Linux's vm.mmap_min_addr default */
/* Flags mmap accepts (MAP_SHARED_VALIDATE refuses any other with -EOPNOTSUPP). */
#define MAP_KNOWN                                                                           \
	(UAPI_MAP_TYPE | UAPI_MAP_FIXED | UAPI_MAP_ANONYMOUS | UAPI_MAP_32BIT |             \
	 UAPI_MAP_GROWSDOWN | UAPI_MAP_DENYWRITE | UAPI_MAP_EXECUTABLE | UAPI_MAP_LOCKED |   \
	 UAPI_MAP_NORESERVE | UAPI_MAP_POPULATE | UAPI_MAP_NONBLOCK | UAPI_MAP_STACK |       \
	 UAPI_MAP_FIXED_NOREPLACE)

/* page_up - v rounded up to a page; false when that overflows. */
static bool page_up(u64 v, u64 *out)
{
	if (v > ~0ull - PAGE_MASK)
		return false;
	*out = (v + PAGE_MASK) & ~PAGE_MASK;
	return true;
}

/* as_allows - RLIMIT_AS: whether p's mappings may grow by `grow` bytes (Linux's may_expand_vm;
 * the regions are only summed when a limit is set). */
static bool as_allows(struct thread *p, u64 grow)
{
	u64 lim = proc_rlimit_cur(p, UAPI_RLIMIT_AS);
	if (lim == PROC_RLIM_INFINITY)
		return true;
	u64 total = 0, at = 0;
	struct vm_region_info r;
	while (total <= lim && !vm_map_region_next(p->mm, at, &r)) {
		total += r.end - r.start;
		at = r.end;
	}
	return grow <= lim && total <= lim - grow;
}

SYSCALL_DEFINE1(brk, ulong, want)
{
	struct vm_map *m = p->mm;
	spin_lock(&m->lock);
	u64 start = m->brk_start, cur = m->brk;
	spin_unlock(&m->lock);
	u64 old_end, new_end;
	if (want < start || !page_up(cur, &old_end) || !page_up(want, &new_end) ||
	    new_end >= VM_USER_END)
		return (i64)cur; /* Linux: the current break on any refusal */
	if (new_end > old_end) {
		/* RLIMIT_DATA bounds the heap (check_data_rlimit), RLIMIT_AS every mapping */
		if (new_end - start > proc_rlimit_cur(p, UAPI_RLIMIT_DATA) ||
		    !as_allows(p, new_end - old_end))
			return (i64)cur;
		/* The heap may not grow into another mapping, nor to less than a page below one
		 * (Linux's brk: newbrk + PAGE_SIZE must not pass the next mapping's start). */
		u64 check_end = new_end + VM_PAGE_SIZE < VM_USER_END ? new_end + VM_PAGE_SIZE
								     : VM_USER_END;
		if (!vm_map_free_range(m, old_end, check_end) ||
		    vm_map_add(m, old_end, new_end, VM_READ | VM_WRITE, VMA_HEAP, NULL, 0))
			return (i64)cur;
	} else if (new_end < old_end && vm_map_unmap(m, new_end, old_end)) {
		return (i64)cur;
	}
	spin_lock(&m->lock);
	m->brk = want;
	spin_unlock(&m->lock);
	return (i64)want;
}

/* map_file - the object fd's file ops map (file_ops.mmap: a regular file's page cache) for a
 * mapping with `prot` and `shared`, checking the open
 * mode and the mount's noexec as mmap(2) does; *nowrite tells a shared mapping that may never
 * become writable, *noexec a mapping that may never become executable; *path is where the
 * file was opened (references, for the region: /proc/PID/maps names it). */
static struct vm_object *map_file(struct thread *p, int fd, u64 prot, bool shared,
				  bool *nowrite, bool *noexec, struct vfs_path *path, i64 *err)
{
	struct file *f = fd < 0 ? NULL : proc_fd_get(p, fd);
	*err = -EBADF;
	if (!f || (f->flags & VFS_O_PATH))
		return NULL; /* an O_PATH descriptor opens nothing */
	*err = -ENODEV; /* pipes, sockets, devices, directories: nothing to map */
	struct vm_object *obj = f->ops->mmap && f->dentry ? f->ops->mmap(f) : NULL;
	if (!obj)
		return NULL;
	u32 acc = f->flags & VFS_O_ACCMODE;
	*err = -EACCES;
	if (acc == VFS_O_WRONLY)
		return NULL;
	*nowrite = acc != VFS_O_RDWR || (f->flags & VFS_O_APPEND);
	if (shared && (prot & UAPI_PROT_WRITE) && *nowrite)
		return NULL;
	i64 seals = vfs_seals(f); /* a write-sealed file: no writable shared mapping */
	*err = -EPERM;
	if (seals > 0 && (seals & (VFS_SEAL_WRITE | VFS_SEAL_FUTURE_WRITE)) && shared) {
		if (prot & UAPI_PROT_WRITE)
			return NULL;
		*nowrite = true; /* Linux clears VM_MAYWRITE: mprotect cannot add it */
	}
	*err = -EPERM; /* Linux's path_noexec: no executable mapping from a noexec mount */
	*noexec = vfs_mnt_flags(f->mnt) & VFS_MNT_NOEXEC;
	if ((prot & UAPI_PROT_EXEC) && *noexec)
		return NULL;
	*err = 0;
	*path = vfs_file_path(f);
	return obj;
}

/* mmap: Linux's x86-64 prototype takes every argument as unsigned long; fget() then reads the
 * descriptor as an unsigned int (its low 32 bits). */
SYSCALL_DEFINE6(mmap, ulong, addr, ulong, len, ulong, prot, ulong, flags, int, fd, ulong, off)
{
	u64 type = flags & UAPI_MAP_TYPE;
	if (type == UAPI_MAP_SHARED_VALIDATE && (flags & ~(u64)MAP_KNOWN))
		return -EOPNOTSUPP;
	if (type != UAPI_MAP_SHARED && type != UAPI_MAP_PRIVATE &&
	    type != UAPI_MAP_SHARED_VALIDATE)
		return -EINVAL;
	bool shared = type != UAPI_MAP_PRIVATE, anon = flags & UAPI_MAP_ANONYMOUS;
	if (len == 0 || (prot & ~(u64)PROT_BITS) || (off & PAGE_MASK))
		return -EINVAL;
	if (!page_up(len, &len) || len > VM_USER_END)
		return -ENOMEM;
	u64 end_off;
	if (!anon && fw_add_overflow(off, len, &end_off))
		return -EOVERFLOW;
	if (!as_allows(p, len)) /* a MAP_FIXED replacement is counted whole */
		return -ENOMEM;
	struct vm_map *m = p->mm;
	bool fixed = flags & (UAPI_MAP_FIXED | UAPI_MAP_FIXED_NOREPLACE);
	if (fixed) {
		if (addr & PAGE_MASK)
			return -EINVAL;
		if (!uaddr_range_ok(uaddr(addr), len))
			return -ENOMEM;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
		if ((flags & UAPI_MAP_FIXED_NOREPLACE) && !(flags & UAPI_MAP_FIXED) &&
		    !vm_map_free_range(m, addr, addr + len))
			return -EEXIST;
	}
	bool nowrite = false, noexec = false;
	i64 err = 0;
	struct vm_object *obj = NULL;
	struct vfs_path path = { 0 };
	if (!anon) {
		obj = map_file(p, fd, prot, shared, &nowrite, &noexec, &path, &err);
		if (!obj)
			return err;
		vm_object_get(obj);
	} else if (shared) {
		obj = vm_object_new(); /* shared anonymous memory: an object of its own */
		if (!obj)
			return -ENOMEM;
		off = 0;
	}
	if (!fixed) {
		/* A hint is taken when the range there is free; otherwise the highest gap. */
		if (addr && !(addr & PAGE_MASK) && addr >= MMAP_MIN_ADDR &&
		    uaddr_range_ok(uaddr(addr), len) && vm_map_free_range(m, addr, addr + len))
			;
		else
			addr = vm_map_find_gap(m, len, MMAP_MIN_ADDR);
		if (!addr) {
			vm_object_put(obj);
			if (path.dentry)
				vfs_path_put(path);
			return -ENOMEM;
		}
	}
	u32 vflags = (shared ? VMA_SHARED : 0) | (nowrite ? VMA_NOWRITE : 0) |
		     (noexec ? VMA_NOEXEC : 0) |
		     ((flags & UAPI_MAP_GROWSDOWN) ? VMA_GROWSDOWN : 0) |
		     ((flags & UAPI_MAP_LOCKED) ? VMA_LOCKED : 0);
	int e = vm_map_add_file(m, addr, addr + len, (u32)prot, vflags, obj, off / VM_PAGE_SIZE,
				path);
	vm_object_put(obj); /* the region holds its own references */
	if (path.dentry)
		vfs_path_put(path);
	if (e)
		return e;
	if (flags & (UAPI_MAP_POPULATE | UAPI_MAP_LOCKED))
		(void)vm_map_populate(m, addr, addr + len, false); /* best effort, as Linux */
	return (i64)addr;
}

SYSCALL_DEFINE2(munmap, ulong, addr, size, len_in)
{
	u64 len;
	if ((addr & PAGE_MASK) || len_in == 0 || !page_up(len_in, &len) ||
	    !uaddr_range_ok(uaddr(addr), len))
		return -EINVAL;
	return vm_map_unmap(p->mm, addr, addr + len);
}

SYSCALL_DEFINE3(mprotect, ulong, addr, size, len_in, ulong, prot)
{
	u64 len;
	if ((addr & PAGE_MASK) || (prot & ~(u64)(PROT_BITS | UAPI_PROT_GROWSDOWN)) ||
	    !page_up(len_in, &len))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!uaddr_range_ok(uaddr(addr), len))
		return -ENOMEM;
	return vm_map_protect(p->mm, addr, addr + len, (u32)(prot & PROT_BITS));
}

/* mremap: as Linux's mm/mremap.c, every argument unsigned long. MREMAP_DONTUNMAP needs
 * MREMAP_MAYMOVE and old_len == new_len (compared as given); with it or MREMAP_FIXED,
 * new_addr is page-aligned and the two ranges may not overlap. Growth counts against
 * RLIMIT_AS, and a DONTUNMAP move by the whole length (the old range stays). */
SYSCALL_DEFINE5(mremap, ulong, old, ulong, old_len_in, ulong, new_len_in, ulong, flags,
		ulong, new_addr)
{
	u64 old_len, new_len;
	u64 known = UAPI_MREMAP_MAYMOVE | UAPI_MREMAP_FIXED | UAPI_MREMAP_DONTUNMAP;
	bool fixed = flags & UAPI_MREMAP_FIXED, dontunmap = flags & UAPI_MREMAP_DONTUNMAP;
	if ((flags & ~known) || ((fixed || dontunmap) && !(flags & UAPI_MREMAP_MAYMOVE)))
		return -EINVAL;
	if (dontunmap && old_len_in != new_len_in)
		return -EINVAL; /* always a move, never a resize */
	if ((old & PAGE_MASK) || !page_up(old_len_in, &old_len) || !page_up(new_len_in, &new_len) ||
	    new_len == 0)
		return -EINVAL;
	if (fixed || dontunmap) {
		if ((new_addr & PAGE_MASK) || new_len > VM_USER_END ||
		    new_addr > VM_USER_END - new_len)
			return -EINVAL;
		if (old + old_len > new_addr && new_addr + new_len > old)
			return -EINVAL; /* the ranges overlap */
	}
	if (fixed && (new_addr < MMAP_MIN_ADDR || !uaddr_range_ok(uaddr(new_addr), new_len)))
		return -EINVAL;
	if (!as_allows(p, dontunmap ? new_len : new_len > old_len ? new_len - old_len : 0))
		return -ENOMEM;
	u32 how = ((flags & UAPI_MREMAP_MAYMOVE) ? VM_REMAP_MAYMOVE : 0) |
		  (dontunmap ? VM_REMAP_DONTUNMAP : 0);
	return vm_map_remap(p->mm, old, old_len, new_len, how, fixed ? new_addr : 0);
}

SYSCALL_DEFINE3(madvise, ulong, addr, size, len_in, int, advice)
{
	u64 len;
	if ((addr & PAGE_MASK) || !page_up(len_in, &len))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!uaddr_range_ok(uaddr(addr), len))
		return -EINVAL;
	u64 end = addr + len;
	switch (advice) {
	case UAPI_MADV_NORMAL:
	case UAPI_MADV_RANDOM:
	case UAPI_MADV_SEQUENTIAL:
	case UAPI_MADV_MERGEABLE:
	case UAPI_MADV_UNMERGEABLE:
	case UAPI_MADV_HUGEPAGE:
	case UAPI_MADV_NOHUGEPAGE:
	case UAPI_MADV_DONTDUMP:
	case UAPI_MADV_DODUMP:
		return vm_map_set_flags(p->mm, addr, end, 0, 0, true); /* hints: only checked */
	case UAPI_MADV_WILLNEED:
		if (vm_map_set_flags(p->mm, addr, end, 0, 0, true))
			return -ENOMEM;
		(void)vm_map_populate(p->mm, addr, end, false); /* a hint: best effort */
		return 0;
	case UAPI_MADV_DONTNEED:
		return vm_map_discard(p->mm, addr, end, false);
	case UAPI_MADV_FREE:
		return vm_map_discard(p->mm, addr, end, true);
	case UAPI_MADV_DONTFORK:
		return vm_map_set_flags(p->mm, addr, end, VMA_DONTFORK, 0, true);
	case UAPI_MADV_DOFORK:
		return vm_map_set_flags(p->mm, addr, end, 0, VMA_DONTFORK, true);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE3(mincore, ulong, addr, size, len_in, uptr, vec)
{
	u64 len;
	if ((addr & PAGE_MASK))
		return -EINVAL;
	if (!page_up(len_in, &len) || !uaddr_range_ok(uaddr(addr), len))
		return -ENOMEM;
	if (vm_map_set_flags(p->mm, addr, addr + len, 0, 0, true) && len)
		return -ENOMEM;
	struct vm_writer w = vm_writer_user(vec, len / VM_PAGE_SIZE);
	u8 chunk[64];
	u64 n = 0;
	for (u64 pg = addr; pg < addr + len; pg += VM_PAGE_SIZE) {
		unsigned prot;
		/* mapped here, or (a file or shared mapping) in the object's page cache */
		chunk[n % sizeof chunk] = vmspace_query(&p->mm->vs, uaddr(pg), &prot) == 0 ||
					  vm_map_page_cached(p->mm, pg);
		n++;
		if (n % sizeof chunk == 0 || pg + VM_PAGE_SIZE >= addr + len) {
			u64 k = n % sizeof chunk ? n % sizeof chunk : sizeof chunk;
			struct result_size c = vm_write(&w, bytes_head(BYTES_OF_ARRAY(chunk), k));
			if (c.err || c.value < k)
				return -EFAULT;
		}
	}
	return 0;
}

SYSCALL_DEFINE3(msync, ulong, addr, size, len_in, int, flags)
{
	u64 len;
	u32 known = UAPI_MS_ASYNC | UAPI_MS_INVALIDATE | UAPI_MS_SYNC;
	if ((addr & PAGE_MASK) || ((u32)flags & ~known) ||
	    ((flags & UAPI_MS_ASYNC) && (flags & UAPI_MS_SYNC)) || !page_up(len_in, &len))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!uaddr_range_ok(uaddr(addr), len))
		return -ENOMEM;
	/* Mappings share the page cache's frames, and ramfs has nowhere else to write them. */
	return vm_map_set_flags(p->mm, addr, addr + len, 0, 0, true);
}

/* lock_range - mlock/munlock's range check and flag change. */
static i64 lock_range(struct thread *p, u64 addr, u64 len_in, bool lock)
{
	u64 start = addr & ~PAGE_MASK, end;
	if (fw_add_overflow(addr, len_in, &end) || !page_up(end, &end))
		return -ENOMEM;
	if (end == start)
		return 0;
	if (!uaddr_range_ok(uaddr(start), end - start))
		return -ENOMEM;
	i64 e = vm_map_set_flags(p->mm, start, end, lock ? VMA_LOCKED : 0, lock ? 0 : VMA_LOCKED,
				 true);
	if (!e && lock)
		(void)vm_map_populate(p->mm, start, end, false);
	return e;
}

SYSCALL_DEFINE2(mlock, ulong, addr, size, len)
{
	return lock_range(p, addr, len, true);
}

SYSCALL_DEFINE3(mlock2, ulong, addr, size, len, int, flags)
{
	if ((u32)flags & ~(u32)UAPI_MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(p, addr, len, true);
}

SYSCALL_DEFINE2(munlock, ulong, addr, size, len)
{
	return lock_range(p, addr, len, false);
}

SYSCALL_DEFINE1(mlockall, int, flags_in)
{
	u32 flags = (u32)flags_in;
	u32 known = UAPI_MCL_CURRENT | UAPI_MCL_FUTURE | UAPI_MCL_ONFAULT;
	if (!flags || (flags & ~known) || flags == UAPI_MCL_ONFAULT)
		return -EINVAL;
	if (flags & UAPI_MCL_CURRENT)
		(void)vm_map_set_flags(p->mm, VM_PAGE_SIZE, VM_USER_END, VMA_LOCKED, 0, false);
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	(void)vm_map_set_flags(p->mm, VM_PAGE_SIZE, VM_USER_END, 0, VMA_LOCKED, false);
	return 0;
}
