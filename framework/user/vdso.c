/*
 * user/vdso.c — the vDSO's frames and data page (fw/vdso.h, internal/vdso.h).
 *
 * At boot the embedded ELF image (vdso_image.S) is copied into untyped frames the framework
 * keeps for ever, and one more frame becomes the data page (internal/vdso_data.h). Mappings
 * take their own references (vmspace_map), so these frames are never freed, and a private copy
 * made by a write fault leaves them untouched. All of them are sealed (frame_seal): a service
 * can reach them through vmspace_frame_at on a mapped page, but no write through a handle, a
 * writable mapping or a device can change what every process runs and reads.
 *
 * The data page is written here only, under vvar_lock, with the sequence count made odd
 * around every change (the vDSO retries a read that overlapped one). Its clock fields are the
 * ones fw_time_ns() uses (clock.c's TSC multiplier); the clock mode says whether the TSC is
 * fw_time_ns()'s source at all.
 *
 * TSC_AUX: on CPUs with RDTSCP or RDPID each CPU's TSC_AUX holds its number (node 0), the value
 * the getcpu system call reports, so __vdso_getcpu reads it without a system call.
 */
#include <fw/errno.h>
#include <fw/frame.h>
#include <fw/time.h>
#include <fw/vdso.h>

#include "internal/clock.h"
#include "internal/mm.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/vdso.h"
#include "internal/vdso_data.h"
#include "arch/x86_64/x86.h"

#define MSR_TSC_AUX 0xc0000103u
#define VDSO_TEXT_MAX_PAGES 4u

_Static_assert(sizeof(struct vdso_data) <= VDSO_VVAR_SIZE, "vdso_data fits its page");
_Static_assert(VDSO_VVAR_SIZE == FRAME_SIZE, "one data page");

extern const u8 vdso_image_start[], vdso_image_end[];

static struct frame vvar_frame = FRAME_EMPTY;
static struct frame text_frames[VDSO_TEXT_MAX_PAGES];
static u64 text_pages; /* 0 until vdso_init succeeded; fixed afterwards */
static struct vdso_data *vvar; /* the data page through the direct map, once allocated */
static struct fw_rawlock vvar_lock = RAW_SPINLOCK_INIT;
static u32 cpu_mode = VDSO_CPU_SYSCALL;

/* The clock mode fw_time_ns() allows right now. */
static u32 clock_mode_now(void)
{
	return clock_source == CLOCK_TSC ? VDSO_CLOCK_TSC : VDSO_CLOCK_SYSCALL;
}

