/* calls and globals outside framework/include/fw/ and the service's own tree. */
#include "svc.h"
#include "../framework/mm/internal.h" // expect: include
#include "../examples/demo/demo.h" // expect: include
int f(void)
{
	int a = fw_mm_internal(); // expect: api
	int (*fp)(void) = demo_only; // expect: api
	return a + fp() + demo_only() + fw_public(1) + svc_helper(2); // expect: api
}
