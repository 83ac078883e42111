/*
 * internal/mm.h — the memory manager's interface to the rest of the framework.
 *
 * Kernel virtual layout (48-bit, upper half; one PML4 slot = 512 GiB):
 *   0xffff800000000000  direct map: physical 0.. at DIRECT_MAP_BASE + phys (slots 256-257),
 *                       2 MiB chunks holding RAM write-back, all others (the MMIO holes:
 *                       APIC, HPET, PCI) uncached; never executable
 *   0xffffa00000000000  typed heap: one HEAP_CACHE_WINDOW per cache, for ever (slots 320-)
 *   0xffffb00000000000  kernel stacks: KSTACK_SLOT per stack, an unmapped guard page below
 *   0xffffc00000000000  scratch region for the memory manager's ktests
 *   0xffffffff80000000  the kernel image: text RX, rodata R, data/bss RW (W^X), no guard pages
 * The lower half (user space) is empty in the kernel's tables: no identity map survives boot.
 *
 * Typed frames (page tables, stacks, heap slabs, metadata) are allocated here by framework
 * code only, by physical address; services get untyped frames through <fw/frame.h>.
 *
 * Lock order: heap lock -> kspace lock -> frame lock. Every lock disables interrupts.
 */
#ifndef FW_INTERNAL_MM_H
#define FW_INTERNAL_MM_H

#include <fw/bytes.h>
#include <fw/types.h>

#include "arch/x86_64/mm/pte.h"
#include "mm/buddy.h"

#define DIRECT_MAP_BASE 0xffff800000000000ul
#define DIRECT_MAP_MAX (1ul << 40)      /* 1 TiB of physical address space */
#define HEAP_BASE 0xffffa00000000000ul
#define HEAP_CACHE_WINDOW (64ul << 20)  /* 64 MiB of addresses per cache */
#define HEAP_MAX_CACHES 256u
#define KSTACK_BASE 0xffffb00000000000ul
#define KSTACK_SLOT (64ul << 10)        /* guard page + stack, rest unmapped */
#define KSTACK_MAX 8192u          /* 512 MiB of addresses; stacks are mapped on use */
#define KSTACK_PAGES 4u                  /* 16 KiB stacks */
#define MM_TEST_BASE 0xffffc00000000000ul

/*
 * mm_init - take over memory from the boot code: frame allocator from the boot memory map,
 * kernel page tables (direct map, W^X image, guard pages), CR3 switch, typed heap. Prints the
 * memory map it used and the free memory.
 * Needs: boot_info filled, boot page tables loaded (paging_init), stacks registered.
 * Context: early boot, once, on the boot CPU, interrupts off.
 */
void mm_init(void);

/* Offset from a physical address to the virtual address it can be reached at: 0 while the
 * boot identity map is in use, DIRECT_MAP_BASE after mm_init. */
extern u64 mm_phys_offset;

/*
 * phys_to_virt - the direct-map address of physical pa.
 * Needs: pa is RAM or MMIO below DIRECT_MAP_MAX that the caller is entitled to touch.
 */
static inline void *phys_to_virt(u64 pa)
{
	/* SAFETY: the direct map (or, before mm_init, the boot identity map) covers pa; what
	 * the caller does with the pointer is governed by its own contract. */
	return (void *)(uintptr_t)(pa + mm_phys_offset);
}

/* virt_to_phys - the physical address of a direct-map address (0 if va is not one). */
u64 virt_to_phys_direct(const void *va);

/* --- frames ------------------------------------------------------------------------------- */
/*
 * frame_alloc_typed - a block of 2^order frames for framework use of kind `kind` (a typed
 * kind: FRAME_PAGETABLE, FRAME_STACK, FRAME_HEAP, FRAME_META), zeroed when `zero`.
 * Returns: 0 and the block's physical address in *pa, or -ENOMEM / -EINVAL.
 * Context: any; takes the frame lock.
 */
int frame_alloc_typed(enum frame_kind kind, unsigned order, bool zero, u64 *pa);

/* frame_free_typed - return a block from frame_alloc_typed. Refused (WARN) if it is not one. */
void frame_free_typed(u64 pa, unsigned order);

/* Setup, in mm_init's order: build from the boot map (identity-mapped metadata), reach the
 * metadata through the direct map after the CR3 switch, then add RAM above 4 GiB. */
void frames_init(void);
void frames_rebase(void);
void frames_add_high(void);

struct frame;
struct mm_range;
/*
 * frame_handle_from_paddr - a new handle (one more reference) to the untyped frame at pa.
 * Returns: 0; -EPERM for a typed frame (page table, stack, heap, metadata) — the guarantee
 *          that services never reach one; -ENOENT for a free, reserved or absent frame or one
 *          inside a larger block; -EBUSY if *out is not empty.
 * Context: framework code only (VmSpace, page cache); any context.
 */
int frame_handle_from_paddr(u64 pa, struct frame *out);

/* frame_paddr - the physical address of a handle's frame (framework only: DMA, mappings). */
u64 frame_paddr(const struct frame *f);

/*
 * frame_seal - make the frame f holds read-only for everyone but the framework: frame_write,
 * frame_fill, frame_copy into it and frame_from_user refuse it (-EPERM), vmspace_map and
 * vmspace_replace refuse a writable mapping of it, vmspace_protect and vmspace_cow never make
 * one (a write fault copies the page), dma_map_frame refuses to let a device write it. For
 * frames the framework fills once and shares with every process (the vDSO's text and data
 * page), whose handles a service can still obtain (vmspace_frame_at on a [vdso] page).
 * Needs: the caller holds f for ever (the flag is cleared when the frame is freed).
 * frame_is_sealed / frame_sealed_pa - whether the frame is sealed. Context: any.
 */
