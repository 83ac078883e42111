/*
 * acpi.c — finding ACPI tables for the device layer (MCFG for ECAM, DMAR for the IOMMU).
 *
 * RSDP (from the boot loader, else the BIOS area 0xE0000-0xFFFFF), then the XSDT (revision >= 2)
 * or RSDT, whose entries point at tables with a 36-byte header: signature, length, ...
 * (ACPI 6.4 §5.2.5-5.2.8). Every table is read through a bounded slice of the direct map, so
 * a malformed length can make a lookup fail but never read outside what it claims.
 */
#include <fw/bytes.h>

#include "internal/bootinfo.h"
#include "internal/io.h"
#include "internal/mm.h"

#define ACPI_REACH (4ull << 30) /* tables live below 4 GiB, inside the direct map */

struct bytes acpi_table_bytes(u64 pa, u32 len)
{
	if (pa == 0 || pa >= ACPI_REACH || len > ACPI_REACH - pa)
		return bytes_empty();
	/* SAFETY: [pa, pa + len) is below 4 GiB, which the direct map always covers (kspace.c);
	 * firmware tables are plain memory, and callers only read the slice. */
	return __fw_bytes_raw(phys_to_virt(pa), len);
}

static bool sig_is(struct bytes b, size_t off, const char *sig, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct result_u8 c = bytes_u8(b, off + i);
		/* SAFETY: sig is a literal of at least n characters (callers pass 4 or 8). */
		if (c.err || c.value != (u8)sig[i])
			return false;
	}
	return true;
}

static u64 find_rsdp(void)
{
	if (boot_info.rsdp_phys)
		return boot_info.rsdp_phys;
	for (u64 a = 0xe0000; a < 0x100000; a += 16)
		if (sig_is(acpi_table_bytes(a, 8), 0, "RSD PTR ", 8))
			return a;
	return 0;
}

u64 acpi_find_table(const char *sig, u32 *len)
{
	u64 rsdp = find_rsdp();
	struct bytes r = acpi_table_bytes(rsdp, 36);
	if (!sig_is(r, 0, "RSD PTR ", 8))
		return 0;
	bool x = bytes_u8(r, 15).value >= 2 && bytes_le64(r, 24).value != 0;
	u64 root = x ? bytes_le64(r, 24).value : bytes_le32(r, 16).value;
	struct bytes h = acpi_table_bytes(root, 36);
	struct result_u32 rlen = bytes_le32(h, 4);
	if (rlen.err || rlen.value < 36)
		return 0;
	struct bytes t = acpi_table_bytes(root, rlen.value);
	u32 esz = x ? 8 : 4;
	for (u32 off = 36; off + esz <= bytes_len(t); off += esz) {
		u64 a = x ? bytes_le64(t, off).value : bytes_le32(t, off).value;
		struct bytes th = acpi_table_bytes(a, 36);
		if (!sig_is(th, 0, sig, 4))
			continue;
		struct result_u32 tl = bytes_le32(th, 4);
		if (tl.err || tl.value < 36)
			return 0;
		*len = tl.value;
		return a;
	}
	return 0;
}
