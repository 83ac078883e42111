/* Issue #13 class 8: no-copy handles copied by routes other than `=` (hostile pass, second
 * session): __auto_type, a by-value parameter or result, a statement expression, a conditional,
 * a comma, a compound literal, a wrapper struct's copy and designated initialiser. Each would
 * leave two owners of one buffer or frame (the second free releases the next owner's). */
#include <fw/frame.h>
#include <fw/heap.h>

struct n2_holder {
	struct kbuf k;
	int n;
};

void n2_auto_type(struct kbuf *k)
{
	__auto_type dup = *k; // expect: nocopy
	kbuf_free(&dup);
}
static void n2_by_value_param(struct kbuf k) // expect: nocopy
{
	kbuf_free(&k);
}
struct kbuf n2_by_value_result(struct kbuf *k) // expect: nocopy
{
	return *k; // expect: nocopy
}
void n2_statement_expr(struct kbuf *k)
{
	struct kbuf dup = ({ *k; }); // expect: nocopy
	kbuf_free(&dup);
}
void n2_conditional(struct frame *a, struct frame *b, int c)
{
	struct frame dup = c ? *a : *b; // expect: nocopy
	frame_release(&dup);
}
void n2_comma(struct frame *a)
{
	struct frame dup = FRAME_EMPTY;
	dup = (0, *a); // expect: nocopy
	frame_release(&dup);
}
void n2_compound_literal(struct kbuf *k)
{
	struct kbuf *dup = (struct kbuf[1]){ *k }; // expect: nocopy
	kbuf_free(dup);
}
void n2_wrapper_copy(struct n2_holder *dst, const struct n2_holder *src)
{
	*dst = *src; // expect: nocopy
}
void n2_wrapper_designated(const struct kbuf *k)
{
	struct n2_holder h = { .k = *k, .n = 1 }; // expect: nocopy
	kbuf_free(&h.k);
}
