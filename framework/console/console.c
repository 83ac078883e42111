/*
 * console.c — the console sink: every framework and service line goes through console_write.
 *
 * Writes whole lines to the serial port under a lock so that lines of different CPUs do not
 * interleave; '\n' becomes "\r\n" for terminals in raw mode. The lock is bounded: a CPU that
 * waits too long (the holder trapped or hung mid-line) takes it over, because a report that
 * interleaves beats a report that never appears; a trap that prints while its own CPU holds the
 * lock goes straight through (nested); and console_recover() drops the lock of a writer that
 * the ktest runner abandoned. While a capture is active (ktests that check
 * the text of a trap report), output is also copied into a fixed buffer.
 */
#include <fw/console.h>

#include "internal/printk.h"
#include "internal/serial.h"
#include "arch/x86_64/x86.h"

/* The lock: 0 when free, else the holder's CPU token. depth counts nested acquisitions by the
 * holder (a trap or NMI that prints while its CPU was mid-line) and is touched only by it. */
static u32 console_owner;
static u32 console_depth;

/* This CPU's token: APIC id + 1 (CPUID leaf 1; the per-CPU area can replace this). */
static u32 cpu_token(void)
{
	return cpu_apic_id() + 1;
}

static void console_lock(void)
{
	u32 me = cpu_token();
	/* SAFETY: atomic read of the lock word; only this CPU can have stored `me` in it. */
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) == me) {
		console_depth++;
		return;
	}
	for (unsigned spins = 0; spins < 20000000u; spins++) {
		u32 expected = 0;
		/* SAFETY: compare-exchange on the lock word (acquire pairs with the release in
		 * console_unlock). */
		if (__atomic_compare_exchange_n(&console_owner, &expected, me, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			console_depth = 1;
			return;
		}
		cpu_pause();
	}
	/* the holder is stuck (see above): take the lock over.
	 * SAFETY: release store of our token; the stuck holder never unlocks. */
	__atomic_store_n(&console_owner, me, __ATOMIC_RELEASE);
	console_depth = 1;
}

static void console_unlock(void)
{
	if (--console_depth == 0)
		/* SAFETY: release store: the holder's writes are visible to the next owner. */
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

void console_recover(void)
{
	/* SAFETY: atomic read; only this CPU can have stored its own token. */
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) == cpu_token()) {
		console_depth = 0;
		/* SAFETY: release store; the abandoned writer will never unlock. */
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
	}
}

#define CAPTURE_CAP 8192u
static char capture_buf[CAPTURE_CAP];
static size_t capture_len;
static bool capture_on;

/* console_put - len bytes of s to the serial port ('\n' as "\r\n" when `crlf`). */
static void console_put(const char *s, size_t len, bool crlf)
{
	console_lock();
	for (size_t i = 0; i < len; i++) {
		/* SAFETY: i < len, the caller's string length (contract of console_write); capture_len is
		 * checked against CAPTURE_CAP before each store. */
		if (crlf && s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		if (capture_on && capture_len < CAPTURE_CAP)
			capture_buf[capture_len++] = s[i];
	}
	console_unlock();
}

void console_write(const char *s, size_t len)
{
	console_put(s, len, true);
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
		/* SAFETY: i + len <= capture_len <= CAPTURE_CAP and j < len (text has len bytes). */
		while (j < len && capture_buf[i + j] == text[j])
			j++;
		if (j == len)
			return true;
	}
	return false;
}

void fw_console_write(struct str text)
{
	/* SAFETY: a str's ptr..ptr+len is readable (str constructors guarantee it, fw/str.h). */
	console_write(text.ptr, text.len);
}

void fw_console_write_raw(struct bytes b)
{
	/* SAFETY: a bytes slice's ptr..ptr+len is readable (bytes constructors guarantee it,
	 * fw/bytes.h); the bytes are only read. */
	console_put((const char *)b.ptr, b.len, false);
}

void console_loopback_send(const u8 *s, size_t n);
void console_loopback_send(const u8 *s, size_t n)
{
	console_lock(); /* no log line may go out (or come back) meanwhile */
	serial_set_loopback(true);
	/* SAFETY: i < n, the length of the caller's buffer. */
	for (size_t i = 0; i < n; i++)
		serial_putc((char)s[i]);
	serial_set_loopback(false);
	console_unlock();
}
