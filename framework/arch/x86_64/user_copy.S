/*
 * user_copy.S — the only instructions that touch user memory or load a user-supplied FPU
 * image, each listed in the exception table (user_extable) with the address to resume at when
 * it faults. A #PF or #GP at a listed instruction is not a kernel bug: uaccess_fixup()
 * (uaccess.c) moves RIP to the fixup and the routine returns an error instead.
 *
 * SMAP (SDM vol. 3 §4.6): when the CPU has it, user pages are inaccessible to the kernel unless
 * RFLAGS.AC is set; stac/clac bracket exactly the copying instructions (uaccess_smap says
 * whether the CPU has them: on a CPU without SMAP they would be #UD).
 *
 * SAFETY: the callers (uaccess.c) pass a kernel buffer that is valid for n bytes and a user
 * range they checked lies in the user half; a fault on the user side is caught here, and the
 * kernel side cannot fault. DF is clear in the kernel (syscall FMASK, cld on trap entry).
 */
	.section .text
	.code64

	.pushsection .rodata.user_extable, "a"
	.balign 8
	.globl user_extable_start
user_extable_start:
	.popsection

#define EXTABLE(insn, fixup) \
	.pushsection .rodata.user_extable, "a"; .quad insn, fixup; .popsection

.macro STAC
	testb $1, uaccess_smap(%rip)
	jz 91f
	stac
91:
.endm
.macro CLAC
	testb $1, uaccess_smap(%rip)
	jz 92f
	clac
92:
.endm

/* u64 uaccess_copy_raw(void *dst, const void *src, u64 n): bytes NOT copied (0 = all).
 *
 * The bulk goes 8 bytes per iteration (rep movsq: QEMU without fast strings pays per
 * iteration), then the n % 8 tail byte-wise. The result must be exact, to the byte (a write()
 * straddling into an unmapped page returns the bytes before the hole):
 *  - a fault in the tail stops rep movsb with RCX = bytes still to copy: that is the answer;
 *  - a fault in the qword phase stops rep movsq with RCX = qwords still to copy and RSI/RDI on
 *    the faulting qword (whose bytes before the hole may or may not have been stored). The
 *    remainder, RCX*8 + tail bytes, is retried byte-wise from there: that copies the bytes up
 *    to the hole again and stops exactly at the first bad byte with RCX = bytes not copied.
 * AC (SMAP) stays set across the retry; every exit path runs CLAC. */
	.globl uaccess_copy_raw
	.type uaccess_copy_raw, @function
uaccess_copy_raw:
	movq %rdx, %rcx
	shrq $3, %rcx            /* qwords */
	andl $7, %edx            /* tail bytes (RDX survives the copy) */
	STAC
.Lcopy_q:
	rep movsq
	movq %rdx, %rcx
.Lcopy_b:
	rep movsb
	CLAC
	xorl %eax, %eax
	ret
.Lcopy_q_fault:          /* RCX = qwords left, RSI/RDI at the faulting qword */
	leaq (%rdx,%rcx,8), %rcx
.Lcopy_retry:
	rep movsb                /* stops at the exact faulting byte (the fault lands below) */
	CLAC
	movq %rcx, %rax          /* 0 if the retry got through after all */
	ret
.Lcopy_b_fault:          /* rep movsb stops with RCX = bytes still to copy */
	CLAC
	movq %rcx, %rax
	ret
	EXTABLE(.Lcopy_q, .Lcopy_q_fault)
	EXTABLE(.Lcopy_b, .Lcopy_b_fault)
	EXTABLE(.Lcopy_retry, .Lcopy_b_fault)
	.size uaccess_copy_raw, . - uaccess_copy_raw

/* i64 uaccess_strncpy_raw(char *dst, const char *usrc, u64 n): the length before the first
 * NUL (the NUL copied too) if one is within n bytes, n if none, -1 on a fault. */
	.globl uaccess_strncpy_raw
	.type uaccess_strncpy_raw, @function
uaccess_strncpy_raw:
	xorl %eax, %eax
	STAC
1:	cmpq %rdx, %rax
	je 2f
.Lstr:
	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 2f
	incq %rax
	jmp 1b
2:	CLAC
	ret
.Lstr_fault:
	CLAC
	movq $-1, %rax
	ret
	EXTABLE(.Lstr, .Lstr_fault)
	.size uaccess_strncpy_raw, . - uaccess_strncpy_raw

/* int uaccess_cmpxchg32_raw(u32 *uaddr, u32 old, u32 new, u32 *cur): 0 with the value found
 * at uaddr in *cur (a kernel pointer; equal to old when the exchange happened), or -1 on a
 * fault. `lock cmpxchg` faults as a write, so a copy-on-write page is copied first (the
 * fault handler) and the instruction retried. */
	.globl uaccess_cmpxchg32_raw
	.type uaccess_cmpxchg32_raw, @function
uaccess_cmpxchg32_raw:
	movl %esi, %eax
	STAC
.Lcx:
	lock cmpxchgl %edx, (%rdi)
	CLAC
	movl %eax, (%rcx)
	xorl %eax, %eax
	ret
.Lcx_fault:
	CLAC
	movl $-1, %eax
	ret
	EXTABLE(.Lcx, .Lcx_fault)
	.size uaccess_cmpxchg32_raw, . - uaccess_cmpxchg32_raw

/* int fpu_xrstor_raw(const void *area, u64 mask): 0, or 1 if the CPU refused the image. */
	.globl fpu_xrstor_raw
	.type fpu_xrstor_raw, @function
fpu_xrstor_raw:
	movl %esi, %eax
	shrq $32, %rsi
	movl %esi, %edx
.Lxrstor:
	xrstor64 (%rdi)
	xorl %eax, %eax
	ret
.Lxrstor_fault:
	movl $1, %eax
	ret
	EXTABLE(.Lxrstor, .Lxrstor_fault)
	.size fpu_xrstor_raw, . - fpu_xrstor_raw

/* int fpu_fxrstor_raw(const void *area): 0, or 1 if the CPU refused the image. */
	.globl fpu_fxrstor_raw
	.type fpu_fxrstor_raw, @function
fpu_fxrstor_raw:
.Lfxrstor:
	fxrstor64 (%rdi)
	xorl %eax, %eax
	ret
.Lfxrstor_fault:
	movl $1, %eax
	ret
	EXTABLE(.Lfxrstor, .Lfxrstor_fault)
	.size fpu_fxrstor_raw, . - fpu_fxrstor_raw

	.pushsection .rodata.user_extable, "a"
	.globl user_extable_end
user_extable_end:
	.popsection
