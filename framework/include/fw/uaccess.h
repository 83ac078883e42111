/*
 * fw/uaccess.h — reading and writing user memory (and untyped kernel bytes) through bounded
 * cursors that survive faults.
 *
 * A `struct vm_reader` / `struct vm_writer` covers one range: user memory of the active
 * address space ([addr, addr + len) at a `struct uaddr`), or a kernel byte slice. Each read or
 * write moves the cursor forward. User accesses are fallible: a range outside the user half,
 * an unmapped page or a page without the right is never a kernel fault — the copy stops there
 * (after offering the fault to the address space's handler, fw/vmspace.h) and reports it the
 * way Linux does: the bytes transferred before the fault, or -EFAULT if there were none.
 *
 *     struct vm_reader r = vm_reader_user(buf, count);   // write(fd, buf, count)
 *     struct result_size n = vm_read(&r, chunk);        // n.value bytes, or n.err == -EFAULT
 *
 * Plain-data copies (DEFINE_UCOPY) move one struct of plain data (fw/plain.h) whole or not at
 * all; ustr_copy() copies a NUL-terminated user string (a path, an argv entry) into a bounded
 * buffer with Linux's errors: -ENAMETOOLONG when no NUL comes within the buffer, -EFAULT.
 *
 * Context: task context (a fault may run the address space's fault handler); the user side is
 * the address space active on this CPU.
 */
#ifndef FW_UACCESS_H
#define FW_UACCESS_H

#include <fw/bytes.h>
#include <fw/frame.h>
#include <fw/libbase.h>
#include <fw/result.h>
#include <fw/str.h>
#include <fw/vmspace.h>

enum vm_cursor_kind { VM_CURSOR_USER, VM_CURSOR_KERNEL };

struct vm_reader {
	enum vm_cursor_kind kind FW_PRIVATE;
	uint64_t cur FW_PRIVATE;     /* user: the next address */
	uint64_t end FW_PRIVATE;     /* user: one past the last */
	struct bytes kbuf FW_PRIVATE; /* kernel: the bytes not read yet */
	bool bad FW_PRIVATE;         /* the range was refused: every read is -EFAULT */
};

struct vm_writer {
	enum vm_cursor_kind kind FW_PRIVATE;
	uint64_t cur FW_PRIVATE;
	uint64_t end FW_PRIVATE;
	struct bytes kbuf FW_PRIVATE;
	bool bad FW_PRIVATE;
};

/* vm_reader_user / vm_writer_user - cursors over user [addr, addr + len). A range that leaves
 * the user half makes every access return -EFAULT (Linux's access_ok). */
struct vm_reader vm_reader_user(struct uaddr addr, size_t len);
struct vm_writer vm_writer_user(struct uaddr addr, size_t len);
/* vm_reader_bytes / vm_writer_bytes - cursors over kernel bytes (never fault). */
struct vm_reader vm_reader_bytes(struct bytes b);
struct vm_writer vm_writer_bytes(struct bytes b);

/* Bytes left in the cursor's range. */
size_t vm_reader_remaining(const struct vm_reader *r);
size_t vm_writer_remaining(const struct vm_writer *w);

/*
 * vm_read - copy min(remaining, bytes_len(dst)) bytes from the cursor into dst and advance.
 * Returns: the count copied (0 at the end); if the user side faulted, the count before the
 *          fault, or -EFAULT when that is 0.
 */
struct result_size vm_read(struct vm_reader *r, struct bytes dst);

/* vm_write - copy min(remaining, bytes_len(src)) bytes of src to the cursor; as vm_read. */
struct result_size vm_write(struct vm_writer *w, struct bytes src);

/* vm_copy - from a reader to a writer, up to `max` bytes, through a bounce buffer; as vm_read
 * (a fault on either side ends it). */
struct result_size vm_copy(struct vm_writer *w, struct vm_reader *r, size_t max);

/*
 * frame_to_user - copy `len` bytes of frame f from `off` into the writer, with no bounce
 * buffer (a page-cache read). frame_from_user - `len` bytes from the reader into f at `off`.
 * frame_zero_to_user - `len` zero bytes into the writer (a hole in a file).
 * Returns: as vm_write / vm_read; -ERANGE (nothing copied) when [off, off + len) leaves the
 *          frame (len <= FRAME_SIZE for the zero writer); -EINVAL for an empty handle.
 */