void frame_seal(const struct frame *f);
bool frame_is_sealed(const struct frame *f);
bool frame_sealed_pa(u64 pa);

/* A printable name for a frame kind. */
const char *frame_kind_name(enum frame_kind k);

/* The usable ranges the allocator was built from (after reservations). */
int frame_ranges(const struct mm_range **out);

/* frame_kind_of - what the frame holding pa is used for (FRAME_ABSENT outside RAM). */
enum frame_kind frame_kind_of(u64 pa);

/* Free and managed memory right now, in frames. */
u64 frame_free_count(void);
u64 frame_managed_count(void);

/* --- the kernel address space ------------------------------------------------------------ */
/* kspace_init - build the kernel tables (see kspace.c) and switch CR3 to them. Context: mm_init. */
void kspace_init(void);

/* kspace_root - physical address of the kernel PML4 (every address space shares its upper half). */
u64 kspace_root(void);

/*
 * kspace_map - map [va, va + len) to [pa, pa + len) in the kernel tables with prot.
 * Needs: va in a region this file's layout gives the caller; va, pa, len page-aligned.
 * Returns: 0, -EEXIST, -ENOMEM, -EINVAL (see pt_map). No flush needed (nothing was mapped).
 * Context: any; takes the kspace lock.
 */
int kspace_map(u64 va, u64 pa, u64 len, unsigned prot);

/* kspace_unmap_page - unmap one page and flush it from every CPU's TLB; its frame in *pa. */
int kspace_unmap_page(u64 va, u64 *pa);

/* kspace_protect - change rights of [va, va + len) and flush it everywhere. 0 or -errno. */
int kspace_protect(u64 va, u64 len, unsigned prot);

/* kspace_query - translate va through the kernel tables (see pt_query). */
int kspace_query(u64 va, u64 *pa, unsigned *prot);

/* --- TLB ------------------------------------------------------------------------------------ */
/* tlb_flush_local - drop this CPU's cached translations for [va, va + len) (len ~0: all).
 * Context: any. */
void tlb_flush_local(u64 va, u64 len);

/* tlb_flush_kernel - flush [va, va + len) on this CPU and on all others (cpu/tlb.c, the one
 * TLB module; local only until tlb_init, while only the boot CPU runs). */
void tlb_flush_kernel(u64 va, u64 len);

/* --- user address spaces: activation (mm/vmspace.c) ------------------------------------ */
struct vmspace;

struct task;
/* vmspace_flush - flush [va, va + len) of vs from the TLB of every CPU whose CR3 may hold vs
 * (and only those). Every change that removes or narrows a user mapping calls it before the
 * frame behind it is reused. Context: any; interrupts may be off. */
void vmspace_flush(struct vmspace *vs, u64 va, u64 len);
/* vmspace_switch_to - the context switch (IRQs off): load next's space if it has one and it is
 * not loaded (a kernel-only task keeps the current one). */
void vmspace_switch_to(struct task *next);
/* vmspace_task_exit - an exiting task drops the reference it held on its address space (the
 * CPU may keep the tables loaded lazily, as after any switch to a kernel task; a last put lets
 * go of them). Context: the exiting task, no lock held. */
void vmspace_task_exit(struct task *me);
/* vmspace_cpu_let_go - load the kernel's tables here if vs is loaded (a destroy shootdown). */
void vmspace_cpu_let_go(struct vmspace *vs);
/* tlb_shootdown_cpus - flush [va, va + len) (len ~0: all) on the CPUs of `mask` (never the
 * caller's) and wait for them; with let_go non-NULL, each of them also stops using that space
 * (vmspace_cpu_let_go). Context: any but NMI; interrupts may be off. (cpu/tlb.c) */
void tlb_shootdown_cpus(u64 mask, u64 va, u64 len, struct vmspace *let_go);

/* --- kernel stacks ------------------------------------------------------------------------ */
struct kstack {
	u64 base;  /* lowest mapped address (the guard page is the page below) */
	u64 top;   /* one past the highest address: the initial stack pointer */
	u32 slot;
};

/*
 * kstack_alloc - a KSTACK_PAGES-page kernel stack with an unmapped guard page below it.
 * Returns: 0 and *out filled, or -ENOMEM. The stack is registered for backtraces and overflow
 *          reports. Context: any; sleeps never.
 */
int kstack_alloc(struct kstack *out);

/* Byte buffers on raw slices, for the framework's own use (services hold a struct kbuf,
 * fw/heap.h): kbuf_alloc_raw - a zeroed buffer of len bytes; kbuf_free_raw - 0, or -EINVAL
 * when b does not start a live buffer. */
struct bytes_result kbuf_alloc_raw(size_t len);
int kbuf_free_raw(struct bytes b);

/* kstack_free - unmap and free a stack (not the one running). */
void kstack_free(struct kstack *ks);

/* For the trap code: the name of the kernel stack whose guard page holds addr, or NULL; and
 * whether [addr, addr + len) lies inside a live kernel stack. */
const char *kstack_guard_hit(u64 addr);
bool kstack_contains(u64 addr, u64 len);

/* --- the typed heap (heap.c) -------------------------------------------------------------- */
struct type_info;
void heap_init(void);
/* Print one line per cache with its statistics. */
void heap_print_stats(void);
/* Whether va lies in a cache window that belongs to type t (any size class). */
bool heap_addr_is_type(u64 va, const struct type_info *t);
/* Unmap the empty slabs of every cache (their addresses stay with their type); how many. */
u32 heap_shrink_all(void);

#endif /* FW_INTERNAL_MM_H */
