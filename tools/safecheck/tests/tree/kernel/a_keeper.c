/* Functions another corpus file calls with stack addresses: one keeps its parameter (a
 * global holds it after the call), one only reads it. */
#include "svc.h"
static int *kept;
void svc_keeper(int *p)
{
	kept = p;
}
void svc_reader(const int *p)
{
	svc_counter = *p + (kept != NULL);
}
