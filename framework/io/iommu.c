/*
 * iommu.c — the Intel VT-d DMA remapping unit (Intel VT-d spec rev 3, "VT-d" below).
 *
 * Found through the ACPI DMAR table (§8.3: the first DRHD unit of segment 0, assumed to cover
 * every device: true of QEMU's q35, not of machines with several units).
 * When present, every enumerated device gets a context entry (§9.3: translation type 00,
 * untranslated requests only) pointing at its own second-level page table (§9.8, 3 levels for
 * a 39-bit address width, 4 for 48) and its own domain id; a device can therefore reach only
 * the pages dma.c mapped for it, at I/O virtual addresses handed out here (a bump allocator
 * per device from IOVA_BASE; addresses are not reused). Any other access is blocked by the
 * unit and recorded in its fault recording registers (§10.4.14), which iommu_poll_faults()
 * reads, logs and clears.
 *
 * Setup order (§6.5, §10.4.4-10.4.8): root table address (SRTP), global context-cache and
 * IOTLB invalidation, then translation enable (TE). Mappings are added to not-present
 * entries, which the unit does not cache when CAP.CM is 0 (we refuse caching-mode units);
 * an unmap clears the entry and invalidates the IOTLB globally.
 *
 * Without a DMAR (QEMU `pc`, or q35 without `-device intel-iommu`) iommu_active() is false
 * and device addresses are physical (docs/drivers.md).
 *
 * Locking: iommu_lock (a raw lock, interrupts off) guards the tables and the registers.
 */
#include <fw/errno.h>

#include "internal/io.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "internal/rawlock.h"

/* Registers (§10.4). */
#define R_VER 0x00
#define R_CAP 0x08
#define R_ECAP 0x10
#define R_GCMD 0x18
#define R_GSTS 0x1c
#define R_RTADDR 0x20
#define R_CCMD 0x28
#define R_FSTS 0x34
#define GCMD_TE (1u << 31)
#define GCMD_SRTP (1u << 30)
#define CCMD_ICC (1ull << 63)
#define CCMD_GLOBAL (1ull << 61)
#define IOTLB_IVT (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)
#define FSTS_PPF (1u << 1)
#define FSTS_PFO (1u << 0)

#define SL_R 1ull
#define SL_W 2ull
#define SL_ADDR 0x000ffffffffff000ull
#define IOVA_BASE 0x100000ull
#define IOVA_LIMIT (1ull << 39)

static struct fw_rawlock iommu_lock = RAW_SPINLOCK_INIT;
static bool inited, active;
static u64 reg_pa;
static u8 *regs;       /* the unit's register page (uncached direct map) */
static u64 root_pa;
static u32 levels;     /* 3 (39-bit) or 4 (48-bit) */
static u32 iotlb_off, fault_off, fault_count;
static u64 dev_root[PCI_MAX_DEVS];     /* second-level root per device (by index) */
static u64 dev_next_iova[PCI_MAX_DEVS];
static u64 faults_seen;

static u32 rd32(u32 off)
{
	/* SAFETY: off < 4096 (every caller uses a register offset from CAP/ECAP checked below
	 * 4096 or a constant); regs maps the unit's 4 KiB register page uncached. */
	return *(volatile u32 *)(regs + off);
}
static u64 rd64(u32 off)
{
	/* SAFETY: as rd32; 8-byte aligned registers. */
	return *(volatile u64 *)(regs + off);
}
static void wr32(u32 off, u32 v)
{
	/* SAFETY: as rd32. */
	*(volatile u32 *)(regs + off) = v;
}
static void wr64(u32 off, u64 v)
{
	/* SAFETY: as rd64. */
	*(volatile u64 *)(regs + off) = v;
}

/* A zeroed 4 KiB table frame (framework-typed: never reachable by a service); 0 on failure. */
static u64 table_alloc(void)
{
	u64 pa = 0;
	return frame_alloc_typed(FRAME_PAGETABLE, 0, true, &pa) ? 0 : pa;
}

static u64 *table_at(u64 pa)
{
	/* SAFETY: pa is a page-table frame from table_alloc, in the direct map; 512 u64 entries. */
	return (u64 *)phys_to_virt(pa);
}

static bool wait_bit32(u32 off, u32 bit, bool set)
{
	for (u32 i = 0; i < 1000000; i++)
		if (((rd32(off) & bit) != 0) == set)
			return true;
	return false;
}

static bool wait_bit64(u32 off, u64 bit)
{
	for (u32 i = 0; i < 1000000; i++)
		if (!(rd64(off) & bit))
			return true;
	return false;
}

