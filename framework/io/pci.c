/*
 * pci.c — PCI enumeration, configuration space, capability lists and BAR windows (fw/pci.h).
 *
 * Configuration access (PCI Local Bus 3.0 §3.2.2.3.2; PCIe 4.0 §7.2.2): ECAM when the ACPI MCFG
 * table describes a segment-0 region below 4 GiB (q35), else the legacy mechanism #1 through
 * ports 0xCF8 (address) / 0xCFC (data) (pc). The first pci_* call enumerates: bus 0 and every
 * bus behind a bridge (breadth-first, each bus once), each function's header, and every BAR
 * sized by the write-ones protocol with decoding off (§6.2.5.1). The MSI-X capability (§6.8.2)
 * is decoded here too; irq.c programs it.
 *
 * Windows: a BAR range is handed out only when it is a memory BAR inside the direct map's low
 * 4 GiB, outside RAM, outside the chipset block 0xFEC00000-0xFEFFFFFF (I/O APIC, HPET, the
 * VT-d unit on q35, local APIC), outside the ECAM area and the IOMMU registers, and (for
 * services) outside the device's own MSI-X table and PBA.
 */
#include <fw/errno.h>
#include <fw/pci.h>

#include "internal/io.h"
#include "internal/mm.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "arch/x86_64/x86.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc
#define CHIPSET_LO 0xfec00000ull /* I/O APIC .. local APIC: never a window */
#define CHIPSET_HI 0xff000000ull
#define WINDOW_REACH (4ull << 30)

static struct pci_dev devs[PCI_MAX_DEVS];
static u32 ndevs;
static bool enumerated;
static struct fw_rawlock cfg_lock = RAW_SPINLOCK_INIT;
static struct fw_rawlock enum_lock = RAW_SPINLOCK_INIT;
static u64 ecam_pa, ecam_len;
static u8 ecam_bus_lo, ecam_bus_hi;

/* The ECAM address of (bus, dev, fn, off), or NULL when the bus is outside the region. */
/* SAFETY: volatile: the pointer is to MMIO configuration registers (see the body). */
static volatile u32 *ecam_ptr(u8 bus, u8 dev, u8 fn, u32 off)
{
	if (bus < ecam_bus_lo || bus > ecam_bus_hi)
		return NULL;
	u64 pa = ecam_pa + ((u64)(bus - ecam_bus_lo) << 20) + ((u64)dev << 15) + ((u64)fn << 12) +
		 (off & 0xffcu);
	/* SAFETY: pa is inside [ecam_pa, ecam_pa + ecam_len), below 4 GiB (checked when MCFG was
	 * read), so the direct map covers it, uncached (not RAM); a 4-byte aligned u32 there is
	 * the function's configuration register. */
	return (volatile u32 *)phys_to_virt(pa);
}

static u32 cfg_read32_bdf(u8 bus, u8 dev, u8 fn, u32 off)
{
	if (ecam_pa) {
		/* SAFETY: volatile: a configuration register (ecam_ptr). */
		volatile u32 *p = ecam_ptr(bus, dev, fn, off);
		/* SAFETY: p is a configuration register (ecam_ptr); reading it has no side effect
		 * beyond the device's own. */
		return p ? *p : 0xffffffffu;
	}
	u64 f = raw_spin_lock_irqsave(&cfg_lock);
	/* SAFETY: mechanism #1: enable bit, bus, device, function, dword-aligned register. */
	outl(CFG_ADDR, 0x80000000u | ((u32)bus << 16) | ((u32)dev << 11) | ((u32)fn << 8) |
			       (off & 0xfcu));
	u32 v = inl(CFG_DATA);
	raw_spin_unlock_irqrestore(&cfg_lock, f);
	return v;
}

static void cfg_write32_bdf(u8 bus, u8 dev, u8 fn, u32 off, u32 v)
{
	if (ecam_pa) {
		/* SAFETY: volatile: a configuration register (ecam_ptr). */
		volatile u32 *p = ecam_ptr(bus, dev, fn, off);
		/* SAFETY: as cfg_read32_bdf; only framework code writes configuration space. */
		if (p)
			*p = v;
		return;
	}
	u64 f = raw_spin_lock_irqsave(&cfg_lock);
	/* SAFETY: as cfg_read32_bdf. */
	outl(CFG_ADDR, 0x80000000u | ((u32)bus << 16) | ((u32)dev << 11) | ((u32)fn << 8) |
			       (off & 0xfcu));
	outl(CFG_DATA, v);
	raw_spin_unlock_irqrestore(&cfg_lock, f);
}

