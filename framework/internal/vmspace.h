/*
 * internal/vmspace.h — the framework's own address-space calls on raw `struct vmspace *`.
 *
 * Services hold an owning `struct vmspace_ref` (fw/vmspace.h: no-copy, emptied by vmspace_put)
 * and call the wrappers there, which load the handle and call these. Framework code and its
 * ktests call these directly.
 */
#ifndef FW_INTERNAL_VMSPACE_H
#define FW_INTERNAL_VMSPACE_H

#include <fw/frame.h>
#include <fw/types.h>
#include <fw/uaccess.h>
#include <fw/vmspace.h>

/* The framework's own address-space calls on raw pointers (services hold a struct vmspace_ref
 * and call the fw/vmspace.h wrappers, which load the handle and call these). Same contracts
 * as the wrappers; vs_create returns the space with one reference or NULL; a torn-down space
 * is refused by each (vs_get stops, vs_put warns, the others return -EINVAL). */
struct vmspace *vs_create(void);
struct vmspace *vs_get(struct vmspace *vs);
void vs_put(struct vmspace *vs);
void vs_destroy(struct vmspace *vs);
int vs_map(struct vmspace *vs, struct uaddr va, const struct frame *f, unsigned prot);
int vs_replace(struct vmspace *vs, struct uaddr va, const struct frame *f, unsigned prot);
i64 vs_unmap(struct vmspace *vs, struct uaddr va, u64 len);
int vs_protect(struct vmspace *vs, struct uaddr va, u64 len, unsigned prot,
	       enum vm_protect_mode mode);
i64 vs_share(struct vmspace *dst, struct vmspace *src, struct uaddr va, u64 len,
	     enum vm_share_mode mode);
int vs_cow(struct vmspace *vs, struct uaddr va, unsigned prot);
i64 vs_move(struct vmspace *vs, struct uaddr from, struct uaddr to, u64 len);
u64 vs_resident_pages(struct vmspace *vs);
int vs_query(struct vmspace *vs, struct uaddr va, unsigned *prot);
int vs_frame_at(struct vmspace *vs, struct uaddr va, struct frame *out);
void vs_activate(struct vmspace *vs);
void vs_set_fault_handler(struct vmspace *vs, vmspace_fault_fn fn);
int vs_handle_fault(struct vmspace *vs, struct uaddr addr, unsigned access);
struct result_size vs_read_remote(struct vmspace *vs, struct uaddr addr, struct bytes dst);
struct result_size vs_write_remote(struct vmspace *vs, struct uaddr addr, struct bytes src);

#endif