static void iotlb_flush_global(void)
{
	wr64(iotlb_off + 8, IOTLB_IVT | IOTLB_GLOBAL);
	(void)wait_bit64(iotlb_off + 8, IOTLB_IVT);
}

/* Parse the DMAR: the register base of the first DRHD of segment 0; 0 if none. Its device
 * scope is not read: with one unit (QEMU's q35) it covers every device, whatever the
 * INCLUDE_PCI_ALL flag says (QEMU 7.2 leaves it clear and lists the scope). */
static u64 find_drhd(void)
{
	u32 len = 0;
	u64 pa = acpi_find_table("DMAR", &len);
	struct bytes t = acpi_table_bytes(pa, len);
	for (u32 off = 48; off + 16 <= bytes_len(t);) {
		u16 type = bytes_le16(t, off).value, rlen = bytes_le16(t, off + 2).value;
		if (rlen < 4)
			break;
		if (type == 0 && bytes_le16(t, off + 6).value == 0)
			return bytes_le64(t, off + 8).value;
		off += rlen;
	}
	return 0;
}

/* The context entry of device d, in a context table created on demand. */
static int context_set(const struct pci_dev *d, u64 slpt, u32 did)
{
	/* SAFETY: root_pa is our root table frame; d->bus < 256 entries of 16 bytes. */
	u64 *root = table_at(root_pa) + 2u * d->bus;
	if (!(root[0] & 1)) {
		u64 ct = table_alloc();
		if (!ct)
			return -ENOMEM;
		root[0] = ct | 1;
	}
	/* SAFETY: the context table frame from the root entry; devfn < 256 entries of 16 bytes. */
	u64 *ctx = table_at(root[0] & SL_ADDR) + 2u * (((u32)d->dev << 3) | d->fn);
	ctx[1] = (levels == 3 ? 1ull : 2ull) | ((u64)did << 8);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ctx[0] = slpt | 1; /* present, translation type 00 (untranslated requests only) */
	return 0;
}

void iommu_reg_range(u64 *base, u64 *len)
{
	*base = reg_pa;
	*len = reg_pa ? 4096 : 0;
}

void iommu_init(void)
{
	u64 f = raw_spin_lock_irqsave(&iommu_lock);
	bool first = !inited;
	inited = true;
	raw_spin_unlock_irqrestore(&iommu_lock, f);
	if (!first)
		return;
	u64 base = find_drhd();
	if (!base || base >= (4ull << 30)) {
		printk(FW_LOG_INFO, "iommu: none (device addresses are physical)");
		return;
	}
	reg_pa = base;
	/* SAFETY: the unit's register page below 4 GiB, not RAM (firmware-reported MMIO): the
	 * direct map covers it uncached. */
	regs = (u8 *)phys_to_virt(base);
	u64 cap = rd64(R_CAP), ecap = rd64(R_ECAP);
	u32 sagaw = (u32)(cap >> 8) & 0x1f;
	levels = (sagaw & 2) ? 3 : (sagaw & 4) ? 4 : 0;
	iotlb_off = (u32)((ecap >> 8) & 0x3ff) * 16;
	fault_off = (u32)((cap >> 24) & 0x3ff) * 16;
	fault_count = (u32)((cap >> 40) & 0xff) + 1;
	if (!levels || (cap & (1ull << 7)) || iotlb_off + 16 > 4096 ||
	    fault_off + 16ull * fault_count > 4096) {
		printk(FW_LOG_WARN, "iommu: unit at %lx unusable (cap %lx ecap %lx); not enabled",
		       base, cap, ecap);
		return;
	}
	root_pa = table_alloc();
	if (!root_pa)
		return;
	u32 n = pci_dev_count();
	for (u32 i = 0; i < n && i < PCI_MAX_DEVS; i++) {
		u64 slpt = table_alloc();
		if (!slpt || context_set(pci_dev_at(i), slpt, i + 1)) {
			printk(FW_LOG_WARN, "iommu: out of memory for tables; not enabled");
			return;
		}
		/* SAFETY: i < PCI_MAX_DEVS, the arrays' size (loop bound). */
		dev_root[i] = slpt;
		dev_next_iova[i] = IOVA_BASE;
		pci_dev_at(i)->iommu_domain = i + 1;
	}
	wr64(R_RTADDR, root_pa);
	wr32(R_GCMD, GCMD_SRTP);
	bool ok = wait_bit32(R_GSTS, GCMD_SRTP, true);
	wr64(R_CCMD, CCMD_ICC | CCMD_GLOBAL);
	ok = ok && wait_bit64(R_CCMD, CCMD_ICC);
	iotlb_flush_global();
	wr32(R_GCMD, GCMD_TE);
	ok = ok && wait_bit32(R_GSTS, GCMD_TE, true);
	if (!ok) {
		printk(FW_LOG_WARN, "iommu: unit did not acknowledge setup; translation off");
		return;
	}
	/* SAFETY: the release store publishes the tables before iommu_active() reads true. */
	__atomic_store_n(&active, true, __ATOMIC_RELEASE);
	printk(FW_LOG_INFO, "iommu: VT-d at %lx (version %x), %u-level tables, %u devices "
			    "translated, %u fault records", base, rd32(R_VER), levels, n, fault_count);
}

