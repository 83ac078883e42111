/*
 * fw/vmspace.h — user address spaces and user addresses.
 *
 * A `struct uaddr` is an address in some user address space. It is a distinct single-field
 * type, never a C pointer: a service cannot dereference it, only hand it to the framework's
 * fault-tolerant readers and writers (fw/uaccess.h) or to the mapping calls below.
 *
 * A `struct vmspace` is one user address space: a page-table tree whose lower half holds the
 * user mappings made through this API and whose upper half is the kernel's, shared by every
 * address space and never mappable from here (an address at or above VM_USER_END is refused
 * with -EINVAL). Only untyped frames (fw/frame.h) can be mapped, and each mapping owns one
 * reference to its frame, dropped when the page is unmapped (after the TLB flush), so a
 * service releasing its own handle early cannot free a page user space still sees.
 *
 * Page faults that the kernel's own user-memory copies take (fw/uaccess.h) are first offered to
 * the handler the kernel registered with vmspace_set_fault_handler() (demand paging, copy on
 * write); a fault the handler does not resolve makes the copy return -EFAULT. Faults taken by
 * user code itself come back from user_enter() as an exception (fw/user.h), and the kernel may
 * pass them to the same handler with vmspace_handle_fault().
 *
 * Locking: each address space has its own lock (interrupts off while held); the calls below
 * take it. TLB: unmap, protect, share, move and cow flush what they changed on every CPU that
 * may hold the space (its CPU mask), once per call or batch, never once per page.
 * Context: any, except vmspace_put and vmspace_activate (task, not atomic: a put may tear
 * the space down; CPUs that still hold it lazily are made to let go).
 */
#ifndef FW_VMSPACE_H
#define FW_VMSPACE_H

#include <fw/frame.h>
#include <fw/libbase.h>

struct uaddr {
	uint64_t v;
};

/* uaddr - a user address from its numeric value (no check: checks happen where it is used). */
static inline struct uaddr uaddr(uint64_t v)
{
	return (struct uaddr){ .v = v };
}
/* uaddr_add - the address `n` bytes further (wrapping is caught where it is used). */
static inline struct uaddr uaddr_add(struct uaddr a, uint64_t n)
{
	return (struct uaddr){ .v = a.v + n };
}

#define VM_PAGE_SIZE 4096u
/* The lowest user page that may be mapped (Linux's default vm.mmap_min_addr): the framework
 * refuses to map below it, so a null pointer in kernel code always faults. */
#define VM_USER_MIN 0x10000ull
/* The end of the user half: the highest user page ends here (Linux's TASK_SIZE_MAX). */
#define VM_USER_END 0x00007ffffffff000ull

/* uaddr_range_ok - [a, a + len) lies inside the user half (and does not wrap). */
static inline bool uaddr_range_ok(struct uaddr a, uint64_t len)
{
	return a.v <= VM_USER_END && len <= VM_USER_END - a.v;
}

/* Rights of a user page. Read is implied by any mapping. */
enum vm_prot {
	VM_READ = 1u << 0,
	VM_WRITE = 1u << 1,
	VM_EXEC = 1u << 2,
};

/* What a faulting access was (a bit set, as the CPU reports it). */
enum vm_fault_access {
	VM_FAULT_WRITE = 1u << 0,
	VM_FAULT_EXEC = 1u << 1,
	VM_FAULT_PRESENT = 1u << 2, /* the page was mapped: a protection fault */
	VM_FAULT_KERNEL = 1u << 3,  /* a kernel user copy faulted in the active space (the
				     * handler runs with interrupts off and may not sleep),
				     * not user mode */
};

struct vmspace;

/*
 * An owning reference to an address space: a no-copy handle (FW_NOCOPY: never assigned or
 * passed by value), emptied atomically by vmspace_put. Services never hold a usable
 * `struct vmspace *`: every call takes the handle, so a stale copy of an address space cannot
 * exist, and a call on a handle that was put is refused (-EINVAL; activate stops). A raw
 * `struct vmspace *` (what vmspace_current() and a fault handler see) only names a space: no
 * call accepts one; vmspace_ref_is() says whether a handle holds it.
 * Sharing (threads, vfork) is by reference: vmspace_get makes a second handle.
 */
struct FW_NOCOPY vmspace_ref {
	struct vmspace *vs FW_PRIVATE;
};

/* An empty handle (holds nothing). */
#define VMSPACE_REF_EMPTY { .vs = NULL }

