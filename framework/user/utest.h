/*
 * user/utest.h — the harness of the user-mode ktests (user_test.c, user_smp_test.c): one run of
 * the program tests/user/utest.S (blob "utest") in a fresh address space, served here:
 *   0x400000        the program, read + execute
 *   0x600000        one data page, read + write (UT_DATA); 0x601000 is never mapped
 *   VM_USER_END-4K  the stack
 * System calls: 1 write (copied through a VmReader into `out`), 39 null, 60 exit, 500 "record
 * the kernel's RFLAGS"; anything else -ENOSYS. ut_serve also notes the CPU each call ran on.
 */
#ifndef FW_USER_UTEST_H
#define FW_USER_UTEST_H

#include <fw/ktest.h>
#include <fw/user.h>

#define UT_CODE 0x400000ull
#define UT_DATA 0x600000ull
#define UT_HOLE 0x601000ull
#define UT_STACK (VM_USER_END - VM_PAGE_SIZE)
#define KERNEL_ADDR 0xffffffff80100000ull

enum ut_case {
	UT_NULL, UT_WRITE, UT_NULL_DEREF, UT_HLT, UT_JUMP, UT_TF, UT_DF, UT_AC,
	UT_FPU, UT_MXCSR, UT_SPIN, UT_BADSYS, UT_X87, UT_TF_SYSCALL, UT_FS, UT_FS_CLOBBER,
	UT_GS_CLOBBER, UT_INT3, UT_INT80, UT_REGS_INT3, UT_FPU_LOOP, UT_FS_SPIN,
};

struct ut {
	struct vmspace *vs;
	struct user_context uc;
	u8 out[512];       /* what the program wrote */
	u64 out_len;
	bool exited;
	i64 exit_code;
	u64 kernel_rflags; /* RFLAGS seen by the kernel at call 500 */
	u64 kernel_gs[2];  /* the kernel's GS base at the first two calls 500 */
	u32 calls_500;
	u64 syscalls;
	u32 cpus_seen;     /* bit n: a call was served on CPU n */
};

/* ut_setup - a fresh space with the program; RDI = which, RSI = arg1, RDX = arg2. 0/-errno. */
int ut_setup(struct ut *t, u64 which, u64 arg1, u64 arg2);
/* ut_teardown - forget the context, destroy the space. */
void ut_teardown(struct ut *t);
/* ut_serve - serve the system call the context stopped at. */
void ut_serve(struct ut *t);
/* ut_run - run until exit or an exception (or max_syscalls calls); the last reason. */
enum user_return ut_run(struct ut *t, u64 max_syscalls);

#endif /* FW_USER_UTEST_H */
