/* includes outside framework/include/fw/, the service's own tree and compiler headers. */
#include "svc.h"
#include "../framework/mm/internal.h" // expect: include
#include "../examples/demo/demo.h" // expect: include
#include "../../tree/framework/mm/internal.h" // expect: include
#include <stddef.h>
int f(void) { return 0; }
