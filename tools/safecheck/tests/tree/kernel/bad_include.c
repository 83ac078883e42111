/* includes outside framework/include/fw/, the service's own tree and the compiler's type
 * headers (intrinsics headers define inline functions full of asm). */
#include "svc.h"
#include "../framework/mm/internal.h" // expect: include
#include "../examples/demo/demo.h" // expect: include
#include "../../tree/framework/mm/internal.h" // expect: include
#include <stddef.h>
#include <cpuid.h> // expect: include
#include <stdatomic.h> // expect: include
int f(void)
{
	unsigned a, b, c, d;
	return __get_cpuid(0, &a, &b, &c, &d); // expect: api
}
