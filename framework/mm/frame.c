/*
 * frame.c — the kernel's physical frame allocator: built from the boot memory map on the
 * buddy logic of buddy.c, with typed allocation for the framework and reference-counted
 * untyped handles (fw/frame.h) for services.
 *
 * Setup (frames_init): usable RAM from the memory map minus what must survive (the first MiB,
 * the kernel image with its boot page tables and stacks, the initramfs, every non-usable
 * range); the frame metadata array (16 bytes per frame) is carved from the largest usable
 * range below 4 GiB and reached through the boot identity map until mm_init switches to the
 * kernel tables (frames_rebase). RAM above 4 GiB joins after the switch (frames_add_high), so
 * the page tables built during the switch only ever come from identity-mapped memory.
 *
 * Locking: frame_lock (an mm_lock, interrupts off) covers the buddy (its free lists, every
 * frame's kind, order and flags). An untyped frame's reference count is NOT under it: taking
 * and dropping references (ref_get, ref_put) are atomics on the count alone, so a page-cache
 * read (a clone, the copy's pin and unpin, the release: four per page) never takes the global
 * lock. That is sound because of buddy.h's invariant: a count above zero means "an allocated
 * untyped frame", the count goes from 0 to 1 only in buddy_alloc (under the lock), and
 * ref_get raises only a nonzero count, so whoever drops it to zero owns the frame alone and
 * frees it (under the lock); no reference can be taken in between.
 */
#include <fw/frame.h>
#include <fw/uaccess.h>

#include "internal/bootinfo.h"
#include "internal/fault_inject.h"
#include "internal/mm.h"
#include "internal/paging.h"
#include "internal/printk.h"
#include "mm/memmap.h"
#include "mm/mmlock.h"

#define MAX_RANGES 128u
#define LOW_LIMIT (4ull << 30)

static struct buddy buddy;
static struct mm_lock frame_lock;
static struct mm_range ranges[MAX_RANGES]; /* usable after reservations (for printing/tests) */
static int nranges;
static bool high_pending; /* ranges above LOW_LIMIT not yet added */
static u64 meta_phys;     /* where the metadata array lives */

u64 mm_phys_offset;

static const char *kind_names[FRAME_KIND_COUNT] = {
	[FRAME_ABSENT] = "absent", [FRAME_RESERVED] = "reserved", [FRAME_FREE] = "free",
	[FRAME_PAGETABLE] = "page table", [FRAME_STACK] = "stack", [FRAME_HEAP] = "heap",
	[FRAME_META] = "metadata", [FRAME_UNTYPED] = "untyped",
};

const char *frame_kind_name(enum frame_kind k)
{
	return k < FRAME_KIND_COUNT ? kind_names[k] : "?";
}

/* --- setup ---------------------------------------------------------------------------------- */

static void halt_with(const char *why)
{
	printk(FW_LOG_ERR, "mm: %s; halting", why);
	for (;;)
		cpu_halt();
}

