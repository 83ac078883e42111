/*
 * user/user_test.c — ktests of user mode: the boundary (syscall/sysret, iretq fallback,
 * exceptions and interrupts from user mode, flags, FPU state), VmSpace and the fallible user
 * copies. Each test runs the program tests/user/utest.S (blob "utest") in a fresh address
 * space, through the harness of user/utest.h (defined here). Tests of user code on several
 * CPUs and tasks at once: user_smp_test.c.
 */
#include <fw/blob.h>
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/preempt.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <fw/user.h>

#include "internal/user.h"
#include "arch/x86_64/x86.h"
#include "user/utest.h"
#include "internal/vmspace.h"

static struct ut ut_a, ut_b; /* two programs at once for the FPU test */

static int map_new(struct vmspace *vs, u64 va, unsigned prot, struct bytes content)
{
	struct frame f = FRAME_EMPTY;
	int err = frame_alloc(&f);
	if (err)
		return err;
	if (bytes_len(content))
		err = frame_write(&f, 0, content);
	if (!err)
		err = vs_map(vs, uaddr(va), &f, prot);
	frame_release(&f); /* the mapping holds its own reference */
	return err;
}

/* A fresh address space with the program, the data page (bytes 0..255 = 0..255) and a stack. */
int ut_setup(struct ut *t, u64 which, u64 arg1, u64 arg2)
{
	*t = (struct ut){ 0 };
	struct kbuf prog_buf = KBUF_EMPTY;
	int err = fw_blob_copy(&prog_buf, STR("utest"));
	if (err)
		return err;
	struct bytes prog = kbuf_bytes(&prog_buf);
	t->vs = vs_create();
	err = t->vs ? 0 : -ENOMEM;
	for (u64 off = 0; !err && off < bytes_len(prog); off += VM_PAGE_SIZE) {
		struct bytes page = bytes_head(bytes_skip(prog, off).value, VM_PAGE_SIZE);
		err = map_new(t->vs, UT_CODE + off, VM_READ | VM_EXEC, page);
	}
	kbuf_free(&prog_buf);
	u8 pattern[256];
	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8)i;
	if (!err)
		err = map_new(t->vs, UT_DATA, VM_READ | VM_WRITE, BYTES_OF_ARRAY(pattern));
	if (!err)
		err = map_new(t->vs, UT_STACK, VM_READ | VM_WRITE, bytes_empty());
	user_context_init(&t->uc);
	if (!err)
		err = user_ctx_set_ip(&t->uc, uaddr(UT_CODE));
	if (!err)
		err = user_ctx_set_sp(&t->uc, uaddr(VM_USER_END - 64));
	user_ctx_set_reg(&t->uc, UREG_RDI, which);
	user_ctx_set_reg(&t->uc, UREG_RSI, arg1);
	user_ctx_set_reg(&t->uc, UREG_RDX, arg2);
	return err;
}

void ut_teardown(struct ut *t)
{
	user_context_fini(&t->uc);
	vmspace_deactivate();
	vs_destroy(t->vs);
	t->vs = NULL;
}

static i64 ut_write(struct ut *t, u64 buf, u64 len)
{
	struct vm_reader r = vm_reader_user(uaddr(buf), len);
	u64 room = sizeof(t->out) - t->out_len;
	struct bytes dst = bytes_head(bytes_skip(BYTES_OF_ARRAY(t->out), t->out_len).value, room);
	struct result_size n = vm_read(&r, dst);
	if (n.err)
		return n.err;
	t->out_len += n.value;
	return (i64)n.value;
}

void ut_serve(struct ut *t)
{
	struct user_context *uc = &t->uc;
	i64 ret = -ENOSYS;
	t->syscalls++;
	preempt_disable();
	t->cpus_seen |= 1u << (cpu_this_id() & 31);
	preempt_enable();
	switch (user_ctx_syscall_nr(uc)) {
	case 1:
		ret = ut_write(t, user_ctx_syscall_arg(uc, 1), user_ctx_syscall_arg(uc, 2));
		break;
	case 39:
		ret = 0;
		break;
	case 60:
		t->exited = true;
		t->exit_code = (i64)user_ctx_syscall_arg(uc, 0);
		return;
	case 500:
		t->kernel_rflags = read_rflags();
		if (t->calls_500 < 2)
			t->kernel_gs[t->calls_500++] = rdmsr(MSR_GS_BASE);
		ret = 0;
		break;
	}
	user_ctx_set_retval(uc, ret);
}

