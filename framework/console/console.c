/*
 * console.c — the console sink: every framework and service line goes through console_write.
 *
 * Writes whole lines to the serial port under a lock so that lines of different CPUs do not
 * interleave; '\n' becomes "\r\n" for terminals in raw mode. The lock is bounded: a CPU that
 * waits too long (the holder trapped or hung mid-line) writes anyway, because a report that
 * interleaves beats a report that never appears. While a capture is active (ktests that check
 * the text of a trap report), output is also copied into a fixed buffer.
 */
#include "internal/printk.h"
#include "internal/serial.h"
#include "internal/x86.h"

static int console_lock_word;

static void console_lock(void)
{
	for (unsigned spins = 0; spins < 20000000u; spins++) {
		/* SAFETY: atomic exchange on the console lock word (acquire pairs with the release below). */
		if (!__atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE))
			return;
		cpu_pause();
	}
	/* the holder is stuck: proceed unlocked (see above) */
}

static void console_unlock(void)
{
	/* SAFETY: release store: the holder's writes are visible to the next owner. */
	__atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

#define CAPTURE_CAP 8192u
static char capture_buf[CAPTURE_CAP];
static size_t capture_len;
static bool capture_on;

void console_write(const char *s, size_t len)
{
	console_lock();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		if (capture_on && capture_len < CAPTURE_CAP)
			capture_buf[capture_len++] = s[i];
	}
	console_unlock();
}

void console_capture_start(void)
{
	capture_len = 0;
	capture_on = true;
}

size_t console_capture_stop(void)
{
	capture_on = false;
	return capture_len;
}

bool console_capture_has(const char *text, size_t len)
{
	if (len == 0)
		return true;
	for (size_t i = 0; i + len <= capture_len; i++) {
		size_t j = 0;
		while (j < len && capture_buf[i + j] == text[j])
			j++;
		if (j == len)
			return true;
	}
	return false;
}
