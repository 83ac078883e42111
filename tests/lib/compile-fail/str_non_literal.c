/* STR() accepts only a literal. */
/* expect-error: expected '}' */
#include <fw/str.h>
struct str cf(const char *p)
{
	return STR(p);
}
