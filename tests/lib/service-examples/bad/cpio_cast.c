/* safecheck-expect: reject pointer-cast
 *
 * Parsing by casting a header struct over raw bytes and walking with pointer arithmetic; the
 * archive decides where the pointer goes. Trellis: a bytes cursor (../cpio_newc.c).
 */
#include <fw/libbase.h>

struct bad_cpio_hdr {
	char magic[6];
	char fields[104];
};

unsigned bad_count_entries(const uint8_t *p, const uint8_t *end)
{
	unsigned n = 0;
	while (p < end) {
		const struct bad_cpio_hdr *h = (const struct bad_cpio_hdr *)p;
		if (h->magic[0] != '0')
			break;
		p += sizeof *h + 4;
		n++;
	}
	return n;
}
