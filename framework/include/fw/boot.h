/*
 * fw/boot.h — what the boot loader handed over, read-only after boot, and the service entry.
 *
 * The framework parses the boot protocol (PVH `hvm_start_info` under QEMU's -kernel, Multiboot2
 * under GRUB) into one record before anything else runs; afterwards it never changes. Services
 * read it by value through the accessors below. Framework code that needs raw addresses (the
 * frame allocator, the initramfs reader) uses framework/internal/bootinfo.h.
 */
#ifndef FW_BOOT_H
#define FW_BOOT_H

#include <fw/bytes.h>
#include <fw/libbase.h>
#include <fw/types.h>

/* E820-style memory types, as the boot protocol reports them. */
enum fw_mem_type {
	FW_MEM_USABLE = 1,
	FW_MEM_RESERVED = 2,
	FW_MEM_ACPI_RECLAIMABLE = 3,
	FW_MEM_ACPI_NVS = 4,
	FW_MEM_BAD = 5,
};

/* One physical memory range: [base, base + len_bytes). */
struct fw_mem_region {
	u64 base;
	u64 len_bytes;
	enum fw_mem_type type;
};

/*
 * kernel_main - the kernel's entry point, defined by the service code in kernel/main.c.
 * Needs: nothing. The framework calls it once, on the boot CPU, after all framework
 *        initialisation (console, traps, clock, timer) and never in a ktest boot.
 * Guarantees (from the framework): interrupts are enabled; if it returns, the CPU idles.
 * Context: task context on the boot CPU.
 */
void kernel_main(void);

/*
 * fw_boot_mem_region_count - number of entries in the boot memory map.
 * Context: any, after boot.
 */
size_t fw_boot_mem_region_count(void);

/*
 * fw_boot_mem_region - copy memory-map entry `index` into *out.
 * Returns: true and fills *out when index < fw_boot_mem_region_count(); false otherwise
 *          (*out untouched).
 * Context: any, after boot.
 */
bool fw_boot_mem_region(size_t index, struct fw_mem_region *out);

/*
 * fw_boot_usable_bytes - the sum of the usable regions of the memory map.
 * Context: any, after boot.
 */
u64 fw_boot_usable_bytes(void);

/*
 * fw_boot_initrd_size - size in bytes of the initramfs module (0 when none was given).
 * Context: any, after boot.
 */
u64 fw_boot_initrd_size(void);

/*
 * fw_boot_cmdline_len - length in bytes of the kernel command line (without its NUL).
 * Context: any, after boot.
 */
size_t fw_boot_cmdline_len(void);

/*
 * fw_boot_initrd - the initramfs module's bytes (empty when none was given), in place: the
 * memory is reserved for it for the life of the kernel, so the slice never dangles.
 * Context: any, after boot.
 */
struct bytes fw_boot_initrd(void);

/*
 * fw_boot_cmdline - the kernel command line as text (without its NUL; truncated to the
 * framework's limit if the boot loader passed more).
 * Context: any, after boot.
 */
struct str fw_boot_cmdline(void);

#endif /* FW_BOOT_H */