void frames_init(void)
{
	struct mm_range usable[BOOTINFO_MEM_MAX], resv[BOOTINFO_MEM_MAX + 4];
	size_t nu = 0, nr = 0;
	for (size_t i = 0; i < boot_info.mem_count; i++) {
		/* SAFETY: i < mem_count <= BOOTINFO_MEM_MAX (the parser bounds it); nu and nr stay
		 * below their arrays' sizes: one entry per region, plus at most 3 reservations. */
		const struct fw_mem_region *r = &boot_info.mem[i];
		u64 end = r->base + r->len_bytes < r->base ? UINT64_MAX : r->base + r->len_bytes;
		if (r->type == FW_MEM_USABLE)
			usable[nu++] = (struct mm_range){ r->base, end };
		else
			/* reserved wins on overlap */
			resv[nr++] = (struct mm_range){ r->base, end };
	}
	resv[nr++] = (struct mm_range){ 0, 1ull << 20 }; /* real-mode area, BIOS data, ROMs */
	resv[nr++] = (struct mm_range){ boot_info.kernel_phys_start, boot_info.kernel_phys_end };
	if (boot_info.initrd_size)
		resv[nr++] = (struct mm_range){ boot_info.initrd_phys,
						boot_info.initrd_phys + boot_info.initrd_size };
	nranges = memmap_usable(usable, nu, resv, nr, ranges, MAX_RANGES);
	if (nranges <= 0)
		halt_with("no usable memory in the boot memory map");

	/* The frames the allocator covers: from frame 0 to the last usable one, capped to what
	 * the direct map can reach. From 0, not from the first usable frame: that one follows
	 * the kernel image, and once the image ended past 4 MiB (one max-order block) the first
	 * MiB fell outside the array, so frame_kind_of said FRAME_ABSENT for reserved low
	 * memory (ktest mm.frames_typed_frames_never_handed_out). The cost: one metadata entry
	 * per frame below the image (a few KiB). */
	u64 lo = 0;
	u64 hi = ranges[nranges - 1].end >> MM_PAGE_SHIFT;
	if (hi > DIRECT_MAP_MAX >> MM_PAGE_SHIFT)
		hi = DIRECT_MAP_MAX >> MM_PAGE_SHIFT;
	u64 nframes = hi - lo;
	u64 meta_bytes = mm_align_up(nframes * sizeof(struct frame_meta), MM_PAGE_SIZE);

	/* Carve the metadata from the end of the largest range below 4 GiB. */
	int best = -1;
	for (int i = 0; i < nranges; i++) {
		u64 e = ranges[i].end < LOW_LIMIT ? ranges[i].end : LOW_LIMIT;
		if (ranges[i].start < e && e - ranges[i].start >= meta_bytes &&
		    (best < 0 || e - ranges[i].start > ranges[best].end - ranges[best].start))
			best = i;
	}
	if (best < 0)
		halt_with("no room below 4 GiB for the frame metadata");
	u64 meta_end = ranges[best].end < LOW_LIMIT ? ranges[best].end : LOW_LIMIT;
	u64 meta_pa = meta_end - meta_bytes;
	struct mm_range meta_r = { meta_pa, meta_end };
	static struct mm_range before[MAX_RANGES];
	for (int i = 0; i < nranges; i++)
		before[i] = ranges[i];
	nranges = memmap_usable(before, (size_t)nranges, &meta_r, 1, ranges, MAX_RANGES);
	meta_phys = meta_pa;

	/* SAFETY: [meta_pa, meta_end) is usable RAM below 4 GiB that nothing else uses (it was
	 * just removed from the allocator's ranges); the boot identity map covers it. */
	struct frame_meta *meta = phys_to_virt(meta_pa);
	buddy_init(&buddy, lo, nframes, meta);
	for (size_t i = 0; i < nu; i++)
		buddy_mark(&buddy, mm_align_up(usable[i].start, MM_PAGE_SIZE) >> MM_PAGE_SHIFT,
			   usable[i].end >> MM_PAGE_SHIFT, FRAME_RESERVED);
	for (int i = 0; i < nranges; i++) {
		u64 s = ranges[i].start >> MM_PAGE_SHIFT, e = ranges[i].end >> MM_PAGE_SHIFT;
		if (e > hi)
			e = hi;
		if (s >= e)
			continue;
		if (ranges[i].start >= LOW_LIMIT) {
			high_pending = true;
			continue;
		}
		u64 low_e = e < (LOW_LIMIT >> MM_PAGE_SHIFT) ? e : (LOW_LIMIT >> MM_PAGE_SHIFT);
		buddy_add_range(&buddy, s, low_e);
		if (low_e < e)
			high_pending = true;
	}

	printk(FW_LOG_INFO, "mm: memory map used by the frame allocator (%d ranges):", nranges);
	for (int i = 0; i < nranges; i++)
		printk(FW_LOG_INFO, "mm:   [%016lx-%016lx] %lu KiB free", ranges[i].start,
		       ranges[i].end - 1, (ranges[i].end - ranges[i].start) >> 10);
	printk(FW_LOG_INFO, "mm:   reserved: first MiB, kernel [%lx-%lx), initrd [%lx-%lx), "
			    "frame metadata [%lx-%lx) (%lu KiB for %lu frames)",
	       boot_info.kernel_phys_start, boot_info.kernel_phys_end, boot_info.initrd_phys,
	       boot_info.initrd_phys + boot_info.initrd_size, meta_pa, meta_end, meta_bytes >> 10,
	       nframes);
	buddy_mark(&buddy, meta_pa >> MM_PAGE_SHIFT, meta_end >> MM_PAGE_SHIFT, FRAME_RESERVED);
}

