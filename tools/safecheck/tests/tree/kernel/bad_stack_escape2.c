/* Issue #13 hole 7: stack escapes without `&local` in the store — slices and argument arrays
 * over the frame, compound literals, pointers laundered through locals, pointer parameters
 * kept by the callee (in this file, across files, through another call), framework functions
 * that keep what they are given. */
#include "svc.h"
struct holder2 { int *p; };
static struct bytes g_slice;
static struct fmt_args g_args;
static int *g_ptr;
static struct holder2 g_holder;
static void keeps(int *p) { g_ptr = p; }
static void passes_on(int *q) { keeps(q); }
static void reads(int *p) { svc_counter = *p; }
static void fills(struct holder2 *h, int *p) { h->p = p; }
struct bytes leak_slice(struct holder2 **out, struct waitq *wq)
{
	uint8_t buf[16] = { 0 };
	int x = 1, y = 2, z = 3;
	struct wait_entry entry = { .id = 1 };
	g_slice = FW_BYTES_OF(buf); // expect: stack-escape
	g_args = FW_FMT_ARGS(x); // expect: stack-escape
	**out = (struct holder2){ .p = &x }; // expect: stack-escape
	int *q = &y;
	g_ptr = q; // expect: stack-escape
	struct holder2 tmp = { 0 };
	tmp.p = &z;
	g_holder = tmp; // expect: stack-escape
	keeps(&x); // expect: stack-escape
	passes_on(&y); // expect: stack-escape
	svc_keeper(&z); // expect: stack-escape
	fw_waitq_add(wq, &entry); // expect: stack-escape
	fills(&g_holder, &x); // expect: stack-escape
	reads(&x);
	svc_reader(&y);
	struct holder2 mine = { .p = &x };
	fills(&mine, &z);
	struct bytes view = FW_BYTES_OF(buf);
	struct bytes part = fw_cursor_take(&view, 4);
	(void)part;
	return FW_BYTES_OF(buf); // expect: stack-escape
}
/* A function binding an object's parts to each other keeps nothing (a self-reference); one
 * that stores its parameter in a global does, through any caller. */
struct selfref { int lock; int *bound; };
static void selfref_bind(struct selfref *o, int *lock) { o->bound = lock; }
static void selfref_init(struct selfref *o) { selfref_bind(o, &o->lock); }
static struct selfref *g_self;
static void selfref_publish(struct selfref *o) { selfref_init(o); g_self = o; }
void selfref_users(void)
{
	struct selfref mine = { 0 };
	selfref_init(&mine);
	struct selfref shown = { 0 };
	selfref_publish(&shown); // expect: stack-escape
}
