/* hand-written externs outside the service's headers: extern variables, prototypes of
 * functions defined elsewhere, block-scope declarations. Forward declarations of static
 * functions and prototypes of functions this file defines are allowed. */
#include "svc.h"
extern int other_counter; // expect: extern
int defined_elsewhere(int x); // expect: extern
static int later(void);
int here(void);
int here(void) { return later(); }
static int later(void) { return 1; }
int f(void)
{
	extern int hidden; // expect: extern
	int sneaky(void); // expect: extern
	return other_counter + defined_elsewhere(1) + hidden + sneaky() + here();
}
