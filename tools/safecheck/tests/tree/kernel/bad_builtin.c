/* builtins outside the allow-list; __builtin_expect, bswap and overflow checks are allowed. */
#include "svc.h"
int f(struct svc_obj *a, struct svc_obj *b, int x)
{
	__builtin_memcpy(a, b, sizeof(*a)); // expect: builtin
	void *fp = __builtin_frame_address(0); // expect: builtin
	int old = __atomic_fetch_add(&a->a, 1, 5); // expect: builtin
	__sync_synchronize(); // expect: builtin
	int sum;
	if (__builtin_add_overflow(x, 1, &sum) || __builtin_expect(x, 0))
		return 0;
	return old + sum + (fp != NULL) + (int)__builtin_bswap32((uint32_t)x);
}
