/*
 * fs/tty.h — the terminal line discipline (kernel/dev/tty/ldisc.c): what a terminal does with
 * the bytes it receives before a program reads them, and with the bytes a program writes
 * before they reach the device. One discipline serves every terminal (the console and both
 * ends of each pty, fs/terminal.h). Pure logic over fixed buffers: the terminal layer feeds it
 * under the terminal's lock, host tests drive it directly (tests/tty/t_tty.c).
 *
 * Input. Canonical mode (ICANON) edits a line (VERASE, VWERASE, VKILL, VLNEXT, echo with
 * ECHOE/ECHOK/ECHOKE/ECHOCTL/ECHONL) and hands it over on '\n', VEOL, VEOL2 or VEOF; raw mode
 * hands every byte over at once (the reader applies VMIN/VTIME). ISTRIP, IGNCR, ICRNL and
 * INLCR map input bytes first. With ISIG, VINTR, VQUIT and VSUSP are not data: tty_input
 * returns the signal for the foreground process group (and flushes unless NOFLSH).
 *
 * Output. Bytes written and echoes go through OPOST (ONLCR, OCRNL, ONOCR, ONLRET) into the
 * output queue, which the device drains (the console at once; a pty's master reads it).
 */
#ifndef KERNEL_FS_TTY_H
#define KERNEL_FS_TTY_H

#include <fw/bytes.h>
#include <fw/libbase.h>
#include <uapi/misc.h>

#define TTY_BUF 4096  /* input: complete lines / raw bytes a reader may take (N_TTY_BUF_SIZE) */
#define TTY_LINE 4096 /* canonical mode: the longest line being edited */
#define TTY_OBUF 4096 /* the output queue */

/* termios bits (asm-generic/termbits.h values) */
#define TTY_IGNBRK 0x1u
#define TTY_ISTRIP 0x20u
#define TTY_INLCR 0x40u
#define TTY_IGNCR 0x80u
#define TTY_ICRNL 0x100u
#define TTY_IXON 0x400u
#define TTY_OPOST 0x1u
#define TTY_ONLCR 0x4u
#define TTY_OCRNL 0x8u
#define TTY_ONOCR 0x10u
#define TTY_ONLRET 0x20u
#define TTY_ISIG 0x1u
#define TTY_ICANON 0x2u
#define TTY_ECHO 0x8u
#define TTY_ECHOE 0x10u
#define TTY_ECHOK 0x20u
#define TTY_ECHONL 0x40u
#define TTY_NOFLSH 0x80u
#define TTY_TOSTOP 0x100u
#define TTY_ECHOCTL 0x200u
#define TTY_ECHOKE 0x800u
#define TTY_IEXTEN 0x8000u
/* c_cc indices */
#define TTY_VINTR 0
#define TTY_VQUIT 1
#define TTY_VERASE 2
#define TTY_VKILL 3
#define TTY_VEOF 4
#define TTY_VTIME 5
#define TTY_VMIN 6
#define TTY_VSUSP 10
#define TTY_VEOL 11
#define TTY_VWERASE 14
#define TTY_VLNEXT 15
#define TTY_VEOL2 16

/* What a byte of the input queue is besides its value. */
enum tty_mark {
	TTY_MARK_NONE,
	TTY_MARK_EOL, /* the last byte of a line (canonical mode) */
	TTY_MARK_EOF, /* an end of file: a placeholder, never read as data */
};

struct tty {
	struct uapi_termios termios;
	struct uapi_winsize winsize;
	u8 line[TTY_LINE]; /* canonical mode: the line being edited */
	size_t line_len;
	u8 ready[TTY_BUF]; /* bytes a read may take, oldest first */
	u8 mark[TTY_BUF];  /* enum tty_mark of each */
	size_t ready_len;
	u8 out[TTY_OBUF];  /* processed output and echo, oldest first */
	size_t out_len;
	bool lnext;        /* VLNEXT came: the next byte is data */
};

/* tty_init - Linux's default terminal: canonical, echo, ISIG, ICRNL, OPOST|ONLCR, 80x24. */
void tty_init(struct tty *t);
/* tty_input_room - whether tty_input may take a byte now. A canonical line that outgrows the
 * buffer still takes bytes (they are dropped, as Linux does) unless complete lines wait for
 * a reader; otherwise a full queue refuses, so a pty master's writer waits. */
bool tty_input_room(const struct tty *t);
/* tty_input - take one received byte (its echo joins the output queue): the signal ISIG
 * makes of it (SIGINT, SIGQUIT, SIGTSTP), else 0. */
u32 tty_input(struct tty *t, u8 c);
/* tty_readable - whether a read takes something now: a complete line (or end of file) in
 * canonical mode, any byte in raw mode. */
bool tty_readable(const struct tty *t);
/* tty_read - what a read returns: up to one line in canonical mode (0 for an end of file,
 * which it consumes), what is waiting in raw mode; 0 when nothing is readable. */
size_t tty_read(struct tty *t, struct bytes dst);
/* tty_inq - bytes a reader could take (FIONREAD): end-of-file placeholders do not count. */
size_t tty_inq(const struct tty *t);
/* tty_write - process src for output (OPOST) into the output queue, as far as it has room:
 * the bytes of src consumed. */
size_t tty_write(struct tty *t, struct bytes src);
/* tty_out_take - move up to bytes_len(dst) bytes of the output queue into dst: the count. */
size_t tty_out_take(struct tty *t, struct bytes dst);
/* tty_flush - discard the input (edited line included) and/or the output queue (TCFLSH). */
void tty_flush(struct tty *t, bool input, bool output);
/* tty_set_termios - apply a TCSETS*: leaving canonical mode hands the edited line over;
 * entering it makes what waits readable as a line. */
void tty_set_termios(struct tty *t, const struct uapi_termios *tio);

#endif /* KERNEL_FS_TTY_H */
