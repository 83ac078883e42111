/* Issue #13 hole 5: private fields reached without naming them — whole-struct copies of
 * types holding private fields, nested designators, brace elision, private arrays written
 * element by element or through their decayed pointer. */
#include "svc.h"
struct svc_obj2 { struct callback cb; int x; };
struct svc_pair { struct bytes b; int k; };
void copies(struct svc_obj2 *a, struct svc_obj2 *other, struct mutex *m, struct callback *c)
{
	a->cb.tag = other->cb.tag; // expect: private
	a->cb = other->cb; // expect: private
	*a = *other; // expect: private
	struct type_tag t = other->cb.tag; // expect: private
	struct svc_obj2 o = { .cb = *c }; // expect: private
	m->waiters = (struct fw_qlink){ 0 }; // expect: private
	(void)t; (void)o;
}
void designators(uint8_t *small, size_t n)
{
	struct frame_view v = { .b.ptr = small, .b.len = 68 }; // expect: private private
	struct bytes arr[2] = { [0].len = n }; // expect: private
	struct frame_view w = { .b = 4096 }; // expect: private
	struct svc_pair p = { 4096, small, 1 }; // expect: private
	struct frame_ref f[1] = { { .pfn = 1 } }; // expect: private
	struct svc_pair zero = { 0 };
	(void)v; (void)arr; (void)w; (void)p; (void)f; (void)zero;
}
void arrays(struct slot_table *t, struct fw_qlink *l, struct user_ctx *uc)
{
	t->slots__[0] = l; // expect: private
	uc->regs.r[7] = 0x4141; // expect: private
	uc->regs.r[1]++; // expect: private
	uint64_t *r = uc->regs.r; // expect: private
	struct fw_qlink **s = &t->slots__[1]; // expect: private
	uint64_t ok = uc->regs.r[2] + uc->scratch;
	t->n = 3;
	(void)r; (void)s; (void)ok;
}
/* A generic trusted getter instantiated with a type that holds private fields copies them. */
FW_DEFINE_GETTER(tag_copy, struct type_tag) // expect: trusted-macro
