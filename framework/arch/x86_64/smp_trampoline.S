/*
 * smp_trampoline.S — the real-mode entry of the other processors (application processors).
 *
 * A STARTUP IPI starts an AP in real mode at CS:IP = (vector << 8):0000 (SDM vol. 3 §8.4.4.1).
 * smp.c copies this blob to TRAMP_BASE (physical 0x8000, so vector 0x08) and fills its data
 * slots. The code goes real mode -> 32-bit protected mode (its own GDT) -> long mode with
 * the page tables smp.c built at TRAMP_PML4 (an executable identity map of the first 2 MiB plus
 * the kernel's higher half), then jumps to ap_entry64(cpu_local) in the kernel on the idle
 * task's stack. Everything is addressed absolutely (TRAMP_BASE + offset), with DS = 0.
 */
/* SAFETY: this code runs only on an AP started by smp.c's STARTUP IPI, after smp.c copied it to
 * TRAMP_BASE (physical 0x8000-0xBFFF, owned by smp.c for bring-up) and filled its data slots; it
 * touches only that copy, the page tables smp.c built there, and the cpu_local and idle stack
 * named in its slots. */
#define TRAMP_BASE 0x8000
#define OFF(sym) (TRAMP_BASE + ((sym) - ap_trampoline_start))

	.section .rodata.trampoline, "a"
	.globl ap_trampoline_start, ap_trampoline_end
	.globl ap_tramp_cr3, ap_tramp_efer, ap_tramp_stack, ap_tramp_arg, ap_tramp_entry

	.code16
ap_trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl OFF(tr_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $OFF(tr_pm)

	.code32
tr_pm:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax                 /* PAE */
	movl %eax, %cr4
	movl OFF(ap_tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER: LME, and NXE when the boot CPU has it */
	rdmsr
	orl OFF(ap_tramp_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax           /* PG | WP | PE */
	movl %eax, %cr0
	ljmpl $0x18, $OFF(tr_lm)

	.code64
tr_lm:
	xorl %eax, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq OFF(ap_tramp_stack), %rsp
	movq OFF(ap_tramp_arg), %rdi
	movq OFF(ap_tramp_entry), %rax
	jmpq *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tr_gdtr:
	.word 31
	.long OFF(tr_gdt)
	.balign 8
ap_tramp_cr3:   .long 0
ap_tramp_efer:  .long 0
ap_tramp_stack: .quad 0
ap_tramp_arg:   .quad 0
ap_tramp_entry: .quad 0
ap_trampoline_end:
