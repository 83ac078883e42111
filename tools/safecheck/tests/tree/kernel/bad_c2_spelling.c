/* Issue #13 class 2: constructs spelled so that a token rule would not see them — a comment
 * before a directive, an unbalanced macro splicing an attribute into an allowed list, x86
 * address spaces, _BitInt and _Atomic conversions. */
#include "svc.h"
/**/ #pragma clang diagnostic ignored "-Wthread-safety" // expect: pragma
/* a comment */ #define MK_PRAGMA(q) q ## gma // expect: paste
#define EVIL_ALIGN 8), section(".data.evil" // expect: attribute
int in_evil_section __attribute__((aligned(EVIL_ALIGN)));
#define OPEN_LIST aligned(8),
int in_list __attribute__((OPEN_LIST unused)); // expect: attribute
#define CLOSE_ATTR ))) // expect: attribute
void per_cpu_poke(void)
{
	int __seg_gs *gs = 0; // expect: attribute
	*gs = 0;
	*(unsigned long __seg_fs *)0 = 1; // expect: attribute
}
int *from_bitint(void)
{
	_BitInt(64) v = 0x1000;
	return (int *)v; // expect: int-to-pointer
}
int atomic_walk(int *p)
{
	_Atomic(int *) ap = p; // expect: builtin
	ap++;
	return *ap;
}
