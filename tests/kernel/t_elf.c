/*
 * tests/kernel/t_elf.c — host tests of the ELF load plan (kernel/exec/elf.c): Debian's static
 * busybox and a static-PIE program built by the host compiler are planned as Linux maps them;
 * a dynamic program is refused; a hand-made image is broken one field at a time (truncated,
 * overlapping and out-of-order segments, huge sizes, bad offsets and alignments, kernel-half
 * addresses, address overflow, bad entry) and each is -ENOEXEC, never a crash.
 */
#include <exec/elf.h>

#include "khost.h"

KTEST(elf, busybox_static)
{
	size_t len;
	uint8_t *img = kh_load("/bin/busybox", &len);
	KT_ASSERT(kt, img);
	struct elf_plan p;
	KT_ASSERT(kt, elf_plan_load(kh_bytes(img, len), len, 0x555555554000ull, &p) == 0);
	KT_EXPECT(kt, p.type == ELF_ET_EXEC && p.load_bias == 0);
	KT_EXPECT(kt, p.nsegs == 4);
	KT_EXPECT(kt, p.segs[0].vaddr == 0x400000 && p.segs[0].prot == ELF_PF_R);
	KT_EXPECT(kt, p.segs[1].prot == (ELF_PF_R | ELF_PF_X));
	KT_EXPECT(kt, p.segs[3].filesz < p.segs[3].memsz && p.segs[3].prot == (ELF_PF_R | ELF_PF_W));
	KT_EXPECT(kt, p.phdr_vaddr == 0x400040 && p.phent == 56 && p.phnum == 10);
	KT_EXPECT(kt, p.entry >= p.segs[1].vaddr && p.entry < p.segs[1].vaddr + p.segs[1].memsz);
	KT_EXPECT(kt, p.brk_start % 4096 == 0 && p.brk_start >= p.segs[3].vaddr + p.segs[3].memsz);
	KT_EXPECT(kt, !p.exec_stack);
	/* every truncation that cuts into a segment is refused (section headers may go) */
	size_t need = p.segs[3].offset + p.segs[3].filesz;
	for (size_t cut = 0; cut < need; cut += cut < 4096 ? 1 : 4093)
		KT_EXPECT(kt, elf_plan_load(kh_bytes(img, cut), cut, 0x555555554000ull, &p) == -ENOEXEC);
	free(img);
}

KTEST(elf, head_and_file_size)
{
	size_t len;
	uint8_t *img = kh_load("/bin/busybox", &len);
	KT_ASSERT(kt, img);
	struct elf_plan p;
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, 4096), len, 0x555555554000ull, &p) == 0);
	KT_EXPECT(kt, p.nsegs == 4 && p.phnum == 10);
	size_t need = p.segs[3].offset + p.segs[3].filesz; /* the file bytes segments use */
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, 4096), need, 0x555555554000ull, &p) == 0);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, 4096), need - 1, 0x555555554000ull, &p) == -ENOEXEC);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, 100), len, 0x555555554000ull, &p) == -ENOEXEC);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, 4096), 100, 0x555555554000ull, &p) == -EINVAL);
	free(img);
}

KTEST(elf, static_pie_and_dynamic)
{
	const char *spie = getenv("KHOST_STATIC_PIE");
	size_t len = 0;
	uint8_t *img = spie ? kh_load(spie, &len) : NULL;
	KT_ASSERT(kt, img);
	struct elf_plan p;
	KT_ASSERT(kt, elf_plan_load(kh_bytes(img, len), len, 0x555555554000ull, &p) == 0);
	KT_EXPECT(kt, p.type == ELF_ET_DYN);
	KT_EXPECT(kt, p.lowest == 0x555555554000ull && p.load_bias == 0x555555554000ull);
	KT_EXPECT(kt, p.phdr_vaddr == 0x555555554040ull);
	KT_EXPECT(kt, p.entry > 0x555555554000ull);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, len), len, 0x555555554001ull, &p) == -EINVAL);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, len), len, 0, &p) == -EINVAL);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, len), len, 0xffff800000000000ull, &p) == -EINVAL);
	/* a base so high the image runs into the kernel half */
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, len), len, 0x7fffffffe000ull, &p) == -ENOEXEC);
	free(img);
	img = kh_load("/bin/ls", &len); /* dynamic: PT_INTERP recorded, for exec to follow */
	KT_ASSERT(kt, img);
	KT_EXPECT(kt, elf_plan_load(kh_bytes(img, len), len, 0x555555554000ull, &p) == 0);
	KT_EXPECT(kt, p.interp_len == sizeof "/lib64/ld-linux-x86-64.so.2");
	KT_EXPECT(kt, p.interp_off + p.interp_len <= len &&
			      memcmp(img + p.interp_off, "/lib64/ld-linux-x86-64.so.2", p.interp_len) == 0);
	free(img);
}

