/* #line cannot move a token into a trusted header: the checker uses the real file. */
#include "svc.h"
#line 1 "framework/include/fw/fw.h" // expect: pragma
#define SNEAKY(p) ((int *)(p))
int *f(long *p)
{
	return SNEAKY(p); // expect: pointer-cast
}
#line 30 "kernel/bad_line_tricks.c" // expect: pragma
int g(void) { __asm__("nop"); return 0; } // expect: asm asm
