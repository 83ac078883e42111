/* no-copy types (locks, reference-owning handles, structs containing them): assignment, by-value
 * parameters and returns, copies in initialisers, compound literals passed by value. */
#include "svc.h"
struct holder {
	struct frame_ref frame;
	int n;
};
void take(struct lock l); // expect: nocopy extern
struct frame_ref give(void); // expect: nocopy extern
static void take_holder(struct holder h) { (void)h; } // expect: nocopy
void f(struct lock *a, struct lock *b, struct waiter *w, struct holder *h)
{
	*a = *b; // expect: nocopy
	struct waiter copy = *w; // expect: nocopy
	struct holder h2 = { .frame = h->frame }; // expect: nocopy
	take_holder(*h); // expect: nocopy
	take((struct lock){ 0 }); // expect: nocopy private
	struct frame_ref r = give(); /* returned by value: flagged at the declaration */
	(void)copy; (void)h2; (void)r;
}