/* A small ET_EXEC: header, 3 program headers (R+X text over the headers, RW data, stack),
 * 0x3000 bytes of file. */
struct mini {
	uint8_t b[0x3000];
};

static struct elf64_phdr *ph(struct mini *m, int i)
{
	return (struct elf64_phdr *)(m->b + 64 + 56 * i);
}

static struct elf64_ehdr *eh(struct mini *m)
{
	return (struct elf64_ehdr *)m->b;
}

static void mini_init(struct mini *m)
{
	memset(m, 0, sizeof *m);
	memcpy(m->b, "\x7f" "ELF\x02\x01\x01", 7);
	*eh(m) = (struct elf64_ehdr){ .e_type = ELF_ET_EXEC, .e_machine = ELF_EM_X86_64,
				      .e_version = 1, .e_entry = 0x401000, .e_phoff = 64,
				      .e_ehsize = 64, .e_phentsize = 56, .e_phnum = 3 };
	memcpy(eh(m)->e_ident, "\x7f" "ELF\x02\x01\x01", 7);
	*ph(m, 0) = (struct elf64_phdr){ .p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R | ELF_PF_X,
					 .p_offset = 0, .p_vaddr = 0x400000, .p_filesz = 0x2000,
					 .p_memsz = 0x2000, .p_align = 0x1000 };
	*ph(m, 1) = (struct elf64_phdr){ .p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R | ELF_PF_W,
					 .p_offset = 0x2010, .p_vaddr = 0x403010, .p_filesz = 0xff0,
					 .p_memsz = 0x5000, .p_align = 0x1000 };
	*ph(m, 2) = (struct elf64_phdr){ .p_type = ELF_PT_GNU_STACK, .p_flags = ELF_PF_R | ELF_PF_W };
}

static int plan(struct mini *m)
{
	struct elf_plan p;
	return elf_plan_load(kh_bytes(m->b, sizeof m->b), sizeof m->b, 0x10000000, &p);
}

KTEST(elf, mini_accepted)
{
	static struct mini m;
	struct elf_plan p;
	mini_init(&m);
	KT_ASSERT(kt, elf_plan_load(kh_bytes(m.b, sizeof m.b), sizeof m.b, 0, &p) == 0);
	KT_EXPECT(kt, p.nsegs == 2 && p.entry == 0x401000 && p.phdr_vaddr == 0x400040);
	KT_EXPECT(kt, p.brk_start == 0x409000 && p.lowest == 0x400000 && !p.exec_stack);
	/* as ET_DYN at 0x10000000 */
	eh(&m)->e_type = ELF_ET_DYN;
	KT_ASSERT(kt, elf_plan_load(kh_bytes(m.b, sizeof m.b), sizeof m.b, 0x10000000, &p) == 0);
	KT_EXPECT(kt, p.segs[0].vaddr == 0x10000000 && p.segs[1].vaddr == 0x10003010);
	KT_EXPECT(kt, p.entry == 0x10001000 && p.phdr_vaddr == 0x10000040);
	KT_EXPECT(kt, p.brk_start == 0x10009000);
	/* PT_PHDR is used when present */
	*ph(&m, 2) = (struct elf64_phdr){ .p_type = ELF_PT_PHDR, .p_vaddr = 0x400040, .p_offset = 64,
					  .p_filesz = 168, .p_memsz = 168 };
	KT_ASSERT(kt, elf_plan_load(kh_bytes(m.b, sizeof m.b), sizeof m.b, 0x10000000, &p) == 0);
	KT_EXPECT(kt, p.phdr_vaddr == 0x10000040 && p.exec_stack);
}

