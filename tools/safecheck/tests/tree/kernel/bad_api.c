/* calls and globals outside framework/include/fw/ and the service's own tree, and calls of a
 * trusted macro's reserved-name backend from outside the macro. */
#include "svc.h"
#include "../framework/mm/internal.h" // expect: include
#include "../examples/demo/demo.h" // expect: include
int f(void)
{
	int a = fw_mm_internal(); // expect: api
	int (*fp)(void) = demo_only; // expect: api
	int b = __fw_list_backend(a) + FW_VIA_BACKEND(a); // expect: api
	return a + b + fp() + demo_only() + fw_public(1) + svc_helper(2); // expect: api
}