/* vvar_begin / vvar_end - bracket a change of the data page (writer side of the seqcount). */
static u64 vvar_begin(void)
{
	u64 flags = raw_spin_lock_irqsave(&vvar_lock);
	/* SAFETY: vvar is the direct-map address of vvar_frame, a frame this file holds for ever;
	 * only this file writes it (user space maps it read-only). */
	__atomic_store_n(&vvar->seq, vvar->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return flags;
}

static void vvar_end(u64 flags)
{
	/* SAFETY: as vvar_begin; the fence orders the field stores before the even count. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&vvar->seq, vvar->seq + 1, __ATOMIC_RELEASE);
	raw_spin_unlock_irqrestore(&vvar_lock, flags);
}

void vdso_cpu_init(void)
{
	bool rdtscp = cpuid(0x80000000u, 0).eax >= 0x80000001u &&
		      ((cpuid(0x80000001u, 0).edx >> 27) & 1);
	bool rdpid = cpuid(0, 0).eax >= 7 && ((cpuid(7, 0).ecx >> 22) & 1);
	if (!rdtscp && !rdpid)
		return;
	/* SAFETY: TSC_AUX exists when RDTSCP or RDPID does (SDM vol. 4, table 2-2); its low
	 * 32 bits are free for software. Linux's encoding: (node << 12) | cpu. */
	wrmsr(MSR_TSC_AUX, this_cpu()->id & 0xfff);
	if (this_cpu()->id == 0)
		cpu_mode = rdpid ? VDSO_CPU_RDPID : VDSO_CPU_RDTSCP;
}

void vdso_init(void)
{
	/* SAFETY: the two labels bound the embedded image (vdso_image.S); the first four bytes
	 * are read only when len >= 4. */
	u64 len = (u64)(vdso_image_end - vdso_image_start);
	u64 pages = (len + FRAME_SIZE - 1) / FRAME_SIZE;
	if (len < 4 || pages > VDSO_TEXT_MAX_PAGES || vdso_image_start[0] != 0x7f ||
	    vdso_image_start[1] != 'E' || vdso_image_start[2] != 'L' || vdso_image_start[3] != 'F') {
		printk(FW_LOG_ERR, "vdso: the embedded image is not an ELF of at most %u pages",
		       VDSO_TEXT_MAX_PAGES);
		return;
	}
	if (frame_alloc(&vvar_frame))
		goto err_nomem;
	for (u64 i = 0; i < pages; i++) {
		u64 n = len - i * FRAME_SIZE < FRAME_SIZE ? len - i * FRAME_SIZE : FRAME_SIZE;
		/* SAFETY: [start + i * FRAME_SIZE, + n) lies inside the image (n is clipped to its
		 * end); the slice is only read (the cast drops const for the slice type). */
		struct bytes src = __fw_bytes_raw((u8 *)(uintptr_t)(vdso_image_start + i * FRAME_SIZE), n);
		/* SAFETY: i < pages <= VDSO_TEXT_MAX_PAGES, the array's length (checked above). */
		if (frame_alloc(&text_frames[i]) || frame_write(&text_frames[i], 0, src))
			goto err_nomem;
		/* SAFETY: i < pages, as above. Sealed: a handle a service gets through
		 * vmspace_frame_at on a [vdso] page can neither write it nor map it writable. */
		frame_seal(&text_frames[i]);
	}
	frame_seal(&vvar_frame); /* likewise; this file writes it through the direct map */
	/* SAFETY: the direct-map address of a frame this file holds for ever. */
	vvar = phys_to_virt(frame_paddr(&vvar_frame));
	u64 flags = vvar_begin();
	vvar->clock_mode = clock_mode_now();
	vvar->tsc_mult = clock_tsc_mult();
	vvar->realtime_offset_ns = 0;
	vvar->coarse_res_ns = FW_NSEC_PER_SEC / FW_TICK_HZ;
	vvar->cpu_mode = cpu_mode;
	vvar_end(flags);
	/* SAFETY: publishes the frames (release) to readers of text_pages (acquire). */
	__atomic_store_n(&text_pages, pages, __ATOMIC_RELEASE);
	printk(FW_LOG_INFO, "vdso: %lu bytes; clocks %s; getcpu %s", (unsigned long)len,
	       vvar->clock_mode == VDSO_CLOCK_TSC ? "from the TSC" : "by system call",
	       cpu_mode == VDSO_CPU_RDPID ? "RDPID" : cpu_mode == VDSO_CPU_RDTSCP ? "RDTSCP"
										: "by system call");
	return;
err_nomem:
	printk(FW_LOG_ERR, "vdso: out of memory at boot; processes get no vDSO");
	vvar = NULL;
	frame_release(&vvar_frame);
	for (u64 i = 0; i < VDSO_TEXT_MAX_PAGES; i++)
		frame_release(&text_frames[i]); /* SAFETY: i < the array's length. */
}

void vdso_clock_changed(void)
{
	/* SAFETY: an atomic read of the published page count (vdso_init's release). */
	if (!__atomic_load_n(&text_pages, __ATOMIC_ACQUIRE))
		return;
	u64 flags = vvar_begin();
	/* SAFETY: as vvar_begin. */
	vvar->clock_mode = clock_mode_now();
	vvar->tsc_mult = clock_tsc_mult();
	vvar_end(flags);
}

void fw_vdso_set_realtime_offset(i64 offset_ns)
{
	/* SAFETY: an atomic read of the published page count (vdso_init's release). */
	if (!__atomic_load_n(&text_pages, __ATOMIC_ACQUIRE))
		return;
	u64 flags = vvar_begin();
	/* SAFETY: as vvar_begin. */
	vvar->realtime_offset_ns = offset_ns;
	vvar_end(flags);
}

u64 fw_vdso_vvar_size(void)
{
	return VDSO_VVAR_SIZE;
}

u64 fw_vdso_text_size(void)
{
	/* SAFETY: an atomic read of the published page count (vdso_init's release). */
	return __atomic_load_n(&text_pages, __ATOMIC_ACQUIRE) * FRAME_SIZE;
}

int fw_vdso_map_page(const struct vmspace_ref *vs, struct uaddr va, enum fw_vdso_part part,
		     u64 index, unsigned prot)
{
	/* SAFETY: an atomic read of the published page count (vdso_init's release). */
	u64 pages = __atomic_load_n(&text_pages, __ATOMIC_ACQUIRE);
	if (!pages)
		return -ENOENT;
	if (prot & VM_WRITE)
		return -EINVAL;
	switch (part) {
	case FW_VDSO_VVAR:
		if (index != 0 || (prot & VM_EXEC))
			return -EINVAL;
		return vmspace_map(vs, va, &vvar_frame, prot);
	case FW_VDSO_TEXT:
		if (index >= pages)
			return -EINVAL;
		/* SAFETY: index < pages <= VDSO_TEXT_MAX_PAGES, the array's length. */
		return vmspace_map(vs, va, &text_frames[index], prot);
	default:
		return -EINVAL;
	}
}

int fw_vdso_map(const struct vmspace_ref *vs, struct uaddr base)
{
	/* SAFETY: an atomic read of the published page count (vdso_init's release). */
	u64 pages = __atomic_load_n(&text_pages, __ATOMIC_ACQUIRE);
	if (!pages)
		return -ENOENT;
	int e = fw_vdso_map_page(vs, base, FW_VDSO_VVAR, 0, VM_READ);
	for (u64 i = 0; !e && i < pages; i++)
		e = fw_vdso_map_page(vs, uaddr_add(base, VDSO_VVAR_SIZE + i * FRAME_SIZE),
				     FW_VDSO_TEXT, i, VM_READ | VM_EXEC);
	return e;
}
