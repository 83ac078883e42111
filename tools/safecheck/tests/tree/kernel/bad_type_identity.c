/* Issue #13 hole 6: weak type identities — the same name defined by two files (equal sizes,
 * so a size check cannot tell them apart), identities made by hand with a chosen parent. */
#include "svc.h"
struct ti_b { long b; };
struct ti_c { long c; };
DEFINE_TYPE_INFO(clash, struct ti_b); // expect: type-identity
DEFINE_SUBTYPE(dup2, struct ti_c); // expect: type-identity
const struct type_info evil__type = { 0 }; // expect: type-identity private
extern const struct type_info clash__type; // expect: type-identity extern
__FW_TYPE_INFO_CHILD(evil2, struct ti_b, &clash__type); // expect: api
DEFINE_TYPE_INFO(unique_here, struct ti_c);
int f(void)
{
	struct type_info local; // expect: type-identity
	static struct type_info kept; // expect: type-identity
	(void)local; (void)kept;
	return 0;
}
struct ti_d { long d; };
DECLARE_SUBTYPE(decl3, struct ti_d); // expect: type-identity
