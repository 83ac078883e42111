/*
 * tests/lib/t_clash_a.c — half of the type-name clash test: this file and t_clash_b.c declare
 * two different types under the one cache name `t_clash`. The weak type_info definitions
 * merge into one, so exactly one of the two allocators must refuse (stop) rather than hand
 * out an object of the other type's size. The test itself is in t_clash_b.c.
 */
#include <fw/typecache.h>

struct t_clash_small {
	uint32_t v;
};
DEFINE_TYPE_CACHE(t_clash, struct t_clash_small);

void t_clash_alloc_small(void);
void t_clash_alloc_small(void)
{
	t_clash_free(t_clash_alloc());
}
