/* Issue #13 class 5: private fields written by copies the service makes legal for itself —
 * its own struct marked as a framework value (annotate or FW_VALUE), _Atomic copies of a
 * type tag, a typeof'd or __auto_type copy. */
#include "svc.h"
struct __attribute__((annotate("trellis_value"))) stolen_cb { struct callback cb; int x; }; // expect: attribute
struct FW_VALUE stolen_tag { struct type_tag tag; };
void clone_cb(struct stolen_cb *d, const struct stolen_cb *s)
{
	*d = *s; // expect: private
}
void clone_tag(struct stolen_tag *d, struct stolen_tag *s)
{
	struct stolen_tag t = *s; // expect: private
	d->tag = t.tag; // expect: private
}
void atomic_tag(struct type_tag *d, const struct type_tag *s)
{
	_Atomic(struct type_tag) a = *s; // expect: builtin private
	*d = a; // expect: private
}
void typeof_tag(struct callback *d, struct callback *s)
{
	typeof(*s) t = *s; // expect: private
	__auto_type u = t; // expect: private
	*d = u; // expect: private
}
struct two_slices { struct bytes b[2]; };
void range_designators(void)
{
	struct two_slices t = { .b[0 ... 1].len = 4096 }; // expect: private
	struct bytes arr[2] = { [0 ... 1] = { 4096, 0 } }; // expect: private
	(void)t;
	(void)arr;
}
