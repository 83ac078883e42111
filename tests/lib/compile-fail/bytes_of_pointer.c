/* BYTES_OF_ARRAY refuses a pointer (its size is not the buffer's). */
/* expect-error: not compatible with any generic association */
#include <fw/bytes.h>
struct bytes cf(uint8_t *p)
{
	return BYTES_OF_ARRAY(p);
}