/*
 * A page-fault handler: make `addr` accessible for `access` in the space named `vs`
 * (vmspace_map on the handle vmspace_ref_is() matches), or refuse.
 * Returns 0 when the access may be retried, -EFAULT (or another -errno) when it may not.
 * Context: called with interrupts off from the fault path of a user copy, or from
 * vmspace_handle_fault(); it must not sleep.
 */
typedef int (*vmspace_fault_fn)(struct vmspace *vs, struct uaddr addr, unsigned access);

/*
 * vmspace_create - a new, empty user address space (the kernel half shared) in *out, which
 * holds its first reference. Needs: *out empty (-EBUSY otherwise).
 * Returns: 0, -EBUSY, or -ENOMEM (*out stays empty).
 */
FW_MUST_CHECK int vmspace_create(struct vmspace_ref *out);

/* vmspace_get - *out becomes another reference to from's space (a new sharer).
 * Returns: 0; -EBUSY (*out not empty); -EINVAL (from empty). Context: any. */
FW_MUST_CHECK int vmspace_get(struct vmspace_ref *out, const struct vmspace_ref *from);

/*
 * vmspace_put - empty the handle (atomically: of two racing puts one does it) and drop its
 * reference; the last one unmaps every user page (dropping each mapping's frame reference)
 * and frees the tables. A task running on the space holds a reference of its own
 * (vmspace_activate), so the tables go only once no task uses them. An empty handle (or NULL)
 * is ignored. Context: task, not atomic.
 */
void vmspace_put(struct vmspace_ref *r);

/* vmspace_ref_is - whether r holds the space named vs (NULL: never). Context: any. */
bool vmspace_ref_is(const struct vmspace_ref *r, struct vmspace *vs);

/*
 * vmspace_map - map frame `f` at user page `va` with `prot` (enum vm_prot bits; 0 is
 * PROT_NONE: the page holds the frame but every user access faults).
 * Needs: f holds a frame; va page-aligned, inside the user half and at or above VM_USER_MIN.
 * Returns: 0 (the mapping took its own reference to the frame); -EINVAL for a bad address
 *          (below VM_USER_MIN included), an empty handle or unknown prot bits; -EEXIST if va
 *          is mapped; -EPERM for VM_WRITE on a frame the framework sealed (the vDSO's: its
 *          pages stay read-only everywhere, vmspace_protect and vmspace_cow never make them
 *          writable; a write fault copies them); -ENOMEM.
 */
FW_MUST_CHECK int vmspace_map(const struct vmspace_ref *vs, struct uaddr va, const struct frame *f,
			      unsigned prot);

/*
 * vmspace_replace - map `f` at `va` with `prot` whether or not a page is mapped there; the
 * old page (if any) is flushed and its frame reference dropped. Returns as vmspace_map,
 * without -EEXIST.
 */
FW_MUST_CHECK int vmspace_replace(const struct vmspace_ref *vs, struct uaddr va,
				  const struct frame *f, unsigned prot);

/*
 * vmspace_unmap - unmap every page in [va, va + len) (page-aligned), flush the unmapped span
 * from every CPU's TLB once per batch of up to 64 pages (not once per page), then drop the
 * mappings' frame references. Holes are skipped (absent tables whole).
 * Returns: the number of pages unmapped, or -EINVAL for a bad range or an empty handle.
 */
int64_t vmspace_unmap(const struct vmspace_ref *vs, struct uaddr va, uint64_t len);

/* How vmspace_protect treats write permission. */
enum vm_protect_mode {
	VM_PROTECT_SHARED,  /* every page gets exactly `prot` */
	VM_PROTECT_PRIVATE, /* write only where this mapping alone holds the frame; pages whose
			     * frame others hold too stay read-only (the write fault copies them,
			     * vmspace_cow) */
};

/*
 * vmspace_protect - set the rights of every mapped page in [va, va + len) (holes skipped;
 * prot 0 is PROT_NONE) and flush the changed span once.
 * Returns: 0, or -EINVAL for a bad range, prot or handle.
 */
FW_MUST_CHECK int vmspace_protect(const struct vmspace_ref *vs, struct uaddr va, uint64_t len,
				  unsigned prot, enum vm_protect_mode mode);

/* How vmspace_share maps the pages. */
enum vm_share_mode {
	VM_SHARE_SAME,          /* the same rights on both sides (shared memory, read-only) */
	VM_SHARE_COPY_ON_WRITE, /* write is taken away on both sides: the first write on either
				 * side faults and copies (or reuses, when the other side is gone) */
};

