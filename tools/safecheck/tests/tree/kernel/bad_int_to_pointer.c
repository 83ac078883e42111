/* integer -> pointer: explicit, implicit (compiler error too), through a service macro, in a
 * compound literal, from an enum and from a computed zero. */
#include "svc.h"
#define AT(addr) ((struct svc_obj *)(addr))
enum { BASE = 0x1000 };
int *f(uintptr_t a, int zero)
{
	int *p = (int *)a; // expect: int-to-pointer
	int *q = 0x2000; // expect: int-to-pointer
	struct svc_obj *o = AT(0xb8000); // expect: int-to-pointer
	int **r = &(int *){ 0x3000 }; // expect: int-to-pointer
	char *s = (char *)BASE; // expect: int-to-pointer
	int *t = (int *)(zero - zero); // expect: int-to-pointer
	(void)o; (void)r; (void)s; (void)t;
	return q ? q : p;
}
