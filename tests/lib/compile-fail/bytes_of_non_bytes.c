/* BYTES_OF_ARRAY refuses an array whose elements are not bytes (pointers could be forged). */
/* expect-error: not compatible with any generic association */
#include <fw/bytes.h>
struct cf_obj;
struct bytes cf(void)
{
	static struct cf_obj *table[4];
	return BYTES_OF_ARRAY(table);
}
