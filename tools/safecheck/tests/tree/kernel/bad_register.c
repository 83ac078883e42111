/* register variables (with and without a pinned machine register). */
#include "svc.h"
int f(int x)
{
	register int a = x; // expect: register
	register long sp __asm__("rsp"); // expect: register asm
	for (register int i = 0; i < 3; i++) // expect: register
		a += i;
	return a + (int)sp;
}
