/* safecheck-expect: accept
 *
 * elf_probe.c — service example: check an ELF64 executable header and its program headers
 * with plain-data copies (fw/plain.h). The header structs are plain data (fixed-width
 * integers and byte arrays, no padding), so DEFINE_PLAIN may copy them out of the image;
 * every offset and count the file claims is checked (by the copy) against the real bytes.
 *
 * Classic unsafe alternative (rejected: bad/elf_cast.c): `Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
 * Elf64_Phdr *ph = (void *)(buf + eh->e_phoff);` — a cast, pointer arithmetic, no bounds.
 */
#include <fw/bytes.h>
#include <fw/plain.h>

#include "examples.h"

struct ex_elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct ex_elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
_Static_assert(sizeof(struct ex_elf64_ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(struct ex_elf64_phdr) == 56, "ELF64 program header size");
DEFINE_PLAIN(ex_ehdr, struct ex_elf64_ehdr);
DEFINE_PLAIN(ex_phdr, struct ex_elf64_phdr);

#define EX_PT_LOAD 1
#define EX_EM_X86_64 62

int elf_probe(struct bytes image, struct elf_summary *out)
{
	struct ex_elf64_ehdr eh;
	*out = (struct elf_summary){ 0 };
	if (ex_ehdr_from_bytes(&eh, image, 0))
		return -ENOEXEC;
	if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
	    eh.e_ident[3] != 'F' || eh.e_ident[4] != 2 /* 64-bit */ || eh.e_ident[5] != 1 /* LE */)
		return -ENOEXEC;
	if (eh.e_machine != EX_EM_X86_64 || eh.e_phentsize != sizeof(struct ex_elf64_phdr))
		return -ENOEXEC;
	out->entry = eh.e_entry;
	for (uint32_t i = 0; i < eh.e_phnum; i++) {
		struct ex_elf64_phdr ph;
		uint64_t off;
		if (fw_mul_overflow((uint64_t)i, (uint64_t)sizeof ph, &off) ||
		    fw_add_overflow(off, eh.e_phoff, &off))
			return -ENOEXEC;
		if (ex_phdr_from_bytes(&ph, image, off))
			return -ENOEXEC;
		if (ph.p_type != EX_PT_LOAD)
			continue;
		uint64_t end;
		if (ph.p_filesz > ph.p_memsz || fw_add_overflow(ph.p_vaddr, ph.p_memsz, &end))
			return -ENOEXEC;
		/* The file bytes of the segment must exist. */
		if (bytes_sub(image, ph.p_offset, ph.p_filesz).err)
			return -ENOEXEC;
		out->loads++;
		if (end > out->max_vaddr_end)
			out->max_vaddr_end = end;
	}
	return out->loads ? 0 : -ENOEXEC;
}