/* Run until exit or an exception (or max_syscalls calls); returns the last reason. */
enum user_return ut_run(struct ut *t, u64 max_syscalls)
{
	vs_activate(t->vs);
	for (;;) {
		enum user_return why = user_enter(&t->uc);
		if (why != USER_RET_SYSCALL)
			return why;
		ut_serve(t);
		if (t->exited || t->syscalls >= max_syscalls)
			return why;
	}
}

/* Run one case to its end; the exit code, or -1000 - vector for an exception. */
static i64 ut_case(struct ktest_ctx *kt, struct ut *t, u64 which, u64 a1, u64 a2)
{
	KT_ASSERT_EQ(kt, ut_setup(t, which, a1, a2), 0);
	enum user_return why = ut_run(t, 100000);
	i64 r = why == USER_RET_EXCEPTION ? -1000 - (i64)user_ctx_exception(&t->uc).vector
					  : t->exited ? t->exit_code : -2000;
	ut_teardown(t);
	return r;
}

KTEST(user, write_ok_copies_the_bytes)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, UT_DATA + 10, 20), 20);
	KT_EXPECT_EQ(kt, ut_a.out_len, 20u);
	KT_EXPECT_EQ(kt, ut_a.out[0], 10);
	KT_EXPECT_EQ(kt, ut_a.out[19], 29);
}

KTEST(user, write_kernel_address_is_efault)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, KERNEL_ADDR, 16), -EFAULT);
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, VM_USER_END - 8, 16), -EFAULT);
	KT_EXPECT_EQ(kt, ut_a.out_len, 0u);
}

KTEST(user, write_unmapped_is_efault)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, UT_HOLE + 100, 16), -EFAULT);
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, 0, 1), -EFAULT);
}

KTEST(user, write_straddling_returns_partial_count)
{
	/* 24 bytes mapped before the hole at UT_HOLE: Linux returns what it wrote. */
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_WRITE, UT_HOLE - 24, 100), 24);
	KT_EXPECT_EQ(kt, ut_a.out_len, 24u);
}

/* The user copy (user_copy.S) moves qwords, then a byte tail; a fault must still report exactly the
 * bytes before the hole, whichever qword or tail byte hits it. Start m bytes and 24 + m bytes
 * below UT_HOLE (m = 0..15), in both directions, with the kernel buffer misaligned too. */
KTEST(user, copy_across_hole_counts_exactly_at_every_misalignment)
{
	static u8 src[128], dst[136];
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (u8)(0x80 + i * 5);
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL, 0, 0), 0);
	vs_activate(ut_a.vs);
	unsigned bad = 0;
	for (u64 base = 0; base <= 24; base += 24)
		for (u64 m = 0; m < 16; m++) {
			u64 before = base + m, at = UT_HOLE - before, len = 100 - m;
			struct bytes kdst = bytes_skip(BYTES_OF_ARRAY(dst), m % 8).value;
			/* kernel -> user: the bytes before the hole land, the count says so. */
			struct vm_writer w = vm_writer_user(uaddr(at), len);
			struct result_size put = vm_write(&w, bytes_head(BYTES_OF_ARRAY(src), len));
			if (before == 0 ? put.err != -EFAULT : (put.err || put.value != before))
				bad++;
			/* user -> kernel: the same bytes come back, and no more. */
			bytes_fill(BYTES_OF_ARRAY(dst), 0xee);
			struct vm_reader r = vm_reader_user(uaddr(at), len);
			struct result_size got = vm_read(&r, bytes_head(kdst, len));
			if (before == 0 ? got.err != -EFAULT : (got.err || got.value != before))
				bad++;
			for (u64 i = 0; i < before && !got.err; i++)
				if (bytes_u8(kdst, i).value != src[i])
					bad++;
			if (before && bytes_u8(kdst, before).value != 0xee)
				bad++;
		}
	KT_EXPECT_EQ(kt, bad, 0u);
	/* Whole copies with no hole still go through (qwords and tail). */
	struct vm_writer w = vm_writer_user(uaddr(UT_DATA + 3), 125);
	KT_EXPECT_EQ(kt, vm_write(&w, bytes_head(BYTES_OF_ARRAY(src), 125)).value, 125u);
	struct vm_reader r = vm_reader_user(uaddr(UT_DATA + 3), 125);
	KT_EXPECT_EQ(kt, vm_read(&r, bytes_head(BYTES_OF_ARRAY(dst), 125)).value, 125u);
	KT_EXPECT(kt, bytes_eq(bytes_head(BYTES_OF_ARRAY(dst), 125),
			       bytes_head(BYTES_OF_ARRAY(src), 125)));
	ut_teardown(&ut_a);
}

