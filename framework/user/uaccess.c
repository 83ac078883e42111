/*
 * user/uaccess.c — VmReader/VmWriter (fw/uaccess.h) and the exception-table fixup that makes
 * user copies fallible.
 *
 * Every byte of user memory the kernel touches goes through user_copy.S's uaccess_copy_raw or
 * uaccess_strncpy_raw, after a check that the whole range lies in the user half (so a user
 * "address" in the kernel half is -EFAULT before any access, SMAP or not). A fault inside those
 * routines reaches uaccess_fixup() from the #PF handler: the active address space's fault
 * handler may map the page (the copy retries), otherwise RIP moves to the routine's fixup and
 * it returns how far it got.
 */
#include <fw/uaccess.h>

#include "internal/task.h"
#include "internal/fault_inject.h"
#include "internal/trap.h"
#include "internal/user.h"
#include "arch/x86_64/x86.h"
#include "internal/vmspace.h"

u64 uaccess_copy_raw(void *dst, const void *src, u64 n); /* user_copy.S */
i64 uaccess_strncpy_raw(char *dst, u64 usrc, u64 n);

struct extable_entry {
	u64 insn, fixup;
};
extern const struct extable_entry user_extable_start[], user_extable_end[];

/* How often one faulting instruction is retried after the handler said it fixed the fault:
 * a handler that claims success without mapping the page must not hang the kernel. Counted per
 * task (CPUs fault at once; a task may be preempted between two retries). */
#define FIXUP_RETRIES 4

bool uaccess_fixup(struct trap_frame *f)
{
	/* SAFETY: walks the linker-bounded table [start, end) that user_copy.S emits. */
	for (const struct extable_entry *e = user_extable_start; e < user_extable_end; e++) {
		if (e->insn != f->rip)
			continue;
		struct task *me = task_current();
		if (f->vector == VEC_PF && me) {
			u64 addr = read_cr2();
			struct vmspace *vs = vmspace_current();
			if (addr == me->fault_addr && f->rip == me->fault_rip)
				me->fault_retries++;
			else
				me->fault_retries = 0;
			me->fault_addr = addr;
			me->fault_rip = f->rip;
			unsigned access = ((f->error & 2) ? VM_FAULT_WRITE : 0) |
					  ((f->error & 1) ? VM_FAULT_PRESENT : 0) | VM_FAULT_KERNEL;
			if (vs && me->fault_retries < FIXUP_RETRIES &&
			    vs_handle_fault(vs, uaddr(addr), access) == 0)
				return true; /* retry the instruction */
		}
		if (me)
			me->fault_addr = 0;
		f->rip = e->fixup;
		return true;
	}
	return false;
}

/* uaccess_copy_raw, unless fault injection (fault.ucopy=N) makes this copy stop at a chosen
 * offset: then only the bytes before it are copied and the rest is reported not copied, as a
 * real fault there would. Needs: uaccess_copy_raw's contract for n bytes. */
static u64 copy_user(void *dst, const void *src, u64 n)
{
	u64 allowed = fault_ucopy_limit(n);
	/* SAFETY: the caller's contract holds for n bytes, so for the first allowed <= n. */
	return uaccess_copy_raw(dst, src, allowed) + (n - allowed);
}

/* --- cursors ------------------------------------------------------------------------------- */
struct vm_reader vm_reader_user(struct uaddr addr, size_t len)
{
	bool ok = uaddr_range_ok(addr, len);
	return (struct vm_reader){ .kind = VM_CURSOR_USER, .cur = addr.v,
				   .end = ok ? addr.v + len : addr.v, .kbuf = bytes_empty(),
				   .bad = !ok };
}

struct vm_writer vm_writer_user(struct uaddr addr, size_t len)
{
	bool ok = uaddr_range_ok(addr, len);
	return (struct vm_writer){ .kind = VM_CURSOR_USER, .cur = addr.v,
				   .end = ok ? addr.v + len : addr.v, .kbuf = bytes_empty(),
				   .bad = !ok };
}

struct vm_reader vm_reader_bytes(struct bytes b)
{
	return (struct vm_reader){ .kind = VM_CURSOR_KERNEL, .kbuf = b };
}

struct vm_writer vm_writer_bytes(struct bytes b)
{
	return (struct vm_writer){ .kind = VM_CURSOR_KERNEL, .kbuf = b };
}

size_t vm_reader_remaining(const struct vm_reader *r)
{
	return r->kind == VM_CURSOR_KERNEL ? bytes_len(r->kbuf) : r->end - r->cur;
}

size_t vm_writer_remaining(const struct vm_writer *w)
{
	return w->kind == VM_CURSOR_KERNEL ? bytes_len(w->kbuf) : w->end - w->cur;
}

static struct result_size done(size_t n, bool faulted)
{
	return (faulted && n == 0) ? result_size_err(-EFAULT) : result_size_ok(n);
}

