/*
 * multiboot2_test.c — the Multiboot2 parser on a hand-built information structure (QEMU's
 * -kernel boots through PVH, so GRUB's path is exercised here): command line, the first module
 * as the initrd, the memory map, and a truncated structure that must be read no further than
 * its size says.
 */
#include <fw/ktest.h>

#include "arch/x86_64/layout.h"
#include "internal/bootinfo.h"

static u8 mbi[256] __attribute__((aligned(8)));
static struct boot_info saved;

static void put32(size_t off, u32 v)
{
	for (int i = 0; i < 4; i++)
		mbi[off + i] = (u8)(v >> (8 * i));
}

static void put64(size_t off, u64 v)
{
	put32(off, (u32)v);
	put32(off + 4, (u32)(v >> 32));
}

/* Builds the structure; returns its total size. */
static u32 build(void)
{
	for (size_t i = 0; i < sizeof(mbi); i++)
		mbi[i] = 0;
	size_t o = 8;
	const char cmd[] = "mb2 quiet x=1";
	put32(o, 1); /* command line */
	put32(o + 4, 8 + sizeof(cmd));
	for (size_t i = 0; i < sizeof(cmd); i++)
		mbi[o + 8 + i] = (u8)cmd[i];
	o += (8 + sizeof(cmd) + 7) & ~7u;
	put32(o, 3); /* module */
	put32(o + 4, 16 + 7);
	put32(o + 8, 0x200000);
	put32(o + 12, 0x203000);
	o += (16 + 7 + 7) & ~7u;
	put32(o, 6); /* memory map: two entries of 24 bytes */
	put32(o + 4, 16 + 2 * 24);
	put32(o + 8, 24);
	put32(o + 12, 0);
	put64(o + 16, 0);
	put64(o + 24, 0x9fc00);
	put32(o + 32, 1);
	put64(o + 40, 0x100000);
	put64(o + 48, 0x7f00000);
	put32(o + 56, 1);
	o += 16 + 2 * 24;
	put32(o, 0); /* end */
	put32(o + 4, 8);
	o += 8;
	put32(0, (u32)o);
	return (u32)o;
}

static u64 mbi_phys(void)
{
	/* SAFETY: address arithmetic: the image is mapped at KERNEL_VIRT_BASE + physical. */
	return (u64)(uintptr_t)mbi - KERNEL_VIRT_BASE;
}

KTEST(boot, multiboot2_parsed)
{
	saved = boot_info;
	build();
	multiboot2_parse(mbi_phys());
	struct boot_info got = boot_info;
	boot_info = saved;
	KT_EXPECT_EQ(kt, got.protocol, BOOT_PROTO_MULTIBOOT2);
	KT_EXPECT_EQ(kt, got.cmdline_len, 13u);
	KT_EXPECT(kt, got.cmdline[0] == 'm' && got.cmdline[12] == '1' && got.cmdline[13] == '\0');
	KT_EXPECT_EQ(kt, got.initrd_phys, 0x200000u);
	KT_EXPECT_EQ(kt, got.initrd_size, 0x3000u);
	KT_ASSERT_EQ(kt, got.mem_count, 2u);
	KT_EXPECT_EQ(kt, got.mem[1].base, 0x100000u);
	KT_EXPECT_EQ(kt, got.mem[1].len_bytes, 0x7f00000u);
	KT_EXPECT_EQ(kt, got.mem[1].type, FW_MEM_USABLE);
}

KTEST(boot, multiboot2_truncated_is_bounded)
{
	saved = boot_info;
	build();
	put32(0, 8 + 8); /* total size now ends inside the command-line tag */
	multiboot2_parse(mbi_phys());
	struct boot_info got = boot_info;
	boot_info = saved;
	KT_EXPECT_EQ(kt, got.cmdline_len, 0u); /* the tag claims more than the total: ignored */
	KT_EXPECT_EQ(kt, got.mem_count, 0u);
	KT_EXPECT_EQ(kt, got.initrd_size, 0u);
}
