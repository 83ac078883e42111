/*
 * tests/tty/t_tty.c — host tests of the console's line discipline (kernel/dev/tty.c):
 * canonical editing and echo, one line per read, Ctrl-D as end of file, raw mode after
 * TCSETS clears ICANON, and '\r' to '\n'. Built by mk/tty.mk (make test part tty-shell).
 */
#include <fs/tty.h>

#include "../kernel/khost.h"

/* feed - type `s` into t; the concatenated echo goes to echo_out (NUL-terminated). */
static void feed(struct tty *t, const char *s, char *echo_out, size_t cap)
{
	size_t n = 0;
	for (; *s; s++) {
		struct tty_echo e;
		tty_input(t, (u8)*s, &e);
		for (size_t i = 0; i < e.len && n + 1 < cap; i++)
			echo_out[n++] = (char)e.b[i];
	}
	echo_out[n] = 0;
}

/* take - one read of up to cap-1 bytes, as a NUL-terminated string; its length in *n. */
static void take(struct tty *t, char *out, size_t cap, size_t *n)
{
	u8 buf[256];
	*n = tty_read(t, bytes_head(BYTES_OF_ARRAY(buf), cap - 1));
	memcpy(out, buf, *n);
	out[*n] = 0;
}

KTEST(tty, canonical_line_echo_and_erase)
{
	static struct tty t;
	char echo[64], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "ls -X", echo, sizeof echo);
	KT_EXPECT(kt, !strcmp(echo, "ls -X"));
	KT_EXPECT(kt, !tty_readable(&t)); /* no line yet: a read would wait */
	feed(&t, "\x7fl\r", echo, sizeof echo);
	KT_EXPECT(kt, !strcmp(echo, "\b \bl\n"));
	KT_EXPECT(kt, tty_readable(&t));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 6 && !strcmp(got, "ls -l\n"));
	KT_EXPECT(kt, !tty_readable(&t));
}

KTEST(tty, one_line_per_read_and_kill)
{
	static struct tty t;
	char echo[64], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "one\ntwo\ngarbage\x15three\n", echo, sizeof echo);
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "one\n"));
	take(&t, got, 3, &n); /* a short buffer takes part of the line */
	KT_EXPECT(kt, !strcmp(got, "tw"));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "o\n"));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "three\n"));
	KT_EXPECT(kt, !tty_readable(&t));
}

KTEST(tty, ctrl_d_is_end_of_file_at_line_start)
{
	static struct tty t;
	char echo[64], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "abc\x04", echo, sizeof echo); /* mid-line: hands the line over, no newline */
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "abc"));
	KT_EXPECT(kt, !tty_readable(&t));
	feed(&t, "x\n\x04", echo, sizeof echo); /* a line, then end of file after it */
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "x\n"));
	KT_EXPECT(kt, tty_readable(&t));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 0);            /* the end of file, once */
	KT_EXPECT(kt, !tty_readable(&t)); /* then reads wait again */
}

KTEST(tty, raw_mode_delivers_bytes_at_once)
{
	static struct tty t;
	char echo[64], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "pending", echo, sizeof echo);
	struct uapi_termios raw = t.termios;
	raw.c_lflag &= ~(TTY_ICANON | TTY_ECHO);
	tty_set_termios(&t, &raw);
	KT_EXPECT(kt, tty_readable(&t)); /* the edited line was handed over */
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "pending"));
	feed(&t, "a\x7f\r\x04", echo, sizeof echo);
	KT_EXPECT(kt, echo[0] == 0); /* no echo without ECHO */
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 4 && !strcmp(got, "a\x7f\n\x04"));
	raw.c_lflag |= TTY_ECHO;
	raw.c_iflag &= ~TTY_ICRNL;
	tty_set_termios(&t, &raw);
	feed(&t, "q\r", echo, sizeof echo);
	KT_EXPECT(kt, !strcmp(echo, "q\r"));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "q\r"));
}

KTEST(tty, full_line_keeps_room_for_newline)
{
	static struct tty t;
	char echo[16], got[8];
	size_t n;
	tty_init(&t);
	for (int i = 0; i < TTY_BUF + 10; i++)
		feed(&t, "z", echo, sizeof echo);
	feed(&t, "\n", echo, sizeof echo);
	size_t total = 0;
	bool newline = false;
	while (tty_readable(&t) && !newline) {
		take(&t, got, sizeof got, &n);
		total += n;
		newline = n && got[n - 1] == '\n';
	}
	KT_EXPECT(kt, newline && total == TTY_BUF);
}
