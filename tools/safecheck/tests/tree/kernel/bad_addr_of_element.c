/* &a[i] with a non-constant index, and one-past-the-end &a[n] with a constant one; an index
 * checked by a FW_INDEX_CHECK function against the array's real length passes. */
#include "svc.h"
static int arr[8];
int *f(int i, struct buf *bf)
{
	int *a = &arr[i]; // expect: addr-of-element
	int *b = &arr[8]; // expect: addr-of-element
	int *c = &(arr[i + 1]); // expect: addr-of-element
	int *d = &bf->data[0]; // expect: addr-of-element
	int *ok = &arr[7];
	int *ok2 = &arr[fw_index_check((size_t)i, 8)];
	int *ok3 = FW_ELEM_PTR(arr, (size_t)i);
	int *e = &arr[fw_index_check((size_t)i, 9)]; // expect: addr-of-element
	int *g = &arr[fw_unchecked_index((size_t)i, 8)]; // expect: addr-of-element
	return a ? a : b ? b : c ? c : d ? d : e ? e : g ? g : ok2 ? ok2 : ok3 ? ok3 : ok;
}
