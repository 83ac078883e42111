/*
 * user_entry.S — the user/kernel boundary on x86-64: entering user mode (sysretq, or iretq
 * when sysret cannot be used), the `syscall` entry, and the jump back to the kernel caller of
 * user_enter() after a system call, a user exception or an interrupt past the deadline.
 *
 * Model: user_enter_asm() is called by user_enter() (user.c) on a kernel stack. It pushes the
 * callee-saved registers, records that stack pointer in this CPU's user_kernel_rsp (%gs:8) and
 * TSS.rsp0 (through %gs:32), so an interrupt or exception from user mode lands just below it,
 * records the `struct user_regs` it was given in user_cur_regs (%gs:16), loads the user
 * registers from it and leaves. Everything below user_kernel_rsp is free while user code runs.
 * Any way back to the kernel stores the user registers into that same struct, resets %rsp to
 * user_kernel_rsp, pops the callee-saved registers and returns the reason from
 * user_enter_asm(), so to the C caller user mode is one function call.
 *
 * Per CPU, per task: the three words live in the CPU's area (internal/percpu.h), reached
 * through %gs after the entry's swapgs, so every CPU runs user code at once. They belong to
 * the task running on that CPU: the context switch (user_switch in user.c) stores the
 * outgoing task's kernel stack pointer in its task and loads the incoming task's words and
 * TSS.rsp0, so a task preempted in user mode finds its own boundary when it runs again.
 *
 * GS: the kernel's GS base is live in the kernel, the user's in user mode (IA32_KERNEL_GS_BASE
 * holds the other one): `swapgs` is the last instruction before sysretq/iretq and the first of
 * the syscall entry; trap_common (arch/x86_64/entry.S) swaps when the saved CS has CPL 3. User
 * code cannot reach the kernel's GS base (FSGSBASE is off, MSR writes are privileged); loading
 * a selector into %gs only changes the user's. An NMI, #DF or #MC taken in the one-instruction
 * windows (after swapgs before sysretq/iretq, at the syscall entry before swapgs) sees a kernel
 * CS with the user's GS base: their entry (trap_paranoid) decides by IA32_GS_BASE instead.
 *
 * SAFETY: the syscall entry runs with IF, TF, DF, AC and NT cleared by IA32_FMASK (user.c), on
 * the user's stack pointer; it never touches that stack: it uses the register save area as its
 * base (%rsp = user_cur_regs) until the kernel stack is restored. NMI, #DF and #MC use IST
 * stacks, so they never run on the user's %rsp. sysretq is used only when RIP is a canonical
 * user address below VM_USER_END (user.c decides), which avoids the ring-0 #GP of sysret with a
 * non-canonical RCX (SDM vol. 2 SYSRET); iretq is used otherwise. RFLAGS were sanitised by the
 * caller (IF set, IOPL/NT/RF/VM clear). Interrupts are off from user_enter()'s cli to the
 * return to user mode.
 */
#include "user/regs.h"

	.section .text
	.code64

/* u32 user_enter_asm(struct user_regs *regs, u64 use_iret) */
	.globl user_enter_asm
	.type user_enter_asm, @function
user_enter_asm:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %gs:PCPU_USER_KERNEL_RSP
	movq %gs:PCPU_TSS_RSP0, %rax     /* &TSS.rsp0 (SDM vol. 3 figure 8-11: offset 4) */
	movq %rsp, (%rax)
	movq %rdi, %gs:PCPU_USER_CUR_REGS
	testq %rsi, %rsi
	jnz 1f
	movq UR_RIP(%rdi), %rcx
	movq UR_RFLAGS(%rdi), %r11
	movq UR_RAX(%rdi), %rax
	movq UR_RBX(%rdi), %rbx
	movq UR_RDX(%rdi), %rdx
	movq UR_RSI(%rdi), %rsi
	movq UR_RBP(%rdi), %rbp
	movq UR_R8(%rdi), %r8
	movq UR_R9(%rdi), %r9
	movq UR_R10(%rdi), %r10
	movq UR_R12(%rdi), %r12
	movq UR_R13(%rdi), %r13
	movq UR_R14(%rdi), %r14
	movq UR_R15(%rdi), %r15
	movq UR_RSP(%rdi), %rsp
	movq UR_RDI(%rdi), %rdi
	swapgs
	sysretq
1:	/* iretq frame: SS, RSP, RFLAGS, CS, RIP (user selectors: cpu.c's GDT, RPL 3) */
	pushq $USER_SS
	pushq UR_RSP(%rdi)
	pushq UR_RFLAGS(%rdi)
	pushq $USER_CS
	pushq UR_RIP(%rdi)
	movq UR_RAX(%rdi), %rax
	movq UR_RBX(%rdi), %rbx
	movq UR_RCX(%rdi), %rcx
	movq UR_RDX(%rdi), %rdx
	movq UR_RSI(%rdi), %rsi
	movq UR_RBP(%rdi), %rbp
	movq UR_R8(%rdi), %r8
	movq UR_R9(%rdi), %r9
	movq UR_R10(%rdi), %r10
	movq UR_R11(%rdi), %r11
	movq UR_R12(%rdi), %r12
	movq UR_R13(%rdi), %r13
	movq UR_R14(%rdi), %r14
	movq UR_R15(%rdi), %r15
	movq UR_RDI(%rdi), %rdi
	swapgs
	iretq
	.size user_enter_asm, . - user_enter_asm

/* The `syscall` instruction lands here (IA32_LSTAR): RCX = user RIP, R11 = user RFLAGS. */
	.globl user_syscall_entry
	.type user_syscall_entry, @function
user_syscall_entry:
	swapgs
	movq %rsp, %gs:PCPU_USER_SCRATCH_RSP
	movq %gs:PCPU_USER_CUR_REGS, %rsp
	movq %rax, UR_RAX(%rsp)
	movq %rbx, UR_RBX(%rsp)
	movq %rcx, UR_RCX(%rsp)
	movq %rdx, UR_RDX(%rsp)
	movq %rsi, UR_RSI(%rsp)
	movq %rdi, UR_RDI(%rsp)
	movq %rbp, UR_RBP(%rsp)
	movq %r8, UR_R8(%rsp)
	movq %r9, UR_R9(%rsp)
	movq %r10, UR_R10(%rsp)
	movq %r11, UR_R11(%rsp)
	movq %r12, UR_R12(%rsp)
	movq %r13, UR_R13(%rsp)
	movq %r14, UR_R14(%rsp)
	movq %r15, UR_R15(%rsp)
	movq %rcx, UR_RIP(%rsp)
	movq %r11, UR_RFLAGS(%rsp)
	movq %gs:PCPU_USER_SCRATCH_RSP, %rax
	movq %rax, UR_RSP(%rsp)
	movl $USER_RET_SYSCALL_ASM, %eax
	jmp user_back_to_kernel
	.size user_syscall_entry, . - user_syscall_entry

/* void user_exit_to_kernel(u32 reason) — from a trap handler whose frame was saved. */
	.globl user_exit_to_kernel
	.type user_exit_to_kernel, @function
user_exit_to_kernel:
	movl %edi, %eax
user_back_to_kernel:
	movq %gs:PCPU_USER_KERNEL_RSP, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size user_exit_to_kernel, . - user_exit_to_kernel
