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
#include <fw/uaccess.h>
#include <fw/vmspace.h>

#include "arch/x86_64/mm/pt.h"
#include "internal/mm.h"
#include "arch/x86_64/percpu.h"
#include "internal/task.h"
#include "arch/x86_64/x86.h"
#include "mm/mmlock.h"
#include "internal/vmspace.h"

struct vmspace {
	u64 root;                /* physical address of the PML4 */
	struct mm_lock lock;
	vmspace_fault_fn fault;  /* written once by the owner; read by the fault path */
	u64 cpus;                /* (atomic) CPUs whose CR3 may hold root: bit n = CPU n */
	u32 refs;                /* (atomic) references: 0 once torn down (the memory stays a
				  * vmspace: type-stable cache), so a late use is refused */
	u64 pages;               /* leaves holding a frame, PROT_NONE ones too (written under
				  * lock; read atomically by vmspace_resident_pages) */
};

/* Count leaves gained or lost. Context: vs->lock held. */
static void count_pages(struct vmspace *vs, i64 delta)
{
	/* SAFETY: an atomic add to a live space's counter (the caller holds its lock). */
	__atomic_add_fetch(&vs->pages, (u64)delta, __ATOMIC_RELAXED);
}

/* A reference the caller claims to hold: the space must not have been torn down. */
static bool vs_live(struct vmspace *vs)
{
	/* SAFETY: vs points into the vmspace cache (type-stable memory); an atomic load. */
	return vs && __atomic_load_n(&vs->refs, __ATOMIC_ACQUIRE) > 0;
}

DEFINE_TYPE_CACHE(vmspace, struct vmspace);

/*
 * A user leaf is one level-1 entry. A present leaf maps its frame with the rights of
 * to_mm_prot(); a PROT_NONE page (prot 0) is a non-present entry that keeps the frame's
 * address and PTE_SW_NONE, so the page still holds its frame (and its contents) while every
 * user access faults. Both kinds own one frame reference; an entry of 0 is unmapped.
 * Bit 9 is ignored by the MMU in every entry (SDM vol. 3A §4.5, tables 4-19 and 4-20).
 */
#define PTE_SW_NONE (1ull << 9)
#define VM_PROT_BITS (VM_READ | VM_WRITE | VM_EXEC)
/* How many frames an unmap collects before one flush releases them. */
#define UNMAP_BATCH 64u

static unsigned to_mm_prot(unsigned prot)
{
	unsigned p = MM_PROT_READ | MM_PROT_USER;
	if (prot & VM_WRITE)
		p |= MM_PROT_WRITE;
	if (prot & VM_EXEC)
		p |= MM_PROT_EXEC;
	return p;
}

static u64 leaf_encode(u64 pa, unsigned prot)
{
	if (!(prot & VM_PROT_BITS))
		return (pa & PTE_ADDR_MASK) | PTE_SW_NONE;
	return pte_encode_leaf(pa, to_mm_prot(prot), 1, pt_nx_bit);
}

/* Whether leaf e holds a frame (a present page or a PROT_NONE one). */
static bool leaf_holds(u64 e)
{
	return pte_present(e) || (e & PTE_SW_NONE);
}

static u64 leaf_pa(u64 e)
{
	return e & PTE_ADDR_MASK;
}

/* The vm_prot rights of a leaf that holds a frame (0 for PROT_NONE). */
static unsigned leaf_prot(u64 e)
{
	if (!pte_present(e))
		return 0;
	unsigned p = pte_decode_prot(e, pt_nx_bit);
	return VM_READ | ((p & MM_PROT_WRITE) ? VM_WRITE : 0) | ((p & MM_PROT_EXEC) ? VM_EXEC : 0);
}

/* The references a leaf's frame has (the leaf's own included). */
static u32 leaf_refs(u64 e)
{
	struct frame h = { .pfn = leaf_pa(e) >> MM_PAGE_SHIFT };
	u32 n = frame_refcount(&h);
	h.pfn = 0; /* a view, not a reference: nothing to drop */
	return n;
}

