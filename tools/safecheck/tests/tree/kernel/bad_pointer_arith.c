/* pointer arithmetic: +, -, +=, ++, --, pointer difference, array decay + offset. */
#include "svc.h"
int f(int *p, int n)
{
	static int arr[8];
	int *q = p + n; // expect: pointer-arith
	q += 2; // expect: pointer-arith
	q++; // expect: pointer-arith
	--q; // expect: pointer-arith
	long d = q - p; // expect: pointer-arith
	int *r = arr + 1; // expect: pointer-arith
	return *q + (int)d + *r;
}
