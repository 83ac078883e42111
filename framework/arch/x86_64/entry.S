/*
 * entry.S — the 256 interrupt/exception stubs, the common save/restore path, and the small
 * context-switch helpers the ktest runner uses to resume after a trap.
 *
 * Each stub is 16 bytes (trap_stubs[vector]): it pushes a zero error code when the CPU does not
 * push one (SDM vol. 3 table 6-1: vectors 8, 10-14, 17, 21, 29, 30 push one), pushes the vector
 * and jumps to trap_common, which saves the general registers as struct trap_frame
 * (internal/trap.h), calls trap_dispatch(frame) and returns with iretq. A trap from user mode
 * (CPL 3 in the saved CS) swaps GS bases on entry and again before iretq back to user mode;
 * NMI, #DF and #MC decide by the GS base instead (trap_paranoid).
 *
 * SAFETY: the stubs run with the CPU-pushed frame on a valid stack (the interrupted one, or an
 * IST stack for #DF/NMI/#MC); trap_common saves and restores every general register, so the
 * interrupted code resumes unchanged unless trap_dispatch changes the frame. ctx_resume may only
 * resume a context whose frame is still live (ctx_save's contract).
 */
	.section .text
	.code64

	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

/* Save the general registers as struct trap_frame (the vector and error code are below). */
.macro SAVE_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
.endm

/* trap_dispatch(frame), with a frame record so that a backtrace from the handler walks into
 * the trapped code. */
.macro CALL_DISPATCH
	movq %rsp, %rdi
	pushq 17*8(%rsp)        /* the trapped %rip */
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* vector and error code */
.endm

trap_common:
	cmpq $2, (%rsp)         /* NMI, #DF, #MC: on IST stacks, possibly inside a swapgs window */
	je trap_paranoid
	cmpq $8, (%rsp)
	je trap_paranoid
	cmpq $18, (%rsp)
	je trap_paranoid
	/* From user mode (CPL 3 in the saved CS): swap in the kernel's GS base (arch/x86_64/user_entry.S
	 * swaps it out on every way into user mode). */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	SAVE_REGS
	CALL_DISPATCH
	RESTORE_REGS
	testb $3, 8(%rsp)       /* back to user mode: the user's GS base again */
	jz 2f
	swapgs
2:	iretq

/*
 * NMI, #DF and #MC can arrive between a swapgs and the instruction that changes privilege
 * (arch/x86_64/user_entry.S), where the saved CS says kernel but the user's GS base is live. So they decide
 * by the GS base itself, as Linux's paranoid entry does: a kernel GS base is a kernel (negative)
 * address; anything else is the user's and is swapped for the handler and back after it (%rbx,
 * callee-saved, remembers). Until per-CPU areas exist both bases are 0 and the swap is a no-op.
 */
trap_paranoid:
	SAVE_REGS
	movl $0xc0000101, %ecx  /* IA32_GS_BASE */
	rdmsr
	xorl %ebx, %ebx
	testl %edx, %edx
	js 3f
	swapgs
	movl $1, %ebx
3:	CALL_DISPATCH
	testl %ebx, %ebx
	jz 4f
	swapgs
4:	RESTORE_REGS
	iretq

/*
 * int ctx_save(struct saved_ctx *c)  — returns 0; returns 1 again when ctx_resume(c) runs.
 * Layout of struct saved_ctx (internal/ctx.h): rbx rbp r12 r13 r14 r15 rsp rip rflags.
 */
	.globl ctx_save
ctx_save:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, 48(%rdi)
	movq (%rsp), %rax
	movq %rax, 56(%rdi)
	pushfq
	popq %rax
	movq %rax, 64(%rdi)
	xorl %eax, %eax
	ret

/* void ctx_resume(struct saved_ctx *c) — never returns: ctx_save returns 1 instead. */
	.globl ctx_resume
ctx_resume:
	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	pushq 64(%rdi)
	popfq
	movl $1, %eax
	jmpq *56(%rdi)

/* void call_on_stack(void (*fn)(void), u64 stack_top) — run fn on another stack. */
	.globl call_on_stack
call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rsi, %rsp
	callq *%rdi
	movq %rbp, %rsp
	popq %rbp
	ret
