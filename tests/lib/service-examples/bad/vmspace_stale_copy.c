/* safecheck-expect: reject nocopy
 *
 * Issue #13 class 8: an address space is held through a no-copy owning handle. A copy kept
 * past vmspace_put would name a space the framework may reuse for another process; the copy
 * itself is refused (and the handle's pointer is private: reading it is refused too).
 */
#include <fw/vmspace.h>

struct owner {
	struct vmspace_ref vs;
	struct vmspace_ref stale;
};

void bad_keep_copy(struct owner *o);
void bad_keep_copy(struct owner *o)
{
	o->stale = o->vs;
	vmspace_put(&o->vs);
	(void)vmspace_unmap(&o->stale, uaddr(0x10000), 4096);
}
