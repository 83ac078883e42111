/*
 * io_test.c — ktests of PCI enumeration, configuration reads, capability walks and the rules
 * for MMIO windows (suite `pci`, in every ktest boot: QEMU always has a host bridge).
 */
#include <fw/errno.h>
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/pci.h>

#include "internal/io.h"
#include "internal/mm.h"

KTEST(pci, host_bridge_is_found)
{
	KT_ASSERT(kt, pci_dev_count() > 0);
	struct pci_dev *d = pci_dev_at(0);
	KT_ASSERT(kt, d != NULL);
	KT_EXPECT_EQ(kt, pci_vendor(d), 0x8086u);
	KT_EXPECT_EQ(kt, pci_class(d) >> 8, 0x0600u); /* bridge, host */
	KT_EXPECT_EQ(kt, pci_bdf(d), 0u);
	KT_EXPECT(kt, pci_dev_at(pci_dev_count()) == NULL);
	KT_EXPECT(kt, pci_find(0x8086, pci_device_id(d), 0) == d);
	KT_EXPECT(kt, pci_find(0x8086, pci_device_id(d), 1) == NULL);
}

KTEST(pci, config_reads_are_bounded_and_aligned)
{
	struct pci_dev *d = pci_dev_at(0);
	KT_ASSERT(kt, d != NULL);
	struct result_u32 id = pci_cfg_read32(d, 0);
	KT_EXPECT_EQ(kt, id.err, 0);
	KT_EXPECT_EQ(kt, id.value & 0xffffu, 0x8086u);
	KT_EXPECT_EQ(kt, pci_cfg_read16(d, 0).value, 0x8086u);
	KT_EXPECT_EQ(kt, pci_cfg_read8(d, 1).value, 0x80u);
	KT_EXPECT_EQ(kt, pci_cfg_read32(d, 2).err, -EINVAL);
	KT_EXPECT_EQ(kt, pci_cfg_read16(d, 1).err, -EINVAL);
	KT_EXPECT_EQ(kt, pci_cfg_read32(d, 4096).err, -ERANGE);
	KT_EXPECT_EQ(kt, pci_cfg_read8(d, 0xffffffffu).err, -ERANGE);
	KT_EXPECT_EQ(kt, pci_cap_find(d, 0xee, 0), 0u); /* no such capability id */
}

KTEST(pci, chipset_and_ram_are_withheld)
{
	KT_EXPECT(kt, io_range_withheld(0xfee00000ull, 4096)); /* local APIC */
	KT_EXPECT(kt, io_range_withheld(0xfec00000ull, 16));   /* I/O APIC */
	KT_EXPECT(kt, io_range_withheld(0xfed00000ull, 1024)); /* HPET */
	KT_EXPECT(kt, io_range_withheld(0xfebff000ull, 0x2000)); /* straddles into the block */
	struct frame f = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&f) == 0);
	KT_EXPECT(kt, io_range_withheld(frame_paddr(&f), 4096)); /* RAM */
	frame_release(&f);
}

KTEST(pci, windows_need_a_claim_and_a_memory_bar)
{
	struct pci_dev *d = pci_dev_at(0);
	KT_ASSERT(kt, d != NULL);
	struct mmio_window w = { 0 };
	KT_EXPECT_EQ(kt, pci_bar_map(d, 0, 0, 4, &w), -EPERM); /* not claimed */
	KT_EXPECT_EQ(kt, mmio_window_len(&w), 0u);
	KT_EXPECT_EQ(kt, mmio_read32(&w, 0).err, -ERANGE);      /* a zeroed window reaches nothing */
	KT_EXPECT_EQ(kt, mmio_write8(&w, 0, 1), -ERANGE);
	KT_EXPECT_EQ(kt, pci_enable(d), -EPERM);
	KT_EXPECT_EQ(kt, pci_bar_size(d, 6), 0u);
	struct dma_buf b = { 0 };
	KT_EXPECT_EQ(kt, dma_alloc_coherent(d, &b), -EPERM);
	KT_EXPECT(kt, dma_buf_is_empty(&b));
}
