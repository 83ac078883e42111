/*
 * mm/vmspace.c — user address spaces (fw/vmspace.h) on the page-table walker of
 * arch/x86_64/mm/pt.c.
 *
 * A vmspace is a PML4 whose slots 256-511 are copies of the kernel's (kspace.c creates every
 * kernel PML4 slot at boot and never changes a slot afterwards, so the copies stay right) and
 * whose slots 0-255 hold the user mappings. Only pages below VM_USER_END, only untyped frames
 * (the handle API cannot name another kind) and always with the user bit: the kernel half can
 * neither be mapped nor unmapped from here.
 *
 * Each mapped page owns one reference to its frame (taken with frame_clone, kept "inside" the
 * page-table entry); unmapping drops it only after the TLB flush, so no CPU still reaches the
 * frame when it may be reused. Lock: vs->lock (interrupts off) serialises the tree.
 *
 * Activation (issue #14): each CPU has its active space (cpu_local.active_vs, its CR3) and each
 * task the space its user code sees (task.vs); the context switch loads the next task's space
 * when it differs (vmspace_switch_to), and a kernel-only task keeps whatever is loaded (no CR3
 * write, as Linux's lazy TLB). vs->cpus has a bit for every CPU whose CR3 may hold vs: set
 * before the CR3 write, cleared after the CR3 moves away; so a flush of a user range
 * (vmspace_flush) reaches only those CPUs, and destroy asks only them to let go.
 */
#include <fw/heap.h>
#include <fw/typecache.h>
#include <fw/vmspace.h>

#include "arch/x86_64/mm/pt.h"
#include "internal/mm.h"
#include "internal/percpu.h"
#include "internal/task.h"
#include "internal/x86.h"
#include "mm/mmlock.h"

struct vmspace {
	u64 root;                /* physical address of the PML4 */
	struct mm_lock lock;
	vmspace_fault_fn fault;  /* written once by the owner; read by the fault path */
	u64 cpus;                /* (atomic) CPUs whose CR3 may hold root: bit n = CPU n */
	u32 refs;                /* (atomic) references: 0 once torn down (the memory stays a
				  * vmspace: type-stable cache), so a late use is refused */
};

/* A reference the caller claims to hold: the space must not have been torn down. */
static bool vs_live(struct vmspace *vs)
{
	/* SAFETY: vs points into the vmspace cache (type-stable memory); an atomic load. */
	return vs && __atomic_load_n(&vs->refs, __ATOMIC_ACQUIRE) > 0;
}

DEFINE_TYPE_CACHE(vmspace, struct vmspace);

static unsigned to_mm_prot(unsigned prot)
{
	unsigned p = MM_PROT_READ | MM_PROT_USER;
	if (prot & VM_WRITE)
		p |= MM_PROT_WRITE;
	if (prot & VM_EXEC)
		p |= MM_PROT_EXEC;
	return p;
}

static bool page_ok(struct uaddr va)
{
	return (va.v & (VM_PAGE_SIZE - 1)) == 0 && va.v < VM_USER_END;
}

static bool range_ok(struct uaddr va, u64 len)
{
	return (va.v & (VM_PAGE_SIZE - 1)) == 0 && (len & (VM_PAGE_SIZE - 1)) == 0 &&
	       uaddr_range_ok(va, len);
}

struct vmspace *vmspace_create(void)
{
	struct vmspace *vs = KNEW(vmspace);
	if (!vs)
		return NULL;
	if (pt_table_alloc(&vs->root)) {
		KFREE(vmspace, vs);
		return NULL;
	}
	u64 *pml4 = pt_table_of(vs->root);
	const u64 *kpml4 = pt_table_of(kspace_root());
	/* SAFETY: both are tables of PT_ENTRIES entries (pt_table_of); the upper half only. */
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pml4[i] = kpml4[i];
	/* SAFETY: an atomic store to the new space's counter (not yet shared). */
	__atomic_store_n(&vs->refs, 1, __ATOMIC_RELEASE);
	return vs;
}

struct vmspace *vmspace_get(struct vmspace *vs)
{
	FW_CHECK(vs_live(vs), "vmspace_get of an address space that was torn down");
	/* SAFETY: an atomic increment of a live space's counter (the caller holds a reference). */
	__atomic_add_fetch(&vs->refs, 1, __ATOMIC_ACQ_REL);
	return vs;
}

static void vmspace_let_go(struct vmspace *vs);

/* Drop the reference a page-table entry held on the frame at pa. */
static void release_mapped_frame(u64 pa)
{
	struct frame h = { .pfn = pa >> MM_PAGE_SHIFT };
	frame_release(&h);
}

