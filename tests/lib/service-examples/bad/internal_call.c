/* safecheck-expect: reject api
 *
 * Calling the framework-internal backends of the trusted macros directly: forging a slice
 * over 4 KiB from a pointer to one byte, and freeing a stack object through the allocation
 * hook. The `__fw_` names are reserved to trusted macro bodies and framework code.
 */
#include <fw/bytes.h>
#include <fw/typecache.h>

struct bad_obj {
	uint64_t v;
};
DEFINE_TYPE_INFO(bad_obj, struct bad_obj);

struct bytes bad_forge_slice(uint8_t *one_byte)
{
	return __fw_bytes_raw(one_byte, 4096);
}

void bad_free_stack(void)
{
	struct bad_obj local = { 0 };
	__fw_lib_free(&bad_obj__type, &local);
}