KTEST(elf, mini_rejected)
{
	static struct mini m;
#define BAD(stmt, want)                                                                     \
	do {                                                                                \
		mini_init(&m);                                                              \
		stmt;                                                                       \
		KT_EXPECT(kt, plan(&m) == (want));                                          \
	} while (0)
	BAD((void)0, 0);
	BAD(m.b[0] = 0x7e, -ENOEXEC);
	BAD(eh(&m)->e_ident[4] = 1, -ENOEXEC);                   /* ELFCLASS32 */
	BAD(eh(&m)->e_ident[5] = 2, -ENOEXEC);                   /* big-endian */
	BAD(eh(&m)->e_machine = 3, -ENOEXEC);                    /* i386 */
	BAD(eh(&m)->e_type = 1, -ENOEXEC);                       /* ET_REL */
	BAD(eh(&m)->e_version = 2, -ENOEXEC);
	BAD(eh(&m)->e_phentsize = 55, -ENOEXEC);
	BAD(eh(&m)->e_phnum = 0, -ENOEXEC);
	BAD(eh(&m)->e_phnum = 0xffff, -ENOEXEC);
	BAD(eh(&m)->e_phoff = 0x2fd0, -ENOEXEC);                 /* table past the end */
	BAD(eh(&m)->e_phoff = ~0ull - 8, -ENOEXEC);              /* offset + size overflows */
	BAD(eh(&m)->e_entry = 0x403010, -ENOEXEC);               /* entry in a non-exec segment */
	BAD(eh(&m)->e_entry = 0x500000, -ENOEXEC);               /* entry nowhere */
	BAD(ph(&m, 1)->p_filesz = 0x5001, -ENOEXEC);             /* filesz > memsz */
	BAD(ph(&m, 1)->p_offset = 0x3010, -ENOEXEC);             /* data past the end of file */
	BAD(ph(&m, 1)->p_offset = ~0ull - 0x7ef, -ENOEXEC);      /* offset + filesz overflows */
	BAD(ph(&m, 1)->p_vaddr = 0x403020, -ENOEXEC);            /* vaddr/offset not congruent */
	BAD(ph(&m, 1)->p_align = 0x1800, -ENOEXEC);              /* align not a power of two */
	BAD(ph(&m, 1)->p_vaddr = 0x401010, -ENOEXEC);            /* overlaps the text */
	BAD((ph(&m, 1)->p_vaddr = 0x300010), -ENOEXEC);          /* out of order */
	BAD(ph(&m, 1)->p_memsz = 0x7fffffffffffull, -ENOEXEC);   /* huge: into the kernel half */
	BAD(ph(&m, 1)->p_memsz = ~0ull, -ENOEXEC);               /* vaddr + memsz overflows */
	BAD(ph(&m, 1)->p_vaddr = 0xffff800000003010ull, -ENOEXEC); /* kernel half */
	BAD((ph(&m, 0)->p_vaddr = 0x0, eh(&m)->e_entry = 0x1000), -ENOEXEC); /* below mmap_min_addr */
	BAD(ph(&m, 2)->p_type = ELF_PT_INTERP, -ENOEXEC);        /* an empty PT_INTERP */
	BAD((ph(&m, 2)->p_type = ELF_PT_INTERP, ph(&m, 2)->p_offset = 0x100,
	     ph(&m, 2)->p_filesz = 3, memcpy(m.b + 0x100, "/ld", 3)), -ENOEXEC); /* no NUL */
	BAD((ph(&m, 2)->p_type = ELF_PT_INTERP, ph(&m, 2)->p_offset = 0x2ffe,
	     ph(&m, 2)->p_filesz = 4), -ENOEXEC);                 /* past the head */
	BAD((ph(&m, 0)->p_type = 0, ph(&m, 1)->p_type = 0), -ENOEXEC); /* nothing to load */
	BAD((eh(&m)->e_type = ELF_ET_DYN, ph(&m, 1)->p_vaddr = 0x3fe010), -ENOEXEC); /* below base */
#undef BAD
	/* more PT_LOADs than a plan holds */
	mini_init(&m);
	eh(&m)->e_phnum = 40;
	for (int i = 2; i < 40; i++)
		*ph(&m, i) = (struct elf64_phdr){ .p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R,
						  .p_vaddr = 0x500000 + 0x1000 * i, .p_memsz = 8 };
	KT_EXPECT(kt, plan(&m) == -ENOEXEC);
}
