/*
 * irq.c — MSI-X interrupts for PCI devices, delivered as deferred work on a task.
 *
 * Each routed MSI-X table entry gets its own vector in [IRQ_VEC_FIRST, +IRQ_VEC_COUNT). The
 * table entry (PCI 3.0 §6.8.2.6) holds the message address 0xFEE00000 | APIC id << 12 (Intel
 * SDM vol. 3 §11.11.1: fixed delivery, physical destination) and the vector as data; the
 * framework writes it, never a service, because an MSI is a DMA write the device makes.
 *
 * The interrupt handler only counts, marks the line pending, acknowledges the local APIC and
 * wakes `irqd`, the framework's interrupt task, which runs each pending line's callback in task
 * context. A service's handler can therefore take mutexes and sleep, and never runs with
 * interrupts off; interrupts that arrive while a line is pending coalesce (a driver drains
 * its queue completely on each run). All lines share one irqd task: a slow callback delays
 * the others.
 */
#include <fw/errno.h>
#include <fw/sync.h>
#include <fw/task.h>

#include "internal/io.h"
#include "internal/lapic.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/task.h"
#include "internal/trap.h"

#define IRQ_VEC_FIRST 0x50u
#define IRQ_VEC_COUNT 64u
#define MSI_ADDR_BASE 0xfee00000u

struct irq_line {
	struct callback *cb;
	struct pci_dev *dev;
	u32 entry;
	u32 pending; /* atomic */
	u64 count;   /* atomic */
};

static struct irq_line lines[IRQ_VEC_COUNT];
static u32 nlines;
static struct fw_rawlock line_lock = RAW_SPINLOCK_INIT;
static struct waitq irqd_wq;
static bool irqd_started;

struct irqd {
	struct callback cb;
};
DEFINE_SUBTYPE(irqd_entry, struct irqd, cb, struct callback, tag);
static struct irqd irqd_obj;

static bool any_pending(void)
{
	for (u32 i = 0; i < IRQ_VEC_COUNT; i++)
		/* SAFETY: an atomic load of a line's pending flag. */
		if (__atomic_load_n(&lines[i].pending, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void irqd_run(struct irqd *self)
{
	(void)self;
	for (;;) {
		WAITQ_WAIT(&irqd_wq, any_pending());
		for (u32 i = 0; i < IRQ_VEC_COUNT; i++) {
			/* SAFETY: an atomic exchange on the pending flag; cb is written once before
			 * the vector is routed (release in pci_msix_set) and never changes. */
			if (__atomic_exchange_n(&lines[i].pending, 0, __ATOMIC_ACQ_REL) &&
			    lines[i].cb)
				callback_invoke(lines[i].cb);
		}
	}
}
DEFINE_SUBTYPE_CALLBACK(irqd_entry, struct callback, irqd_run);

static void msix_interrupt(struct trap_frame *f)
{
	u64 i = f->vector - IRQ_VEC_FIRST;
	if (i < IRQ_VEC_COUNT) {
		/* SAFETY: atomic updates of the line's counters (any CPU may take the vector). */
		__atomic_fetch_add(&lines[i].count, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&lines[i].pending, 1, __ATOMIC_RELEASE);
	}
	lapic_eoi();
	waitq_wake_all(&irqd_wq);
}

/* Start irqd once (task context). */
static int irqd_start(void)
{
	u64 f = raw_spin_lock_irqsave(&line_lock);
	bool start = !irqd_started;
	irqd_started = true;
	raw_spin_unlock_irqrestore(&line_lock, f);
	if (!start)
		return 0;
	waitq_init(&irqd_wq);
	irqd_entry_init(&irqd_obj);
	callback_set(&irqd_obj.cb, SUBTYPE_CALLBACK(irqd_entry, irqd_run));
	struct task *t = task_spawn_raw(&irqd_obj.cb, STR("irqd"), TASK_ANY_CPU);
	if (!t) {
		printk(FW_LOG_ERR, "irq: cannot start the interrupt task");
		return -ENOMEM;
	}
	task_detach_raw(t);
	return 0;
}

int pci_msix_set(struct pci_dev *d, uint32_t entry, struct callback *cb)
{
	if (!d->claimed)
		return -EPERM;
	if (!cb || !cb->tag.type)
		return -EINVAL;
	if (!d->msix_cap || entry >= d->msix_size || entry >= PCI_MSIX_MAX)
		return -ENOENT;
	int err = irqd_start();
	if (err)
		return err;
	struct mmio_window table;
	err = pci_window(d, d->msix_bir, d->msix_off + 16ull * entry, 16, true, &table);
	if (err) {
		printk(FW_LOG_WARN, "pci: %02x:%02x.%u MSI-X table unreachable (%d)", d->bus, d->dev,
		       d->fn, err);
		return err;
	}
	u64 f = raw_spin_lock_irqsave(&line_lock);
	u32 line = nlines;
	if (d->msix_vec[entry % PCI_MSIX_MAX]) {
		line = d->msix_vec[entry % PCI_MSIX_MAX] - IRQ_VEC_FIRST;
	} else if (nlines < IRQ_VEC_COUNT) {
		nlines++;
	} else {
		raw_spin_unlock_irqrestore(&line_lock, f);
		return -ENOSPC;
	}
	/* SAFETY: index reduced modulo the array's size, so inside lines[]. */
	struct irq_line *l = &lines[line % IRQ_VEC_COUNT];
	l->dev = d;
	l->entry = entry;
	/* SAFETY: publish the callback before the vector can fire (irqd reads it after an
	 * acquire of pending). */
	__atomic_store_n(&l->cb, cb, __ATOMIC_RELEASE);
	u8 vec = (u8)(IRQ_VEC_FIRST + line);
	d->msix_vec[entry % PCI_MSIX_MAX] = vec;
	raw_spin_unlock_irqrestore(&line_lock, f);
	trap_set_irq_handler(vec, msix_interrupt);

	/* Entry: address low, address high, data, vector control (bit 0 masked). */
	int werr = mmio_write32(&table, 12, 1);
	werr |= mmio_write32(&table, 0, MSI_ADDR_BASE | (lapic_id() << 12));
	werr |= mmio_write32(&table, 4, 0);
	werr |= mmio_write32(&table, 8, vec);
	werr |= mmio_write32(&table, 12, 0);
	/* Message control: MSI-X enable (bit 15), function mask (bit 14) off. */
	u32 ctrl = pci_cfg_read_raw(d, d->msix_cap + 2, 2);
	pci_cfg_write_raw(d, d->msix_cap + 2, 2, (ctrl | 0x8000u) & ~0x4000u);
	return werr ? -EIO : 0;
}

uint64_t pci_msix_count(const struct pci_dev *d, uint32_t entry)
{
	if (entry >= PCI_MSIX_MAX || !d->msix_vec[entry])
		return 0;
	/* SAFETY: an atomic load of the line's counter. */
	return __atomic_load_n(&lines[(d->msix_vec[entry] - IRQ_VEC_FIRST) % IRQ_VEC_COUNT].count,
			       __ATOMIC_RELAXED);
}
