/* Issue #13 class 7: stack addresses that outlive what they point to without a plain `&x`
 * store — statement expressions, _Generic, and an inner block's local kept in an outer
 * variable (its slot is reused for other locals once the block ends). */
#include "svc.h"
int *c7_keep;
void stmt_expr_escape(void)
{
	c7_keep = ({ int y = 2; &y; }); // expect: stack-escape
}
void generic_escape(void)
{
	int x = 1;
	c7_keep = _Generic(0, int: &x, default: (int *)0); // expect: stack-escape
}
void generic_lvalue_escape(void)
{
	int x = 1;
	c7_keep = &_Generic(0, int: x); // expect: stack-escape
}
int inner_block(void)
{
	long *lp;
	{
		long x = 0;
		lp = &x; // expect: stack-escape
	}
	*lp = 0x1000;
	return 0;
}
int inner_slice(void)
{
	struct bytes b;
	{
		uint8_t buf[16] = { 0 };
		b = FW_BYTES_OF(buf); // expect: stack-escape
	}
	return (int)fw_bytes_len(&b);
}
int loop_chain(void)
{
	int *keep = 0;
	for (int i = 0; i < 2; i++) {
		int x = i;
		int *t = &x;
		keep = t; // expect: stack-escape
	}
	return keep != 0;
}
int stmt_expr_local(void)
{
	int *p = ({ int y = 3; &y; }); // expect: stack-escape
	return *p;
}
int same_block_is_fine(int c)
{
	int outer = 1;
	int *p = &outer;
	if (c) {
		int inner = 2;
		int *q = &inner;
		return *q + *p;
	}
	return *p;
}
struct c7_holder { int *p; };
static int *holder_get(struct c7_holder *h)
{
	return h->p;
}
int result_not_from_the_block(struct c7_holder *outer_h)
{
	int *r = 0;
	{
		struct c7_holder h = { outer_h->p };
		int err = 0;
		r = holder_get(&h); /* what h holds, not h: fine */
		r = svc_helper(err) ? r : *(&r);
	}
	return r != 0;
}
