/* private fields: assignment, compound assignment, ++, address-of, designated and positional
 * initialisers (in a declaration and in a compound literal). Reading them is allowed. */
#include "svc.h"
size_t f(struct bytes *b, struct buf *bf)
{
	size_t n = b->len;
	b->len = 4096; // expect: private
	bf->count += 1; // expect: private
	bf->count++; // expect: private
	size_t *alias = &b->len; // expect: private
	struct bytes forged = { .len = 10 }; // expect: private
	struct bytes forged2 = { 10, NULL }; // expect: private private
	struct bytes empty = {};
	struct lock l = { 1 }; // expect: private
	*b = (struct bytes){ .ptr = NULL, .len = 1 }; // expect: private private
	(void)alias; (void)forged; (void)forged2; (void)empty; (void)l;
	return n;
}
