/*
 * pvh.c — reads the PVH boot protocol's hvm_start_info into boot_info.
 *
 * Layout: Xen public/arch-x86/hvm/start_info.h (version 1 adds the memory map). QEMU's -kernel
 * passes one module (the -initrd) and the command line (-append). Every address the loader
 * gives is checked against the identity-mapped range before it is read.
 */
#include "internal/bootinfo.h"
#include "internal/paging.h"
#include "internal/printk.h"

#define HVM_START_MAGIC 0x336ec578u

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;
	u32 memmap_entries;
	u32 reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");

struct hvm_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm_memmap_entry layout");

static void copy_cmdline(u64 phys)
{
	boot_info.cmdline_len = 0;
	boot_info.cmdline[0] = '\0';
	if (!phys || !early_phys_ok(phys, BOOTINFO_CMDLINE_MAX))
		return;
	/* SAFETY: phys is identity-mapped (checked); reading stops at NUL or the buffer size. */
	const char *src = early_phys_ptr(phys);
	size_t n = 0;
	while (n < BOOTINFO_CMDLINE_MAX - 1 && src[n]) {
		boot_info.cmdline[n] = src[n];
		n++;
	}
	boot_info.cmdline[n] = '\0';
	boot_info.cmdline_len = n;
}

void pvh_parse(u64 start_info_phys)
{
	boot_info.protocol = BOOT_PROTO_PVH;
	if (!early_phys_ok(start_info_phys, sizeof(struct hvm_start_info))) {
		printk(FW_LOG_ERR, "boot: PVH start info at %lx is out of reach", start_info_phys);
		return;
	}
	/* SAFETY: identity-mapped (checked above); the loader wrote it and it is not reused. */
	const struct hvm_start_info *si = early_phys_ptr(start_info_phys);
	if (si->magic != HVM_START_MAGIC) {
		printk(FW_LOG_ERR, "boot: bad PVH magic %x", si->magic);
		return;
	}
	copy_cmdline(si->cmdline_paddr);
	boot_info.rsdp_phys = si->rsdp_paddr;

	if (si->nr_modules && early_phys_ok(si->modlist_paddr, sizeof(struct hvm_modlist_entry))) {
		/* SAFETY: identity-mapped (checked); the first module is the initrd. */
		const struct hvm_modlist_entry *m = early_phys_ptr(si->modlist_paddr);
		boot_info.initrd_phys = m->paddr;
		boot_info.initrd_size = m->size;
	}

	boot_info.mem_count = 0;
	if (si->version >= 1 && si->memmap_entries &&
	    early_phys_ok(si->memmap_paddr,
			  (u64)si->memmap_entries * sizeof(struct hvm_memmap_entry))) {
		/* SAFETY: identity-mapped (checked for the whole table). */
		const struct hvm_memmap_entry *e = early_phys_ptr(si->memmap_paddr);
		for (u32 i = 0; i < si->memmap_entries && boot_info.mem_count < BOOTINFO_MEM_MAX;
		     i++) {
			struct fw_mem_region *r = &boot_info.mem[boot_info.mem_count++];
			r->base = e[i].addr;
			r->len_bytes = e[i].size;
			r->type = (e[i].type >= 1 && e[i].type <= 5) ? (enum fw_mem_type)e[i].type
								      : FW_MEM_RESERVED;
		}
	}
}
