/* safecheck-expect: reject plain-data
 *
 * A plain-data copy into a struct that holds a pointer: the bytes would forge it. The checker
 * rejects DEFINE_PLAIN on any type with a pointer (or padding: see plain_padding.c).
 */
#include <fw/plain.h>

struct bad_msg {
	uint64_t len;
	uint8_t *payload;
};
DEFINE_PLAIN(bad_msg, struct bad_msg);