KTEST(user, null_dereference_is_contained)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL_DEREF, 0, 0), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	struct user_exception e = user_ctx_exception(&ut_a.uc);
	KT_EXPECT_EQ(kt, e.vector, 14u);
	KT_EXPECT_EQ(kt, e.fault_addr, 0u);
	KT_EXPECT(kt, e.error_code & 4); /* from user mode */
	ut_teardown(&ut_a);
}

KTEST(user, privileged_instruction_is_gp)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_HLT, 0, 0), -1000 - 13);
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_INT80, 0, 0), -1000 - 13); /* no 32-bit syscall gate */
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_INT3, 0, 0), -1000 - 3);   /* int3 is #BP, as on Linux */
}

KTEST(user, jump_to_kernel_is_contained)
{
	/* SAFETY (test): only the address of kernel text, as a jump target for user code. */
	u64 ktext = (u64)(uintptr_t)user_context_init;
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_JUMP, ktext, 0), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	struct user_exception e = user_ctx_exception(&ut_a.uc);
	KT_EXPECT_EQ(kt, e.vector, 14u);
	KT_EXPECT_EQ(kt, e.fault_addr, ktext);
	KT_EXPECT_EQ(kt, e.error_code & 5u, 5u); /* protection violation, from user mode */
	ut_teardown(&ut_a);
	/* a non-canonical target faults in the jump itself (#GP) */
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_JUMP, 0x0000900000000000ull, 0), -1000 - 13);
}

KTEST(user, iretq_fallback_for_kernel_half_rip)
{
	/* The setters refuse what sysret must not see... */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL, 0, 0), 0);
	KT_EXPECT_EQ(kt, user_ctx_set_ip(&ut_a.uc, uaddr(KERNEL_ADDR)), -EINVAL);
	KT_EXPECT_EQ(kt, user_ctx_set_ip(&ut_a.uc, uaddr(0x0000800000000000ull)), -EINVAL);
	KT_EXPECT_EQ(kt, user_ctx_set_fs_base(&ut_a.uc, uaddr(0xffff800000000000ull)), -EINVAL);
	KT_EXPECT_EQ(kt, user_ctx_ip(&ut_a.uc), UT_CODE);
	/* ...and the last user page, where sysret would be unsafe, is entered with iretq. */
	KT_EXPECT_EQ(kt, user_ctx_set_ip(&ut_a.uc, uaddr(VM_USER_END - 1)), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 14u);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).fault_addr, VM_USER_END - 1);
	ut_teardown(&ut_a);
}

KTEST(user, trap_flag_is_contained)
{
	/* TF set by the program: #DB in user mode after the next instruction */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_TF, 0, 0), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 1u);
	ut_teardown(&ut_a);
	/* TF set, then a system call: single-stepping stops before the syscall (#DB after the
	 * instruction that follows popf); stepping the syscall itself must enter the kernel with
	 * TF clear (FMASK), not deliver #DB in kernel mode; the next #DB is in user mode again */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_TF_SYSCALL, 0, 0), 0);
	vs_activate(ut_a.vs);
	KT_EXPECT_EQ(kt, user_enter(&ut_a.uc), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 1u);
	KT_EXPECT_EQ(kt, user_enter(&ut_a.uc), USER_RET_SYSCALL);
	KT_EXPECT_EQ(kt, user_ctx_syscall_nr(&ut_a.uc), 39u);
	KT_EXPECT_EQ(kt, user_ctx_reg(&ut_a.uc, UREG_RFLAGS) & 0x100u, 0x100u); /* the user's TF kept */
	user_ctx_set_retval(&ut_a.uc, 0);
	KT_EXPECT_EQ(kt, user_enter(&ut_a.uc), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 1u);
	ut_teardown(&ut_a);
}

KTEST(user, direction_flag_does_not_reach_the_kernel)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_DF, UT_DATA + 100, 8), 8);
	KT_EXPECT_EQ(kt, ut_a.out[0], 100);
	KT_EXPECT_EQ(kt, ut_a.out[7], 107);
}

KTEST(user, alignment_check_flag_does_not_reach_the_kernel)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_AC, UT_DATA, 4), 4);
	KT_EXPECT_EQ(kt, ut_a.kernel_rflags & 0x40000u, 0u); /* SMAP stays in force */
	KT_EXPECT_EQ(kt, ut_a.out[3], 3);
}