void frames_rebase(void)
{
	/* SAFETY: the metadata array is RAM below 4 GiB, covered by the direct map now active. */
	buddy.meta = phys_to_virt(meta_phys);
}

void frames_add_high(void)
{
	if (!high_pending)
		return;
	u64 flags = mm_lock_acquire(&frame_lock);
	u64 hi = buddy.base_pfn + buddy.nframes;
	for (int i = 0; i < nranges; i++) {
		u64 s = ranges[i].start >> MM_PAGE_SHIFT, e = ranges[i].end >> MM_PAGE_SHIFT;
		if (s < (LOW_LIMIT >> MM_PAGE_SHIFT))
			s = LOW_LIMIT >> MM_PAGE_SHIFT;
		if (e > hi)
			e = hi;
		if (s < e)
			buddy_add_range(&buddy, s, e);
	}
	high_pending = false;
	mm_lock_release(&frame_lock, flags);
}

/* --- typed frames (framework only) ------------------------------------------------------- */

int frame_alloc_typed(enum frame_kind kind, unsigned order, bool zero, u64 *pa)
{
	if (!frame_kind_is_typed(kind))
		return -EINVAL;
	if (fault_should_fail(FAULT_FRAME))
		return -ENOMEM;
	u64 flags = mm_lock_acquire(&frame_lock);
	int64_t pfn = buddy_alloc(&buddy, order, kind);
	mm_lock_release(&frame_lock, flags);
	if (pfn < 0)
		return (int)pfn;
	*pa = (u64)pfn << MM_PAGE_SHIFT;
	if (zero)
		/* SAFETY: the block was just allocated to us: 2^order frames of RAM, in the
		 * direct map. */
		__builtin_memset(phys_to_virt(*pa), 0, MM_PAGE_SIZE << order);
	return 0;
}

void frame_free_typed(u64 pa, unsigned order)
{
	u64 pfn = pa >> MM_PAGE_SHIFT;
	u64 flags = mm_lock_acquire(&frame_lock);
	struct frame_meta *m = buddy_meta(&buddy, pfn);
	int err = -EINVAL;
	if (m && frame_kind_is_typed((enum frame_kind)m->kind))
		err = buddy_free(&buddy, pfn, order);
	mm_lock_release(&frame_lock, flags);
	if (err)
		printk(FW_LOG_WARN, "mm: refused to free typed frame %lx (order %u): %d", pa, order,
		       err);
}

enum frame_kind frame_kind_of(u64 pa)
{
	const struct frame_meta *m = buddy_meta(&buddy, pa >> MM_PAGE_SHIFT);
	/* SAFETY: an atomic load of a byte of the metadata array (m is NULL or inside it). */
	return m ? (enum frame_kind)__atomic_load_n(&m->kind, __ATOMIC_RELAXED) : FRAME_ABSENT;
}

u64 frame_free_count(void)
{
	/* SAFETY: an atomic load of a counter (a snapshot; the frame lock orders updates). */
	return __atomic_load_n(&buddy.free_frames, __ATOMIC_RELAXED);
}

u64 frame_managed_count(void)
{
	return buddy.managed_frames;
}

uint64_t frame_stat_free(void)
{
	return frame_free_count();
}

uint64_t frame_stat_total(void)
{
	return frame_managed_count();
}

int frame_ranges(const struct mm_range **out)
{
	*out = ranges;
	return nranges;
}

/* --- untyped frames: handles --------------------------------------------------------------- */

int frame_alloc(struct frame *out)
{
	if (!frame_is_empty(out))
		return -EBUSY;
	if (fault_should_fail(FAULT_FRAME))
		return -ENOMEM;
	u64 flags = mm_lock_acquire(&frame_lock);
	int64_t pfn = buddy_alloc(&buddy, 0, FRAME_UNTYPED);
	mm_lock_release(&frame_lock, flags);
	if (pfn < 0)
		return (int)pfn;
	/* SAFETY: the frame was just allocated to us; the direct map covers it. */
	__builtin_memset(phys_to_virt((u64)pfn << MM_PAGE_SHIFT), 0, MM_PAGE_SIZE);
	out->pfn = (u64)pfn;
	return 0;
}

