/*
 * iommu.c — the Intel VT-d remapping unit (not yet driven: every device address is physical).
 *
 * Until this file drives the unit, iommu_active() is false and DMA buffers carry physical
 * addresses: the same API, no protection against a device (docs/drivers.md).
 */
#include <fw/errno.h>

#include "internal/io.h"

void iommu_init(void)
{
}

bool iommu_active(void)
{
	return false;
}

int iommu_map(struct pci_dev *d, u64 pa, bool write, u64 *iova)
{
	(void)d;
	(void)write;
	*iova = pa;
	return 0;
}

void iommu_unmap(struct pci_dev *d, u64 iova)
{
	(void)d;
	(void)iova;
}

void iommu_reg_range(u64 *base, u64 *len)
{
	*base = 0;
	*len = 0;
}