/*
 * vmspace_share - map into `dst`, at the same addresses, every page `src` has in
 * [va, va + len): the same frames, each new mapping with its own reference (fork's copy of
 * an address space without copying a byte). Under VM_SHARE_COPY_ON_WRITE the source's
 * writable pages become read-only (one flush for the range).
 * Needs: dst and src different spaces; dst has nothing mapped in the range (-EEXIST).
 * Returns: the number of pages shared; -EINVAL; -EEXIST; -ENOMEM (a table for dst: the
 *          pages shared so far stay, the caller puts dst).
 * Context: takes src's lock, then dst's (dst must not be reachable by anyone else).
 */
int64_t vmspace_share(const struct vmspace_ref *dst, const struct vmspace_ref *src, struct uaddr va,
		      uint64_t len, enum vm_share_mode mode);

/*
 * vmspace_cow - resolve a write to the mapped, write-protected page `va` of a private
 * mapping: when this mapping alone holds the frame (reference count 1), the page just gets
 * `prot`; otherwise a copy of the frame replaces it with `prot` and the shared frame loses
 * this mapping's reference. The reference count is read under the space's lock, and only a
 * mapping can add a reference to a frame no one else holds, so a count of 1 is final.
 * Needs: prot includes VM_WRITE.
 * Returns: 0; -ENOENT when va is not mapped; -EINVAL; -ENOMEM (nothing changed).
 */
FW_MUST_CHECK int vmspace_cow(const struct vmspace_ref *vs, struct uaddr va, unsigned prot);

/*
 * vmspace_move - move every page mapped in [from, from + len) to the same offset from `to`
 * (mremap): the frames, rights and references go with them; the old span is flushed once.
 * Needs: both ranges page-aligned in the user half (`to` at or above VM_USER_MIN); nothing
 * mapped in the target range.
 * Returns: the pages moved; -EINVAL; -EEXIST (a target page is mapped: the pages before it
 *          are moved); -ENOMEM (a table for the target; likewise).
 */
int64_t vmspace_move(const struct vmspace_ref *vs, struct uaddr from, struct uaddr to,
		     uint64_t len);

/*
 * vmspace_resident_pages - how many user pages of vs hold a frame (PROT_NONE pages included;
 * a frame shared with another space counts in each): Linux's RSS in pages, for /proc and the
 * out-of-memory policy. A snapshot, 0 for an empty handle. Context: any.
 */
uint64_t vmspace_resident_pages(const struct vmspace_ref *vs);

/*
 * vmspace_query - whether user page `va` is mapped: 0 with its rights in *prot (0 for a
 * PROT_NONE page), -ENOENT, or -EINVAL for an address outside the user half or an empty handle.
 */
int vmspace_query(const struct vmspace_ref *vs, struct uaddr va, unsigned *prot);

/*
 * vmspace_frame_at - a new handle (one more reference) to the frame mapped at page `va`.
 * Needs: *out empty. Returns: 0, -ENOENT, -EINVAL, -EBUSY (out not empty).
 */
FW_MUST_CHECK int vmspace_frame_at(const struct vmspace_ref *vs, struct uaddr va,
				   struct frame *out);

/*
 * vmspace_activate - make vs the address space of the calling task (its user code and its user
 * copies see it) and load it on this CPU. The context switch loads it again wherever the task
 * runs next; a task without one runs on whatever the CPU has loaded (kernel tasks).
 * The task holds a reference of its own while vs is its space (dropped when it activates
 * another, deactivates or exits), so the last put of the service's handles tears the space
 * down only once no task runs on it. Needs: vs holds a space (an empty handle stops the
 * kernel). Context: task, not atomic (the old space's reference may be its last).
 */
void vmspace_activate(const struct vmspace_ref *vs);

/* vmspace_deactivate - the calling task has no address space any more (its reference is
 * dropped); this CPU loads the kernel-only tables. Context: as vmspace_activate. */
void vmspace_deactivate(void);

/* vmspace_current - the name of the calling task's address space, or NULL (compare it with
 * vmspace_ref_is; no call accepts it). */
struct vmspace *vmspace_current(void);

/* vmspace_is_current - whether vs holds the calling task's address space. */
bool vmspace_is_current(const struct vmspace_ref *vs);

/* vmspace_set_fault_handler - the handler for faults on vs's user pages (NULL: none). */
void vmspace_set_fault_handler(const struct vmspace_ref *vs, vmspace_fault_fn fn);

/*
 * vmspace_handle_fault - offer a fault at `addr` to vs's handler.
 * Returns: the handler's answer, or -EFAULT when there is no handler, the handle is empty or
 *          addr is not a user address.
 */
int vmspace_handle_fault(const struct vmspace_ref *vs, struct uaddr addr, unsigned access);

#endif /* FW_VMSPACE_H */
