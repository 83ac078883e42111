/*
 * utest.S — the user program the user-mode ktests (framework/user/user_test.c) run. A flat
 * binary linked at 0x400000 (mk/user.mk) and embedded in the image as blob "utest". It does
 * one thing per run, chosen by the kernel in RDI (the case number below), with arguments in
 * RSI and RDX; results come back through system calls (write = 1, exit = 60, getpid = 39 as
 * the null call, 500 = "report kernel RFLAGS" for the flag tests) or as an exception.
 */
	.text
	.code64
	.globl _start
_start:
	cmpq $(table_end - table) / 8, %rdi
	jae bad_case
	jmp *table(, %rdi, 8)

	.balign 8
table:
	.quad t_null, t_write, t_null_deref, t_hlt, t_jump, t_tf, t_df, t_ac
	.quad t_fpu, t_mxcsr, t_spin, t_badsys, t_x87, t_tf_syscall, t_fs, t_fs_clobber
	.quad t_gs_clobber, t_int3, t_int80, t_regs_int3, t_fpu_loop, t_fs_spin
table_end:

bad_case:
	ud2

exit:	/* exit(%rdi) */
	movl $60, %eax
	syscall
	ud2

/* 0: RSI null system calls, then exit(0) */
t_null:
	movq %rsi, %rbx
1:	testq %rbx, %rbx
	jz 2f
	movl $39, %eax
	syscall
	decq %rbx
	jmp 1b
2:	xorl %edi, %edi
	jmp exit

/* 1: write(1, RSI, RDX), exit(result) */
t_write:
	movl $1, %eax
	movl $1, %edi
	syscall
	movq %rax, %rdi
	jmp exit

/* 2: read address 0 */
t_null_deref:
	movq 0, %rax
	ud2

/* 3: a privileged instruction */
t_hlt:
	hlt
	ud2

/* 4: jump to RSI (a kernel address, a non-canonical one) */
t_jump:
	jmp *%rsi

/* 5: set TF: #DB after the next instruction */
t_tf:
	pushfq
	orq $0x100, (%rsp)
	popfq
	nop
	nop
	ud2

/* 6: DF set, then write(1, RSI, RDX) and exit(result) */
t_df:
	std
	movl $1, %eax
	movl $1, %edi
	syscall
	movq %rax, %rdi
	cld
	jmp exit

/* 7: AC set, then call 500 (the kernel reports its RFLAGS), then write(1, RSI, RDX), exit */
t_ac:
	pushfq
	orq $0x40000, (%rsp)
	popfq
	movl $500, %eax
	syscall
	movl $1, %eax
	movl $1, %edi
	syscall
	movq %rax, %rdi
	jmp exit

/* 8: put RSI in xmm0 and xmm15, null call, then exit(0) if both still hold it, else 1 */
t_fpu:
	movq %rsi, %xmm0
	movq %rsi, %xmm15
	movq %rsi, %r12
	movl $39, %eax
	syscall
	movq %xmm0, %rax
	movq %xmm15, %rbx
	xorl %edi, %edi
	cmpq %r12, %rax
	jne 1f
	cmpq %r12, %rbx
	je exit
1:	movl $1, %edi
	jmp exit

/* 9: exit(MXCSR) */
t_mxcsr:
	subq $8, %rsp
	stmxcsr (%rsp)
	movl (%rsp), %edi
	jmp exit

/* 10: fill registers (and xmm0) with patterns and check them forever (ud2 if one changes) */
t_spin:
	movabsq $0x1111111111111111, %rax
	movabsq $0x2222222222222222, %rbx
	movabsq $0x3333333333333333, %rcx
	movabsq $0x4444444444444444, %rdx
	movabsq $0x5555555555555555, %rsi
	movabsq $0x6666666666666666, %rdi
	movabsq $0x7777777777777777, %rbp
	movabsq $0x8888888888888888, %r8
	movabsq $0x9999999999999999, %r9
	movabsq $0xaaaaaaaaaaaaaaaa, %r10
	movabsq $0xbbbbbbbbbbbbbbbb, %r11
	movabsq $0xcccccccccccccccc, %r12
	movabsq $0xdddddddddddddddd, %r13
	movabsq $0xeeeeeeeeeeeeeeee, %r14
	movabsq $0x0123456789abcdef, %r15
	movq %r15, %xmm0                   /* the FPU state must survive the interrupts too */