KTEST(user, fpu_state_is_per_context)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_FPU, 0x1122334455667788ull, 0), 0);
	KT_ASSERT_EQ(kt, ut_setup(&ut_b, UT_FPU, 0x99aabbccddeeff00ull, 0), 0);
	/* both stop at their null call with their own value in xmm0/xmm15 */
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 1), USER_RET_SYSCALL);
	KT_EXPECT_EQ(kt, ut_run(&ut_b, 1), USER_RET_SYSCALL);
	ut_run(&ut_a, 100);
	ut_run(&ut_b, 100);
	KT_EXPECT(kt, ut_a.exited && ut_b.exited);
	KT_EXPECT_EQ(kt, ut_a.exit_code, 0);
	KT_EXPECT_EQ(kt, ut_b.exit_code, 0);
	ut_teardown(&ut_a);
	ut_teardown(&ut_b);
}

KTEST(user, corrupt_fpu_image_is_contained)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_MXCSR, 0, 0), 0);
	bytes_fill(user_ctx_fpu_bytes(&ut_a.uc), 0xff); /* every byte, header included */
	ut_run(&ut_a, 10);
	KT_EXPECT(kt, ut_a.exited);
	/* MXCSR was masked with MXCSR_MASK: no reserved bit reached the CPU */
	KT_EXPECT_EQ(kt, (u64)ut_a.exit_code & ~0xffffull, 0u);
	ut_teardown(&ut_a);
	/* an x87 state with a pending exception: the program's next x87 op faults (#MF), the
	 * kernel does not */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_X87, 0, 0), 0);
	bytes_fill(user_ctx_fpu_bytes(&ut_a.uc), 0xff);
	(void)bytes_put_le16(user_ctx_fpu_bytes(&ut_a.uc), 0, 0x0000); /* FCW: unmask all */
	enum user_return why = ut_run(&ut_a, 10);
	KT_EXPECT(kt, why == USER_RET_EXCEPTION || ut_a.exited);
	if (why == USER_RET_EXCEPTION)
		KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 16u);
	ut_teardown(&ut_a);
}

KTEST(user, fs_base_is_per_context)
{
	/* data bytes 8..15 are 8..15: %fs:0 with FS base UT_DATA + 8 reads 0x0f0e0d0c0b0a0908 */
	for (u64 which = UT_FS; which <= UT_FS_CLOBBER; which++) {
		KT_ASSERT_EQ(kt, ut_setup(&ut_a, which, 0, 0), 0);
		KT_EXPECT_EQ(kt, user_ctx_set_fs_base(&ut_a.uc, uaddr(UT_DATA + 8)), 0);
		ut_run(&ut_a, 10);
		KT_EXPECT(kt, ut_a.exited);
		KT_EXPECT_EQ(kt, (u64)ut_a.exit_code, 0x0f0e0d0c0b0a0908ull);
		KT_EXPECT_EQ(kt, user_ctx_fs_base(&ut_a.uc), UT_DATA + 8);
		ut_teardown(&ut_a);
	}
}

KTEST(user, gs_base_is_swapped_at_the_boundary)
{
	/* Until per-CPU areas use it the kernel's GS base is 0, like the user's: give it a
	 * recognisable value for the test, and the user a different one. */
	u64 kgs = rdmsr(MSR_GS_BASE);
	bool borrowed = kgs == 0;
	if (borrowed) {
		kgs = 0xffff9000cafe0000ull;
		wrmsr(MSR_GS_BASE, kgs);
	}
	wrmsr(MSR_KERNEL_GS_BASE, 0x7000);
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_GS_CLOBBER, 0, 0), 0);
	ut_run(&ut_a, 10);
	KT_EXPECT(kt, ut_a.exited);
	KT_EXPECT_EQ(kt, ut_a.kernel_gs[0], kgs); /* swapped in at the syscall entry */
	KT_EXPECT_EQ(kt, ut_a.kernel_gs[1], kgs); /* the user's selector load changed only its own */
	KT_EXPECT_EQ(kt, rdmsr(MSR_GS_BASE), kgs);
	KT_EXPECT(kt, rdmsr(MSR_KERNEL_GS_BASE) != kgs);
	ut_teardown(&ut_a);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	if (borrowed)
		wrmsr(MSR_GS_BASE, 0);
}

KTEST(user, refused_fpu_image_is_caught)
{
	/* Images the CPU refuses with #GP in the kernel: XRSTOR with an XSTATE_BV bit outside
	 * XCR0 (SDM vol. 1 13.8.1), FXRSTOR from a misaligned address. The exception table turns
	 * the fault into an error return. */
	static u8 img[USER_FPU_AREA + 16] __attribute__((aligned(64)));
	fpu_init_image(img);
	int refused;
	if (fpu_uses_xsave()) {
		img[512 + 7] = 0x80; /* XSTATE_BV bit 63 */
		refused = fpu_xrstor_raw(img, 3);
	} else {
		/* SAFETY (test): 8 bytes into a static array of USER_FPU_AREA + 16 bytes. */
		refused = fpu_fxrstor_raw(&img[8]);
	}
	KT_EXPECT_EQ(kt, refused, 1);
	/* fpu_restore sanitises the image, so the CPU takes it; reserved MXCSR bits are cleared */
	img[24 + 3] = 0xff;
	u64 before = fpu_images_refused;
	KT_EXPECT_EQ(kt, fpu_restore(img), 0);
	KT_EXPECT_EQ(kt, fpu_images_refused, before);
	KT_EXPECT_EQ(kt, img[24 + 3], 0);
	KT_EXPECT_EQ(kt, img[512 + 7], 0);
}

