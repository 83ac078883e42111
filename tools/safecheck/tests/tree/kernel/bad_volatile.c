/* volatile: objects, pointers to volatile, casts, and volatile hidden in a service macro. */
#include "svc.h"
#define MMIO_T volatile uint32_t // expect: volatile
static volatile int flag; // expect: volatile
int f(int *p)
{
	MMIO_T *reg = NULL; // expect: volatile
	int v = *(volatile int *)p; // expect: volatile
	__volatile__ int w = 1; // expect: volatile
	return v + flag + w + (reg != NULL);
}