/* Take one more reference to the frame of leaf e, for a second leaf. 0 or -errno. */
static int leaf_ref(u64 e)
{
	struct frame h = FRAME_EMPTY;
	int err = frame_handle_from_paddr(leaf_pa(e), &h);
	h.pfn = 0; /* the reference now belongs to the new leaf */
	return err;
}

static bool page_ok(struct uaddr va)
{
	return (va.v & (VM_PAGE_SIZE - 1)) == 0 && va.v < VM_USER_END;
}

/* A page that may hold a mapping: never below VM_USER_MIN, so a null pointer dereferenced
 * by kernel code (plus any field offset below 64 KiB) faults instead of reading user memory
 * as a kernel object. */
static bool mappable(struct uaddr va)
{
	return page_ok(va) && va.v >= VM_USER_MIN;
}

static bool range_ok(struct uaddr va, u64 len)
{
	return (va.v & (VM_PAGE_SIZE - 1)) == 0 && (len & (VM_PAGE_SIZE - 1)) == 0 &&
	       uaddr_range_ok(va, len);
}

/*
 * next_leaf - the first leaf at or after *va (below end) that holds a frame; *va moves to it.
 * Absent tables are skipped whole, and a present page table is scanned entry by entry (one
 * walk per table, not per page). NULL when there is none before end.
 */
static u64 *next_leaf(struct vmspace *vs, u64 *va, u64 end)
{
	while (*va < end) {
		u64 *e = NULL, hole_end = 0;
		int err = pt_leaf_entry(vs->root, *va, false, &e, &hole_end);
		if (err) {
			*va = err == -ENOENT ? hole_end : *va + MM_PAGE_SIZE;
			continue;
		}
		unsigned idx = pte_index(*va, 1);
		/* SAFETY: e is entry idx of a page table of PT_ENTRIES entries (pt_leaf_entry), so
		 * e - idx is the table's first entry and idx stays below PT_ENTRIES in the scan. */
		u64 *table = e - idx;
		for (;;) {
			/* SAFETY: idx < PT_ENTRIES (the loop's exit below). */
			if (leaf_holds(table[idx]))
				return &table[idx]; /* SAFETY: as above. */
			*va += MM_PAGE_SIZE;
			if (++idx == PT_ENTRIES || *va >= end)
				break;
		}
	}
	return NULL;
}

static void vmspace_let_go(struct vmspace *vs);

struct vmspace *vs_create(void)
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
	vs->pages = 0; /* the cache is type-stable: a reused space starts empty */
	/* SAFETY: an atomic store to the new space's counter (not yet shared). */
	__atomic_store_n(&vs->refs, 1, __ATOMIC_RELEASE);
	return vs;
}

struct vmspace *vs_get(struct vmspace *vs)
{
	FW_CHECK(vs_live(vs), "vmspace_get of an address space that was torn down");
	/* SAFETY: an atomic increment of a live space's counter (the caller holds a reference). */
	__atomic_add_fetch(&vs->refs, 1, __ATOMIC_ACQ_REL);
	return vs;
}

/* Drop the reference a page-table entry held on the frame at pa. */
static void release_mapped_frame(u64 pa)
{
	struct frame h = { .pfn = pa >> MM_PAGE_SHIFT };
	frame_release(&h);
}

/* The reference a leaf entry holds, dropped as its table goes (vmspace_put). */
static void release_leaf(u64 e)
{
	if (leaf_holds(e))
		release_mapped_frame(leaf_pa(e));
}

void vs_put(struct vmspace *vs)
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
	/* No CPU holds these tables any more (vmspace_let_go), so the frames go back without a
	 * flush. */
	u64 flags = mm_lock_acquire(&vs->lock);
	pt_free_tree_leaves(vs->root, 0, PT_ENTRIES / 2 - 1, release_leaf);
	mm_lock_release(&vs->lock, flags);
	pt_table_free(vs->root);
	KFREE(vmspace, vs);
}

