/*
 * tests/lib/t_examples.c — runs the service-side examples (tests/lib/service-examples/) on
 * known inputs: a cpio archive, an ELF header, paths, the fd table, timers and a log line.
 */
#include <fw/bytes.h>
#include <fw/str.h>

#include "../../framework/lib/ktest_compat.h"
#include "service-examples/examples.h"

/* put_text - append a literal's bytes at *pos of b. */
static void put_text(struct bytes b, size_t *pos, struct str s)
{
	struct bytes_result tail = bytes_skip(b, *pos);
	if (!tail.err && !str_copy_to(tail.value, s).err)
		*pos += str_len(s);
	else
		*pos = bytes_len(b) + 1; /* poisons the archive: the test then fails */
}

static void pad4(struct bytes b, size_t *pos)
{
	while (*pos % 4)
		(void)bytes_put_u8(b, (*pos)++, 0);
}

/* cpio_entry - one newc entry: header, name with NUL, data. */
static void cpio_entry(struct bytes b, size_t *pos, struct str mode, struct str namesize,
		       struct str filesize, struct str name, struct str data)
{
	put_text(b, pos, STR("070701" "00000001"));
	put_text(b, pos, mode);
	put_text(b, pos, STR("00000000" "00000000" "00000001" "00000000"));
	put_text(b, pos, filesize);
	put_text(b, pos, STR("00000000" "00000000" "00000000" "00000000"));
	put_text(b, pos, namesize);
	put_text(b, pos, STR("00000000"));
	put_text(b, pos, name);
	(void)bytes_put_u8(b, (*pos)++, 0);
	pad4(b, pos);
	put_text(b, pos, data);
	pad4(b, pos);
}

KTEST(examples, cpio_scan)
{
	static uint8_t img[1024];
	struct bytes b = BYTES_OF_ARRAY(img);
	size_t pos = 0;
	cpio_entry(b, &pos, STR("000081a4"), STR("00000005"), STR("00000003"), STR("init"), STR("abc"));
	cpio_entry(b, &pos, STR("000041ed"), STR("00000004"), STR("00000000"), STR("dev"), STR(""));
	cpio_entry(b, &pos, STR("000081a4"), STR("00000008"), STR("0000000b"), STR("etc/foo"), STR("hello world"));
	cpio_entry(b, &pos, STR("00000000"), STR("0000000b"), STR("00000000"), STR("TRAILER!!!"), STR(""));
	KT_ASSERT(kt, pos <= sizeof img);
	struct cpio_summary s;
	KT_EXPECT(kt, cpio_scan(bytes_head(b, pos), STR("etc/foo"), &s) == 0);
	KT_EXPECT(kt, s.entries == 2 && s.total_bytes == 14 && s.want_size == 11);
	/* Every truncation of the archive is rejected, never read past. */
	bool all_rejected = true;
	for (size_t n = 0; n < pos - 4; n++)
		all_rejected = all_rejected && cpio_scan(bytes_head(b, n), STR("x"), &s) == -EINVAL;
	KT_EXPECT(kt, all_rejected);
	img[0] = '1';
	KT_EXPECT(kt, cpio_scan(bytes_head(b, pos), STR("x"), &s) == -EINVAL);
}

KTEST(examples, elf_probe)
{
	static uint8_t img[64 + 2 * 56 + 16];
	struct bytes b = BYTES_OF_ARRAY(img);
	const uint8_t ident[8] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	for (size_t i = 0; i < sizeof ident; i++)
		(void)bytes_put_u8(b, i, ident[i]);
	(void)bytes_put_le16(b, 16, 2);          /* ET_EXEC */
	(void)bytes_put_le16(b, 18, 62);         /* EM_X86_64 */
	(void)bytes_put_le64(b, 24, 0x401000);   /* e_entry */
	(void)bytes_put_le64(b, 32, 64);         /* e_phoff */
	(void)bytes_put_le16(b, 54, 56);         /* e_phentsize */
	(void)bytes_put_le16(b, 56, 2);          /* e_phnum */
	(void)bytes_put_le32(b, 64, 1);          /* PT_LOAD */
	(void)bytes_put_le64(b, 64 + 16, 0x400000);
	(void)bytes_put_le64(b, 64 + 32, 16);    /* p_filesz */
	(void)bytes_put_le64(b, 64 + 40, 0x2000);
	(void)bytes_put_le64(b, 64 + 8, 176);    /* p_offset: the last 16 bytes */
	(void)bytes_put_le32(b, 120, 6);         /* PT_PHDR: ignored */
	struct elf_summary s;
	KT_EXPECT(kt, elf_probe(b, &s) == 0);
	KT_EXPECT(kt, s.entry == 0x401000 && s.loads == 1 && s.max_vaddr_end == 0x402000);
	(void)bytes_put_le64(b, 64 + 8, 177);    /* segment runs past the file */
	KT_EXPECT(kt, elf_probe(b, &s) == -ENOEXEC);
	(void)bytes_put_le64(b, 64 + 8, 176);
	(void)bytes_put_le16(b, 56, 3);          /* a third phdr past the end */
	KT_EXPECT(kt, elf_probe(b, &s) == -ENOEXEC);
	(void)bytes_put_le16(b, 56, 2);
	(void)bytes_put_le64(b, 32, UINT64_MAX - 10); /* e_phoff overflows */
	KT_EXPECT(kt, elf_probe(b, &s) == -ENOEXEC);
	KT_EXPECT(kt, elf_probe(bytes_head(b, 63), &s) == -ENOEXEC);
}

static bool norm_is(struct str in, struct str want)
{
	char buf[64];
	struct bytes b = BYTES_OF_ARRAY(buf);
	struct result_size r = path_normalise(in, b);
	return r.err == 0 && str_eq(str_from_bytes(bytes_head(b, r.value)), want);
}

KTEST(examples, path_normalise)
{
	KT_EXPECT(kt, norm_is(STR("/"), STR("/")));
	KT_EXPECT(kt, norm_is(STR("/a/./b/../c"), STR("/a/c")));
	KT_EXPECT(kt, norm_is(STR("//usr///bin/"), STR("/usr/bin")));
	KT_EXPECT(kt, norm_is(STR("/../../x"), STR("/x")));
	KT_EXPECT(kt, norm_is(STR("/a/b/.."), STR("/a")));
	char small[4];
	KT_EXPECT(kt, path_normalise(STR("/abcdef"), BYTES_OF_ARRAY(small)).err == -ENOSPC);
	KT_EXPECT(kt, path_normalise(STR("rel/x"), BYTES_OF_ARRAY(small)).err == -EINVAL);
}

KTEST(examples, fd_table_and_timers)
{
	KT_EXPECT(kt, fd_table_demo() == 0);
	KT_EXPECT(kt, timer_demo() == 2);
	KT_EXPECT(kt, dcache_demo() == 0);
}

KTEST(examples, log_line)
{
	char buf[64];
	struct bytes b = BYTES_OF_ARRAY(buf);
	struct result_size r = log_demo(b, 42, STR("init"));
	KT_EXPECT(kt, r.err == 0 &&
		  str_eq(str_from_bytes(bytes_head(b, r.value)), STR("[   42] init     exited with -1 (0x00ff)")));
}
