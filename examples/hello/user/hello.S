/*
 * hello.S — the user program of examples/hello: a static x86-64 ELF (mk/user.mk links it with
 * its text and its message in separate segments) that writes one line, makes NULL_CALLS null
 * system calls (getpid) so the kernel can time the round trip, and exits.
 * Linux system call numbers: write 1, getpid 39, exit 60.
 */
#define NULL_CALLS 1000

	.section .rodata
msg:
	.ascii "Hello from user mode!\n"
msg_end:

	.text
	.globl _start
_start:
	movl $1, %eax
	movl $1, %edi
	leaq msg(%rip), %rsi
	movl $(msg_end - msg), %edx
	syscall
	movl $NULL_CALLS, %ebx
1:	movl $39, %eax
	syscall
	decl %ebx
	jnz 1b
	movl $60, %eax
	xorl %edi, %edi
	syscall
	ud2
