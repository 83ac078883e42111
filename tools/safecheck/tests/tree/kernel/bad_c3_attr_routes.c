/* Issue #13 class 3: the framework's loosening annotations claimed by a service — its own
 * index check marked FW_INDEX_CHECK, its own value type, counted_by spelled every way. */
#include "svc.h"
size_t my_index(size_t i, size_t n) FW_INDEX_CHECK;
size_t my_index(size_t i, size_t n)
{
	return i + 0 * n;
}
int *past_end(int i)
{
	static int arr[8];
	return &arr[my_index((size_t)i, 8)]; // expect: addr-of-element
}
struct counted1 {
	size_t n;
	uint8_t *p __attribute__((__counted_by__(n))); // expect: attribute
};
struct counted2 {
	size_t n;
	uint8_t *p [[clang::counted_by(n)]]; // expect: attribute
};
struct counted3 {
	size_t n;
	uint8_t *p __attribute__((sized_by(n))); // expect: attribute
};
struct FW_VALUE kept_value { struct mutex m; };
void copy_mutex(struct kept_value *d, struct kept_value *s)
{
	*d = *s; // expect: private
}
