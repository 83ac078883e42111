/* Allocation results must be used (warn_unused_result is an error). */
/* expect-error: warn_unused_result */
#include <fw/array.h>
DEFINE_ARRAY(cf_arr, int);
void cf(struct cf_arr *a)
{
	cf_arr_push(a, 1);
}
