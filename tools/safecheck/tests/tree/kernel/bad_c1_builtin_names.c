/* Issue #13 class 1: builtin and reserved names reached without the `__builtin_` prefix: the
 * HIP and OpenCL atomic families, a libc builtin called undeclared, reserved names declared. */
#include "svc.h"
int hip_peek(int *p)
{
	return __hip_atomic_load(p, __ATOMIC_RELAXED, 1); // expect: builtin
}
void ocl_poke(_Atomic int *p) // expect: builtin
{
	__opencl_atomic_init(p, 1); // expect: builtin
}
int __hip_atomic_mine(int x); // expect: redeclaration builtin extern
int __opencl_atomic_mine(int x); // expect: redeclaration builtin extern
void copy_mine(struct svc_obj *d, const struct svc_obj *s)
{
	memcpy(d, s, sizeof *d); // expect: builtin
}
int longjmp_mine(void);
int longjmp_mine(void)
{
	return __builtin_setjmp(0); // expect: builtin
}