static u32 cfg_limit(void)
{
	return ecam_pa ? 4096u : 256u;
}

u32 pci_cfg_read_raw(const struct pci_dev *d, u32 off, u32 width)
{
	u32 v = cfg_read32_bdf(d->bus, d->dev, d->fn, off & ~3u);
	u32 shift = (off & 3u) * 8;
	if (width == 4)
		return v;
	return (v >> shift) & (width == 2 ? 0xffffu : 0xffu);
}

void pci_cfg_write_raw(const struct pci_dev *d, u32 off, u32 width, u32 v)
{
	if (width == 4) {
		cfg_write32_bdf(d->bus, d->dev, d->fn, off, v);
		return;
	}
	/* Narrow writes as read-modify-write of the dword (no register we write has
	 * write-one-to-clear bits in the other bytes: command, MSI-X message control). */
	u32 shift = (off & 3u) * 8, mask = (width == 2 ? 0xffffu : 0xffu) << shift;
	u32 old = cfg_read32_bdf(d->bus, d->dev, d->fn, off & ~3u);
	cfg_write32_bdf(d->bus, d->dev, d->fn, off & ~3u, (old & ~mask) | ((v << shift) & mask));
}

/* ---- enumeration ----------------------------------------------------------------------------- */

static void find_ecam(void)
{
	u32 len = 0;
	u64 pa = acpi_find_table("MCFG", &len);
	struct bytes t = acpi_table_bytes(pa, len);
	/* MCFG (PCI Firmware 3.2 §4.1.2): header 36, reserved 8, then 16-byte allocations:
	 * base u64, segment u16, start bus u8, end bus u8, reserved u32. */
	for (u32 off = 44; off + 16 <= bytes_len(t); off += 16) {
		u64 base = bytes_le64(t, off).value;
		u16 seg = bytes_le16(t, off + 8).value;
		u8 lo = bytes_u8(t, off + 10).value, hi = bytes_u8(t, off + 11).value;
		u64 size = ((u64)(hi - lo) + 1) << 20;
		if (seg != 0 || hi < lo || base == 0 || base >= WINDOW_REACH ||
		    size > WINDOW_REACH - base) {
			printk(FW_LOG_WARN, "pci: MCFG entry (segment %u, base %lx, buses %u-%u) "
					    "unusable; legacy configuration ports", seg, base, lo, hi);
			continue;
		}
		ecam_pa = base;
		ecam_len = size;
		ecam_bus_lo = lo;
		ecam_bus_hi = hi;
		return;
	}
}

void pci_ecam_range(u64 *base, u64 *len)
{
	*base = ecam_pa;
	*len = ecam_len;
}

static void size_bars(struct pci_dev *d)
{
	u32 nbars = (d->hdr_type & 0x7f) == 0 ? 6 : (d->hdr_type & 0x7f) == 1 ? 2 : 0;
	u32 cmd = pci_cfg_read_raw(d, 0x04, 2);
	pci_cfg_write_raw(d, 0x04, 2, cmd & ~3u); /* decoding off while the BARs read as sizes */
	for (u32 i = 0; i < nbars; i++) {
		u32 off = 0x10 + 4 * i;
		u32 orig = pci_cfg_read_raw(d, off, 4);
		pci_cfg_write_raw(d, off, 4, 0xffffffffu);
		u32 mask = pci_cfg_read_raw(d, off, 4);
		pci_cfg_write_raw(d, off, 4, orig);
		/* SAFETY: index reduced modulo the array's size (bar[6]). */
		struct pci_bar *b = &d->bar[i % 6];
		if (mask == 0 || mask == 0xffffffffu)
			continue;
		if (orig & 1) {
			b->io = true;
			b->base = orig & ~3u;
			b->size = (~(mask & ~3u) + 1) & 0xffffu;
			continue;
		}
		u64 base = orig & ~0xfu, m = mask & ~0xfu;
		if (((orig >> 1) & 3) == 2 && i + 1 < nbars) {
			u32 hoff = off + 4;
			u32 horig = pci_cfg_read_raw(d, hoff, 4);
			pci_cfg_write_raw(d, hoff, 4, 0xffffffffu);
			u32 hmask = pci_cfg_read_raw(d, hoff, 4);
			pci_cfg_write_raw(d, hoff, 4, horig);
			base |= (u64)horig << 32;
			m |= (u64)hmask << 32;
			b->is64 = true;
			i++;
		} else {
			m |= 0xffffffff00000000ull;
		}
		b->base = base;
		b->size = ~m + 1;
	}
	pci_cfg_write_raw(d, 0x04, 2, cmd);
}

