/* safecheck-expect: reject stack-escape
 *
 * A stack slice narrowed (bytes_head) or turned into a str before it is kept: still the
 * stack's bytes.
 */
#include <fw/bytes.h>
#include <fw/str.h>

struct keeper {
	struct bytes head;
	struct str name;
};

void bad_keep_narrowed(struct keeper *k);
void bad_keep_narrowed(struct keeper *k)
{
	uint8_t buf[64] = { 0 };
	k->head = bytes_head(BYTES_OF_ARRAY(buf), 8);
	char text[8] = "abc";
	k->name = str_from_bytes(BYTES_OF_ARRAY(text));
}

void bad_keep_sub(struct keeper *k);
void bad_keep_sub(struct keeper *k)
{
	uint8_t buf[64] = { 0 };
	k->head = bytes_sub(BYTES_OF_ARRAY(buf), 0, 4).value;
}

void bad_keep_from_cursor(struct keeper *k);
void bad_keep_from_cursor(struct keeper *k)
{
	uint8_t buf[64] = { 0 };
	struct bytes_cursor c = bytes_cursor(BYTES_OF_ARRAY(buf));
	k->head = cursor_take(&c, 4);
}
