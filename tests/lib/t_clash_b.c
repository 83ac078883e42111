/*
 * tests/lib/t_clash_b.c — the other half of the type-name clash test (see t_clash_a.c).
 */
#include <fw/typecache.h>

#include "../../framework/lib/ktest_compat.h"

struct t_clash_big {
	uint64_t v[16];
};
DEFINE_TYPE_CACHE(t_clash, struct t_clash_big);

void t_clash_alloc_small(void);
static void t_clash_alloc_big(void)
{
	t_clash_free(t_clash_alloc());
}

KTEST(typecache, name_clash_is_caught)
{
	bool small_stops = HOST_FAILS(t_clash_alloc_small());
	bool big_stops = HOST_FAILS(t_clash_alloc_big());
	KT_EXPECT(kt, small_stops != big_stops);
}
