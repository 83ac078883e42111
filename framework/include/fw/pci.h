/*
 * fw/pci.h — PCI devices for drivers: enumeration, read-only configuration space, capability
 * lists, BARs handed out as bounded MMIO windows, and MSI-X interrupts delivered to a typed
 * callback that runs on a task (never in interrupt context).
 *
 * The framework enumerates the buses once (legacy ports 0xCF8/0xCFC, or ECAM when the ACPI
 * MCFG table describes one, as on q35), sizes every BAR and keeps one `struct pci_dev` per
 * function. A driver finds its device, claims it (one driver per device), enables it and asks
 * for windows over the registers it needs:
 *
 *     struct pci_dev *d = pci_find(0x1af4, 0x1044, 0);
 *     if (!d || pci_claim(d))
 *             return -ENODEV;
 *     struct mmio_window w;
 *     int err = pci_bar_map(d, 2, 0, 0x100, &w);       // BAR 2, bytes [0, 0x100)
 *     struct result_u32 r = mmio_read32(&w, 0x10);     // -ERANGE outside, -EINVAL unaligned
 *
 * What a service cannot do, by construction: write configuration space (a BAR or MSI address
 * pointed at the APIC would let the device write anywhere), reach a window over the local or
 * I/O APIC, the HPET, the IOMMU's registers, the ECAM area, a device's MSI-X table, RAM, or
 * anything outside the BAR. A window is a pair of private fields only the framework sets.
 *
 * Every value the device supplies (capability pointers, BAR contents) is treated as hostile:
 * capability walks are bounded and aligned, BARs that overlap RAM or a withheld range are
 * never mapped.
 *
 * Context: pci_find/pci_dev_at/pci_claim and the MSI-X calls: task. Config reads and MMIO
 * accessors: any.
 */
#ifndef FW_PCI_H
#define FW_PCI_H

#include <fw/libbase.h>
#include <fw/result.h>
#include <fw/subtype.h>

struct pci_dev; /* a function on a bus: owned by the framework, never freed */

/* pci_dev_count - functions found. pci_dev_at - the i-th (NULL when i >= count).
 * The first call enumerates the buses. Context: task. */
uint32_t pci_dev_count(void);
struct pci_dev *pci_dev_at(uint32_t i);

/* pci_find - the nth (0-based) function with this vendor and device id, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, uint32_t nth);

/* Identity, from the configuration header read at enumeration. */
uint16_t pci_vendor(const struct pci_dev *d);
uint16_t pci_device_id(const struct pci_dev *d);
uint16_t pci_subsystem_id(const struct pci_dev *d);
uint32_t pci_class(const struct pci_dev *d); /* class << 16 | subclass << 8 | prog-if */
uint16_t pci_bdf(const struct pci_dev *d);   /* bus << 8 | device << 3 | function */

/* pci_cfg_read8/16/32 - read configuration space at `off` (naturally aligned, below 256 with
 * the legacy mechanism, below 4096 with ECAM): the value, or -ERANGE / -EINVAL. */
struct result_u8 pci_cfg_read8(const struct pci_dev *d, uint32_t off);
struct result_u16 pci_cfg_read16(const struct pci_dev *d, uint32_t off);
struct result_u32 pci_cfg_read32(const struct pci_dev *d, uint32_t off);

/* pci_cap_find - the config-space offset of the nth capability with this id (0x09 vendor,
 * 0x10 PCIe, 0x11 MSI-X...), or 0 when there is none. The walk is bounded (48 steps) and
 * stops at a pointer below 0x40 or not 4-byte aligned. */
uint32_t pci_cap_find(const struct pci_dev *d, uint8_t cap_id, uint32_t nth);

/* pci_bar_size - bytes the BAR decodes (0: absent, an I/O BAR, or the upper half of a 64-bit
 * BAR). */
uint64_t pci_bar_size(const struct pci_dev *d, uint32_t bar);

/* pci_claim - make the caller this device's only driver. 0, or -EBUSY when already claimed. */
FW_MUST_CHECK int pci_claim(struct pci_dev *d);

/* pci_enable - turn on memory decoding and bus mastering (DMA), with legacy INTx masked.
 * Needs: the device is claimed. Returns 0 or -EPERM. */
FW_MUST_CHECK int pci_enable(struct pci_dev *d);

/* ---- MMIO windows ---------------------------------------------------------------------- */

struct FW_FAT mmio_window {
	uint64_t va FW_PRIVATE;  /* kernel virtual address of byte 0 (uncached) */
	uint64_t len FW_PRIVATE; /* bytes */
};

/*
 * pci_bar_map - a window over bytes [off, off + len) of memory BAR `bar`.
 * Needs: the device is claimed.
 * Returns: 0 and *out; -ENOENT (no such memory BAR), -ERANGE (outside the BAR), -EPERM (the
 *          range touches a withheld range: APIC, HPET, IOMMU, ECAM, MSI-X table/PBA, RAM).
 */
FW_MUST_CHECK int pci_bar_map(struct pci_dev *d, uint32_t bar, uint64_t off, uint64_t len,
			      struct mmio_window *out);

/* mmio_window_len - the window's size in bytes (0 for a zeroed window). */
static inline uint64_t mmio_window_len(const struct mmio_window *w)
{
	return w->len;
}

/* Reads and writes at an offset: naturally aligned and inside the window, else -EINVAL /
 * -ERANGE (nothing accessed). One uncached access of exactly that width. Context: any. */
struct result_u8 mmio_read8(const struct mmio_window *w, uint64_t off);
struct result_u16 mmio_read16(const struct mmio_window *w, uint64_t off);
struct result_u32 mmio_read32(const struct mmio_window *w, uint64_t off);
struct result_u64 mmio_read64(const struct mmio_window *w, uint64_t off);
FW_MUST_CHECK int mmio_write8(const struct mmio_window *w, uint64_t off, uint8_t v);
FW_MUST_CHECK int mmio_write16(const struct mmio_window *w, uint64_t off, uint16_t v);
FW_MUST_CHECK int mmio_write32(const struct mmio_window *w, uint64_t off, uint32_t v);
FW_MUST_CHECK int mmio_write64(const struct mmio_window *w, uint64_t off, uint64_t v);

/* ---- interrupts -------------------------------------------------------------------------- */

/*
 * pci_msix_set - route MSI-X table entry `entry` of a claimed device to a fresh vector on the
 * boot CPU; each interrupt schedules `cb` (a tagged struct callback the caller owns for the
 * device's lifetime) to run once on the framework's interrupt task, in task context (it may
 * take mutexes and sleep). Interrupts that arrive while it is pending coalesce into one run.
 * Returns: 0; -ENOENT (no MSI-X capability or entry >= table size), -ENOSPC (no vector left),
 *          -EPERM (not claimed), -EINVAL (untagged callback).
 * Context: task.
 */
FW_MUST_CHECK int pci_msix_set(struct pci_dev *d, uint32_t entry, struct callback *cb);

/* pci_msix_count - interrupts delivered to an entry set with pci_msix_set (0 otherwise). */
uint64_t pci_msix_count(const struct pci_dev *d, uint32_t entry);

#endif /* FW_PCI_H */