static void decode_msix(struct pci_dev *d)
{
	u32 cap = pci_cap_find(d, 0x11, 0);
	if (!cap)
		return;
	u32 ctrl = pci_cfg_read_raw(d, cap + 2, 2);
	u32 table = pci_cfg_read_raw(d, cap + 4, 4), pba = pci_cfg_read_raw(d, cap + 8, 4);
	d->msix_cap = cap;
	d->msix_size = (ctrl & 0x7ffu) + 1;
	d->msix_bir = table & 7u;
	d->msix_off = table & ~7u;
	d->pba_bir = pba & 7u;
	d->pba_off = pba & ~7u;
}

static void add_function(u8 bus, u8 dev, u8 fn, u8 *queue, u32 *nq, bool *seen)
{
	u32 id = cfg_read32_bdf(bus, dev, fn, 0);
	if ((id & 0xffffu) == 0xffffu)
		return;
	if (ndevs >= PCI_MAX_DEVS) {
		printk(FW_LOG_WARN, "pci: more than %u functions; %02x:%02x.%u ignored", PCI_MAX_DEVS,
		       bus, dev, fn);
		return;
	}
	/* SAFETY: index reduced modulo the array's size (ndevs < PCI_MAX_DEVS checked above). */
	struct pci_dev *d = &devs[ndevs++ % PCI_MAX_DEVS];
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = (u16)id;
	d->device = (u16)(id >> 16);
	d->class = cfg_read32_bdf(bus, dev, fn, 8) >> 8;
	d->hdr_type = (u8)(cfg_read32_bdf(bus, dev, fn, 0x0c) >> 16);
	if ((d->hdr_type & 0x7f) == 0)
		d->subsys = (u16)(cfg_read32_bdf(bus, dev, fn, 0x2c) >> 16);
	size_bars(d);
	decode_msix(d);
	if ((d->hdr_type & 0x7f) == 1) { /* a bridge: scan its secondary bus once */
		u8 sec = (u8)(cfg_read32_bdf(bus, dev, fn, 0x18) >> 8);
		/* SAFETY: seen has 256 entries (indexed by a u8); *nq < 256 because each bus is
		 * queued at most once (seen). */
		if (sec != 0 && !seen[sec]) {
			seen[sec] = true;
			queue[*nq] = sec;
			*nq += 1;
		}
	}
}

static void enumerate(void)
{
	find_ecam();
	static u8 queue[256];
	static bool seen[256];
	u32 nq = 1, head = 0;
	queue[0] = 0;
	seen[0] = true;
	while (head < nq && head < 256) {
		u8 bus = queue[head++ % 256];
		for (u8 dev = 0; dev < 32; dev++) {
			u32 hdr = cfg_read32_bdf(bus, dev, 0, 0x0c) >> 16;
			if ((cfg_read32_bdf(bus, dev, 0, 0) & 0xffffu) == 0xffffu)
				continue;
			u8 nfn = (hdr & 0x80) ? 8 : 1;
			for (u8 fn = 0; fn < nfn; fn++)
				add_function(bus, dev, fn, queue, &nq, seen);
		}
	}
	printk(FW_LOG_INFO, "pci: %u functions on %u buses (%s)", ndevs, nq,
	       ecam_pa ? "ECAM from MCFG" : "configuration ports 0xCF8/0xCFC");
	for (u32 i = 0; i < ndevs; i++) {
		/* SAFETY: index reduced modulo the array's size. */
		const struct pci_dev *d = &devs[i % PCI_MAX_DEVS];
		printk(FW_LOG_INFO, "pci:   %02x:%02x.%u %04x:%04x class %06x%s", d->bus, d->dev,
		       d->fn, d->vendor, d->device, d->class, d->msix_cap ? " msix" : "");
	}
}

