/* Issue #13 class 8: handles that are copies or stale without a visible copy — a jump past a
 * handle's declaration (never zeroed: whatever an earlier frame left in the slot), an _Atomic
 * round trip, a statement expression or comma that copies. */
#include "svc.h"
void goto_past_handle(int c)
{
	if (c)
		goto use; // expect: uninit
	struct task_handle h;
	task_detach(&h);
use:
	task_detach(&h);
}
void case_past_kbuf(int c)
{
	switch (c) {
		struct kbuf k;
	case 1: // expect: uninit
		kbuf_free(&k);
		break;
	default:
		break;
	}
}
void goto_into_loop(int c)
{
	goto in; // expect: uninit
	while (c--) {
		struct kbuf k;
		kbuf_free(&k);
	in:
		kbuf_free(&k);
	}
}
void goto_out_is_fine(int c, struct kbuf *k)
{
	if (c)
		goto out;
	struct kbuf mine;
	kbuf_free(&mine);
out:
	kbuf_free(k);
}
void atomic_handle(struct task_handle *h)
{
	_Atomic(struct task_handle) a = *h; // expect: builtin nocopy
	struct task_handle b = a; // expect: nocopy
	task_detach(&b);
}
void expr_copies(struct kbuf *k1)
{
	struct kbuf k2 = ({ *k1; }); // expect: nocopy
	struct kbuf k3 = (k2, *k1); // expect: nocopy
	kbuf_free(&k3);
}
