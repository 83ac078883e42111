/*
 * fs/tty.h — the terminal line discipline (kernel/dev/tty.c): what the console device does
 * with received bytes before a program reads them. Canonical mode (ICANON, the default)
 * edits a line (echo, erase, kill, end of file) and hands it over on Enter; raw mode hands
 * bytes over as they come. Pure logic over fixed buffers: the console device feeds it and
 * writes its echo; host tests drive it directly.
 */
#ifndef KERNEL_FS_TTY_H
#define KERNEL_FS_TTY_H

#include <fw/bytes.h>
#include <fw/libbase.h>
#include <uapi/misc.h>

#define TTY_BUF 1024   /* bytes waiting for a reader, and the longest edited line */
#define TTY_ECHO_MAX 8 /* echo one input byte can produce */

/* termios bits the discipline acts on (asm-generic/termbits.h values) */
#define TTY_ICRNL 0x100u
#define TTY_ICANON 0x2u
#define TTY_ECHO 0x8u
#define TTY_ECHOE 0x10u
#define TTY_ECHONL 0x40u
#define TTY_VERASE 2
#define TTY_VKILL 3
#define TTY_VEOF 4

struct tty {
	struct uapi_termios termios;
	struct uapi_winsize winsize;
	u8 line[TTY_BUF]; /* canonical mode: the line being edited */
	size_t line_len;
	u8 ready[TTY_BUF]; /* bytes a read may take, oldest first */
	size_t ready_len;
	bool eof;      /* an end of file is queued at ready[eof_at] */
	size_t eof_at;
};

/* The echo of one input byte (at most TTY_ECHO_MAX bytes). */
struct tty_echo {
	u8 b[TTY_ECHO_MAX];
	size_t len;
};

/* tty_init - Linux's default terminal: canonical, echo, ICRNL, 80x24. */
void tty_init(struct tty *t);
/* tty_input - take one received byte; *echo receives what to print back (may be empty). */
void tty_input(struct tty *t, u8 c, struct tty_echo *echo);
/* tty_readable - whether a read would return now (data, or a queued end of file). */
bool tty_readable(const struct tty *t);
/* tty_read - take what a read returns: up to one line in canonical mode, anything waiting in
 * raw mode; 0 for a queued end of file (consumed) or when nothing is readable. */
size_t tty_read(struct tty *t, struct bytes dst);
/* tty_set_termios - apply a TCSETS*: leaving canonical mode hands the edited line over. */
void tty_set_termios(struct tty *t, const struct uapi_termios *tio);

#endif /* KERNEL_FS_TTY_H */
