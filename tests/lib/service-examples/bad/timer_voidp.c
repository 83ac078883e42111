/* safecheck-expect: reject pointer-cast
 *
 * A timer callback with a `void *data` context converted back to the device. Trellis:
 * DEFINE_SUBTYPE_CALLBACK (../timer_demo.c).
 */
#include <fw/libbase.h>

struct bad_timer {
	void (*fn)(void *data);
	void *data;
};
struct bad_dev {
	int barks;
};

static void bad_watchdog(void *data)
{
	struct bad_dev *d = data;
	d->barks++;
}

void bad_arm(struct bad_timer *t, struct bad_dev *d)
{
	t->fn = bad_watchdog;
	t->data = (void *)d;
}