/* Unmap one page with the lock held; flush it everywhere; 1 if it was mapped, else 0. */
static int unmap_page_locked(struct vmspace *vs, u64 va)
{
	u64 pa;
	if (pt_unmap_page(vs->root, va, &pa))
		return 0;
	vmspace_flush(vs, va, MM_PAGE_SIZE);
	release_mapped_frame(pa);
	return 1;
}

void vmspace_put(struct vmspace *vs)
{
	if (!vs)
		return;
	/* SAFETY: vs points into the type-stable vmspace cache; the CAS loop decrements only a
	 * non-zero counter, so a put on a space already torn down (a double destroy through a
	 * stale pointer) is refused instead of tearing it down twice. */
	u32 r = __atomic_load_n(&vs->refs, __ATOMIC_ACQUIRE);
	do {
		if (r == 0) {
			FW_WARN("vmspace_put of an address space that was already torn down");
			return;
		}
		/* SAFETY: the CAS of the counter (see above). */
	} while (!__atomic_compare_exchange_n(&vs->refs, &r, r - 1, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	if (r != 1)
		return;
	vmspace_let_go(vs);
	/* Walk the mapped pages through pt_query, 2 MiB / 1 GiB holes skipped by level. */
	u64 flags = mm_lock_acquire(&vs->lock);
	for (u64 va = 0; va < VM_USER_END;) {
		unsigned level;
		if (pt_query(vs->root, va, NULL, NULL, &level) == 0) {
			unmap_page_locked(vs, va);
			va += MM_PAGE_SIZE;
			continue;
		}
		/* not mapped: skip to the next entry of the lowest level that exists */
		u64 step = MM_PAGE_SIZE;
		const u64 *t = pt_table_of(vs->root);
		for (unsigned l = 4; l >= 1; l--) {
			/* SAFETY: pte_index() < PT_ENTRIES, the table's length. */
			u64 e = t[pte_index(va, l)];
			if (!pte_present(e)) {
				step = pte_level_size(l);
				break;
			}
			if (l == 1)
				break;
			t = pt_table_of(pte_addr(e, l));
		}
		va = mm_align_down(va, step) + step;
	}
	pt_free_tree(vs->root, 0, PT_ENTRIES / 2 - 1);
	mm_lock_release(&vs->lock, flags);
	pt_table_free(vs->root);
	KFREE(vmspace, vs);
}

void vmspace_destroy(struct vmspace *vs)
{
	vmspace_put(vs);
}

int vmspace_map(struct vmspace *vs, struct uaddr va, const struct frame *f, unsigned prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!page_ok(va) || frame_is_empty(f) || (prot & ~(VM_READ | VM_WRITE | VM_EXEC)))
		return -EINVAL;
	struct frame ref = FRAME_EMPTY;
	int err = frame_clone(&ref, f);
	if (err)
		return err;
	u64 flags = mm_lock_acquire(&vs->lock);
	err = pt_map(vs->root, va.v, frame_paddr(&ref), MM_PAGE_SIZE, to_mm_prot(prot), PT_MAP_4K);
	mm_lock_release(&vs->lock, flags);
	if (err)
		frame_release(&ref);
	/* on success the reference now belongs to the page-table entry (released at unmap) */
	return err;
}

i64 vmspace_unmap(struct vmspace *vs, struct uaddr va, u64 len)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!range_ok(va, len))
		return -EINVAL;
	i64 n = 0;
	u64 flags = mm_lock_acquire(&vs->lock);
	for (u64 off = 0; off < len; off += MM_PAGE_SIZE)
		n += unmap_page_locked(vs, va.v + off);
	mm_lock_release(&vs->lock, flags);
	return n;
}

int vmspace_protect(struct vmspace *vs, struct uaddr va, u64 len, unsigned prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!range_ok(va, len) || len == 0 || (prot & ~(VM_READ | VM_WRITE | VM_EXEC)))
		return -EINVAL;
	u64 flags = mm_lock_acquire(&vs->lock);
	int err = pt_protect(vs->root, va.v, len, to_mm_prot(prot));
	mm_lock_release(&vs->lock, flags);
	if (!err)
		vmspace_flush(vs, va.v, len);
	return err;
}

int vmspace_query(struct vmspace *vs, struct uaddr va, unsigned *prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (va.v >= VM_USER_END)
		return -EINVAL;
	unsigned p;
	u64 flags = mm_lock_acquire(&vs->lock);
	int err = pt_query(vs->root, va.v, NULL, &p, NULL);
	mm_lock_release(&vs->lock, flags);
	if (err)
		return err;
	if (prot)
		*prot = VM_READ | ((p & MM_PROT_WRITE) ? VM_WRITE : 0) |
			((p & MM_PROT_EXEC) ? VM_EXEC : 0);
	return 0;
}