void pci_ensure_enumerated(void)
{
	/* SAFETY: an atomic load of the once-flag (published with release below). */
	if (__atomic_load_n(&enumerated, __ATOMIC_ACQUIRE))
		return;
	u64 f = raw_spin_lock_irqsave(&enum_lock);
	if (!enumerated) {
		enumerate();
		/* SAFETY: the release store publishes devs[] and ndevs to lock-free readers. */
		__atomic_store_n(&enumerated, true, __ATOMIC_RELEASE);
	}
	raw_spin_unlock_irqrestore(&enum_lock, f);
	iommu_init(); /* idempotent; task context (it may allocate) */
}

/* ---- the service API ------------------------------------------------------------------------- */

uint32_t pci_dev_count(void)
{
	pci_ensure_enumerated();
	return ndevs;
}

struct pci_dev *pci_dev_at(uint32_t i)
{
	pci_ensure_enumerated();
	/* SAFETY: index reduced modulo the array's size (and i < ndevs <= PCI_MAX_DEVS). */
	return i < ndevs ? &devs[i % PCI_MAX_DEVS] : NULL;
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, uint32_t nth)
{
	pci_ensure_enumerated();
	for (u32 i = 0; i < ndevs; i++) {
		/* SAFETY: index reduced modulo the array's size. */
		struct pci_dev *d = &devs[i % PCI_MAX_DEVS];
		if (d->vendor == vendor && d->device == device && nth-- == 0)
			return d;
	}
	return NULL;
}

uint16_t pci_vendor(const struct pci_dev *d) { return d->vendor; }
uint16_t pci_device_id(const struct pci_dev *d) { return d->device; }
uint16_t pci_subsystem_id(const struct pci_dev *d) { return d->subsys; }
uint32_t pci_class(const struct pci_dev *d) { return d->class; }
uint16_t pci_bdf(const struct pci_dev *d)
{
	return (u16)(((u32)d->bus << 8) | ((u32)d->dev << 3) | d->fn);
}

static int cfg_check(uint32_t off, uint32_t width)
{
	if (off & (width - 1))
		return -EINVAL;
	if (off >= cfg_limit() || width > cfg_limit() - off)
		return -ERANGE;
	return 0;
}

struct result_u8 pci_cfg_read8(const struct pci_dev *d, uint32_t off)
{
	int err = cfg_check(off, 1);
	return err ? result_u8_err(err) : result_u8_ok((u8)pci_cfg_read_raw(d, off, 1));
}

struct result_u16 pci_cfg_read16(const struct pci_dev *d, uint32_t off)
{
	int err = cfg_check(off, 2);
	return err ? result_u16_err(err) : result_u16_ok((u16)pci_cfg_read_raw(d, off, 2));
}

struct result_u32 pci_cfg_read32(const struct pci_dev *d, uint32_t off)
{
	int err = cfg_check(off, 4);
	return err ? result_u32_err(err) : result_u32_ok(pci_cfg_read_raw(d, off, 4));
}

uint32_t pci_cap_find(const struct pci_dev *d, uint8_t cap_id, uint32_t nth)
{
	if (!(pci_cfg_read_raw(d, 0x06, 2) & (1u << 4))) /* status: capabilities list */
		return 0;
	u32 p = pci_cfg_read_raw(d, 0x34, 1);
	for (u32 steps = 0; steps < 48; steps++) {
		if (p < 0x40 || p > 0xfc || (p & 3))
			return 0;
		u32 hdr = pci_cfg_read_raw(d, p, 2);
		if ((hdr & 0xff) == cap_id && nth-- == 0)
			return p;
		p = hdr >> 8;
	}
	return 0;
}

uint64_t pci_bar_size(const struct pci_dev *d, uint32_t bar)
{
	if (bar >= 6 || d->bar[bar].io)
		return 0;
	return d->bar[bar].size;
}