KTEST(user, bad_syscall_numbers_are_enosys)
{
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_BADSYS, 0xdeadbeefull, 0), -ENOSYS);
	KT_EXPECT_EQ(kt, ut_case(kt, &ut_a, UT_BADSYS, ~0ull, 0), -ENOSYS);
}

KTEST(user, interrupts_from_user_mode_return_to_it)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_SPIN, 0, 0), 0);
	u64 irqs = user_irqs_from_user;
	user_ctx_set_deadline(&ut_a.uc, fw_time_ns() + 40 * FW_NSEC_PER_MSEC);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 1), USER_RET_INTERRUPT);
	/* several ticks came and went while the program checked its registers */
	KT_EXPECT_GE(kt, user_irqs_from_user - irqs, 2u);
	KT_EXPECT_EQ(kt, user_ctx_reg(&ut_a.uc, UREG_R15), 0x0123456789abcdefull);
	KT_EXPECT_EQ(kt, user_ctx_reg(&ut_a.uc, UREG_R12), 0xccccccccccccccccull);
	KT_EXPECT_EQ(kt, user_ctx_reg(&ut_a.uc, UREG_RAX), 0x1111111111111111ull);
	ut_teardown(&ut_a);
}

KTEST(user, null_syscall_round_trip)
{
	enum { CALLS = 2000 };
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL, CALLS, 0), 0);
	u64 t0 = fw_time_ns();
	ut_run(&ut_a, CALLS + 10);
	u64 dt = fw_time_ns() - t0;
	KT_EXPECT(kt, ut_a.exited);
	KT_EXPECT_EQ(kt, ut_a.syscalls, (u64)CALLS + 1);
	fw_info("user: null syscall round trip: %u ns each (%u calls, %s)",
		dt / CALLS, CALLS, fpu_uses_xsave() ? STR("XSAVE") : STR("FXSAVE"));
	ut_teardown(&ut_a);
}

/* --- VmSpace and the copies, from the kernel side ----------------------------------------- */
KTEST(user, vmspace_refuses_the_kernel_half)
{
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(KERNEL_ADDR), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(VM_USER_END), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x1001), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_unmap(vs, uaddr(0xffff800000000000ull), VM_PAGE_SIZE), -EINVAL);
	KT_EXPECT_EQ(kt, vs_protect(vs, uaddr(KERNEL_ADDR), VM_PAGE_SIZE, VM_READ, VM_PROTECT_SHARED), -EINVAL);
	/* a mapping holds its own reference, dropped at unmap */
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x10000), &f, VM_READ | VM_WRITE), 0);
	KT_EXPECT_EQ(kt, frame_refcount(&f), 2u);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x10000), &f, VM_READ), -EEXIST);
	unsigned prot = 0;
	KT_EXPECT_EQ(kt, vs_query(vs, uaddr(0x10000), &prot), 0);
	KT_EXPECT_EQ(kt, prot, (unsigned)(VM_READ | VM_WRITE));
	KT_EXPECT_EQ(kt, vs_unmap(vs, uaddr(0x10000), VM_PAGE_SIZE), 1);
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	KT_EXPECT_EQ(kt, vs_query(vs, uaddr(0x10000), &prot), -ENOENT);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x20000), &f, VM_READ), 0);
	vs_destroy(vs); /* drops the mapping's reference */
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	frame_release(&f);
}

/* Issue #13: the framework never maps the lowest 64 KiB (VM_USER_MIN), so a null pointer
 * followed by kernel code (plus a field's offset) faults instead of reading user memory. */
KTEST(user, vmspace_refuses_the_null_page)
{
	struct vmspace *vs = vs_create(), *other = vs_create();
	KT_ASSERT(kt, vs != NULL && other != NULL);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(VM_USER_MIN - VM_PAGE_SIZE), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_replace(vs, uaddr(VM_PAGE_SIZE), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(VM_USER_MIN), &f, VM_READ), 0);
	KT_EXPECT_EQ(kt, vs_move(vs, uaddr(VM_USER_MIN), uaddr(0), VM_PAGE_SIZE), -EINVAL);
	KT_EXPECT_EQ(kt, vs_share(other, vs, uaddr(0), VM_USER_MIN + VM_PAGE_SIZE,
				       VM_SHARE_SAME), -EINVAL);
	KT_EXPECT_EQ(kt, frame_refcount(&f), 2u);
	vs_destroy(vs);
	vs_destroy(other);
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	frame_release(&f);
}