int vmspace_frame_at(struct vmspace *vs, struct uaddr va, struct frame *out)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (va.v >= VM_USER_END)
		return -EINVAL;
	u64 pa;
	u64 flags = mm_lock_acquire(&vs->lock);
	int err = pt_query(vs->root, mm_align_down(va.v, MM_PAGE_SIZE), &pa, NULL, NULL);
	if (!err)
		err = frame_handle_from_paddr(pa, out);
	mm_lock_release(&vs->lock, flags);
	return err;
}

/* ---- activation ------------------------------------------------------------------------ */

/* Load vs (NULL: the kernel's tables) into this CPU's CR3 and keep vs->cpus right. IRQs off. */
static void load_on_this_cpu(struct vmspace *vs)
{
	struct cpu_local *c = this_cpu();
	struct vmspace *old = c->active_vs;
	if (old == vs)
		return;
	u64 bit = 1ull << c->id;
	if (vs) {
		/* SAFETY: atomic OR on a live space's mask, before the CR3 write: a flush that
		 * reads the mask after this sees the bit; one that read it before wrote its PTEs
		 * before, so the CR3 load below already walks the new entries. */
		__atomic_fetch_or(&vs->cpus, bit, __ATOMIC_SEQ_CST);
		/* SAFETY: vs->root is a valid PML4 whose kernel half equals the kernel's. */
		write_cr3(vs->root);
	} else {
		/* SAFETY: the kernel's own tables. */
		write_cr3(kspace_root());
	}
	c->active_vs = vs;
	if (old)
		/* SAFETY: old is alive until this CPU's bit is gone (vmspace_destroy waits for
		 * it): this clear is the last access. */
		__atomic_fetch_and(&old->cpus, ~bit, __ATOMIC_SEQ_CST);
}

void vmspace_activate(struct vmspace *vs)
{
	FW_CHECK(!vs || vs_live(vs), "vmspace_activate of an address space that was torn down");
	u64 f = irq_save();
	struct task *me = task_current();
	if (me)
		me->vs = vs;
	load_on_this_cpu(vs);
	irq_restore(f);
}

void vmspace_deactivate(void)
{
	vmspace_activate(NULL);
}

struct vmspace *vmspace_current(void)
{
	struct task *me = task_current();
	return me ? me->vs : NULL;
}

void vmspace_switch_to(struct task *next)
{
	if (next->vs)
		load_on_this_cpu(next->vs);
}

void vmspace_cpu_let_go(struct vmspace *vs)
{
	if (this_cpu()->active_vs == vs)
		load_on_this_cpu(NULL);
}

void vmspace_flush(struct vmspace *vs, u64 va, u64 len)
{
	u64 f = irq_save();
	/* SAFETY: an atomic read of the mask after the PTE writes (seq_cst, see load_on_this_cpu). */
	u64 mask = __atomic_load_n(&vs->cpus, __ATOMIC_SEQ_CST);
	u64 self = 1ull << this_cpu()->id;
	if (mask & self)
		tlb_flush_local(va, len);
	if (mask & ~self)
		tlb_shootdown_cpus(mask & ~self, va, len, NULL);
	irq_restore(f);
}

/* Make sure no CPU and not the calling task still uses vs (destroy). */
static void vmspace_let_go(struct vmspace *vs)
{
	u64 f = irq_save();
	struct task *me = task_current();
	if (me && me->vs == vs)
		me->vs = NULL;
	vmspace_cpu_let_go(vs);
	/* SAFETY: an atomic read of the mask; the CPUs left in it hold vs lazily (a kernel task
	 * runs there after a task of vs): the shootdown makes them load the kernel's tables. */
	u64 others = __atomic_load_n(&vs->cpus, __ATOMIC_SEQ_CST) & ~(1ull << this_cpu()->id);
	if (others)
		tlb_shootdown_cpus(others, 0, ~0ull, vs);
	irq_restore(f);
}

void vmspace_set_fault_handler(struct vmspace *vs, vmspace_fault_fn fn)
{
	if (!vs_live(vs))
		return;
	/* SAFETY: an atomic store to a field of a live vmspace. */
	__atomic_store_n(&vs->fault, fn, __ATOMIC_RELEASE);
}

int vmspace_handle_fault(struct vmspace *vs, struct uaddr addr, unsigned access)
{
	if (!vs_live(vs))
		return -EFAULT;
	/* SAFETY: an atomic load from a field of a live vmspace. */
	vmspace_fault_fn fn = __atomic_load_n(&vs->fault, __ATOMIC_ACQUIRE);
	if (!fn || addr.v >= VM_USER_END)
		return -EFAULT;
	return fn(vs, addr, access);
}
