/*
 * console_rx.c — console input by interrupt (issue #14): COM1's receive interrupt, routed
 * through the I/O APIC, fills a ring and wakes the console's wait queue, so a reader sleeps
 * until a byte arrives instead of polling (fw/console.h: fw_console_wait_readable,
 * fw_console_rx_waitq).
 *
 * Routing: ISA IRQ 4 (COM1) is GSI 4 on QEMU's `pc` machine (the MADT overrides only IRQ 0);
 * its I/O APIC redirection entry (82093AA data sheet §3.2.4) gets VEC_UART_RX, fixed delivery,
 * physical destination the boot CPU, edge triggered, active high, unmasked. The I/O APIC is
 * looked for at its standard address 0xFEC00000 and accepted only if its version register
 * reads sanely; without it the console stays polled (fw_console_read polls the UART itself,
 * so readers that poll keep working either way).
 *
 * The UART raises the interrupt while received data waits (IER bit 0, FIFO trigger level 1
 * byte); the handler drains the FIFO completely (the line is edge triggered: a byte left
 * behind would never raise another edge), under rx_lock, then wakes the queue. Lock order:
 * rx_lock -> nothing.
 */
#include <fw/console.h>
#include <fw/sync.h>
#include <fw/time.h>

#include "internal/lapic.h"
#include "internal/mm.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/serial.h"
#include "internal/task.h"
#include "internal/trap.h"

#define IOAPIC_PHYS 0xfec00000ul
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDIR(n) (0x10u + 2u * (n))
#define UART_GSI 4u

#define RX_RING 4096u

static struct fw_rawlock rx_lock;
static u8 rx_ring[RX_RING]; /* guarded by rx_lock */
static u32 rx_head, rx_tail; /* free-running; used = head - tail */
static u64 rx_dropped;
static struct waitq rx_wq;
static bool rx_irq_on;
u64 console_rx_irqs;

/* SAFETY: MMIO: the I/O APIC's two registers, reached through the direct map (uncached). */
static volatile u32 *ioapic;

static u32 ioapic_read(u32 reg)
{
	/* SAFETY: ioapic maps the I/O APIC's register window (16 + 4 bytes used). */
	ioapic[IOAPIC_REGSEL / 4] = reg;
	/* SAFETY: as above. */
	return ioapic[IOAPIC_WIN / 4];
}

static void ioapic_write(u32 reg, u32 v)
{
	/* SAFETY: as ioapic_read. */
	ioapic[IOAPIC_REGSEL / 4] = reg;
	/* SAFETY: as above. */
	ioapic[IOAPIC_WIN / 4] = v;
}

/* Move what the UART holds into the ring. rx_lock held. */
static u32 drain_uart_locked(void)
{
	u32 n = 0;
	for (int c = serial_getc(); c >= 0; c = serial_getc(), n++) {
		if (rx_head - rx_tail >= RX_RING) {
			rx_dropped++;
			continue;
		}
		/* SAFETY: the index is reduced modulo RX_RING, the ring's length. */
		rx_ring[rx_head % RX_RING] = (u8)c;
		rx_head++;
	}
	return n;
}

static void uart_rx_handler(struct trap_frame *f)
{
	(void)f;
	u64 fl = raw_spin_lock_irqsave(&rx_lock);
	u32 n = drain_uart_locked();
	raw_spin_unlock_irqrestore(&rx_lock, fl);
	console_rx_irqs++;
	lapic_eoi();
	if (n)
		waitq_wake_all(&rx_wq);
}

void console_rx_init(void)
{
	waitq_init(&rx_wq);
	/* SAFETY: the standard I/O APIC address lies in the direct map's uncached MMIO range. */
	ioapic = phys_to_virt(IOAPIC_PHYS);
	u32 ver = ioapic_read(IOAPIC_REG_VER);
	u32 max_entry = (ver >> 16) & 0xff;
	if (ver == 0xffffffffu || max_entry < UART_GSI) {
		printk(FW_LOG_INFO, "console: no I/O APIC at %lx (version %x); input stays polled",
		       IOAPIC_PHYS, ver);
		ioapic = NULL;
		return;
	}
	trap_set_irq_handler(VEC_UART_RX, uart_rx_handler);
	ioapic_write(IOAPIC_REDIR(UART_GSI) + 1, cpu_locals[0].apic_id << 24);
	ioapic_write(IOAPIC_REDIR(UART_GSI), VEC_UART_RX); /* fixed, physical, edge, high, unmasked */
	serial_enable_rx_irq();
	rx_irq_on = true;
	printk(FW_LOG_INFO, "console: receive interrupt on GSI %u (vector %x)", UART_GSI,
	       (u32)VEC_UART_RX);
}

size_t fw_console_read(struct bytes dst)
{
	size_t n = 0;
	u64 fl = raw_spin_lock_irqsave(&rx_lock);
	drain_uart_locked(); /* polled input, and anything the interrupt has not taken yet */
	while (n < bytes_len(dst) && rx_tail != rx_head) {
		/* SAFETY: the index is reduced modulo RX_RING, the ring's length. */
		(void)bytes_put_u8(dst, n++, rx_ring[rx_tail % RX_RING]);
		rx_tail++;
	}
	raw_spin_unlock_irqrestore(&rx_lock, fl);
	return n;
}

bool fw_console_readable(void)
{
	u64 fl = raw_spin_lock_irqsave(&rx_lock);
	drain_uart_locked();
	bool r = rx_head != rx_tail;
	raw_spin_unlock_irqrestore(&rx_lock, fl);
	return r;
}

struct waitq *fw_console_rx_waitq(void)
{
	return &rx_wq;
}

int fw_console_wait_readable(uint64_t deadline_ns, unsigned flags)
{
	if (!rx_irq_on) {
		/* no interrupt: poll every tick until the deadline */
		for (;;) {
			if (fw_console_readable())
				return 0;
			if (deadline_ns && fw_time_ns() >= deadline_ns)
				return -ETIMEDOUT;
			int r = task_sleep_until(fw_time_ns() + FW_NSEC_PER_SEC / FW_TICK_HZ, flags);
			if (r)
				return r;
		}
	}
	return WAITQ_WAIT_EVENT(&rx_wq, fw_console_readable(), deadline_ns, flags);
}

bool console_rx_irq_enabled(void)
{
	return rx_irq_on;
}