/* Issue #13 class 9: a task whose address space is vs holds a reference of its own, so the
 * service's last put while a task still runs on the space (another thread of the process)
 * leaves the tables in place until that task lets go: its next switch would otherwise load
 * freed tables into CR3. */
KTEST(user, vmspace_active_space_outlives_the_last_put)
{
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	KT_ASSERT_EQ(kt, vs_map(vs, uaddr(0x10000), &f, VM_READ), 0);
	vs_activate(vs);
	vs_put(vs);                        /* the service's only reference */
	KT_EXPECT_EQ(kt, frame_refcount(&f), 2u); /* still mapped: the task holds it */
	KT_EXPECT(kt, vmspace_current() == vs);
	KT_EXPECT_EQ(kt, vs_query(vs, uaddr(0x10000), NULL), 0);
	vmspace_deactivate();                   /* the task's reference was the last */
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	KT_EXPECT_EQ(kt, vs_query(vs, uaddr(0x10000), NULL), -EINVAL);
	frame_release(&f);
}

KTEST(user, protect_makes_user_writes_fault)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_WRITE, UT_DATA, 8), 0);
	KT_EXPECT_EQ(kt, vs_protect(ut_a.vs, uaddr(UT_DATA), VM_PAGE_SIZE, VM_READ, VM_PROTECT_SHARED), 0);
	vs_activate(ut_a.vs);
	u8 v[4] = { 1, 2, 3, 4 };
	struct vm_writer w = vm_writer_user(uaddr(UT_DATA), 4);
	KT_EXPECT_EQ(kt, vm_write(&w, BYTES_OF_ARRAY(v)).err, -EFAULT);
	struct vm_reader r = vm_reader_user(uaddr(UT_DATA + 1), 4);
	KT_EXPECT_EQ(kt, vm_read(&r, BYTES_OF_ARRAY(v)).value, 4u);
	KT_EXPECT_EQ(kt, v[0], 1);
	ut_teardown(&ut_a);
}

static unsigned ut_fault_access; /* what the handler was last told */

static int ut_demand_fault(struct vmspace *vs, struct uaddr addr, unsigned access)
{
	ut_fault_access = access;
	if (addr.v < UT_HOLE || addr.v >= UT_HOLE + VM_PAGE_SIZE)
		return -EFAULT;
	struct frame f = FRAME_EMPTY;
	int err = frame_alloc(&f);
	if (!err)
		err = frame_fill(&f, 0, VM_PAGE_SIZE, 0x5a);
	if (!err)
		err = vs_map(vs, uaddr(UT_HOLE), &f, VM_READ | VM_WRITE);
	frame_release(&f);
	return err;
}

KTEST(user, fault_handler_resolves_kernel_copies)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_WRITE, UT_HOLE - 4, 8), 0);
	vs_set_fault_handler(ut_a.vs, ut_demand_fault);
	ut_run(&ut_a, 10);
	KT_EXPECT(kt, ut_a.exited);
	KT_EXPECT_EQ(kt, ut_a.exit_code, 8); /* the hole was filled on demand */
	KT_EXPECT_EQ(kt, ut_a.out[3], 0);    /* the data page's last bytes */
	KT_EXPECT_EQ(kt, ut_a.out[4], 0x5a); /* the page the handler mapped */
	KT_EXPECT(kt, ut_fault_access & VM_FAULT_KERNEL); /* told it was a kernel copy */
	ut_teardown(&ut_a);
}

struct ut_pair {
	u32 a;
	u32 b;
};
DEFINE_UCOPY(ut_pair, struct ut_pair);