void vs_destroy(struct vmspace *vs)
{
	vs_put(vs);
}

int vs_map(struct vmspace *vs, struct uaddr va, const struct frame *f, unsigned prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!mappable(va) || frame_is_empty(f) || (prot & ~VM_PROT_BITS))
		return -EINVAL;
	if ((prot & VM_WRITE) && frame_is_sealed(f))
		return -EPERM; /* the framework's bytes (the vDSO's): never writable by a process */
	struct frame ref = FRAME_EMPTY;
	int err = frame_clone(&ref, f);
	if (err)
		return err;
	u64 flags = mm_lock_acquire(&vs->lock);
	u64 *e = NULL;
	err = pt_leaf_entry(vs->root, va.v, true, &e, NULL);
	if (!err && *e)
		err = -EEXIST;
	if (!err) {
		*e = leaf_encode(frame_paddr(&ref), prot);
		ref.pfn = 0; /* the reference now belongs to the entry (released at unmap) */
		count_pages(vs, 1);
	}
	mm_lock_release(&vs->lock, flags);
	frame_release(&ref);
	return err;
}

int vs_replace(struct vmspace *vs, struct uaddr va, const struct frame *f, unsigned prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!mappable(va) || frame_is_empty(f) || (prot & ~VM_PROT_BITS))
		return -EINVAL;
	if ((prot & VM_WRITE) && frame_is_sealed(f))
		return -EPERM; /* the framework's bytes (the vDSO's): never writable by a process */
	struct frame ref = FRAME_EMPTY;
	int err = frame_clone(&ref, f);
	if (err)
		return err;
	u64 flags = mm_lock_acquire(&vs->lock);
	u64 *e = NULL, old = 0;
	err = pt_leaf_entry(vs->root, va.v, true, &e, NULL);
	if (!err) {
		old = *e;
		*e = leaf_encode(frame_paddr(&ref), prot);
		ref.pfn = 0;
		if (!leaf_holds(old))
			count_pages(vs, 1);
		if (pte_present(old))
			vmspace_flush(vs, va.v, MM_PAGE_SIZE);
	}
	mm_lock_release(&vs->lock, flags);
	frame_release(&ref);
	if (leaf_holds(old))
		release_mapped_frame(leaf_pa(old));
	return err;
}

i64 vs_unmap(struct vmspace *vs, struct uaddr va, u64 len)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!range_ok(va, len))
		return -EINVAL;
	i64 n = 0;
	u64 end = va.v + len, a = va.v;
	u64 flags = mm_lock_acquire(&vs->lock);
	while (a < end) {
		/* Clear up to UNMAP_BATCH leaves, flush their span once, then free the frames. */
		u64 batch[UNMAP_BATCH];
		unsigned nb = 0;
		u64 first = 0, last = 0;
		bool flush = false;
		for (u64 *e; nb < UNMAP_BATCH && (e = next_leaf(vs, &a, end)); a += MM_PAGE_SIZE) {
			if (nb == 0)
				first = a;
			last = a;
			flush |= pte_present(*e);
			/* SAFETY: nb < UNMAP_BATCH, the array's length. */
			batch[nb++] = leaf_pa(*e);
			*e = 0;
		}
		count_pages(vs, -(i64)nb);
		if (flush)
			vmspace_flush(vs, first, last - first + MM_PAGE_SIZE);
		for (unsigned i = 0; i < nb; i++)
			release_mapped_frame(batch[i]); /* SAFETY: i < nb <= UNMAP_BATCH. */
		n += nb;
		if (nb < UNMAP_BATCH)
			break;
	}
	mm_lock_release(&vs->lock, flags);
	return n;
}

