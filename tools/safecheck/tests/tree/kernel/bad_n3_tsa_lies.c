/* Issue #13 class 10 (continued): lying to the thread-safety analysis so that a GUARDED_BY
 * slice is read with no lock held. The analysis checks the body of a lock wrapper it sees, but
 * takes assert_capability (a promise), try_acquire (whose body it does not hold to the return
 * value) and a prototype defined elsewhere on trust: a service writes the acquire/release
 * attributes only on static definitions, and never the unverified ones (rule attribute). */
#include <fw/bytes.h>
#include <fw/sync.h>

struct n4_obj {
	struct spinlock lock;
	struct bytes view GUARDED_BY(&lock);
};

/* "I hold it" — an empty body the analysis believes. */
static void n4_pretend(struct n4_obj *o) ASSERT_CAPABILITY(&o->lock) // expect: attribute
{
	(void)o;
}
int n4_read_unlocked(struct n4_obj *o)
{
	n4_pretend(o);
	return bytes_put_u8(o->view, 4095, 0);
}

/* The same promise spelled as a raw attribute, in its shared form. */
static void n4_pretend_shared(struct n4_obj *o) __attribute__((assert_shared_capability(&o->lock))) // expect: attribute
{
	(void)o;
}
size_t n4_len_unlocked(struct n4_obj *o)
{
	n4_pretend_shared(o);
	return bytes_len(o->view);
}

/* A try whose result the analysis does not hold the body to. */
static bool n4_try(struct n4_obj *o) TRY_ACQUIRE(true, &o->lock) // expect: attribute
{
	return spin_trylock(&o->lock);
}
int n4_try_read(struct n4_obj *o)
{
	if (!n4_try(o))
		return -1;
	int v = (int)bytes_len(o->view);
	spin_unlock(&o->lock);
	return v;
}

/* A wrapper other files call through a header: another file may define it without the
 * attribute (and without the lock). Only static definitions may carry it. */
void n4_lock(struct n4_obj *o) ACQUIRE(&o->lock) // expect: attribute
{
	spin_lock(&o->lock);
}
void n4_unlock(struct n4_obj *o) RELEASE(&o->lock) // expect: attribute
{
	spin_unlock(&o->lock);
}

/* Accepted: a static wrapper whose body the analysis checks. */
static void n4_lock_ok(struct n4_obj *o) ACQUIRE(&o->lock)
{
	spin_lock(&o->lock);
}
int n4_locked_read(struct n4_obj *o)
{
	n4_lock_ok(o);
	int v = (int)bytes_len(o->view);
	spin_unlock(&o->lock);
	return v;
}
