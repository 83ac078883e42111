/*
 * mm.c — memory system calls: brk, anonymous private mmap (file mappings are refused with
 * -ENODEV until the page cache exists), munmap and mprotect. Pages come on the first touch
 * (proc/mm.c's fault handler).
 */
#include <syscall/syscall.h>

#define PROT_MASK 7ull
#define MAP_SHARED 0x01ull
#define MAP_PRIVATE 0x02ull
#define MAP_FIXED 0x10ull
#define MAP_ANONYMOUS 0x20ull
#define MAP_FIXED_NOREPLACE 0x100000ull
#define PAGE_MASK ((u64)VM_PAGE_SIZE - 1)

static u64 page_up(u64 v)
{
	return (v + PAGE_MASK) & ~PAGE_MASK;
}

i64 sys_brk(struct process *p, const struct sc_args *a)
{
	u64 want = a->a[0];
	if (want < p->brk_start || want >= PROC_MMAP_BASE - PROC_STACK_MAX)
		return (i64)p->brk; /* Linux: the current break on any refusal */
	u64 old_end = page_up(p->brk), new_end = page_up(want);
	if (new_end > old_end && proc_add_region(p, old_end, new_end, VM_READ | VM_WRITE))
		return (i64)p->brk;
	if (new_end < old_end && proc_remove_range(p, new_end, old_end))
		return (i64)p->brk;
	p->brk = want;
	return (i64)want;
}

i64 sys_mmap(struct process *p, const struct sc_args *a)
{
	u64 addr = a->a[0], len = a->a[1], prot = a->a[2], flags = a->a[3];
	if (len == 0 || (prot & ~PROT_MASK) || len > VM_USER_END)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* file mappings: with the page cache */
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_PRIVATE)
		return -EINVAL; /* shared anonymous memory: not yet */
	len = page_up(len);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & PAGE_MASK) || !uaddr_range_ok(uaddr(addr), len) || addr < 0x10000)
			return -EINVAL;
		if (proc_remove_range(p, addr, addr + len))
			return -ENOMEM;
	} else {
		if (p->mmap_next < len || p->mmap_next - len < p->brk_start + PROC_STACK_MAX)
			return -ENOMEM;
		addr = p->mmap_next - len;
		p->mmap_next = addr;
	}
	return proc_add_region(p, addr, addr + len, (u32)prot) ? -ENOMEM : (i64)addr;
}

i64 sys_munmap(struct process *p, const struct sc_args *a)
{
	u64 addr = a->a[0], len = page_up(a->a[1]);
	if ((addr & PAGE_MASK) || len == 0 || !uaddr_range_ok(uaddr(addr), len))
		return -EINVAL;
	return proc_remove_range(p, addr, addr + len);
}

i64 sys_mprotect(struct process *p, const struct sc_args *a)
{
	u64 addr = a->a[0], len = page_up(a->a[1]), prot = a->a[2];
	if ((addr & PAGE_MASK) || (prot & ~PROT_MASK) || !uaddr_range_ok(uaddr(addr), len))
		return -EINVAL;
	return len ? proc_protect_range(p, addr, addr + len, (u32)prot) : 0;
}
