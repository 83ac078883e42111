/* computed goto: label addresses and indirect jumps, including through a table and through a
 * function pointer turned into void *. */
#include "svc.h"
int f(int i)
{
	static void *const table[] = { &&one, &&two }; // expect: computed-goto computed-goto
	void *target = &&one; // expect: computed-goto
	void *code = (void *)f; // expect: pointer-cast
	if (i > 1)
		goto *code; // expect: computed-goto
	goto *table[i & 1]; // expect: computed-goto
one:
	return (target != NULL);
two:
	return 2;
}
