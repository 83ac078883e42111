/* Issue #13 hole 4: reserved framework macros (backends of trusted macros) expanded by a
 * service: casts and raw reads spelled in a trusted body, with the service's operands. */
#include "svc.h"
struct svc_a { int x; };
struct svc_b { long y; long z; };
long confuse(struct svc_a *a)
{
	struct svc_b *b = __FW_ELEM(struct svc_b, a); // expect: api trusted-macro
	return b->z;
}
const u8 *peek(struct bytes b)
{
	return __FW_RAW_PTR(b); // expect: api
}
#define MY_ELEM(T, p) __FW_ELEM(T, p) // expect: api
#define HIDE(x) x
long confuse2(struct svc_a *a)
{
	struct svc_b *b = MY_ELEM(struct svc_b, a); // expect: trusted-macro
	struct svc_b *c = HIDE(__FW_ELEM)(struct svc_b, a); // expect: api trusted-macro
	return b->y + c->y;
}
int __fw_list_backend(int x); // expect: redeclaration api extern
FW_DEFINE_COUNTER(__fw_evil) // expect: redeclaration api
/* A container's lock kind must be a framework lock: a service's own `_held` could say yes. */
struct svclock { int x; };
static inline int svclock_held(const struct svclock *l) { (void)l; return 1; }
FW_DEFINE_BOX(fake_box, svclock) // expect: api
FW_DEFINE_BOX(real_box, lock)
