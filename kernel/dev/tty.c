/*
 * tty.c — the terminal line discipline (fs/tty.h). Received bytes go through tty_input: in
 * canonical mode they are edited into a line (echoed, erased by VERASE or backspace, the line
 * killed by VKILL) that joins the ready queue on Enter or VEOF; VEOF on an empty line queues
 * an end of file. In raw mode every byte joins the ready queue at once. ICRNL turns '\r' into
 * '\n' in both modes. Signals (ISIG: Ctrl-C, Ctrl-Z) are not generated: the bytes pass as data.
 */
#include <fs/tty.h>

void tty_init(struct tty *t)
{
	*t = (struct tty){
		.termios = { .c_iflag = 0x500 /* ICRNL IXON */,
			     .c_oflag = 0x5 /* OPOST ONLCR */,
			     .c_cflag = 0xbf /* B38400 CS8 CREAD */,
			     .c_lflag = 0x8a3b /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */,
			     .c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22 } },
		.winsize = { .ws_row = 24, .ws_col = 80 },
	};
}

static void echo_put(struct tty_echo *e, u8 c)
{
	if (e->len < TTY_ECHO_MAX)
		e->b[e->len++] = c;
}

/* ready_push - append the edited line (or one raw byte) to the ready queue, as room allows. */
static void ready_push(struct tty *t, u8 c)
{
	if (t->ready_len < TTY_BUF)
		t->ready[t->ready_len++] = c;
}

static void line_commit(struct tty *t)
{
	for (size_t i = 0; i < t->line_len; i++)
		ready_push(t, t->line[i]);
	t->line_len = 0;
}

void tty_input(struct tty *t, u8 c, struct tty_echo *echo)
{
	const struct uapi_termios *tio = &t->termios;
	bool echoing = (tio->c_lflag & TTY_ECHO) != 0;
	echo->len = 0;
	if (c == '\r' && (tio->c_iflag & TTY_ICRNL))
		c = '\n';
	if (!(tio->c_lflag & TTY_ICANON)) {
		ready_push(t, c);
		if (echoing)
			echo_put(echo, c);
		return;
	}
	if (c == tio->c_cc[TTY_VERASE] || c == '\b') {
		if (t->line_len) {
			t->line_len--;
			if (echoing && (tio->c_lflag & TTY_ECHOE)) {
				echo_put(echo, '\b');
				echo_put(echo, ' ');
				echo_put(echo, '\b');
			}
		}
		return;
	}
	if (c == tio->c_cc[TTY_VKILL]) {
		for (; t->line_len && echoing && echo->len + 3 <= TTY_ECHO_MAX; t->line_len--) {
			echo_put(echo, '\b');
			echo_put(echo, ' ');
			echo_put(echo, '\b');
		}
		t->line_len = 0; /* (the echo erases what fits; the line is gone either way) */
		return;
	}
	if (c == tio->c_cc[TTY_VEOF]) {
		if (t->line_len == 0 && !t->eof) {
			t->eof = true;
			t->eof_at = t->ready_len;
		}
		line_commit(t);
		return;
	}
	if (c == '\n') {
		if (t->ready_len + t->line_len + 1 > TTY_BUF)
			return; /* no room for the line: wait for a reader (the byte is dropped) */
		line_commit(t);
		ready_push(t, '\n');
		if (echoing || (tio->c_lflag & TTY_ECHONL))
			echo_put(echo, '\n');
		return;
	}
	if (t->line_len + 1 >= TTY_BUF)
		return; /* the line is full: keep room for its '\n' */
	t->line[t->line_len++] = c;
	if (echoing)
		echo_put(echo, c);
}

bool tty_readable(const struct tty *t)
{
	return t->ready_len > 0 || t->eof;
}

/* ready_take - remove the first n ready bytes. */
static void ready_take(struct tty *t, size_t n)
{
	for (size_t i = n; i < t->ready_len; i++)
		t->ready[i - n] = t->ready[i];
	t->ready_len -= n;
	if (t->eof)
		t->eof_at -= n;
}

size_t tty_read(struct tty *t, struct bytes dst)
{
	if (t->eof && t->eof_at == 0) {
		t->eof = false;
		return 0;
	}
	size_t avail = t->eof ? t->eof_at : t->ready_len;
	bool canon = (t->termios.c_lflag & TTY_ICANON) != 0;
	size_t n = 0;
	while (n < avail && n < bytes_len(dst)) {
		u8 c = t->ready[n];
		(void)bytes_put_u8(dst, n++, c);
		if (canon && c == '\n')
			break;
	}
	ready_take(t, n);
	return n;
}

void tty_set_termios(struct tty *t, const struct uapi_termios *tio)
{
	t->termios = *tio;
	if (!(tio->c_lflag & TTY_ICANON))
		line_commit(t);
}
