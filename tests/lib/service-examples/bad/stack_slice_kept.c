/* safecheck-expect: reject stack-escape
 *
 * A slice over a stack array kept in a heap object: BYTES_OF_ARRAY(buf) is a stack value.
 */
#include <fw/bytes.h>

struct reader {
	struct bytes window;
};

void bad_keep_window(struct reader *r);
void bad_keep_window(struct reader *r)
{
	uint8_t buf[64] = { 0 };
	r->window = BYTES_OF_ARRAY(buf);
}