KTEST(user, plain_copies_and_user_strings)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL, 0, 0), 0);
	vs_activate(ut_a.vs);
	struct ut_pair p = { 0x01020304, 0xa0b0c0d0 }, q;
	KT_EXPECT_EQ(kt, ut_pair_to_user(&p, uaddr(UT_DATA + 512)), 0);
	KT_EXPECT_EQ(kt, ut_pair_from_user(&q, uaddr(UT_DATA + 512)), 0);
	KT_EXPECT_EQ(kt, q.b, 0xa0b0c0d0u);
	KT_EXPECT_EQ(kt, ut_pair_from_user(&q, uaddr(UT_HOLE - 4)), -EFAULT);
	KT_EXPECT_EQ(kt, q.a, 0u); /* zeroed on failure */
	KT_EXPECT_EQ(kt, ut_pair_from_user(&q, uaddr(KERNEL_ADDR)), -EFAULT);
	/* "/bin/sh\0" at UT_DATA + 1024 */
	u8 path[8] = { '/', 'b', 'i', 'n', '/', 's', 'h', 0 };
	struct vm_writer w = vm_writer_user(uaddr(UT_DATA + 1024), sizeof(path));
	KT_EXPECT_EQ(kt, vm_write(&w, BYTES_OF_ARRAY(path)).value, 8u);
	u8 buf[16];
	struct str_result s = ustr_copy(uaddr(UT_DATA + 1024), BYTES_OF_ARRAY(buf));
	KT_EXPECT_EQ(kt, s.err, 0);
	KT_EXPECT(kt, str_eq(s.value, STR("/bin/sh")));
	u8 small[7]; /* room for 6 characters + NUL: too short */
	KT_EXPECT_EQ(kt, ustr_copy(uaddr(UT_DATA + 1024), BYTES_OF_ARRAY(small)).err, -ENAMETOOLONG);
	/* bytes 1..255 then 0 at offset 256: a 255-byte string from UT_DATA + 1 */
	KT_EXPECT_EQ(kt, ustr_copy(uaddr(UT_DATA + 1), BYTES_OF_ARRAY(buf)).err, -ENAMETOOLONG);
	/* no NUL before the unmapped page */
	u8 ff[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	w = vm_writer_user(uaddr(UT_HOLE - 8), 8);
	KT_EXPECT_EQ(kt, vm_write(&w, BYTES_OF_ARRAY(ff)).value, 8u);
	u8 big[64];
	KT_EXPECT_EQ(kt, ustr_copy(uaddr(UT_HOLE - 8), BYTES_OF_ARRAY(big)).err, -EFAULT);
	KT_EXPECT_EQ(kt, ustr_copy(uaddr(KERNEL_ADDR), BYTES_OF_ARRAY(big)).err, -EFAULT);
	KT_EXPECT_EQ(kt, ustr_copy(uaddr(UT_HOLE + 8), BYTES_OF_ARRAY(big)).err, -EFAULT);
	ut_teardown(&ut_a);
}

KTEST(user, kernel_byte_cursors)
{
	u8 src[10] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }, dst[4];
	struct vm_reader r = vm_reader_bytes(BYTES_OF_ARRAY(src));
	struct vm_writer w = vm_writer_bytes(BYTES_OF_ARRAY(dst));
	KT_EXPECT_EQ(kt, vm_copy(&w, &r, 100).value, 4u);
	KT_EXPECT_EQ(kt, dst[3], 6);
	KT_EXPECT_EQ(kt, vm_reader_remaining(&r), 6u);
	KT_EXPECT_EQ(kt, vm_writer_remaining(&w), 0u);
}

/*
 * Regression: after an exception (here #BP) user_enter resumed with sysret, which loads RCX
 * with RIP and R11 with RFLAGS, so the program lost both registers. Debian's busybox died of
 * it after its first demand-paged heap fault (malloc returned the faulting RIP).
 */
KTEST(user, exception_return_keeps_rcx_and_r11)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_REGS_INT3, 0x1111, 0x2222), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_exception(&ut_a.uc).vector, 3u);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_SYSCALL);
	KT_EXPECT(kt, ut_a.exited);
	KT_EXPECT_EQ(kt, ut_a.exit_code, 0);
	ut_teardown(&ut_a);
}

/* Exceptions as typed values: a page fault is address + access kind, the others by meaning. */
KTEST(user, exceptions_come_back_as_typed_faults)
{
	struct { u64 which, a1; enum user_fault_kind kind; } cases[] = {
		{ UT_NULL_DEREF, 0, USER_FAULT_PAGE },
		{ UT_HLT, 0, USER_FAULT_PROTECTION },
		{ UT_INT3, 0, USER_FAULT_BREAKPOINT },
		{ UT_TF, 0, USER_FAULT_DEBUG },
		{ 999, 0, USER_FAULT_ILLEGAL }, /* an unknown case number runs ud2 */
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* SAFETY: i < the length of cases (the loop bound). */
		KT_ASSERT_EQ(kt, ut_setup(&ut_a, cases[i].which, cases[i].a1, 0), 0);
		KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
		KT_EXPECT_EQ(kt, user_ctx_fault(&ut_a.uc).kind, cases[i].kind);
		ut_teardown(&ut_a);
	}
	/* the null read: address 0, a read of a page that is not present */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_NULL_DEREF, 0, 0), 0);
	ut_run(&ut_a, 10);
	struct user_fault f = user_ctx_fault(&ut_a.uc);
	KT_EXPECT_EQ(kt, f.addr.v, 0u);
	KT_EXPECT_EQ(kt, f.access, 0u);
	ut_teardown(&ut_a);
	/* a jump into kernel text: an instruction fetch of a present (supervisor) page */
	/* SAFETY: only the address of kernel text, as a jump target for user code. */
	u64 ktext = (u64)(uintptr_t)user_context_init;
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_JUMP, ktext, 0), 0);
	ut_run(&ut_a, 10);
	f = user_ctx_fault(&ut_a.uc);
	KT_EXPECT_EQ(kt, f.kind, USER_FAULT_PAGE);
	KT_EXPECT_EQ(kt, f.addr.v, ktext);
	KT_EXPECT_EQ(kt, f.access & VM_FAULT_PRESENT, (unsigned)VM_FAULT_PRESENT);
	KT_EXPECT_EQ(kt, f.access & VM_FAULT_WRITE, 0u);
	ut_teardown(&ut_a);
}

