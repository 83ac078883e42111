/* plain-data copies: the type argument must have no pointer, padding, bool, union member,
 * private field or no-copy member; calling the byte-copy backend directly is refused. */
#include "svc.h"
#include <stdbool.h>
struct with_ptr { int *p; };
struct padded { uint8_t a; uint32_t b; };
struct with_bool { bool ok; uint8_t pad[3]; };
struct good_rec { uint32_t a; uint32_t b; };
typedef uint64_t words_t[4];
FW_DEFINE_PLAIN(good_rec, struct good_rec);
FW_DEFINE_PLAIN(with_ptr, struct with_ptr); // expect: plain-data
void f(struct bytes in)
{
	struct with_ptr wp = { 0 };
	struct padded pd = { 0 };
	struct with_bool wb = { 0 };
	struct bytes nested = {};
	struct good_rec g = { 0 };
	uint64_t words[4] = { 0 };
	COPY_FROM_BYTES(struct with_ptr, wp, in); // expect: plain-data
	COPY_FROM_BYTES(struct padded, pd, in); // expect: plain-data
	COPY_FROM_BYTES(struct with_bool, wb, in); // expect: plain-data
	COPY_FROM_BYTES(struct bytes, nested, in); // expect: plain-data
	COPY_FROM_BYTES(struct good_rec, g, in);
	COPY_FROM_BYTES(words_t, words, in);
	fw_copy_from_bytes_(&g, 64, in); // expect: plain-data
}
