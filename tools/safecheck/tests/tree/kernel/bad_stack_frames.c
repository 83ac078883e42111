/* Bounded stack frames: an over-aligned automatic object makes the prologue realign the stack
 * pointer by up to its alignment, past the guard page — aligned, _Alignas, an over-aligned
 * type, a compound literal or a parameter of one. Globals may be aligned. */
#include "svc.h"
typedef struct { char c; } __attribute__((aligned(4096))) page_aligned_t;
static char global_ok __attribute__((aligned(4096)));
int realign(void)
{
	char big __attribute__((aligned(1 << 20))) = 1; // expect: vla
	_Alignas(1 << 21) char huge = 2; // expect: vla
	page_aligned_t p = { 3 }; // expect: vla
	return big + huge + p.c + global_ok;
}
int literal(void)
{
	return ((page_aligned_t){ 4 }).c; // expect: vla
}
int by_value(page_aligned_t p) // expect: vla
{
	return p.c;
}
