/*
 * boot.S — the kernel's first instructions: from the boot loader's 32-bit protected mode to
 * 64-bit C at the higher-half address.
 *
 * Two ways in:
 *   - PVH (QEMU's -kernel with an ELF64): the XEN_ELFNOTE_PHYS32_ENTRY note below names
 *     pvh_entry; the loader enters it in 32-bit protected mode, paging off, with %ebx pointing
 *     to struct hvm_start_info (magic 0x336ec578).
 *   - Multiboot2 (GRUB): the header below, with an entry-address tag naming mb2_entry; entered
 *     with %eax = 0x36d76289 and %ebx pointing to the Multiboot2 information.
 * Both save the TSC, the magic and the info pointer, clear .bss, build the early page tables
 * (identity map of the low 4 GiB and the kernel image at KERNEL_VIRT_BASE, both with 2 MiB
 * pages), enable long mode and jump to boot_main64 (setup.c) on the boot stack.
 *
 * Everything here runs at physical addresses (section .boot.*, linked at the load address);
 * framework C code replaces these page tables early (paging.c).
 */

#include "layout.h"

#define PVH_MAGIC 0x336ec578
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOT_MAGIC 0x36d76289
#define MB2_ARCH_I386 0

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

/* ---- the PVH entry note (Xen public/elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY = 18) ---------- */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                 /* namesz: "Xen\0" */
	.long 8                 /* descsz: QEMU reads the entry as a 64-bit value */
	.long 18                /* type */
	.asciz "Xen"
	.balign 4
	.quad pvh_entry

/* ---- Multiboot2 header (Multiboot2 spec §3.1): must sit in the first 32 KiB, 8-aligned -- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* entry address tag (type 3): the ELF's e_entry is a virtual address GRUB cannot use */
	.balign 8
	.short 3, 0
	.long 12
	.long mb2_entry
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

/* ---- 32-bit entry code -------------------------------------------------------------------- */
	.section .boot.entry, "ax"
	.code32

	.globl pvh_entry
pvh_entry:                      /* first in .boot.entry: the linker script's __boot_entry */
	cli
	cld
	/* SAFETY: nothing else runs yet; the variables are in .boot.data at physical addresses. */
	movl %eax, %esi
	rdtsc
	movl %eax, boot_entry_tsc_phys
	movl %edx, boot_entry_tsc_phys + 4
	movl $PVH_MAGIC, boot_magic_phys
	movl %ebx, boot_info_phys_phys
	jmp common32

	.section .boot.text, "ax"
	.globl mb2_entry
mb2_entry:
	cli
	cld
	movl %eax, %esi
	rdtsc
	movl %eax, boot_entry_tsc_phys
	movl %edx, boot_entry_tsc_phys + 4
	movl %esi, boot_magic_phys
	movl %ebx, boot_info_phys_phys

common32:
	/* A stack at a physical address for the few calls below. */
	movl $(boot_stack + PAGE_SIZE + BOOT_STACK_SIZE - KERNEL_VIRT_BASE), %esp

	/* Clear .bss (physical view). SAFETY: .bss holds nothing yet; the loader's data (info
	 * structures, initrd) is outside [__bss_start, __bss_end) because the loader placed it
	 * outside the image's memory size. */
	movl $(__bss_start - KERNEL_VIRT_BASE), %edi
	movl $(__bss_end - KERNEL_VIRT_BASE), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* Identity map 0..4 GiB with 2 MiB pages: 4 page directories of 512 entries. */
	movl $early_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high dword: (i << 21) >> 32 */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* Is NX available? (CPUID 0x80000001 EDX bit 20) Enable EFER.NXE if so. */
	movl $0x80000000, %eax
	cpuid
	xorl %ebx, %ebx
	cmpl $0x80000001, %eax
	jb 2f
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 20), %edx
	jz 2f
	movl $EFER_NXE, %ebx
2:	movl %ebx, boot_efer_nxe_phys

	/* Long mode: PAE, the page-table root, EFER.LME, then paging. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	orl %ebx, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PE | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt early_gdt_ptr
	ljmp $0x08, $long64

	.code64
long64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_high64, %rax
	jmp *%rax

/* ---- data used before paging: page tables, GDT, saved entry state ----------------------- */
	.section .boot.data, "aw"
	.balign 4096
	.globl early_pml4
early_pml4:
	.quad early_pdpt_low + (PTE_P | PTE_W)
	.fill 510, 8, 0
	.quad early_pdpt_high + (PTE_P | PTE_W)
early_pdpt_low:
	.quad early_pd + 0x0000 + (PTE_P | PTE_W)
	.quad early_pd + 0x1000 + (PTE_P | PTE_W)
	.quad early_pd + 0x2000 + (PTE_P | PTE_W)
	.quad early_pd + 0x3000 + (PTE_P | PTE_W)
	.fill 508, 8, 0
early_pdpt_high:
	/* KERNEL_VIRT_BASE = -2 GiB: PML4 slot 511, PDPT slot 510 -> physical 0..1 GiB */
	.fill 510, 8, 0
	.quad early_pd + (PTE_P | PTE_W)
	.quad 0
early_pd:
	.fill 2048, 8, 0

	.balign 16
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt

	.balign 8
boot_entry_tsc_phys:
	.quad 0
boot_magic_phys:
	.long 0
boot_info_phys_phys:
	.long 0
boot_efer_nxe_phys:
	.long 0

/* ---- first 64-bit code at the higher-half address ---------------------------------------- */
	.section .text.boot, "ax"
	.code64
boot_high64:
	movabsq $(boot_stack + PAGE_SIZE + BOOT_STACK_SIZE), %rsp
	xorl %ebp, %ebp
	/* The saved entry state, read through the identity map (still present), as arguments. */
	movl boot_magic_phys, %edi
	movl boot_info_phys_phys, %esi
	movq boot_entry_tsc_phys, %rdx
	movl boot_efer_nxe_phys, %ecx
	/* boot_main64(magic, info_phys, entry_tsc, nxe) never returns; a return would halt here. */
	call boot_main64
3:	cli
	hlt
	jmp 3b