struct result_size frame_to_user(struct vm_writer *w, const struct frame *f, size_t off,
				 size_t len);
struct result_size frame_from_user(struct vm_reader *r, const struct frame *f, size_t off,
				   size_t len);
struct result_size frame_zero_to_user(struct vm_writer *w, size_t len);

/*
 * frame_to_user_release - frame_to_user, then frame_release(f): the handle's own reference
 * holds the frame for the copy, so the copy takes no reference of its own (half the reference
 * traffic of a page-cache read, which clones a page's handle only to copy it out). *f is
 * emptied first (atomically: of two racing calls, or a call racing a release, one gets the
 * frame and the other sees an empty handle, -EINVAL); the reference is dropped after the copy
 * whatever its result.
 * Returns: as frame_to_user.
 */
struct result_size frame_to_user_release(struct vm_writer *w, struct frame *f, size_t off,
					 size_t len);

/*
 * user_cmpxchg_u32 - atomically compare the 32-bit word at user `addr` with `old` and, when
 * equal, store `new` (futex's compare-and-exchange on user memory); *cur gets the value that
 * was there (== old when the store happened).
 * Returns: 0; -EINVAL for an address that is not 4-byte aligned; -EFAULT for a fault or an
 *          address outside the user half (after the fault handler had its chance).
 * Context: task context, the user side being the active address space.
 */
int user_cmpxchg_u32(struct uaddr addr, uint32_t old, uint32_t new_val, uint32_t *cur);

/*
 * vmspace_read_remote / vmspace_write_remote - copy between kernel bytes and user memory of
 * `vs`, which need not be the active space (process_vm_readv, /proc/PID/mem, core dumps):
 * page by page through the frames, a missing page offered to vs's fault handler first (a
 * read fault for reading, a write fault for writing: copy-on-write is honoured).
 * Returns: the bytes copied (short at the first page that stays inaccessible), or -EFAULT
 *          when none could be.
 */
struct result_size vmspace_read_remote(const struct vmspace_ref *vs, struct uaddr addr,
				      struct bytes dst);
struct result_size vmspace_write_remote(const struct vmspace_ref *vs, struct uaddr addr,
				       struct bytes src);

/*
 * ustr_copy - copy the NUL-terminated string at user `addr` into `buf`.
 * Returns: the text (without its NUL, inside buf); -ENAMETOOLONG if no NUL within
 *          bytes_len(buf) bytes (so the longest string is bytes_len(buf) - 1, as Linux's
 *          PATH_MAX counts the NUL); -EFAULT for a fault or an address outside the user half.
 */
struct str_result ustr_copy(struct uaddr addr, struct bytes buf);

/* Framework backends of DEFINE_UCOPY (FW_PLAIN_DATA_ARG: only inside the trusted macro). */
int __fw_ucopy_from(void *dst, size_t size, struct uaddr src) FW_PLAIN_DATA_ARG;
int __fw_ucopy_to(const void *src, size_t size, struct uaddr dst) FW_PLAIN_DATA_ARG;

/*
 * DEFINE_UCOPY(name, T) - for a plain-data type T:
 *     int name_from_user(T *dst, struct uaddr src);  // 0, or -EFAULT (dst zeroed)
 *     int name_to_user(const T *src, struct uaddr dst); // 0, or -EFAULT (may be partial)
 */
#define DEFINE_UCOPY(name, T)                                                               \
	_Static_assert(sizeof(T) > 0, "plain data type " #name);                            \
	static inline FW_UNUSED int name##_from_user(T *dst, struct uaddr src)              \
	{                                                                                   \
		return __fw_ucopy_from(dst, sizeof(T), src);                                \
	}                                                                                   \
	static inline FW_UNUSED int name##_to_user(const T *src, struct uaddr dst)          \
	{                                                                                   \
		return __fw_ucopy_to(src, sizeof(T), dst);                                  \
	}                                                                                   \
	_Static_assert(1, #name)

#endif /* FW_UACCESS_H */