/* The syscall restart: the same call again, at the same place, with its number back. */
KTEST(user, syscall_restart_backs_up_over_the_instruction)
{
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_BADSYS, 0x1234, 0), 0);
	vs_activate(ut_a.vs);
	KT_ASSERT_EQ(kt, user_enter(&ut_a.uc), USER_RET_SYSCALL);
	u64 ip = user_ctx_ip(&ut_a.uc);
	KT_EXPECT_EQ(kt, user_ctx_syscall_nr(&ut_a.uc), 0x1234u);
	user_ctx_set_retval(&ut_a.uc, -EINTR); /* what the call returned; the nr stays readable */
	KT_EXPECT_EQ(kt, user_ctx_syscall_nr(&ut_a.uc), 0x1234u);
	KT_EXPECT_EQ(kt, user_ctx_restart_syscall(&ut_a.uc), 0);
	KT_EXPECT_EQ(kt, user_ctx_ip(&ut_a.uc), ip - 2);
	KT_EXPECT_EQ(kt, user_ctx_restart_syscall(&ut_a.uc), -EINVAL); /* once only */
	KT_ASSERT_EQ(kt, user_enter(&ut_a.uc), USER_RET_SYSCALL);     /* the same call again */
	KT_EXPECT_EQ(kt, user_ctx_syscall_nr(&ut_a.uc), 0x1234u);
	KT_EXPECT_EQ(kt, user_ctx_ip(&ut_a.uc), ip);
	ut_serve(&ut_a); /* -ENOSYS this time */
	ut_run(&ut_a, 10);
	KT_EXPECT(kt, ut_a.exited);
	KT_EXPECT_EQ(kt, ut_a.exit_code, -ENOSYS);
	ut_teardown(&ut_a);
	/* not after an exception */
	KT_ASSERT_EQ(kt, ut_setup(&ut_a, UT_INT3, 0, 0), 0);
	KT_EXPECT_EQ(kt, ut_run(&ut_a, 10), USER_RET_EXCEPTION);
	KT_EXPECT_EQ(kt, user_ctx_restart_syscall(&ut_a.uc), -EINVAL);
	ut_teardown(&ut_a);
}

/* Issue #13 class 8: an address space is shared by reference (threads); the last put tears it
 * down, and a put or a use after that (a double destroy through a stale pointer) is refused
 * instead of freeing the page tables twice. */
KTEST(user, vmspace_refcount_and_double_destroy_refused)
{
	struct vmspace *vs = vs_create();
	KT_ASSERT(kt, vs != NULL);
	struct frame f = FRAME_EMPTY;
	KT_ASSERT_EQ(kt, frame_alloc(&f), 0);
	KT_ASSERT(kt, vs_get(vs) == vs);                  /* a second sharer */
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x10000), &f, VM_READ), 0);
	vs_put(vs);                                       /* one sharer left */
	KT_EXPECT_EQ(kt, frame_refcount(&f), 2u);              /* still mapped */
	KT_EXPECT_EQ(kt, vs_query(vs, uaddr(0x10000), NULL), 0);
	vs_put(vs);                                       /* the last: torn down */
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	uint64_t warns = fw_lib_warn_count();
	vs_destroy(vs);                                   /* stale: refused */
	KT_EXPECT_EQ(kt, fw_lib_warn_count(), warns + 1);
	KT_EXPECT_EQ(kt, vs_map(vs, uaddr(0x20000), &f, VM_READ), -EINVAL);
	KT_EXPECT_EQ(kt, frame_refcount(&f), 1u);
	frame_release(&f);
}
