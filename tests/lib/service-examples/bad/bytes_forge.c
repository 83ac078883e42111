/* safecheck-expect: reject private
 *
 * Forging a slice over arbitrary memory by writing the private fields of struct bytes, and
 * calling a framework-internal constructor. Slices come only from the framework.
 */
#include <fw/bytes.h>

struct bytes bad_forge(uint8_t *p)
{
	struct bytes b = bytes_empty();
	b.ptr = p;
	b.len = 1u << 20;
	return b;
}

struct bytes bad_internal(uint8_t *p)
{
	return __fw_bytes_raw(p, 4096);
}
