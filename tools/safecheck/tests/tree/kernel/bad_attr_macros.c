/* Issue #13 hole 3: framework-only attribute macros in service code. A service-chosen
 * counted_by count is no bound; switching thread-safety analysis off hides lock misuse. */
#include "svc.h"
struct svc_window {
	size_t n;
	uint8_t *p FW_COUNTED_BY(n); // expect: attribute
};
#define MY_COUNTED(x) FW_COUNTED_BY(x) // expect: attribute
struct svc_window2 {
	size_t n;
	uint8_t data[] MY_COUNTED(n); // expect: attribute
};
#define NO_TSA NO_THREAD_SAFETY_ANALYSIS // expect: attribute
static void sloppy(void) NO_THREAD_SAFETY_ANALYSIS; // expect: attribute
static void sloppy2(void) NO_TSA;
static void sloppy(void) {}
static void sloppy2(void) {}
void overrun(void)
{
	uint8_t small[4] = { 0 };
	struct svc_window w = { .n = 4096, .p = small };
	w.p[100] = 1;
	sloppy();
	sloppy2();
}
