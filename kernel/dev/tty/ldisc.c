/*
 * ldisc.c — the terminal line discipline (fs/tty.h): canonical editing and echo, raw mode,
 * the input mappings, ISIG's signal characters, and output processing into the output
 * queue. Linux's n_tty is the model; every rule below is one of its (termios(3)).
 */
#include <fs/tty.h>

#define SIGINT 2
#define SIGQUIT 3
#define SIGTSTP 20

void tty_init(struct tty *t)
{
	*t = (struct tty){
		.termios = { .c_iflag = 0x500 /* ICRNL IXON */,
			     .c_oflag = TTY_OPOST | TTY_ONLCR,
			     .c_cflag = 0xbf /* B38400 CS8 CREAD */,
			     .c_lflag = 0x8a3b /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */,
			     /* INTR QUIT ERASE KILL EOF TIME MIN SWTC START STOP SUSP EOL REPRINT
			      * DISCARD WERASE LNEXT EOL2 */
			     .c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 } },
		.winsize = { .ws_row = 24, .ws_col = 80 },
	};
}

/* ---- output -------------------------------------------------------------------------------- */

/* out_room - free bytes in the output queue. */
static size_t out_room(const struct tty *t)
{
	return TTY_OBUF - t->out_len;
}

static void out_raw(struct tty *t, u8 c)
{
	if (t->out_len < TTY_OBUF)
		t->out[t->out_len++] = c;
}

/* out_char - one byte through OPOST: false (nothing queued) when its expansion does not fit. */
static bool out_char(struct tty *t, u8 c)
{
	u32 o = t->termios.c_oflag;
	if (!(o & TTY_OPOST)) {
		if (!out_room(t))
			return false;
		out_raw(t, c);
		return true;
	}
	if (c == '\n' && (o & TTY_ONLCR)) {
		if (out_room(t) < 2)
			return false;
		out_raw(t, '\r');
		out_raw(t, '\n');
		return true;
	}
	if (c == '\r' && (o & TTY_ONOCR) && (t->out_len == 0 || t->out[t->out_len - 1] == '\n'))
		return true; /* no CR at column 0 (approximated by the last byte queued) */
	if (c == '\r' && (o & TTY_OCRNL))
		c = '\n';
	if (!out_room(t))
		return false;
	out_raw(t, c);
	return true;
}

size_t tty_write(struct tty *t, struct bytes src)
{
	size_t n = 0;
	while (n < bytes_len(src) && out_char(t, bytes_u8(src, n).value))
		n++;
	return n;
}

size_t tty_out_take(struct tty *t, struct bytes dst)
{
	size_t n = t->out_len < bytes_len(dst) ? t->out_len : bytes_len(dst);
	for (size_t i = 0; i < n; i++)
		(void)bytes_put_u8(dst, i, t->out[i]);
	for (size_t i = n; i < t->out_len; i++)
		t->out[i - n] = t->out[i];
	t->out_len -= n;
	return n;
}

/* ---- echo ---------------------------------------------------------------------------------- */

static bool lflag(const struct tty *t, u32 bit)
{
	return (t->termios.c_lflag & bit) != 0;
}

static bool is_ctrl(u8 c)
{
	return c < 0x20 || c == 0x7f;
}

