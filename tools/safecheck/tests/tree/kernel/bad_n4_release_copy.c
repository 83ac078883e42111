/* #15 (2026-12-05): frame_to_user_release, which copies a frame out on the handle's own
 * reference and then drops it, attacked as a service author would: consume a handle the
 * service may only read (the page cache's, reached through a const pointer), make a second
 * owner of one reference to copy out twice, forge a handle from a frame number (reading one
 * is allowed: a number, not a pointer) and consume it.
 * Each is refused by the checker; two calls racing on one handle get the frame once (ktest
 * mm.frame_to_user_release_racing_calls_drop_one_reference), an off + len past the frame is
 * -ERANGE (mm.frame_to_user_release_copies_then_drops). */
#include <fw/frame.h>
#include <fw/uaccess.h>

struct n4_page {
	struct frame frame;
	int index;
};

void n4_consume_the_caches_handle(struct vm_writer *w, const struct n4_page *pg)
{
	(void)frame_to_user_release(w, (struct frame *)&pg->frame, 0, 16); // expect: pointer-cast
}

void n4_second_owner(struct vm_writer *w, struct frame *f)
{
	struct frame dup = *f; // expect: nocopy
	(void)frame_to_user_release(w, f, 0, 16);
	(void)frame_to_user_release(w, &dup, 0, 16);
}

void n4_forge_then_consume(struct vm_writer *w, struct frame *f, struct frame *mine)
{
	unsigned long pfn = f->pfn; /* reading is allowed */
	mine->pfn = pfn; // expect: private
	(void)frame_to_user_release(w, mine, 0, 16);
}
