/*
 * mm/vmspace_ref.c — the services' side of address spaces: owning no-copy handles
 * (`struct vmspace_ref`, fw/vmspace.h) over the raw calls of mm/vmspace.c.
 *
 * A handle is the only way a service names an address space it can act on: it cannot be
 * copied (FW_NOCOPY, checked), its pointer is private and unreadable (a pointer-valued private
 * field), and vmspace_put empties it with an atomic exchange before dropping the reference, so
 * a call on a handle that was put finds it empty and is refused — no stale pointer to a space
 * reused for another process can exist in service memory. Each wrapper loads the handle once
 * and calls the raw function, which checks that the space is live.
 */
#include <fw/uaccess.h>
#include <fw/vmspace.h>

#include "internal/vmspace.h"

/* The space a handle holds, or NULL (empty, or NULL handle). */
static struct vmspace *ref_load(const struct vmspace_ref *r)
{
	/* SAFETY: r points to a handle (a service object or a framework one); an atomic load of
	 * its pointer, which only vmspace_create/get (store) and vmspace_put (exchange) write. */
	return r ? __atomic_load_n(&r->vs, __ATOMIC_ACQUIRE) : NULL;
}

int vmspace_create(struct vmspace_ref *out)
{
	if (!out || ref_load(out))
		return -EBUSY;
	struct vmspace *vs = vs_create();
	if (!vs)
		return -ENOMEM;
	/* SAFETY: out is an empty handle; the release store publishes the new space. */
	__atomic_store_n(&out->vs, vs, __ATOMIC_RELEASE);
	return 0;
}

int vmspace_get(struct vmspace_ref *out, const struct vmspace_ref *from)
{
	if (!out || ref_load(out))
		return -EBUSY;
	struct vmspace *vs = ref_load(from);
	if (!vs)
		return -EINVAL;
	/* SAFETY: out is an empty handle; it takes the new reference (vs_get checks liveness). */
	__atomic_store_n(&out->vs, vs_get(vs), __ATOMIC_RELEASE);
	return 0;
}

void vmspace_put(struct vmspace_ref *r)
{
	if (!r)
		return;
	/* SAFETY: an atomic exchange empties the handle, so of two racing puts exactly one gets
	 * the space and drops the reference. */
	struct vmspace *vs = __atomic_exchange_n(&r->vs, NULL, __ATOMIC_ACQ_REL);
	if (vs)
		vs_put(vs);
}

bool vmspace_ref_is(const struct vmspace_ref *r, struct vmspace *vs)
{
	return vs && ref_load(r) == vs;
}

int vmspace_map(const struct vmspace_ref *vs, struct uaddr va, const struct frame *f,
		unsigned prot)
{
	return vs_map(ref_load(vs), va, f, prot);
}

int vmspace_replace(const struct vmspace_ref *vs, struct uaddr va, const struct frame *f,
		    unsigned prot)
{
	return vs_replace(ref_load(vs), va, f, prot);
}

int64_t vmspace_unmap(const struct vmspace_ref *vs, struct uaddr va, uint64_t len)
{
	return vs_unmap(ref_load(vs), va, len);
}

int vmspace_protect(const struct vmspace_ref *vs, struct uaddr va, uint64_t len, unsigned prot,
		    enum vm_protect_mode mode)
{
	return vs_protect(ref_load(vs), va, len, prot, mode);
}

int64_t vmspace_share(const struct vmspace_ref *dst, const struct vmspace_ref *src,
		      struct uaddr va, uint64_t len, enum vm_share_mode mode)
{
	return vs_share(ref_load(dst), ref_load(src), va, len, mode);
}

int vmspace_cow(const struct vmspace_ref *vs, struct uaddr va, unsigned prot)
{
	return vs_cow(ref_load(vs), va, prot);
}

int64_t vmspace_move(const struct vmspace_ref *vs, struct uaddr from, struct uaddr to,
		     uint64_t len)
{
	return vs_move(ref_load(vs), from, to, len);
}

uint64_t vmspace_resident_pages(const struct vmspace_ref *vs)
{
	return vs_resident_pages(ref_load(vs));
}

int vmspace_query(const struct vmspace_ref *vs, struct uaddr va, unsigned *prot)
{
	return vs_query(ref_load(vs), va, prot);
}

int vmspace_frame_at(const struct vmspace_ref *vs, struct uaddr va, struct frame *out)
{
	return vs_frame_at(ref_load(vs), va, out);
}

void vmspace_activate(const struct vmspace_ref *vs)
{
	struct vmspace *s = ref_load(vs);
	FW_CHECK(s != NULL, "vmspace_activate of an empty address-space handle");
	vs_activate(s);
}

bool vmspace_is_current(const struct vmspace_ref *vs)
{
	struct vmspace *cur = vmspace_current();
	return cur && ref_load(vs) == cur;
}

void vmspace_set_fault_handler(const struct vmspace_ref *vs, vmspace_fault_fn fn)
{
	vs_set_fault_handler(ref_load(vs), fn);
}

int vmspace_handle_fault(const struct vmspace_ref *vs, struct uaddr addr, unsigned access)
{
	return vs_handle_fault(ref_load(vs), addr, access);
}

struct result_size vmspace_read_remote(const struct vmspace_ref *vs, struct uaddr addr,
				       struct bytes dst)
{
	return vs_read_remote(ref_load(vs), addr, dst);
}

struct result_size vmspace_write_remote(const struct vmspace_ref *vs, struct uaddr addr,
					struct bytes src)
{
	return vs_write_remote(ref_load(vs), addr, src);
}
