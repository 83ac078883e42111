/* pointers to the stack stored where they outlive the frame: globals, objects reached through
 * pointers, a parameter's target, a local array decaying into a global; stores into the
 * function's own locals are fine. */
#include "svc.h"
struct escape_holder {
	int *p;
	int *many[2];
};
static int *saved;
static struct escape_holder keep;
void f(struct escape_holder *h, int **out, int param)
{
	int local = 1;
	int arr[4] = { 0 };
	struct escape_holder mine = { 0 };
	int *alias = &local;
	mine.p = &local;
	mine.many[1] = &arr[0];
	saved = &local; // expect: stack-escape
	h->p = &local; // expect: stack-escape
	*out = &param; // expect: stack-escape
	keep.many[0] = arr; // expect: stack-escape
	keep.p = &mine.many[0] != NULL ? &local : NULL; // expect: stack-escape
	(void)alias;
}