/* echo_char - the echo of c: "^X" for a control byte under ECHOCTL (not TAB or NL). */
static void echo_char(struct tty *t, u8 c)
{
	if (lflag(t, TTY_ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n') {
		if (out_room(t) >= 2) {
			out_raw(t, '^');
			out_raw(t, c ^ 0x40);
		}
		return;
	}
	(void)out_char(t, c);
}

/* echo_erase - visually erase one edited byte (two columns for a "^X" echo). */
static void echo_erase(struct tty *t, u8 erased)
{
	int cols = lflag(t, TTY_ECHOCTL) && is_ctrl(erased) && erased != '\t' ? 2 : 1;
	for (int i = 0; i < cols && out_room(t) >= 3; i++) {
		out_raw(t, '\b');
		out_raw(t, ' ');
		out_raw(t, '\b');
	}
}

/* ---- input --------------------------------------------------------------------------------- */

static void ready_push(struct tty *t, u8 c, enum tty_mark m)
{
	if (t->ready_len < TTY_BUF) {
		t->ready[t->ready_len] = c;
		t->mark[t->ready_len] = (u8)m;
		t->ready_len++;
	}
}

/* line_commit - the edited line joins the input queue, its last byte marked `m` (or, for an
 * end of file, a placeholder after it). */
static void line_commit(struct tty *t, enum tty_mark m)
{
	for (size_t i = 0; i < t->line_len; i++)
		ready_push(t, t->line[i], TTY_MARK_NONE);
	if (m == TTY_MARK_EOF)
		ready_push(t, 0, TTY_MARK_EOF);
	else if (m == TTY_MARK_EOL && t->ready_len)
		t->mark[t->ready_len - 1] = (u8)TTY_MARK_EOL;
	t->line_len = 0;
}

bool tty_input_room(const struct tty *t)
{
	if (lflag(t, TTY_ICANON))
		return t->ready_len + t->line_len + 2 <= TTY_BUF || t->ready_len == 0;
	return t->ready_len < TTY_BUF;
}

/* cc - whether c is the enabled control character at index i (0 disables one). */
static bool cc(const struct tty *t, size_t i, u8 c)
{
	u8 v = t->termios.c_cc[i];
	return v != 0 && c == v;
}

static u32 isig(struct tty *t, u8 c, u32 sig)
{
	if (!lflag(t, TTY_NOFLSH))
		tty_flush(t, true, true);
	if (lflag(t, TTY_ECHO))
		echo_char(t, c);
	return sig;
}

static bool is_space(u8 c)
{
	return c == ' ' || c == '\t';
}

static void erase(struct tty *t, u8 c)
{
	bool word = cc(t, TTY_VWERASE, c) && lflag(t, TTY_IEXTEN);
	bool kill = cc(t, TTY_VKILL, c);
	bool echo = lflag(t, TTY_ECHO);
	if (kill && echo && !lflag(t, TTY_ECHOKE)) {
		t->line_len = 0;
		echo_char(t, c);
		if (lflag(t, TTY_ECHOK))
			(void)out_char(t, '\n');
		return;
	}
	bool seen_word = false;
	while (t->line_len) {
		u8 last = t->line[t->line_len - 1];
		if (word) {
			if (is_space(last) && seen_word)
				break;
			seen_word = seen_word || !is_space(last);
		}
		t->line_len--;
		if (echo && (lflag(t, TTY_ECHOE) || kill))
			echo_erase(t, last);
		else if (echo)
			echo_char(t, c);
		if (!word && !kill)
			break;
	}
}

u32 tty_input(struct tty *t, u8 c)
{
	const struct uapi_termios *tio = &t->termios;
	bool echo = lflag(t, TTY_ECHO);
	if (tio->c_iflag & TTY_ISTRIP)
		c &= 0x7f;
	if (t->lnext) {
		t->lnext = false;
		goto data;
	}
	if (lflag(t, TTY_ISIG)) {
		if (cc(t, TTY_VINTR, c))
			return isig(t, c, SIGINT);
		if (cc(t, TTY_VQUIT, c))
			return isig(t, c, SIGQUIT);
		if (cc(t, TTY_VSUSP, c))
			return isig(t, c, SIGTSTP);
	}
	if (c == '\r') {
		if (tio->c_iflag & TTY_IGNCR)
			return 0;
		if (tio->c_iflag & TTY_ICRNL)
			c = '\n';
	} else if (c == '\n' && (tio->c_iflag & TTY_INLCR)) {
		c = '\r';
	}
	if (lflag(t, TTY_IEXTEN) && cc(t, TTY_VLNEXT, c)) {
		t->lnext = true;
		if (echo && lflag(t, TTY_ICANON) && out_room(t) >= 2) {
			out_raw(t, '^');
			out_raw(t, '\b');
		}
		return 0;
	}
	if (!lflag(t, TTY_ICANON))
		goto data;
	if (cc(t, TTY_VERASE, c) || cc(t, TTY_VKILL, c) ||
	    (cc(t, TTY_VWERASE, c) && lflag(t, TTY_IEXTEN))) {
		erase(t, c);
		return 0;
	}
	if (cc(t, TTY_VEOF, c)) {
		line_commit(t, TTY_MARK_EOF);
		return 0;
	}
	if (c == '\n' || cc(t, TTY_VEOL, c) || cc(t, TTY_VEOL2, c)) {
		if (t->ready_len + t->line_len + 1 > TTY_BUF)
			return 0; /* no room for the line: it waits for a reader (the byte is dropped) */
		if (t->line_len < TTY_LINE)
			t->line[t->line_len++] = c;
		line_commit(t, TTY_MARK_EOL);
		if (echo || (c == '\n' && lflag(t, TTY_ECHONL)))
			c == '\n' ? (void)out_char(t, c) : echo_char(t, c);
		return 0;
	}
data:
	if (!lflag(t, TTY_ICANON)) {
		if (t->ready_len < TTY_BUF)
			ready_push(t, c, TTY_MARK_NONE);
		if (echo)
			echo_char(t, c);
		return 0;
	}
	if (t->line_len + 1 >= TTY_LINE || t->ready_len + t->line_len + 1 >= TTY_BUF)
		return 0; /* the line is full: keep room for its end (the byte is dropped) */
	t->line[t->line_len++] = c;
	if (echo)
		echo_char(t, c);
	return 0;
}

bool tty_readable(const struct tty *t)
{
	return t->ready_len > 0;
}

/* ready_take - remove the first n bytes of the input queue. */
static void ready_take(struct tty *t, size_t n)
{
	for (size_t i = n; i < t->ready_len; i++) {
		t->ready[i - n] = t->ready[i];
		t->mark[i - n] = t->mark[i];
	}
	t->ready_len -= n;
}

size_t tty_read(struct tty *t, struct bytes dst)
{
	bool canon = lflag(t, TTY_ICANON);
	size_t n = 0, used = 0;
	while (used < t->ready_len) {
		enum tty_mark m = (enum tty_mark)t->mark[used];
		if (m == TTY_MARK_EOF) {
			used++; /* the line's end (nothing before it: the end of file read reports) */
			if (canon)
				break;
			continue;
		}
		if (n >= bytes_len(dst))
			break; /* (a line that fits exactly takes its end-of-file mark above) */
		(void)bytes_put_u8(dst, n++, t->ready[used++]);
		if (canon && m == TTY_MARK_EOL)
			break;
	}
	ready_take(t, used);
	return n;
}

size_t tty_inq(const struct tty *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->ready_len; i++)
		if (t->mark[i] != TTY_MARK_EOF)
			n++;
	return n;
}

void tty_flush(struct tty *t, bool input, bool output)
{
	if (input) {
		t->ready_len = 0;
		t->line_len = 0;
		t->lnext = false;
	}
	if (output)
		t->out_len = 0;
}

void tty_set_termios(struct tty *t, const struct uapi_termios *tio)
{
	bool was_canon = lflag(t, TTY_ICANON);
	t->termios = *tio;
	bool canon = lflag(t, TTY_ICANON);
	if (was_canon && !canon) {
		line_commit(t, TTY_MARK_NONE);
		size_t k = 0; /* raw reads have no end of file: the placeholders go */
		for (size_t i = 0; i < t->ready_len; i++) {
			if (t->mark[i] == TTY_MARK_EOF)
				continue;
			t->ready[k] = t->ready[i];
			t->mark[k++] = (u8)TTY_MARK_NONE;
		}
		t->ready_len = k;
	} else if (!was_canon && canon && t->ready_len &&
		   t->mark[t->ready_len - 1] == TTY_MARK_NONE) {
		t->mark[t->ready_len - 1] = (u8)TTY_MARK_EOL; /* what waits reads as a line */
	}
}
