/* unions: declarations, anonymous members, type punning through a typedef, in a macro. */
#include "svc.h"
union pun { uint64_t u; int *p; }; // expect: union
typedef union { float f; uint32_t bits; } fbits; // expect: union
struct tagged {
	int kind;
	union { int i; long l; }; // expect: union
};
#define PUN(T) union { T a; char b[sizeof(T)]; } // expect: union
int f(void)
{
	fbits x = { 0 }; // expect: union
	struct tagged t = { 0 };
	PUN(int) y = { 0 }; // expect: union
	return (int)x.bits + t.i + y.a;
}
