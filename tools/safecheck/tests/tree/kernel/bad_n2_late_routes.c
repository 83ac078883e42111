/* Issue #13 class 5 (and 7): private fields and stack addresses reached through C's less common
 * expression forms (hostile pass, second session): typeof copies, _Generic and
 * __builtin_choose_expr selecting a private member, a block-scope compound literal kept past
 * its scope, a cleanup attribute handing a local's address to a keeper. (A zero-length trailing array
 * passes the checker but is no flexible array under -fstrict-flex-arrays=3: every index
 * traps.) */
#include <fw/frame.h>
#include <fw/heap.h>

static struct bytes *n2_kept; // expect: shared-fat

void n2_typeof_copy(struct kbuf *k)
{
	__typeof__(*k) dup = *k; // expect: nocopy
	kbuf_free(&dup);
}
struct bytes n2_generic_private(struct kbuf *k)
{
	return _Generic(k, struct kbuf *: k->b, default: bytes_empty()); // expect: private
}
struct bytes n2_choose_private(struct kbuf *k)
{
	return __builtin_choose_expr(1, k->b, bytes_empty()); // expect: private
}
void n2_compound_literal_escape(void)
{
	n2_kept = &(struct bytes){ 0 }; // expect: stack-escape private
}
static void n2_keep(struct bytes *b)
{
	n2_kept = b;
}
void n2_cleanup_keeper(void)
{
	struct bytes local __attribute__((cleanup(n2_keep))) = { 0 }; // expect: attribute private
	(void)local;
}
