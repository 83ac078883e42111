/*
 * layout.h — the kernel's link-time memory layout, shared by the linker script, boot.S and C.
 *
 * The image is loaded at physical KERNEL_PHYS_BASE and runs at KERNEL_VIRT_BASE + physical
 * (the top 2 GiB, as -mcmodel=kernel requires). Only .boot.* (the 32-bit entry and the early
 * page tables) runs at its physical address.
 */
#ifndef FW_ARCH_LAYOUT_H
#define FW_ARCH_LAYOUT_H

#define KERNEL_PHYS_BASE 0x100000
#define KERNEL_VIRT_BASE 0xffffffff80000000

#define PAGE_SIZE 4096

/* Stacks: the boot stack and each IST stack; each has an unmapped guard page below it. */
#define BOOT_STACK_SIZE (16 * 1024)
#define IST_STACK_SIZE (8 * 1024)

#endif /* FW_ARCH_LAYOUT_H */
