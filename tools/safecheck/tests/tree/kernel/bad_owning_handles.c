/* Issue #13 class 8: owning handles are no-copy values emptied by the call that consumes
 * them, and the pointers inside framework objects are not the service's to read. */
#include "svc.h"
struct svc_job { struct kbuf buf; struct task_handle worker; int n; };
static void take_buf(struct kbuf k) { (void)k; } // expect: nocopy
static struct task_handle give_handle(struct task_handle *h) { return *h; } // expect: nocopy
void misuse(struct kbuf *k, struct task_handle *h, struct tlock *l, struct vmspace_ref *r,
	    struct svc_job *a, struct svc_job *b, struct mutex *m)
{
	struct kbuf stale = *k; // expect: nocopy
	kbuf_free(k);
	kbuf_free(&stale);
	struct task_handle again = *h; // expect: nocopy
	task_detach(h);
	task_detach(&again);
	fw_task_poke(l->owner); // expect: private
	fw_vmspace_poke(r->vs); // expect: private
	*a = *b; // expect: nocopy
	struct fw_qlink *next = m->waiters.next; // expect: private
	unsigned depth = l->depth;
	take_buf(*k); // expect: nocopy
	(void)give_handle; (void)next; (void)depth;
}
/* A copy out of a const object is a copy too. */
void const_copies(const struct kbuf *k, const struct callback *c)
{
	struct kbuf dup = *k; // expect: nocopy
	struct callback cb = *c; // expect: private
	(void)dup; (void)cb;
}
