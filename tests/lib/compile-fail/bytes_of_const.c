/* BYTES_OF_ARRAY refuses a const array (a bytes slice is writable). */
/* expect-error: not compatible with any generic association */
#include <fw/bytes.h>
static const uint8_t cf_table[8];
struct bytes cf(void)
{
	return BYTES_OF_ARRAY(cf_table);
}