int vs_protect(struct vmspace *vs, struct uaddr va, u64 len, unsigned prot,
		    enum vm_protect_mode mode)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!range_ok(va, len) || len == 0 || (prot & ~VM_PROT_BITS))
		return -EINVAL;
	u64 end = va.v + len, a = va.v, first = 0, last = 0;
	bool flush = false;
	u64 flags = mm_lock_acquire(&vs->lock);
	for (u64 *e; (e = next_leaf(vs, &a, end)); a += MM_PAGE_SIZE) {
		unsigned p = prot;
		/* A private page whose frame others hold too stays read-only: the write fault
		 * copies it (vmspace_cow). */
		if ((p & VM_WRITE) && ((mode == VM_PROTECT_PRIVATE && leaf_refs(*e) > 1) ||
				       frame_sealed_pa(leaf_pa(*e))))
			p &= ~(unsigned)VM_WRITE; /* a sealed frame's page stays read-only in any mode */
		u64 ne = leaf_encode(leaf_pa(*e), p);
		if (ne == *e)
			continue;
		if (pte_present(*e)) {
			if (!flush)
				first = a;
			last = a;
			flush = true;
		}
		*e = ne;
	}
	if (flush)
		vmspace_flush(vs, first, last - first + MM_PAGE_SIZE);
	mm_lock_release(&vs->lock, flags);
	return 0;
}

i64 vs_share(struct vmspace *dst, struct vmspace *src, struct uaddr va, u64 len,
		  enum vm_share_mode mode)
{
	if (!vs_live(dst) || !vs_live(src))
		return -EINVAL;
	if (!range_ok(va, len) || dst == src || va.v < VM_USER_MIN)
		return -EINVAL;
	i64 n = 0;
	int err = 0;
	u64 end = va.v + len, a = va.v, first = 0, last = 0;
	bool flush = false;
	/* Lock order: the source, then the destination (a space being built, which nobody
	 * else reaches yet). */
	u64 flags = mm_lock_acquire(&src->lock);
	u64 dflags = mm_lock_acquire(&dst->lock);
	for (u64 *e; !err && (e = next_leaf(src, &a, end)); a += MM_PAGE_SIZE) {
		u64 *d = NULL;
		err = pt_leaf_entry(dst->root, a, true, &d, NULL);
		if (!err && *d)
			err = -EEXIST;
		if (!err)
			err = leaf_ref(*e);
		if (err)
			break;
		if (mode == VM_SHARE_COPY_ON_WRITE && pte_present(*e) && (*e & PTE_W)) {
			*e &= ~PTE_W;
			if (!flush)
				first = a;
			last = a;
			flush = true;
		}
		*d = *e;
		n++;
	}
	count_pages(dst, n);
	mm_lock_release(&dst->lock, dflags);
	if (flush)
		vmspace_flush(src, first, last - first + MM_PAGE_SIZE);
	mm_lock_release(&src->lock, flags);
	return err ? err : n;
}

int vs_cow(struct vmspace *vs, struct uaddr va, unsigned prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!page_ok(va) || !(prot & VM_WRITE) || (prot & ~VM_PROT_BITS))
		return -EINVAL;
	struct frame copy = FRAME_EMPTY;
	u64 old_pa = 0;
	int err = 0;
	for (;;) {
		u64 flags = mm_lock_acquire(&vs->lock);
		u64 *e = NULL;
		err = pt_leaf_entry(vs->root, va.v, false, &e, NULL);
		if (!err && !leaf_holds(*e))
			err = -ENOENT;
		if (err) {
			mm_lock_release(&vs->lock, flags);
			break;
		}
		if (leaf_refs(*e) == 1 && !frame_sealed_pa(leaf_pa(*e))) {
			/* This leaf alone holds the frame: nobody else can see a write. */
			*e = leaf_encode(leaf_pa(*e), prot);
			vmspace_flush(vs, va.v, MM_PAGE_SIZE);
			mm_lock_release(&vs->lock, flags);
			break;
		}
		if (!frame_is_empty(&copy)) {
			old_pa = leaf_pa(*e);
			struct frame src = { .pfn = old_pa >> MM_PAGE_SHIFT };
			(void)frame_copy(&copy, &src); /* both non-empty */
			src.pfn = 0; /* a view: the leaf keeps its reference until below */
			*e = leaf_encode(frame_paddr(&copy), prot);
			copy.pfn = 0; /* now the leaf's */
			vmspace_flush(vs, va.v, MM_PAGE_SIZE);
			mm_lock_release(&vs->lock, flags);
			release_mapped_frame(old_pa);
			break;
		}
		mm_lock_release(&vs->lock, flags);
		/* Allocate outside the lock, then look again (the frame may have become ours). */
		err = frame_alloc(&copy);
		if (err)
			break;
	}
	frame_release(&copy);
	return err;
}

