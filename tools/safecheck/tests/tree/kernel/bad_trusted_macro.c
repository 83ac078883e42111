/* trusted macros applied to service operands: a cast, pointer arithmetic and a subscript in a
 * framework macro body whose operand the service wrote, and a foreign type passed to one. */
#include "svc.h"
long f(int *p, struct svc_obj *o, int i)
{
	long *a = FW_AS_LONG_PTR(p); // expect: trusted-macro
	int *b = FW_ADVANCE(p, i); // expect: trusted-macro
	int c = FW_INDEX(p, i); // expect: trusted-macro
	long *d = FW_AS_LONG_PTR(o); // expect: trusted-macro
	size_t n = FW_LEN(o); // expect: trusted-macro
	return *a + *b + c + *d + (long)n;
}
