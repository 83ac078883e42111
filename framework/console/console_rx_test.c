/*
 * console/console_rx_test.c — ktests of console input by interrupt (suite `console_rx`, issue
 * #14): bytes the UART receives wake a reader sleeping on the console's wait queue. The bytes
 * come from the UART's own loopback mode (what it sends comes back as received data, with the
 * receive interrupt), so the test needs no input from the host.
 */
#include <fw/console.h>
#include <fw/ktest.h>
#include <fw/task.h>
#include <fw/time.h>

#include "internal/ktest_task.h"

extern u64 console_rx_irqs;
bool console_rx_irq_enabled(void);
void console_loopback_send(const u8 *s, size_t n);

static struct tworker crw;
static u8 cr_got[8];

/* Collect 3 bytes, sleeping on the console between arrivals; w->result: the last wait's. */
static void cr_reader(struct tworker *w)
{
	u64 deadline = fw_time_ns() + 5 * FW_NSEC_PER_SEC;
	while (w->a < 3) {
		w->result = fw_console_wait_readable(deadline, WAIT_INTERRUPTIBLE);
		if (w->result)
			return;
		/* SAFETY: w->a < 3 < 8, the length of cr_got. */
		w->a += fw_console_read(bytes_skip(BYTES_OF_ARRAY(cr_got), w->a).value);
	}
}

KTEST(console_rx, receive_interrupt_wakes_a_sleeping_reader)
{
	if (!console_rx_irq_enabled())
		KT_SKIP(kt, "no I/O APIC: console input is polled");
	u8 drain[64];
	while (fw_console_read(BYTES_OF_ARRAY(drain)))
		;
	u64 irqs = console_rx_irqs;
	struct task *t = tw_spawn_args(&crw, cr_reader, 0, tw_other_cpu(), 0, 0);
	KT_ASSERT(kt, t != NULL);
	task_sleep_ms(10); /* asleep on the console by now */
	const u8 msg[3] = { 'h', 'i', '!' };
	console_loopback_send(msg, sizeof(msg));
	task_join_raw(t);
	KT_EXPECT_EQ(kt, crw.result, 0);
	KT_EXPECT_EQ(kt, crw.a, 3u);
	KT_EXPECT_EQ(kt, cr_got[0], 'h');
	KT_EXPECT_EQ(kt, cr_got[2], '!');
	KT_EXPECT_GT(kt, console_rx_irqs, irqs);
}

KTEST(console_rx, wait_readable_times_out_when_nothing_comes)
{
	u8 drain[64];
	while (fw_console_read(BYTES_OF_ARRAY(drain)))
		;
	u64 deadline = fw_time_ns() + 10 * FW_NSEC_PER_MSEC;
	KT_EXPECT_EQ(kt, fw_console_wait_readable(deadline, WAIT_INTERRUPTIBLE), -ETIMEDOUT);
	KT_EXPECT_GE(kt, fw_time_ns(), deadline);
}