i64 vs_move(struct vmspace *vs, struct uaddr from, struct uaddr to, u64 len)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (!range_ok(from, len) || !range_ok(to, len) || to.v < VM_USER_MIN)
		return -EINVAL;
	i64 n = 0;
	int err = 0;
	u64 a = from.v, end = from.v + len, first = 0, last = 0;
	bool flush = false;
	u64 flags = mm_lock_acquire(&vs->lock);
	for (u64 *e; (e = next_leaf(vs, &a, end)); a += MM_PAGE_SIZE) {
		u64 *d = NULL;
		err = pt_leaf_entry(vs->root, to.v + (a - from.v), true, &d, NULL);
		if (!err && *d)
			err = -EEXIST;
		if (err)
			break;
		/* Creating the target's tables never frees a table, so e is still the entry. */
		*d = *e;
		if (pte_present(*e)) {
			if (!flush)
				first = a;
			last = a;
			flush = true;
		}
		*e = 0;
		n++;
	}
	if (flush)
		vmspace_flush(vs, first, last - first + MM_PAGE_SIZE);
	mm_lock_release(&vs->lock, flags);
	return err ? err : n;
}

u64 vs_resident_pages(struct vmspace *vs)
{
	/* SAFETY: an atomic load from the type-stable vmspace cache. */
	return vs_live(vs) ? __atomic_load_n(&vs->pages, __ATOMIC_RELAXED) : 0;
}

int vs_query(struct vmspace *vs, struct uaddr va, unsigned *prot)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (va.v >= VM_USER_END)
		return -EINVAL;
	u64 flags = mm_lock_acquire(&vs->lock);
	u64 *e = NULL;
	int err = pt_leaf_entry(vs->root, mm_align_down(va.v, MM_PAGE_SIZE), false, &e, NULL);
	if (!err && !leaf_holds(*e))
		err = -ENOENT;
	if (!err && prot)
		*prot = leaf_prot(*e);
	mm_lock_release(&vs->lock, flags);
	return err == -EINVAL ? -ENOENT : err;
}

int vs_frame_at(struct vmspace *vs, struct uaddr va, struct frame *out)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (va.v >= VM_USER_END)
		return -EINVAL;
	if (!frame_is_empty(out))
		return -EBUSY;
	u64 flags = mm_lock_acquire(&vs->lock);
	u64 *e = NULL;
	int err = pt_leaf_entry(vs->root, mm_align_down(va.v, MM_PAGE_SIZE), false, &e, NULL);
	if (!err && !leaf_holds(*e))
		err = -ENOENT;
	if (!err)
		err = frame_handle_from_paddr(leaf_pa(*e), out);
	mm_lock_release(&vs->lock, flags);
	return err == -EINVAL ? -ENOENT : err;
}

/* ---- access to a space that need not be the active one ---------------------------------- */

/* remote_page - a new reference to the frame at `page` of vs in *out, usable for `access`
 * (VM_FAULT_WRITE: the page is writable, so a copy-on-write page was copied): a missing page
 * is offered to vs's fault handler (a few times, in case it races with an unmap). */
