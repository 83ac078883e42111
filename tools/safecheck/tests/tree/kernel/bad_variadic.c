/* variadic definitions (declaring and calling the framework's variadic logger is fine). */
#include "svc.h"
#include <stdarg.h> // expect: include
int sum(int n, ...) // expect: variadic
{
	va_list ap;
	va_start(ap, n); // expect: builtin
	int s = va_arg(ap, int);
	va_end(ap); // expect: builtin
	return s;
}
static void logf2(const char *fmt, ...) { (void)fmt; } // expect: variadic
void log_thing(int x) { fw_log("x=%d\n", x); logf2("ok"); }
int (*pick(void))(int, ...);
int (*pick(void))(int, ...) { return sum; } /* returns a pointer to a variadic: not a definition of one */
static int more(const char *s, ...) { return s != NULL; } // expect: variadic
int use(void) { return more("a", 1) + pick()(1, 2); }
