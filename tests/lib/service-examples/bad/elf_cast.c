/* safecheck-expect: reject pointer-cast
 *
 * The classic ELF loader: cast the buffer to a header, then index program headers at an
 * offset the file chose. Trellis: DEFINE_PLAIN copies with bounds (../elf_probe.c).
 */
#include <fw/libbase.h>

struct bad_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
};

uint64_t bad_entry(uint8_t *buf)
{
	struct bad_ehdr *eh = (struct bad_ehdr *)buf;
	uint64_t *first_phdr_word = (uint64_t *)(buf + eh->phoff);
	return eh->entry + *first_phdr_word;
}
