/*
 * pty_test.c — in-kernel tests of the pty table (kernel/dev/tty/pty.c): it holds
 * TERM_PTY_MAX pairs and says ENOSPC beyond, a closed pair's number is free again, and a pty
 * is found only while its master is open.
 */
#include <fs/terminal.h>
#include <fw/ktest.h>

static struct terminal *held[TERM_PTY_MAX];

KTEST(pty, table_full_is_enospc_then_reusable)
{
	u32 n = 0;
	int err = 0;
	for (u32 i = 0; i < TERM_PTY_MAX; i++) {
		held[i] = pty_new(0, 0, &err);
		if (held[i])
			n++;
	}
	KT_EXPECT(kt, n == TERM_PTY_MAX);
	KT_EXPECT(kt, pty_new(0, 0, &err) == NULL && err == -ENOSPC);
	struct terminal *t = held[7] ? pty_find(held[7]->index) : NULL;
	KT_EXPECT(kt, t == held[7]);
	term_put(t);
	u32 freed_index = held[7] ? held[7]->index : 0;
	for (u32 i = 0; i < TERM_PTY_MAX; i++) {
		if (!held[i])
			continue;
		pty_master_closed(held[i]);
		KT_EXPECT(kt, pty_find(held[i]->index) == NULL); /* not found once the master closed */
		term_put(held[i]);
		held[i] = NULL;
	}
	t = pty_new(0, 0, &err);
	KT_EXPECT(kt, t != NULL);
	if (t) {
		KT_EXPECT(kt, t->index <= freed_index);
		pty_master_closed(t);
		term_put(t);
	}
}
