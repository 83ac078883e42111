/* pointer -> pointer between different types: explicit, void * -> T * implicitly, casting
 * away const, function-pointer casts, through a service macro, in a call argument. */
#include "svc.h"
#define AS_INTS(p) ((int *)(p))
static int take_obj(struct svc_obj *o) { return o->a; }
int f(struct svc_obj *o, void *vp, const int *cp, long *lp)
{
	int *a = (int *)o; // expect: pointer-cast
	struct svc_obj *b = vp; // expect: pointer-cast
	int *c = (int *)cp; // expect: pointer-cast
	int (*fn)(long) = (int (*)(long))take_obj; // expect: pointer-cast
	int *d = AS_INTS(lp); // expect: pointer-cast
	int e = take_obj(vp); // expect: pointer-cast
	const char *g = "literal"; /* char[] decays to char *: same type, allowed */
	return *a + b->a + *c + fn(0) + *d + e + (g != NULL);
}
