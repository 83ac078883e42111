/* A format argument that is a pointer does not compile (no %s on a char *). */
/* expect-error: not compatible with any generic association */
#include <fw/fmt.h>
struct result_size cf(struct bytes out, const char *name)
{
	return FMT(out, "name %s", name);
}
