/*
 * fw/vdso.h — the vDSO: the shared object every process gets from the kernel (vdso(7)), and
 * the data page it reads.
 *
 * The framework owns both: the vDSO's code (framework/vdso/, built into the image) is copied
 * once at boot into frames only the framework holds, and the data page ([vvar]) is written
 * only by the framework (the clock's parameters, the wall-clock offset the kernel sets). A
 * service never gets a handle to these frames: it only asks for them to be mapped into an
 * address space it owns, at an address it chose, read-only ([vvar]) and read + execute
 * ([vdso], the ELF image whose address goes in AT_SYSINFO_EHDR). Each mapping holds its own
 * reference, like any other (fw/vmspace.h), so munmap, fork and teardown need nothing special;
 * a write to the text after mprotect(PROT_WRITE) copies the page (the framework's reference
 * keeps the original shared), as Linux lets a debugger set breakpoints there.
 *
 * Layout in an address space: [vvar] at base (fw_vdso_vvar_size() bytes), [vdso] right above
 * it (fw_vdso_text_size() bytes): the code finds its data at that fixed distance.
 */
#ifndef FW_VDSO_H
#define FW_VDSO_H

#include <fw/libbase.h>
#include <fw/vmspace.h>

/* The two parts of the pair. */
enum fw_vdso_part {
	FW_VDSO_VVAR, /* the data page: read-only */
	FW_VDSO_TEXT, /* the ELF image: read + execute */
};

/* fw_vdso_vvar_size / fw_vdso_text_size - the bytes of each part (whole pages); the text's is
 * 0 when the vDSO could not be set up at boot (no memory): exec then maps none. Context: any. */
uint64_t fw_vdso_vvar_size(void);
uint64_t fw_vdso_text_size(void);

/*
 * fw_vdso_map - map [vvar] at `base` and [vdso] right above it into vs.
 * Needs: base page-aligned; the whole range free in vs.
 * Returns: 0; -ENOENT when there is no vDSO; or vmspace_map's errors (-EINVAL, -EEXIST,
 *          -ENOMEM), with the pages mapped so far left for the caller's unmap.
 * Context: task or atomic (like vmspace_map).
 */
FW_MUST_CHECK int fw_vdso_map(const struct vmspace_ref *vs, struct uaddr base);

/*
 * fw_vdso_map_page - map page `index` of `part` at `va` with `prot` (a page of a [vvar] or
 * [vdso] region that was dropped, e.g. by madvise(MADV_DONTNEED), faulting back in).
 * Needs: prot without VM_WRITE (a write copies the page: vmspace_cow), and for [vvar] without
 * VM_EXEC. Returns: 0; -EINVAL (index out of range, bad prot); -ENOENT (no vDSO); as vmspace_map.
 */
FW_MUST_CHECK int fw_vdso_map_page(const struct vmspace_ref *vs, struct uaddr va,
				   enum fw_vdso_part part, uint64_t index, unsigned prot);

/*
 * fw_vdso_set_realtime_offset - CLOCK_REALTIME is fw_time_ns() + offset_ns from now on, in the
 * vDSO too (the kernel keeps its own copy and calls this whenever it changes it).
 * Context: any.
 */
void fw_vdso_set_realtime_offset(int64_t offset_ns);

#endif /* FW_VDSO_H */
