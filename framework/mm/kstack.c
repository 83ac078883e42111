/*
 * kstack.c — kernel stacks with guard pages, for tasks and the memory manager's tests.
 *
 * The stack region (internal/mm.h) is cut into KSTACK_SLOT-sized slots. Slot i starts with an
 * unmapped guard page, then KSTACK_PAGES mapped pages (read/write, no-execute), then
 * unmapped addresses up to the next slot. A stack that overflows runs into its guard page and
 * faults; the trap code asks kstack_guard_hit() whose guard it was and reports a stack
 * overflow. The frames are typed (FRAME_STACK): no service can obtain a handle to them.
 *
 * Locking: kstack_lock covers the slot table; the kspace and frame locks nest inside it.
 */
#include "internal/mm.h"
#include "internal/printk.h"
#include "mm/mmlock.h"

static struct mm_lock kstack_lock;
static u8 slot_used[KSTACK_MAX]; /* guarded by kstack_lock; read racily by the trap code */

static u64 slot_base(u32 slot)
{
	return KSTACK_BASE + (u64)slot * KSTACK_SLOT + MM_PAGE_SIZE;
}

/* Unmap and free the first `pages` pages of a stack at base. */
static void unmap_pages(u64 base, u32 pages)
{
	for (u32 i = 0; i < pages; i++) {
		u64 pa;
		if (kspace_unmap_page(base + (u64)i * MM_PAGE_SIZE, &pa) == 0)
			frame_free_typed(pa, 0);
	}
}

int kstack_alloc(struct kstack *out)
{
	u64 flags = mm_lock_acquire(&kstack_lock);
	u32 slot = KSTACK_MAX;
	for (u32 i = 0; i < KSTACK_MAX; i++) {
		if (!slot_used[i]) {
			slot = i;
			slot_used[i] = 1; /* reserved while we map it */
			break;
		}
	}
	mm_lock_release(&kstack_lock, flags);
	if (slot == KSTACK_MAX)
		return -ENOMEM;

	u64 base = slot_base(slot);
	for (u32 i = 0; i < KSTACK_PAGES; i++) {
		u64 pa;
		int err = frame_alloc_typed(FRAME_STACK, 0, true, &pa);
		if (!err) {
			err = kspace_map(base + (u64)i * MM_PAGE_SIZE, pa, MM_PAGE_SIZE,
					 MM_PROT_READ | MM_PROT_WRITE);
			if (err)
				frame_free_typed(pa, 0);
		}
		if (err) {
			unmap_pages(base, i);
			/* SAFETY: slot < KSTACK_MAX (the scan found it); atomic for the traps. */
			__atomic_store_n(&slot_used[slot], 0, __ATOMIC_RELEASE);
			return err;
		}
	}
	/* SAFETY: as above; release: the mappings are in place before traps see the slot live. */
	__atomic_store_n(&slot_used[slot], 2, __ATOMIC_RELEASE);
	out->base = base;
	out->top = base + KSTACK_PAGES * MM_PAGE_SIZE;
	out->slot = slot;
	return 0;
}

void kstack_free(struct kstack *ks)
{
	if (ks->slot >= KSTACK_MAX || slot_base(ks->slot) != ks->base)
		return;
	/* SAFETY: ks->slot < KSTACK_MAX (checked above); no longer live for the trap code. */
	__atomic_store_n(&slot_used[ks->slot], 1, __ATOMIC_RELEASE);
	unmap_pages(ks->base, KSTACK_PAGES);
	u64 flags = mm_lock_acquire(&kstack_lock);
	slot_used[ks->slot] = 0;
	mm_lock_release(&kstack_lock, flags);
	ks->base = ks->top = 0;
	ks->slot = KSTACK_MAX;
}

/* The live slot whose [guard, end of slot) holds addr, or KSTACK_MAX. */
static u32 slot_of(u64 addr)
{
	if (addr < KSTACK_BASE || addr - KSTACK_BASE >= (u64)KSTACK_MAX * KSTACK_SLOT)
		return KSTACK_MAX;
	u32 slot = (u32)((addr - KSTACK_BASE) / KSTACK_SLOT);
	/* SAFETY: slot < KSTACK_MAX (the range check above); an atomic read from trap context. */
	return __atomic_load_n(&slot_used[slot], __ATOMIC_ACQUIRE) == 2 ? slot : KSTACK_MAX;
}

const char *kstack_guard_hit(u64 addr)
{
	u32 slot = slot_of(addr);
	if (slot == KSTACK_MAX)
		return NULL;
	u64 guard = slot_base(slot) - MM_PAGE_SIZE;
	return addr >= guard && addr < guard + MM_PAGE_SIZE ? "kernel task" : NULL;
}

bool kstack_contains(u64 addr, u64 len)
{
	u32 slot = slot_of(addr);
	if (slot == KSTACK_MAX)
		return false;
	u64 lo = slot_base(slot), hi = lo + KSTACK_PAGES * MM_PAGE_SIZE;
	return addr >= lo && addr <= hi && len <= hi - addr;
}
