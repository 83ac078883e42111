/*
 * user/vdso_test.c — ktests of the vDSO's framework side: the pair maps read-only and
 * read + execute with the image's bytes, the calls refuse what they must, the data page
 * carries the kernel's clock (the vDSO's product lies between two fw_time_ns() readings) and
 * the wall-clock offset, with an even sequence count when nobody writes it.
 */
#include <fw/errno.h>
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/time.h>
#include <fw/vdso.h>
#include <fw/vmspace.h>

#include "internal/clock.h"
#include "internal/mm.h"
#include "internal/vdso.h"
#include "internal/vdso_data.h"
#include "arch/x86_64/x86.h"

#define VT_BASE 0x40000000ull

static unsigned vt_prot(const struct vmspace_ref *vs, u64 va)
{
	unsigned p = 99;
	return vmspace_query(vs, uaddr(va), &p) ? 99 : p;
}

KTEST(vdso, maps_pair_with_rights_and_refuses_bad_calls)
{
	KT_ASSERT(kt, fw_vdso_text_size() > 0);
	KT_EXPECT_EQ(kt, fw_vdso_vvar_size(), (u64)VDSO_VVAR_SIZE);
	struct vmspace_ref vs = VMSPACE_REF_EMPTY;
	KT_ASSERT_EQ(kt, vmspace_create(&vs), 0);
	KT_ASSERT_EQ(kt, fw_vdso_map(&vs, uaddr(VT_BASE)), 0);
	u64 text = VT_BASE + VDSO_VVAR_SIZE;
	KT_EXPECT_EQ(kt, vt_prot(&vs, VT_BASE), (unsigned)VM_READ);
	KT_EXPECT_EQ(kt, vt_prot(&vs, text), (unsigned)(VM_READ | VM_EXEC));
	KT_EXPECT_EQ(kt, vt_prot(&vs, text + fw_vdso_text_size()), 99u); /* nothing past it */
	/* the text is the ELF image */
	struct frame f = FRAME_EMPTY;
	u8 magic[4] = { 0 };
	KT_ASSERT_EQ(kt, vmspace_frame_at(&vs, uaddr(text), &f), 0);
	KT_EXPECT_EQ(kt, frame_read(&f, 0, BYTES_OF_ARRAY(magic)), 0);
	KT_EXPECT(kt, magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F');
	/* the mapping, the framework and this handle hold it */
	KT_EXPECT_GE(kt, frame_refcount(&f), 3u);
	frame_release(&f);
	/* mapping again is -EEXIST; writable or executable data, bad indexes are refused */
	KT_EXPECT_EQ(kt, fw_vdso_map(&vs, uaddr(VT_BASE)), -EEXIST);
	KT_EXPECT_EQ(kt, fw_vdso_map_page(&vs, uaddr(VT_BASE + 0x100000), FW_VDSO_TEXT, 0,
					  VM_READ | VM_WRITE), -EINVAL);
	KT_EXPECT_EQ(kt, fw_vdso_map_page(&vs, uaddr(VT_BASE + 0x100000), FW_VDSO_VVAR, 0,
					  VM_READ | VM_EXEC), -EINVAL);
	KT_EXPECT_EQ(kt, fw_vdso_map_page(&vs, uaddr(VT_BASE + 0x100000), FW_VDSO_VVAR, 1,
					  VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, fw_vdso_map_page(&vs, uaddr(VT_BASE + 0x100000), FW_VDSO_TEXT,
					  fw_vdso_text_size() / FRAME_SIZE, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, fw_vdso_map(&vs, uaddr(VM_USER_END)), -EINVAL);
	/* a dropped page comes back (the fault path of a [vdso] region) */
	KT_EXPECT_EQ(kt, vmspace_unmap(&vs, uaddr(text), FRAME_SIZE), 1);
	KT_EXPECT_EQ(kt, fw_vdso_map_page(&vs, uaddr(text), FW_VDSO_TEXT, 0, VM_READ | VM_EXEC), 0);
	KT_EXPECT_EQ(kt, vt_prot(&vs, text), (unsigned)(VM_READ | VM_EXEC));
	vmspace_put(&vs);
}

/* Issue #13 (hostile pass on the vDSO): a service reaches the vDSO's frames with
 * vmspace_frame_at on a page of [vdso] or [vvar]. The frames are sealed, so the handle writes
 * nothing: regression for vdso_frames_written_through_a_handle (frame_write on the text
 * changed the vDSO of every process; vmspace_protect(VM_PROTECT_SHARED) made it writable). */
KTEST(vdso, sealed_pages_cannot_be_written_through_a_handle)
{
	KT_ASSERT(kt, fw_vdso_text_size() > 0);
	struct vmspace_ref vs = VMSPACE_REF_EMPTY;
	KT_ASSERT_EQ(kt, vmspace_create(&vs), 0);
	KT_ASSERT_EQ(kt, fw_vdso_map(&vs, uaddr(VT_BASE)), 0);
	u64 text = VT_BASE + VDSO_VVAR_SIZE;
	struct frame t = FRAME_EMPTY, d = FRAME_EMPTY, mine = FRAME_EMPTY, c = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, vmspace_frame_at(&vs, uaddr(text), &t), 0);
	KT_ASSERT_EQ(kt, vmspace_frame_at(&vs, uaddr(VT_BASE), &d), 0);
	KT_ASSERT_EQ(kt, frame_alloc(&mine), 0);
	u8 evil[4] = { 0xcc, 0xcc, 0xcc, 0xcc }, magic[4] = { 0 };
	KT_EXPECT_EQ(kt, frame_write(&t, 0, BYTES_OF_ARRAY(evil)), -EPERM);
	KT_EXPECT_EQ(kt, frame_fill(&t, 0, 4, 0xcc), -EPERM);
	KT_EXPECT_EQ(kt, frame_write(&d, 0, BYTES_OF_ARRAY(evil)), -EPERM);
	KT_EXPECT_EQ(kt, frame_copy(&t, &mine), -EPERM);
	KT_EXPECT_EQ(kt, frame_copy(&mine, &t), 0); /* reading them is fine */
	/* no writable mapping of them, in any mode */
	KT_EXPECT_EQ(kt, vmspace_map(&vs, uaddr(VT_BASE + 0x100000), &t, VM_READ | VM_WRITE), -EPERM);
	KT_EXPECT_EQ(kt, vmspace_replace(&vs, uaddr(text), &t, VM_READ | VM_WRITE), -EPERM);
	KT_EXPECT_EQ(kt, vmspace_protect(&vs, uaddr(VT_BASE), VDSO_VVAR_SIZE + FRAME_SIZE,
					 VM_READ | VM_WRITE, VM_PROTECT_SHARED), 0);
	KT_EXPECT_EQ(kt, vt_prot(&vs, VT_BASE), (unsigned)VM_READ);
	KT_EXPECT_EQ(kt, vt_prot(&vs, text), (unsigned)VM_READ);
	/* a write fault copies the page: the process writes its own copy, the vDSO stays */
	KT_EXPECT_EQ(kt, vmspace_cow(&vs, uaddr(text), VM_READ | VM_WRITE), 0);
	KT_ASSERT_EQ(kt, vmspace_frame_at(&vs, uaddr(text), &c), 0);
	KT_EXPECT(kt, !frame_same(&c, &t));
	KT_EXPECT_EQ(kt, frame_write(&c, 0, BYTES_OF_ARRAY(evil)), 0);
	KT_EXPECT_EQ(kt, frame_read(&t, 0, BYTES_OF_ARRAY(magic)), 0);
	KT_EXPECT(kt, magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F');
	frame_release(&c);
	frame_release(&mine);
	frame_release(&d);
	frame_release(&t);
	vmspace_put(&vs);
}

KTEST(vdso, data_page_follows_kernel_clock)
{
	KT_ASSERT(kt, fw_vdso_text_size() > 0);
	struct vmspace_ref vs = VMSPACE_REF_EMPTY;
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, vmspace_create(&vs), 0);
	KT_ASSERT_EQ(kt, fw_vdso_map(&vs, uaddr(VT_BASE)), 0);
	KT_ASSERT_EQ(kt, vmspace_frame_at(&vs, uaddr(VT_BASE), &f), 0);
	/* SAFETY: the data page's frame, held by f for the test's duration; read only. */
	const struct vdso_data *d = phys_to_virt(frame_paddr(&f));
	KT_EXPECT_EQ(kt, d->seq % 2, 0u);
	KT_EXPECT_EQ(kt, d->coarse_res_ns, FW_NSEC_PER_SEC / FW_TICK_HZ);
	if (clock_source == CLOCK_TSC) {
		KT_EXPECT_EQ(kt, d->clock_mode, VDSO_CLOCK_TSC);
		KT_EXPECT_EQ(kt, d->tsc_mult, clock_tsc_mult());
		/* the vDSO's product, between two kernel readings */
		for (int i = 0; i < 1000; i++) {
			u64 a = fw_time_ns();
			u64 v = (u64)(((unsigned __int128)rdtsc() * d->tsc_mult) >> 32);
			u64 b = fw_time_ns();
			if (v < a || v > b) {
				KT_EXPECT_GE(kt, v, a);
				KT_EXPECT_LE(kt, v, b);
				break;
			}
		}
	} else {
		KT_EXPECT_EQ(kt, d->clock_mode, VDSO_CLOCK_SYSCALL);
	}
	/* the wall-clock offset goes through, and the count moves by two (one write) */
	i64 old = d->realtime_offset_ns;
	u32 seq = d->seq;
	fw_vdso_set_realtime_offset(old + 12345);
	KT_EXPECT_EQ(kt, d->realtime_offset_ns, old + 12345);
	KT_EXPECT_EQ(kt, d->seq, seq + 2);
	fw_vdso_set_realtime_offset(old);
	KT_EXPECT_EQ(kt, d->realtime_offset_ns, old);
	frame_release(&f);
	vmspace_put(&vs);
}
