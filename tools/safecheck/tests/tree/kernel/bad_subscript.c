/* subscripts on plain pointers: parameters declared as arrays, i[p], a pointer copied out of a
 * counted_by field, a flexible array member without counted_by. */
#include "svc.h"
struct raw { int n; int items[]; };
int f(int *p, int arr[4], struct bytes *b, struct raw *r, int i)
{
	const u8 *plain = NULL;
	int x = p[i]; // expect: subscript
	x += arr[1]; // expect: subscript
	x += i[p]; // expect: subscript
	x += plain[0]; // expect: subscript
	x += r->items[i]; // expect: subscript
	(void)b;
	return x;
}
