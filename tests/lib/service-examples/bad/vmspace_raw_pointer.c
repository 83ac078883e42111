/* safecheck-expect: reject private
 *
 * Issue #13 class 8: the raw pointer inside an address-space handle is not the service's to
 * read (it would outlive the handle's put).
 */
#include <fw/vmspace.h>

struct vmspace *bad_peek(const struct vmspace_ref *r);
struct vmspace *bad_peek(const struct vmspace_ref *r)
{
	return r->vs;
}