1:	movq %xmm0, %rsp
	cmpq %rsp, %r15
	jne 9f
	movabsq $0x1111111111111111, %rsp
	cmpq %rsp, %rax
	jne 9f
	movabsq $0x2222222222222222, %rsp
	cmpq %rsp, %rbx
	jne 9f
	movabsq $0x3333333333333333, %rsp
	cmpq %rsp, %rcx
	jne 9f
	movabsq $0x8888888888888888, %rsp
	cmpq %rsp, %r8
	jne 9f
	movabsq $0xbbbbbbbbbbbbbbbb, %rsp
	cmpq %rsp, %r11
	jne 9f
	movabsq $0x0123456789abcdef, %rsp
	cmpq %rsp, %r15
	jne 9f
	jmp 1b
9:	ud2

/* 11: system call number RSI; exit(result) */
t_badsys:
	movq %rsi, %rax
	syscall
	movq %rax, %rdi
	jmp exit

/* 12: an x87 instruction (faults with #MF if the loaded state has a pending exception) */
t_x87:
	fld1
	fstp %st(0)
	fwait
	xorl %edi, %edi
	jmp exit

/* 13: TF set, then a system call at once, then exit(result) */
t_tf_syscall:
	pushfq
	orq $0x100, (%rsp)
	popfq
	movl $39, %eax
	syscall
	xorl %edi, %edi
	jmp exit

/* 14: exit(the quadword at %fs:0) */
t_fs:
	movq %fs:0, %rdi
	jmp exit

/* 15: load a null selector into %fs (which zeroes the FS base), make a null call, then
 * exit(%fs:0): the kernel must give the FS base back on the way in */
t_fs_clobber:
	xorl %eax, %eax
	movw %ax, %fs
	movl $39, %eax
	syscall
	movq %fs:0, %rdi
	jmp exit

/* 16: call 500, load a null selector into %gs (the user's GS base becomes 0), call 500 again,
 * exit(0): the kernel checks its own GS base at both calls */
t_gs_clobber:
	movl $500, %eax
	syscall
	xorl %eax, %eax
	movw %ax, %gs
	movl $500, %eax
	syscall
	xorl %edi, %edi
	jmp exit

/* 17: a breakpoint: #BP in user mode */
t_int3:
	int3
	ud2

/* 18: the 32-bit system call gate does not exist: #GP */
t_int80:
	int $0x80
	ud2

/* 19: RCX = RSI, R11 = RDX, int3, then exit(0) if both survived the #BP return, else exit(1)
 * (regression: sysret after an exception loaded RCX with RIP and R11 with RFLAGS) */
t_regs_int3:
	movq %rsi, %rcx
	movq %rdx, %r11
	int3
	xorl %edi, %edi
	cmpq %rsi, %rcx
	setne %dil
	cmpq %rdx, %r11
	jne 1f
	jmp exit
1:	movl $1, %edi
	jmp exit

/* 20: RSI null calls with RDX in xmm0, xmm15 and r12; exit(0) if all three still hold it after
 * every call, else exit(1) (the FPU state of several tasks and CPUs at once) */
t_fpu_loop:
	movq %rdx, %xmm0
	movq %rdx, %xmm15
	movq %rdx, %r12
	movq %rsi, %rbx
1:	testq %rbx, %rbx
	jz 2f
	movl $39, %eax
	syscall
	movq %xmm0, %rax
	cmpq %r12, %rax
	jne 3f
	movq %xmm15, %rax
	cmpq %r12, %rax
	jne 3f
	cmpq %rdx, %r12
	jne 3f
	decq %rbx
	jmp 1b
2:	xorl %edi, %edi
	jmp exit
3:	movl $1, %edi
	jmp exit

/* 21: read %fs:0 forever, ud2 when it is not RSI (regression: a task switched in user mode came
 * back by iretq with the FS base of the task that ran in between) */
t_fs_spin:
1:	movq %fs:0, %rax
	cmpq %rsi, %rax
	jne 2f
	jmp 1b
2:	ud2
