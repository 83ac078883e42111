/* safecheck-expect: accept
 *
 * timer_demo.c — service example: typed callbacks. A deadline-ordered timer queue (a typed
 * AVL tree tied to its lock) holds `struct ex_timer`s; each embeds the framework's
 * `struct callback`. A service object embeds a timer and registers a function that takes
 * *its own* type: DEFINE_SUBTYPE_CALLBACK generates the trampoline that downcasts (checked).
 *
 * Classic unsafe alternative (rejected: bad/timer_voidp.c): `timer_setup(&t, fn, (void *)dev)`
 * with `void fn(void *data) { struct dev *d = data; ... }`.
 */
#include <fw/litelock.h>
#include <fw/subtype.h>
#include <fw/tree.h>

#include "examples.h"

struct ex_timer {
	struct callback cb;
	struct tree_link by_deadline;
};
DEFINE_TREE(ex_timer_queue, struct ex_timer, by_deadline, litelock);

struct ex_clock {
	struct litelock lock;
	struct ex_timer_queue q GUARDED_BY(&lock);
	uint64_t seq GUARDED_BY(&lock);
};

/* ex_timer_arm - queue `t` to fire at `deadline` (ties fire in arming order). */
static int ex_timer_arm(struct ex_clock *c, struct ex_timer *t, uint32_t deadline) REQUIRES(c->lock)
{
	return ex_timer_queue_insert(&c->q, t, ((uint64_t)deadline << 32) | c->seq++);
}

/* ex_clock_advance - run every timer due at `now`; how many ran. */
static int ex_clock_advance(struct ex_clock *c, uint32_t now) REQUIRES(c->lock)
{
	int ran = 0;
	struct ex_timer *t;
	while ((t = ex_timer_queue_first(&c->q)) && ex_timer_queue_key(t) >> 32 <= now) {
		ex_timer_queue_remove(&c->q, t);
		ran += callback_invoke(&t->cb);
	}
	return ran;
}

/* Two service objects with timers. */
struct ex_retransmit {
	struct ex_timer timer;
	uint32_t tries;
};
struct ex_watchdog {
	uint32_t barks;
	struct ex_timer timer;
};
DEFINE_SUBTYPE(ex_retx_timer, struct ex_retransmit, timer.cb, struct callback, tag);
DEFINE_SUBTYPE(ex_wd_timer, struct ex_watchdog, timer.cb, struct callback, tag);

static void ex_retransmit_fire(struct ex_retransmit *r)
{
	r->tries++;
}
static void ex_watchdog_fire(struct ex_watchdog *w)
{
	w->barks++;
}
DEFINE_SUBTYPE_CALLBACK(ex_retx_timer, struct callback, ex_retransmit_fire);
DEFINE_SUBTYPE_CALLBACK(ex_wd_timer, struct callback, ex_watchdog_fire);

int timer_demo(void)
{
	static struct ex_clock clk = { .lock = LITELOCK_INIT };
	struct ex_retransmit *r = ex_retx_timer_new();
	struct ex_watchdog *w = ex_wd_timer_new();
	int ran = -ENOMEM;
	if (!r || !w)
		goto out_free;
	callback_set(&r->timer.cb, SUBTYPE_CALLBACK(ex_retx_timer, ex_retransmit_fire));
	callback_set(&w->timer.cb, SUBTYPE_CALLBACK(ex_wd_timer, ex_watchdog_fire));
	litelock_lock(&clk.lock);
	ex_timer_queue_init(&clk.q, &clk.lock);
	ran = 0;
	if (ex_timer_arm(&clk, &w->timer, 20) || ex_timer_arm(&clk, &r->timer, 10)) {
		ran = -EEXIST;
	} else {
		ran += ex_clock_advance(&clk, 5);     /* nothing due */
		ran += ex_clock_advance(&clk, 15);    /* the retransmit */
		ran += ex_clock_advance(&clk, 25);    /* the watchdog */
		if (r->tries != 1 || w->barks != 1)
			ran = -EINVAL;
	}
	litelock_unlock(&clk.lock);
out_free:
	ex_retx_timer_delete(r);
	ex_wd_timer_delete(w);
	return ran;
}