bool iommu_active(void)
{
	/* SAFETY: an atomic load of the flag set once by iommu_init. */
	return __atomic_load_n(&active, __ATOMIC_ACQUIRE);
}

/* The device's index in the PCI table (its domain id - 1), or -1. */
static int dev_index(const struct pci_dev *d)
{
	return d->iommu_domain >= 1 && d->iommu_domain <= PCI_MAX_DEVS ? (int)d->iommu_domain - 1 : -1;
}

/* The leaf entry for iova in table root, creating intermediate tables; NULL on failure. */
static u64 *walk(u64 root, u64 iova, bool create)
{
	u64 table = root;
	for (u32 lvl = levels; lvl > 1; lvl--) {
		u32 idx = (u32)(iova >> (12 + 9 * (lvl - 1))) & 511;
		/* SAFETY: idx < 512 entries of the table frame. */
		u64 *e = table_at(table) + idx;
		if (!(*e & (SL_R | SL_W))) {
			if (!create)
				return NULL;
			u64 t = table_alloc();
			if (!t)
				return NULL;
			*e = t | SL_R | SL_W;
		}
		table = *e & SL_ADDR;
	}
	/* SAFETY: the last-level table frame; index < 512. */
	return table_at(table) + ((iova >> 12) & 511);
}

int iommu_map(struct pci_dev *d, u64 pa, bool write, u64 *iova)
{
	int i = dev_index(d);
	if (i < 0)
		return -ENODEV;
	u64 f = raw_spin_lock_irqsave(&iommu_lock);
	/* SAFETY: 0 <= i < PCI_MAX_DEVS (dev_index), the arrays' size. */
	u64 va = dev_next_iova[i];
	int err = -ENOSPC;
	if (va < IOVA_LIMIT) {
		u64 *pte = walk(dev_root[i], va, true);
		err = -ENOMEM;
		if (pte) {
			*pte = (pa & SL_ADDR) | SL_R | (write ? SL_W : 0);
			/* SAFETY: as above. */
			dev_next_iova[i] = va + 4096;
			*iova = va;
			err = 0;
		}
	}
	raw_spin_unlock_irqrestore(&iommu_lock, f);
	return err;
}

void iommu_unmap(struct pci_dev *d, u64 iova)
{
	int i = dev_index(d);
	if (i < 0)
		return;
	u64 f = raw_spin_lock_irqsave(&iommu_lock);
	/* SAFETY: 0 <= i < PCI_MAX_DEVS (dev_index). */
	u64 *pte = walk(dev_root[i], iova, false);
	if (pte)
		*pte = 0;
	iotlb_flush_global();
	raw_spin_unlock_irqrestore(&iommu_lock, f);
}

u64 iommu_poll_faults(void)
{
	if (!iommu_active())
		return 0;
	u64 f = raw_spin_lock_irqsave(&iommu_lock);
	u64 n = 0;
	if (rd32(R_FSTS) & FSTS_PPF) {
		for (u32 k = 0; k < fault_count; k++) {
			u32 off = fault_off + 16 * k;
			u64 hi = rd64(off + 8), lo = rd64(off);
			if (!(hi & (1ull << 63)))
				continue;
			u32 sid = (u32)hi & 0xffff, reason = (u32)(hi >> 32) & 0xff;
			printk(FW_LOG_WARN, "iommu: DMA fault: device %02x:%02x.%u %s address %lx, "
					    "reason %x (blocked)", sid >> 8, (sid >> 3) & 31, sid & 7,
			       (hi & (1ull << 62)) ? "read" : "write", lo & ~(u64)0xfff, reason);
			wr32(off + 12, 1u << 31); /* F is write-1-to-clear */
			n++;
		}
	}
	wr32(R_FSTS, FSTS_PFO | FSTS_PPF);
	faults_seen += n;
	raw_spin_unlock_irqrestore(&iommu_lock, f);
	return n;
}
