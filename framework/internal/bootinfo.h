/*
 * internal/bootinfo.h — the framework's full view of the boot hand-over.
 *
 * Filled once by the boot-protocol parser (arch/x86_64/pvh.c or multiboot2.c) before any other
 * subsystem starts, read-only afterwards. Physical addresses stay physical (u64): the memory
 * manager decides how to map them. Strings are copied into the record so that nothing points
 * into loader memory the frame allocator may later reuse.
 */
#ifndef FW_INTERNAL_BOOTINFO_H
#define FW_INTERNAL_BOOTINFO_H

#include <fw/boot.h>
#include <fw/types.h>

#define BOOTINFO_CMDLINE_MAX 1024u
#define BOOTINFO_MEM_MAX 64u

enum boot_protocol {
	BOOT_PROTO_NONE = 0,
	BOOT_PROTO_PVH,
	BOOT_PROTO_MULTIBOOT2,
};

struct boot_info {
	enum boot_protocol protocol;
	char cmdline[BOOTINFO_CMDLINE_MAX]; /* NUL-terminated, truncated if longer */
	size_t cmdline_len;
	u64 initrd_phys; /* 0 with initrd_size 0 when no module */
	u64 initrd_size;
	u64 rsdp_phys;   /* ACPI RSDP, 0 if the loader gave none */
	size_t mem_count;
	struct fw_mem_region mem[BOOTINFO_MEM_MAX];
	u64 kernel_phys_start; /* the loaded image, [start, end) */
	u64 kernel_phys_end;
};

/* The record. Written only by the boot-protocol parsers, during early boot. */
extern struct boot_info boot_info;

/* Raw values saved by the entry code (arch/x86_64/boot.S) before paging was on. */
extern u32 boot_magic;     /* %eax at entry (Multiboot2 magic) or PVH marker */
extern u32 boot_info_phys; /* %ebx at entry: hvm_start_info or Multiboot2 info */
extern u64 boot_entry_tsc; /* TSC at the first instruction */

/* Parsers: fill boot_info from the loader's structure. Context: early boot, once. */
void pvh_parse(u64 start_info_phys);
void multiboot2_parse(u64 mbi_phys);

/*
 * boot_cmdline_option - find `name=` (or a bare `name`) in the command line (the last one).
 * Returns: a pointer to the value (after '=') inside boot_info.cmdline, or "" for a bare word,
 *          and its length in *len; NULL when absent.
 * Context: any, after boot.
 */
const char *boot_cmdline_option(const char *name, size_t *len);

/* Whether option `name` has exactly the value `value`. */
bool boot_cmdline_is(const char *name, const char *value);

/* Parse option `name` as an unsigned decimal; `fallback` when absent or malformed. */
u64 boot_cmdline_u64(const char *name, u64 fallback);

#endif /* FW_INTERNAL_BOOTINFO_H */