int pci_claim(struct pci_dev *d)
{
	/* SAFETY: an atomic compare-and-swap on the device's claimed flag. */
	bool expected = false;
	if (!__atomic_compare_exchange_n(&d->claimed, &expected, true, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return -EBUSY;
	return 0;
}

int pci_enable(struct pci_dev *d)
{
	if (!d->claimed)
		return -EPERM;
	/* Command (§6.2.2): memory space 1, bus master 2, INTx disable 0x400; I/O space off. */
	u32 cmd = pci_cfg_read_raw(d, 0x04, 2);
	pci_cfg_write_raw(d, 0x04, 2, (cmd & ~1u) | 0x2u | 0x4u | 0x400u);
	return 0;
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return blen && alen && a < b + blen && b < a + alen;
}

bool io_range_withheld(u64 pa, u64 len)
{
	u64 eb, el, ib, il;
	pci_ecam_range(&eb, &el);
	iommu_reg_range(&ib, &il);
	if (overlaps(pa, len, CHIPSET_LO, CHIPSET_HI - CHIPSET_LO) || overlaps(pa, len, eb, el) ||
	    overlaps(pa, len, ib, il))
		return true;
	for (u64 p = pa & ~0xfffull; p < pa + len; p += 4096)
		if (frame_kind_of(p) != FRAME_ABSENT) /* RAM, or memory the allocator knows */
			return true;
	return false;
}

int pci_window(struct pci_dev *d, u32 bar, u64 off, u64 len, bool allow_msix,
	       struct mmio_window *out)
{
	if (bar >= 6 || d->bar[bar].io || d->bar[bar].size == 0 || d->bar[bar].base == 0)
		return -ENOENT;
	/* SAFETY: bar < 6 was checked on entry, the size of bar[]. */
	const struct pci_bar *b = &d->bar[bar];
	if (len == 0 || off >= b->size || len > b->size - off)
		return -ERANGE;
	u64 pa = b->base + off;
	if (pa >= WINDOW_REACH || len > WINDOW_REACH - pa) {
		printk(FW_LOG_WARN, "pci: %02x:%02x.%u BAR %u at %lx is above 4 GiB: not mapped",
		       d->bus, d->dev, d->fn, bar, b->base);
		return -EPERM;
	}
	if (io_range_withheld(pa, len))
		return -EPERM;
	if (!allow_msix && d->msix_cap &&
	    ((d->msix_bir == bar && overlaps(off, len, d->msix_off, 16ull * d->msix_size)) ||
	     (d->pba_bir == bar && overlaps(off, len, d->pba_off, 8ull * ((d->msix_size + 63) / 64)))))
		return -EPERM;
	/* SAFETY: [pa, pa + len) is device memory below 4 GiB (checked), in the direct map's
	 * uncached part (not RAM: checked); the window records its kernel address. */
	out->va = (u64)(uintptr_t)phys_to_virt(pa);
	out->len = len;
	return 0;
}

int pci_bar_map(struct pci_dev *d, uint32_t bar, uint64_t off, uint64_t len,
		struct mmio_window *out)
{
	if (!d->claimed)
		return -EPERM;
	return pci_window(d, bar, off, len, false, out);
}

/* ---- MMIO accessors ---------------------------------------------------------------------- */

static int win_check(const struct mmio_window *w, uint64_t off, uint64_t width)
{
	if (off & (width - 1))
		return -EINVAL;
	if (off >= w->len || width > w->len - off)
		return -ERANGE;
	return 0;
}

/* SAFETY (all accessors below): win_check proves [off, off + width) lies in the window, which
 * pci_window made over device memory in the uncached direct map; volatile makes it exactly
 * one access of that width, naturally aligned (checked). */
#define MMIO_ACCESSORS(bits)                                                                \
	struct result_u##bits mmio_read##bits(const struct mmio_window *w, uint64_t off)    \
	{                                                                                   \
		int err = win_check(w, off, bits / 8);                                      \
		if (err)                                                                    \
			return result_u##bits##_err(err);                                   \
		/* SAFETY: see above. */                                                    \
		return result_u##bits##_ok(*(volatile uint##bits##_t *)(uintptr_t)(w->va + off)); \
	}                                                                                   \
	int mmio_write##bits(const struct mmio_window *w, uint64_t off, uint##bits##_t v)   \
	{                                                                                   \
		int err = win_check(w, off, bits / 8);                                      \
		if (err)                                                                    \
			return err;                                                         \
		/* SAFETY: see above. */                                                    \
		*(volatile uint##bits##_t *)(uintptr_t)(w->va + off) = v;                   \
		return 0;                                                                   \
	}
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
