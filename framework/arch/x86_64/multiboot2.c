/*
 * multiboot2.c — reads the Multiboot2 boot information (GRUB) into boot_info.
 *
 * Multiboot2 spec §3.6: a u32 total size, a reserved u32, then 8-aligned tags (u32 type,
 * u32 size) up to an end tag (type 0). Used: command line (1), module (3; the first one is the
 * initramfs), memory map (6), ACPI RSDP (14/15). Not exercised by QEMU's -kernel (which uses
 * PVH); kept so that the image boots from GRUB too.
 */
#include "internal/bootinfo.h"
#include "internal/paging.h"
#include "internal/printk.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_module {
	u32 type, size;
	u32 mod_start, mod_end;
	/* followed by a NUL-terminated string */
};

struct mb2_mmap {
	u32 type, size;
	u32 entry_size, entry_version;
	/* followed by entries */
};

struct mb2_mmap_entry {
	u64 base_addr, length;
	u32 type, reserved;
};

void multiboot2_parse(u64 mbi_phys)
{
	boot_info.protocol = BOOT_PROTO_MULTIBOOT2;
	boot_info.mem_count = 0;
	boot_info.cmdline_len = 0;
	boot_info.cmdline[0] = '\0';
	boot_info.initrd_phys = 0;
	boot_info.initrd_size = 0;
	if (!early_phys_ok(mbi_phys, 8))
		return;
	/* SAFETY: identity-mapped (checked); total size bounds every tag read below. */
	const u8 *base = early_phys_ptr(mbi_phys);
	u32 total = *(const u32 *)base;
	if (!early_phys_ok(mbi_phys, total))
		return;
	bool have_module = false;
	for (u32 off = 8; off + sizeof(struct mb2_tag) <= total;) {
		/* SAFETY: off + 8 <= total (loop condition); the tag's size is checked below. */
		const struct mb2_tag *t = (const struct mb2_tag *)(base + off);
		if (t->type == MB2_TAG_END || t->size < 8 || t->size > total - off)
			break;
		const u8 *body = base + off + 8;
		u32 body_len = t->size - 8;
		if (t->type == MB2_TAG_CMDLINE) {
			size_t n = 0;
			while (n < body_len && n < BOOTINFO_CMDLINE_MAX - 1 && body[n]) {
				boot_info.cmdline[n] = (char)body[n];
				n++;
			}
			boot_info.cmdline[n] = '\0';
			boot_info.cmdline_len = n;
		} else if (t->type == MB2_TAG_MODULE && !have_module && t->size >= 16) {
			/* SAFETY: the tag is at least the module header's size. */
			const struct mb2_module *m = (const struct mb2_module *)t;
			if (m->mod_end >= m->mod_start) {
				boot_info.initrd_phys = m->mod_start;
				boot_info.initrd_size = m->mod_end - m->mod_start;
				have_module = true;
			}
		} else if (t->type == MB2_TAG_MMAP && t->size >= 16) {
			/* SAFETY: the tag is at least the map header's size; entries stay in it. */
			const struct mb2_mmap *mm = (const struct mb2_mmap *)t;
			u32 esz = mm->entry_size;
			if (esz >= sizeof(struct mb2_mmap_entry)) {
				for (u32 e = 16; e + esz <= t->size &&
						 boot_info.mem_count < BOOTINFO_MEM_MAX;
				     e += esz) {
					const struct mb2_mmap_entry *me =
						(const struct mb2_mmap_entry *)((const u8 *)t + e);
					struct fw_mem_region *r = &boot_info.mem[boot_info.mem_count++];
					r->base = me->base_addr;
					r->len_bytes = me->length;
					r->type = (me->type >= 1 && me->type <= 5)
							  ? (enum fw_mem_type)me->type
							  : FW_MEM_RESERVED;
				}
			}
		} else if ((t->type == MB2_TAG_ACPI_OLD || t->type == MB2_TAG_ACPI_NEW) &&
			   body_len > 0) {
			boot_info.rsdp_phys = mbi_phys + off + 8;
		}
		off += (t->size + 7u) & ~7u;
	}
}
