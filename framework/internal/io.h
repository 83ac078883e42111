/*
 * internal/io.h — the device layer's internals shared by framework/io/: PCI functions with their
 * BARs and MSI-X state, configuration writes, raw windows, device addresses of DMA buffers,
 * interrupt vectors, and the IOMMU hooks. Services see only fw/pci.h, fw/dma.h, fw/virtio.h.
 *
 * Lock order: virtq lock -> pci cfg lock -> iommu lock -> frame lock.
 */
#ifndef FW_INTERNAL_IO_H
#define FW_INTERNAL_IO_H

#include <fw/dma.h>
#include <fw/pci.h>
#include <fw/types.h>

#define PCI_MAX_DEVS 64u
#define PCI_MSIX_MAX 8u /* table entries a device may route (more than any virtio device here) */

struct pci_bar {
	u64 base;   /* bus (= physical) address; 0 when absent */
	u64 size;   /* bytes; 0 when absent */
	bool io;    /* an I/O-port BAR (never mapped as memory) */
	bool is64;  /* a 64-bit memory BAR (the next BAR is its upper half) */
};

struct pci_dev {
	u8 bus, dev, fn;
	u8 hdr_type;
	u16 vendor, device, subsys;
	u32 class;
	struct pci_bar bar[6];
	bool claimed; /* by a driver (pci_claim) */
	/* MSI-X (PCI 3.0 §6.8.2), from the capability at enumeration; msix_cap 0 when absent. */
	u32 msix_cap;
	u32 msix_size;   /* table entries */
	u32 msix_bir, msix_off;
	u32 pba_bir, pba_off;
	u8 msix_vec[PCI_MSIX_MAX]; /* vector routed per entry, 0 when unset */
	/* IOMMU state (iommu.c): the device's domain, 0 when none. */
	u32 iommu_domain;
};

/* Config space, any width, naturally aligned (framework only; services read through fw/pci.h). */
u32 pci_cfg_read_raw(const struct pci_dev *d, u32 off, u32 width);
void pci_cfg_write_raw(const struct pci_dev *d, u32 off, u32 width, u32 v);

/* pci_ensure_enumerated - enumerate once (task context). */
void pci_ensure_enumerated(void);

/* pci_window - as pci_bar_map, for framework code: `allow_msix` lets the MSI-X code map its
 * table (still never RAM or a withheld chipset range). */
int pci_window(struct pci_dev *d, u32 bar, u64 off, u64 len, bool allow_msix,
	       struct mmio_window *out);

/* Whether the physical range [pa, pa + len) is one a BAR window may never cover. */
bool io_range_withheld(u64 pa, u64 len);

/* The ECAM range in use (0, 0 when the legacy mechanism is used) — withheld from windows. */
void pci_ecam_range(u64 *base, u64 *len);

/*
 * dma_pin_for_device - for a descriptor: a new reference to b's frame in *ref (empty on entry)
 * and the device address of byte `off` in *addr, taken together under the lock dma_free takes
 * (a racing free comes before, and the buffer is refused, or after, and the reference keeps
 * the frame allocated). Needs b mapped for device d in a direction that allows the access
 * (device_writes: DMA_FROM_DEVICE; else DMA_TO_DEVICE): without an IOMMU nothing else would
 * stop a device writing a frame lent only for reading. Returns 0 or -EINVAL.
 */
int dma_pin_for_device(const struct dma_buf *b, struct pci_dev *d, bool device_writes,
		       u32 off, struct frame *ref, u64 *addr);
/* dma_dev_addr - the device address of byte `off` of b (b non-empty, off < DMA_BUF_SIZE). */
u64 dma_dev_addr(const struct dma_buf *b, u32 off);
/* dma_frame - the frame a buffer holds (tests; the queues take theirs with dma_pin_for_device). */
const struct frame *dma_frame(const struct dma_buf *b);
/* dma_bytes - the buffer's memory as a slice (framework only: the rings live in one). */
struct bytes dma_bytes(const struct dma_buf *b);

/* virtq_add_stray_for_test - ktests only: offer the device a writable buffer at an arbitrary
 * device address (the IOMMU test's stray DMA). Never called outside framework/io/ ktests. */
struct virtq;
int virtq_add_stray_for_test(struct virtq *q, u64 dev_addr, u32 len);
/* virtq_device_used_for_test - ktests only: write what a lying device would into q's used ring
 * (in its DMA memory): entry {id, len} at the next slot the driver reads and the used index
 * `ahead` entries past the driver's. Never called outside framework/io/ ktests. */
int virtq_device_used_for_test(struct virtq *q, u16 ahead, u32 id, u32 len);

/* ---- ACPI (acpi.c) ------------------------------------------------------------------------ */
/* acpi_find_table - the physical address and length of the first table with signature `sig`
 * (4 characters), or 0. */
u64 acpi_find_table(const char *sig, u32 *len);
/* acpi_table_bytes - a read-only slice over a table found above (empty when out of reach). */
struct bytes acpi_table_bytes(u64 pa, u32 len);

/* ---- IOMMU (iommu.c) ----------------------------------------------------------------------- */
/* iommu_init - find the DMAR, set up translation for every enumerated device (blocking all
 * DMA until buffers are mapped), enable it. Called once by pci_ensure_enumerated. */
void iommu_init(void);
bool iommu_active(void);
/* iommu_map - map the frame at pa for device d; its I/O address in *iova. 0 or -errno. */
int iommu_map(struct pci_dev *d, u64 pa, bool write, u64 *iova);
/* iommu_unmap - remove the mapping of iova for d (and flush the IOTLB). */
void iommu_unmap(struct pci_dev *d, u64 iova);
/* iommu_poll_faults - read, log and clear the unit's fault records: how many were new. */
u64 iommu_poll_faults(void);
/* iommu_reg_range - the remapping unit's register page (withheld from windows), 0 when none. */
void iommu_reg_range(u64 *base, u64 *len);

#endif /* FW_INTERNAL_IO_H */