struct result_size vm_read(struct vm_reader *r, struct bytes dst)
{
	if (r->kind == VM_CURSOR_KERNEL) {
		struct bytes part = bytes_head(r->kbuf, bytes_len(dst));
		size_t n = bytes_len(part);
		(void)bytes_copy(dst, part);
		r->kbuf = bytes_skip(r->kbuf, n).value;
		return result_size_ok(n);
	}
	if (r->bad)
		return result_size_err(-EFAULT);
	size_t n = bytes_len(dst);
	if (n > r->end - r->cur)
		n = r->end - r->cur;
	/* SAFETY: dst is a valid slice of at least n bytes; [cur, cur + n) is in the user half
	 * (checked when the cursor was made); faults on it are caught (user_copy.S). */
	u64 left = copy_user(dst.ptr, (const void *)(uintptr_t)r->cur, n);
	r->cur += n - left;
	return done(n - left, left != 0);
}

struct result_size vm_write(struct vm_writer *w, struct bytes src)
{
	if (w->kind == VM_CURSOR_KERNEL) {
		size_t n = bytes_len(src);
		if (n > bytes_len(w->kbuf))
			n = bytes_len(w->kbuf);
		(void)bytes_copy(w->kbuf, bytes_head(src, n));
		w->kbuf = bytes_skip(w->kbuf, n).value;
		return result_size_ok(n);
	}
	if (w->bad)
		return result_size_err(-EFAULT);
	size_t n = bytes_len(src);
	if (n > w->end - w->cur)
		n = w->end - w->cur;
	/* SAFETY: as vm_read, in the other direction. */
	u64 left = copy_user((void *)(uintptr_t)w->cur, src.ptr, n);
	w->cur += n - left;
	return done(n - left, left != 0);
}

struct result_size vm_copy(struct vm_writer *w, struct vm_reader *r, size_t max)
{
	u8 bounce[256];
	size_t total = 0;
	while (total < max) {
		size_t want = max - total < sizeof(bounce) ? max - total : sizeof(bounce);
		if (want > vm_writer_remaining(w))
			want = vm_writer_remaining(w);
		if (want == 0)
			break;
		struct result_size got = vm_read(r, bytes_head(BYTES_OF_ARRAY(bounce), want));
		if (got.err)
			return done(total, true);
		if (got.value == 0)
			break;
		struct result_size put = vm_write(w, bytes_head(BYTES_OF_ARRAY(bounce), got.value));
		if (put.err)
			return done(total, true);
		total += put.value;
		if (put.value < got.value || got.value < want)
			return done(total, true);
	}
	return result_size_ok(total);
}

struct str_result ustr_copy(struct uaddr addr, struct bytes buf)
{
	size_t cap = bytes_len(buf);
	if (cap == 0)
		return str_result_err(-ENAMETOOLONG);
	/* The bytes that may be read: up to cap, but not past the end of the user half. */
	if (addr.v >= VM_USER_END)
		return str_result_err(-EFAULT);
	size_t room = VM_USER_END - addr.v < cap ? VM_USER_END - addr.v : cap;
	/* An injected fault (fault.ucopy=N) stops the copy at `lim`: no NUL before it is -EFAULT. */
	size_t lim = fault_ucopy_limit(room);
	/* SAFETY: buf is valid for cap >= room >= lim bytes; [addr, addr + room) is in the user
	 * half. */
	i64 n = uaccess_strncpy_raw((char *)buf.ptr, addr.v, lim);
	if (n < 0 || (lim < room && (size_t)n == lim))
		return str_result_err(-EFAULT);
	if ((size_t)n == room)
		return str_result_err(room < cap ? -EFAULT : -ENAMETOOLONG);
	return str_result_ok(str_from_bytes(bytes_head(buf, (size_t)n)));
}

int uaccess_cmpxchg32_raw(u32 *uaddr, u32 old, u32 new_val, u32 *cur); /* user_copy.S */

int user_cmpxchg_u32(struct uaddr addr, u32 old, u32 new_val, u32 *cur)
{
	if (addr.v & 3)
		return -EINVAL;
	if (!uaddr_range_ok(addr, sizeof(u32)))
		return -EFAULT;
	u32 found = 0;
	/* SAFETY: addr is an aligned word in the user half (checked); a fault is caught (user_copy.S)
	 * and the handler may resolve it first; `found` is a kernel word. */
	if (uaccess_cmpxchg32_raw((u32 *)(uintptr_t)addr.v, old, new_val, &found))
		return -EFAULT;
	*cur = found;
	return 0;
}

int __fw_ucopy_from(void *dst, size_t size, struct uaddr src)
{
	if (!uaddr_range_ok(src, size))
		goto err_zero;
	/* SAFETY: dst is an object of `size` bytes (the macro passes sizeof(T)); the source is
	 * in the user half and faults are caught. */
	if (copy_user(dst, (const void *)(uintptr_t)src.v, size) == 0)
		return 0;
err_zero:
	for (size_t i = 0; i < size; i++)
		/* SAFETY: as above. */
		((u8 *)dst)[i] = 0;
	return -EFAULT;
}

int __fw_ucopy_to(const void *src, size_t size, struct uaddr dst)
{
	if (!uaddr_range_ok(dst, size))
		return -EFAULT;
	/* SAFETY: as __fw_ucopy_from, in the other direction. */
	return copy_user((void *)(uintptr_t)dst.v, src, size) == 0 ? 0 : -EFAULT;
}
