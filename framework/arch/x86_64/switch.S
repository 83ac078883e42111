/*
 * switch.S — the context switch and the first instructions of a new task.
 *
 * task_switch_stacks(u64 *prev_rsp, u64 next_rsp): push the callee-saved registers (SysV:
 * rbx, rbp, r12-r15) on the current stack, store %rsp in *prev_rsp, load next_rsp, pop the
 * next task's registers and return on its stack. Everything else (flags with IF off, the
 * run-queue lock) is handled by the C caller, sched.c:__schedule(). A new task's stack is
 * prepared (task.c) so that this `ret` lands in task_start_trampoline with zeroed registers.
 */
	/* SAFETY: task_switch_stacks runs only from sched.c:__schedule with IRQs off and the run-
	 * queue lock held, so no other CPU runs either stack; next_rsp is a stack this code saved
	 * when its task switched out or one task.c prepared with the same frame layout, so the
	 * pops and `ret` restore a frame of the right shape. The stack is never reused while its
	 * task is alive (task slots are never freed). */
	.section .text
	.code64

	.globl task_switch_stacks
task_switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.globl task_start_trampoline
task_start_trampoline:
	xorl %ebp, %ebp          /* the backtrace of a new task ends here */
	andq $-16, %rsp
	callq task_first_run
	ud2
