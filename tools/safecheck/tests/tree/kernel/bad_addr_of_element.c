/* &a[i] with a non-constant index, and one-past-the-end &a[n] with a constant one. */
#include "svc.h"
static int arr[8];
int *f(int i, struct buf *bf)
{
	int *a = &arr[i]; // expect: addr-of-element
	int *b = &arr[8]; // expect: addr-of-element
	int *c = &(arr[i + 1]); // expect: addr-of-element
	int *d = &bf->data[0]; // expect: addr-of-element
	int *ok = &arr[7];
	return a ? a : b ? b : c ? c : d ? d : ok;
}
