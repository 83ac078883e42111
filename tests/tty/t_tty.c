/*
 * tests/tty/t_tty.c — host tests of the line discipline (kernel/dev/tty/ldisc.c): canonical
 * editing and echo, one line per read, Ctrl-D as end of file, raw mode after TCSETS clears
 * ICANON, '\r' to '\n', ISIG characters, word erase, ECHOCTL, output processing, a full
 * input queue. Built by mk/tty.mk (make test part tty-shell).
 */
#include <fs/tty.h>

#include "../kernel/khost.h"

/* feed - type `s` into t; the concatenated echo goes to echo_out (NUL-terminated). */
static void feed(struct tty *t, const char *s, char *echo_out, size_t cap)
{
	size_t n = 0;
	for (; *s; s++)
		(void)tty_input(t, (u8)*s);
	u8 out[TTY_OBUF];
	size_t got = tty_out_take(t, BYTES_OF_ARRAY(out));
	for (size_t i = 0; i < got && n + 1 < cap; i++)
		echo_out[n++] = (char)out[i];
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
	KT_EXPECT(kt, !strcmp(echo, "\b \bl\r\n")); /* the echo goes through ONLCR */
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
	KT_EXPECT(kt, !strcmp(echo, "q^M")); /* ECHOCTL shows control bytes as ^X */
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

KTEST(tty, isig_characters_are_signals_not_data)
{
	static struct tty t;
	char echo[64], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "half", echo, sizeof echo);
	KT_EXPECT(kt, tty_input(&t, 3) == 2);     /* ^C: SIGINT, the line flushed, "^C" echoed */
	KT_EXPECT(kt, tty_input(&t, 28) == 3);    /* ^\: SIGQUIT */
	KT_EXPECT(kt, tty_input(&t, 26) == 20);   /* ^Z: SIGTSTP */
	feed(&t, "", echo, sizeof echo);
	KT_EXPECT(kt, !strcmp(echo, "^Z")); /* each flushes the output queue, then echoes */
	feed(&t, "ok\n", echo, sizeof echo);
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, !strcmp(got, "ok\n"));
	struct uapi_termios tio = t.termios;
	tio.c_lflag &= ~TTY_ISIG;
	tty_set_termios(&t, &tio);
	KT_EXPECT(kt, tty_input(&t, 3) == 0); /* without ISIG: data */
}

KTEST(tty, word_erase_and_echoctl)
{
	static struct tty t;
	char echo[128], got[64];
	size_t n;
	tty_init(&t);
	feed(&t, "one two  ", echo, sizeof echo);
	feed(&t, "\x17", echo, sizeof echo); /* ^W erases "two  " */
	KT_EXPECT(kt, strlen(echo) == 15);
	feed(&t, "\x01\n", echo, sizeof echo); /* a control byte echoes as ^A */
	KT_EXPECT(kt, !strcmp(echo, "^A\r\n"));
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 6 && !memcmp(got, "one \x01\n", 6));
	feed(&t, "x\x16\x7f\n", echo, sizeof echo); /* ^V makes the next byte (DEL) data */
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 3 && got[1] == 0x7f);
}

KTEST(tty, output_processing_onlcr_and_raw)
{
	static struct tty t;
	u8 out[16];
	tty_init(&t);
	u8 src[3] = { 'a', '\n', 'b' };
	KT_EXPECT(kt, tty_write(&t, BYTES_OF_ARRAY(src)) == 3);
	size_t n = tty_out_take(&t, BYTES_OF_ARRAY(out));
	KT_EXPECT(kt, n == 4 && !memcmp(out, "a\r\nb", 4));
	struct uapi_termios tio = t.termios;
	tio.c_oflag &= ~TTY_OPOST;
	tty_set_termios(&t, &tio);
	KT_EXPECT(kt, tty_write(&t, BYTES_OF_ARRAY(src)) == 3);
	n = tty_out_take(&t, BYTES_OF_ARRAY(out));
	KT_EXPECT(kt, n == 3 && !memcmp(out, "a\nb", 3));
}

KTEST(tty, several_end_of_files_and_exact_fit)
{
	static struct tty t;
	char echo[16], got[8];
	size_t n;
	tty_init(&t);
	feed(&t, "\x04\x04" "ab\x04", echo, sizeof echo);
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 0);
	take(&t, got, sizeof got, &n);
	KT_EXPECT(kt, n == 0);
	take(&t, got, 3, &n); /* exactly "ab": its end of file goes with it */
	KT_EXPECT(kt, n == 2 && !strcmp(got, "ab"));
	KT_EXPECT(kt, !tty_readable(&t));
}

KTEST(tty, full_raw_queue_refuses_input)
{
	static struct tty t;
	tty_init(&t);
	struct uapi_termios tio = t.termios;
	tio.c_lflag &= ~(TTY_ICANON | TTY_ECHO);
	tty_set_termios(&t, &tio);
	size_t taken = 0;
	while (tty_input_room(&t) && taken < 2 * TTY_BUF) {
		(void)tty_input(&t, 'x');
		taken++;
	}
	KT_EXPECT(kt, taken == TTY_BUF);
	KT_EXPECT(kt, tty_inq(&t) == TTY_BUF);
	tty_flush(&t, true, false);
	KT_EXPECT(kt, !tty_readable(&t) && tty_input_room(&t));
}
