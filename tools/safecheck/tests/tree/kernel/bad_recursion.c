/* direct recursion: plain, in a ternary, through a service macro, inside a nested call. */
#include "svc.h"
#define AGAIN(x) walk(x)
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); } // expect: recursion
int walk(int n)
{
	if (n > 0)
		return AGAIN(n - 1); // expect: recursion
	return fw_public(walk(0)); // expect: recursion
}
static int even(int n);
static int odd(int n) { return n == 0 ? 0 : even(n - 1); } /* mutual recursion: bounded by guard pages, not by the checker */
static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
int use(void) { return even(3); }