/*
 * ref_get - take one more reference to the frame m describes, if it is a live untyped frame
 * (count above zero: buddy.h's invariant), by compare-and-exchange on the count alone.
 * Returns 0, -ENOENT (not a live untyped frame: free, typed, reserved, absent) or -EOVERFLOW.
 * Needs: m is NULL or an entry of the metadata array (buddy_meta).
 */
static int ref_get(struct frame_meta *m)
{
	if (!m)
		return -ENOENT;
	/* SAFETY: atomics on a word of the metadata array. Acquire pairs with buddy_alloc's
	 * release of the count's first 1 (the frame's kind and flags are then visible). */
	u32 r = __atomic_load_n(&m->refcount, __ATOMIC_RELAXED);
	do {
		if (r == 0)
			return -ENOENT;
		if (r >= 0x7fffffffu)
			return -EOVERFLOW; /* a leak of references: refuse rather than wrap */
	} while (!__atomic_compare_exchange_n(&m->refcount, &r, r + 1, true, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return 0;
}

/*
 * ref_put - drop one reference to frame pfn; the last one frees the frame (under the frame
 * lock: the buddy's lists). A count already at zero is a framework bug: warned, not wrapped.
 */
static void ref_put(u64 pfn)
{
	struct frame_meta *m = buddy_meta(&buddy, pfn);
	if (!m)
		return;
	/* SAFETY: atomics on a word of the metadata array; release orders this holder's
	 * accesses to the frame before the count drops, acquire (for the last holder) orders the
	 * others' before the free. */
	u32 r = __atomic_load_n(&m->refcount, __ATOMIC_RELAXED);
	while (r != 0) {
		/* SAFETY: as above (r is the count last seen; a failed exchange reloads it). */
		if (__atomic_compare_exchange_n(&m->refcount, &r, r - 1, true, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			break;
	}
	if (r == 0) {
		printk(FW_LOG_WARN, "mm: reference dropped on unreferenced frame %lx",
		       pfn << MM_PAGE_SHIFT);
		return;
	}
	if (r != 1)
		return;
	/* The last reference: nobody can take a new one (ref_get needs a nonzero count). */
	u64 flags = mm_lock_acquire(&frame_lock);
	m->flags &= (u8)~FRAME_F_SEALED;
	buddy_free(&buddy, pfn, 0);
	mm_lock_release(&frame_lock, flags);
}

int frame_handle_from_paddr(u64 pa, struct frame *out)
{
	if (!frame_is_empty(out))
		return -EBUSY;
	u64 pfn = pa >> MM_PAGE_SHIFT;
	struct frame_meta *m = buddy_meta(&buddy, pfn);
	int err = ref_get(m);
	if (err == -ENOENT && m && frame_kind_is_typed(frame_kind_of(pa)))
		err = -EPERM;
	if (!err)
		out->pfn = pfn;
	return err;
}

/*
 * A handle a service races (one thread inside a call on it while another releases it) must not
 * turn into an access to a freed frame, which may be a page table by then: every function
 * below loads the handle's frame number once, checks under the frame lock that it names a
 * live untyped frame, and takes a reference of its own for the time of the access (a pin),
 * dropped at the end. A racing release then either came first (the call refuses the handle)
 * or leaves the frame alive until the access is done. Only the frame's bytes change hands,
 * so at worst a stale handle reaches the frame's next untyped owner (a use-after-free within
 * one type, docs/safety.md), never a typed frame.
 */
static int pin(const struct frame *f, bool write, u64 *pfn_out)
{
	/* SAFETY: an atomic load: the handle may be emptied by a racing release. */
	u64 pfn = __atomic_load_n(&f->pfn, __ATOMIC_ACQUIRE);
	if (!pfn)
		return -EINVAL;
	int err = ref_get(buddy_meta(&buddy, pfn));
	if (err)
		return err == -EOVERFLOW ? err : -EINVAL;
	/* Sealing happens once, on a frame its sealer holds for ever; the flag stays while the
	 * pin holds the frame. */
	if (write && frame_sealed_pa(pfn << MM_PAGE_SHIFT)) {
		ref_put(pfn);
		return -EPERM;
	}
	*pfn_out = pfn;
	return 0;
}

/* unpin - drop the reference pin took (the frame's last, if its handles went meanwhile). */
static void unpin(u64 pfn)
{
	ref_put(pfn);
}

int frame_clone(struct frame *dst, const struct frame *src)
{
	if (!frame_is_empty(dst))
		return -EBUSY;
	u64 pfn = 0;
	int err = pin(src, false, &pfn);
	if (!err)
		dst->pfn = pfn; /* the pin's reference is dst's */
	return err;
}

void frame_release(struct frame *f)
{
	/* SAFETY: an atomic exchange empties the handle, so of two racing releases of one
	 * handle exactly one sees the frame number and drops the reference. */
	u64 pfn = __atomic_exchange_n(&f->pfn, 0, __ATOMIC_ACQ_REL);
	if (pfn != 0)
		ref_put(pfn);
}

uint32_t frame_refcount(const struct frame *f)
{
	/* SAFETY: one atomic load of the handle (a racing release may empty it); the metadata
	 * exists for every frame the allocator covers (NULL otherwise); a snapshot load. */
	u64 pfn = __atomic_load_n(&f->pfn, __ATOMIC_ACQUIRE);
	const struct frame_meta *m = pfn ? buddy_meta(&buddy, pfn) : NULL;
	return m ? __atomic_load_n(&m->refcount, __ATOMIC_RELAXED) : 0;
}

bool frame_same(const struct frame *a, const struct frame *b)
{
	return !frame_is_empty(a) && a->pfn == b->pfn;
}

u64 frame_paddr(const struct frame *f)
{
	return f->pfn << MM_PAGE_SHIFT;
}

void frame_seal(const struct frame *f)
{
	u64 flags = mm_lock_acquire(&frame_lock);
	struct frame_meta *m = f->pfn ? buddy_meta(&buddy, f->pfn) : NULL;
	/* SAFETY: a snapshot load of the count: the caller holds a reference (f), so it stays
	 * above zero; the flags byte is the frame lock's. */
	if (m && m->kind == FRAME_UNTYPED && __atomic_load_n(&m->refcount, __ATOMIC_RELAXED) > 0)
		m->flags |= FRAME_F_SEALED;
	mm_lock_release(&frame_lock, flags);
}

bool frame_sealed_pa(u64 pa)
{
	/* SAFETY: a snapshot load of the flags; sealing happens once, on a frame its sealer
	 * holds for ever, and a freed frame's flag is cleared before it is reused. */
	const struct frame_meta *m = buddy_meta(&buddy, pa >> MM_PAGE_SHIFT);
	return m && (__atomic_load_n(&m->flags, __ATOMIC_RELAXED) & FRAME_F_SEALED);
}

bool frame_is_sealed(const struct frame *f)
{
	/* SAFETY: an atomic load: the handle may be emptied by a racing release. */
	u64 pfn = __atomic_load_n(&f->pfn, __ATOMIC_ACQUIRE);
	return pfn && frame_sealed_pa(pfn << MM_PAGE_SHIFT);
}

/* The bytes [off, off + len) of pinned frame pfn through the direct map, or NULL when the
 * range leaves the frame. */
static u8 *span(u64 pfn, size_t off, size_t len)
{
	if (off > FRAME_SIZE || len > FRAME_SIZE - off)
		return NULL;
	/* SAFETY: the caller pinned the frame, so it is allocated, untyped and stays so until
	 * unpin; [off, off + len) lies inside its FRAME_SIZE bytes (checked above). */
	return (u8 *)phys_to_virt(pfn << MM_PAGE_SHIFT) + off;
}

int frame_read(const struct frame *f, size_t off, struct bytes dst)
{
	u64 pfn = 0;
	int err = pin(f, false, &pfn);
	if (err)
		return err == -EPERM ? err : -EINVAL;
	u8 *p = span(pfn, off, dst.len);
	if (p)
		/* SAFETY: dst is a valid slice (fw/bytes.h); p spans dst.len bytes of the frame. */
		__builtin_memcpy(dst.ptr, p, dst.len);
	unpin(pfn);
	return p ? 0 : -ERANGE;
}

int frame_write(const struct frame *f, size_t off, struct bytes src)
{
	u64 pfn = 0;
	int err = pin(f, true, &pfn);
	if (err)
		return err == -EPERM ? err : -EINVAL;
	u8 *p = span(pfn, off, src.len);
	if (p)
		/* SAFETY: as frame_read, in the other direction. */
		__builtin_memcpy(p, src.ptr, src.len);
	unpin(pfn);
	return p ? 0 : -ERANGE;
}

int frame_fill(const struct frame *f, size_t off, size_t len, uint8_t v)
{
	u64 pfn = 0;
	int err = pin(f, true, &pfn);
	if (err)
		return err == -EPERM ? err : -EINVAL;
	u8 *p = span(pfn, off, len);
	if (p)
		/* SAFETY: p spans len bytes of the pinned frame (span). */
		__builtin_memset(p, v, len);
	unpin(pfn);
	return p ? 0 : -ERANGE;
}

int frame_copy(const struct frame *dst, const struct frame *src)
{
	u64 to = 0, from = 0;
	int err = pin(dst, true, &to);
	if (err)
		return err == -EPERM ? err : -EINVAL;
	if (pin(src, false, &from)) {
		unpin(to);
		return -EINVAL;
	}
	/* SAFETY: both frames are pinned untyped frames reached through the direct map,
	 * FRAME_SIZE bytes each (span). */
	__builtin_memcpy(span(to, 0, FRAME_SIZE), span(from, 0, FRAME_SIZE), FRAME_SIZE);
	unpin(from);
	unpin(to);
	return 0;
}

struct result_size frame_to_user(struct vm_writer *w, const struct frame *f, size_t off,
				 size_t len)
{
	u64 pfn = 0;
	if (pin(f, false, &pfn))
		return result_size_err(-EINVAL);
	u8 *p = span(pfn, off, len);
	/* SAFETY: p spans len bytes of the pinned frame (span); vm_write only reads the slice.
	 * The pin is held across the user copy, which may fault and sleep. */
	struct result_size r = p ? vm_write(w, __fw_bytes_raw(p, len)) : result_size_err(-ERANGE);
	unpin(pfn);
	return r;
}

struct result_size frame_from_user(struct vm_reader *r, const struct frame *f, size_t off,
				   size_t len)
{
	u64 pfn = 0;
	int err = pin(f, true, &pfn);
	if (err)
		return result_size_err(err == -EPERM ? err : -EINVAL);
	u8 *p = span(pfn, off, len);
	/* SAFETY: as frame_to_user; vm_read writes at most len bytes into the slice. */
	struct result_size res = p ? vm_read(r, __fw_bytes_raw(p, len)) : result_size_err(-ERANGE);
	unpin(pfn);
	return res;
}

struct result_size frame_to_user_release(struct vm_writer *w, struct frame *f, size_t off,
					 size_t len)
{
	/* SAFETY: an atomic exchange empties the handle: its reference is this call's now, and
	 * holds the frame (a live untyped frame: every non-empty handle owns a reference) until
	 * ref_put below. */
	u64 pfn = __atomic_exchange_n(&f->pfn, 0, __ATOMIC_ACQ_REL);
	if (!pfn)
		return result_size_err(-EINVAL);
	u8 *p = span(pfn, off, len);
	/* SAFETY: as frame_to_user, the handle's reference standing in for the pin. */
	struct result_size r = p ? vm_write(w, __fw_bytes_raw(p, len)) : result_size_err(-ERANGE);
	ref_put(pfn);
	return r;
}

/* Zeros for frame_zero_to_user (never written: vm_write only reads its source). */
static u8 zero_page[FRAME_SIZE];

struct result_size frame_zero_to_user(struct vm_writer *w, size_t len)
{
	if (len > FRAME_SIZE)
		return result_size_err(-ERANGE);
	return vm_write(w, bytes_head(BYTES_OF_ARRAY(zero_page), len));
}