static int remote_page(struct vmspace *vs, u64 page, unsigned access, struct frame *out)
{
	for (int tries = 0; tries < 4; tries++) {
		u64 flags = mm_lock_acquire(&vs->lock);
		u64 *e = NULL;
		int err = pt_leaf_entry(vs->root, page, false, &e, NULL);
		bool present = !err && pte_present(*e);
		bool ok = present && (!(access & VM_FAULT_WRITE) || (*e & PTE_W));
		if (ok)
			err = frame_handle_from_paddr(leaf_pa(*e), out);
		mm_lock_release(&vs->lock, flags);
		if (ok)
			return err;
		if (vs_handle_fault(vs, uaddr(page), access | (present ? VM_FAULT_PRESENT : 0)))
			return -EFAULT;
	}
	return -EFAULT;
}

/* remote_copy - the body of vmspace_read_remote / vmspace_write_remote. */
static struct result_size remote_copy(struct vmspace *vs, struct uaddr addr, struct bytes buf,
				      bool write)
{
	size_t done = 0, len = bytes_len(buf);
	if (!uaddr_range_ok(addr, len))
		return result_size_err(-EFAULT);
	while (done < len) {
		u64 va = addr.v + done, page = mm_align_down(va, MM_PAGE_SIZE), in = va - page;
		size_t n = MM_PAGE_SIZE - in < len - done ? MM_PAGE_SIZE - in : len - done;
		struct bytes_result part = bytes_sub(buf, done, n);
		struct frame f = FRAME_EMPTY;
		if (part.err || remote_page(vs, page, write ? VM_FAULT_WRITE : 0, &f))
			break;
		int e = write ? frame_write(&f, in, part.value) : frame_read(&f, in, part.value);
		frame_release(&f);
		if (e)
			break;
		done += n;
	}
	return done || len == 0 ? result_size_ok(done) : result_size_err(-EFAULT);
}

struct result_size vs_read_remote(struct vmspace *vs, struct uaddr addr, struct bytes dst)
{
	return remote_copy(vs, addr, dst, false);
}

struct result_size vs_write_remote(struct vmspace *vs, struct uaddr addr, struct bytes src)
{
	return remote_copy(vs, addr, src, true);
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

void vs_activate(struct vmspace *vs)
{
	FW_CHECK(!vs || vs_live(vs), "vmspace_activate of an address space that was torn down");
	struct task *me = task_current();
	/* The task holds a reference while the space is its own: a put by the service of what
	 * it thinks is the last reference, while another thread still runs on the space, must
	 * not free the tables that thread's next switch loads into CR3. */
	if (me && vs)
		vs_get(vs);
	u64 f = irq_save();
	struct vmspace *old = me ? me->vs : NULL;
	if (me)
		me->vs = vs;
	load_on_this_cpu(vs);
	irq_restore(f);
	if (old)
		vs_put(old); /* the old space's activation reference (maybe its last) */
}

void vmspace_deactivate(void)
{
	vs_activate(NULL);
}

struct vmspace *vmspace_current(void)
{
	struct task *me = task_current();
	return me ? me->vs : NULL;
}

void vmspace_task_exit(struct task *me)
{
	u64 f = irq_save();
	struct vmspace *old = me->vs;
	me->vs = NULL;
	irq_restore(f);
	if (old)
		vs_put(old);
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

void vs_set_fault_handler(struct vmspace *vs, vmspace_fault_fn fn)
{
	if (!vs_live(vs))
		return;
	/* SAFETY: an atomic store to a field of a live vmspace. */
	__atomic_store_n(&vs->fault, fn, __ATOMIC_RELEASE);
}

int vs_handle_fault(struct vmspace *vs, struct uaddr addr, unsigned access)
{
	if (!vs_live(vs))
		return -EFAULT;
	/* SAFETY: an atomic load from a field of a live vmspace. */
	vmspace_fault_fn fn = __atomic_load_n(&vs->fault, __ATOMIC_ACQUIRE);
	if (!fn || addr.v >= VM_USER_END)
		return -EFAULT;
	return fn(vs, addr, access);
}
