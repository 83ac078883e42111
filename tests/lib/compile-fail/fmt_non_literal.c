/* The format must be a string literal. */
/* expect-error: expected '}' */
#include <fw/fmt.h>
struct result_size cf(struct bytes out, const char *f)
{
	return FMT(out, f, 1);
}
