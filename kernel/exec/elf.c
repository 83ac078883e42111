/*
 * elf.c — the ELF64 load plan (exec/elf.h): parse the header and the program headers out of
 * the file's bytes through plain-data copies, validate every field a hostile file controls,
 * and describe the segments to map. Two passes over the program headers: the first checks
 * each entry on its own and collects PT_LOAD segments in file order, the second (over the
 * collected plan) applies the load bias and checks the whole (order, overlap, entry, phdr).
 * A dynamic program's PT_INTERP is checked and recorded; exec loads the linker it names.
 */
#include <exec/elf.h>
#include <fw/plain.h>

DEFINE_PLAIN(elf_ehdr, struct elf64_ehdr);
DEFINE_PLAIN(elf_phdr, struct elf64_phdr);

#define ELF_PAGE_MASK ((u64)ELF_PAGE_SIZE - 1)

bool elf_is_elf(struct bytes image)
{
	struct result_u32 m = bytes_be32(image, 0);
	return !m.err && m.value == 0x7f454c46u; /* "\x7fELF" */
}

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

static int check_header(const struct elf64_ehdr *eh, size_t file_len)
{
	if (eh->e_ident[4] != 2 /* ELFCLASS64 */ || eh->e_ident[5] != 1 /* ELFDATA2LSB */ ||
	    eh->e_ident[6] != 1 /* EV_CURRENT */ || eh->e_version != 1)
		return -ENOEXEC;
	if (eh->e_machine != ELF_EM_X86_64)
		return -ENOEXEC;
	if (eh->e_type != ELF_ET_EXEC && eh->e_type != ELF_ET_DYN)
		return -ENOEXEC;
	if (eh->e_ehsize < sizeof(struct elf64_ehdr) ||
	    eh->e_phentsize != sizeof(struct elf64_phdr))
		return -ENOEXEC;
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return -ENOEXEC;
	u64 table_len = (u64)eh->e_phnum * sizeof(struct elf64_phdr), table_end;
	if (fw_add_overflow(eh->e_phoff, table_len, &table_end) || table_end > file_len)
		return -ENOEXEC;
	return 0;
}

/* check_load - one PT_LOAD on its own (before the bias): sizes, file range, alignment. */
static int check_load(const struct elf64_phdr *ph, u64 file_len)
{
	u64 file_end, mem_end;
	if (ph->p_filesz > ph->p_memsz)
		return -ENOEXEC;
	if (fw_add_overflow(ph->p_offset, ph->p_filesz, &file_end) || file_end > file_len)
		return -ENOEXEC;
	if (ph->p_align > 1 && !is_pow2(ph->p_align))
		return -ENOEXEC;
	if ((ph->p_vaddr & ELF_PAGE_MASK) != (ph->p_offset & ELF_PAGE_MASK))
		return -ENOEXEC;
	if (fw_add_overflow(ph->p_vaddr, ph->p_memsz, &mem_end) || mem_end > ELF_USER_END)
		return -ENOEXEC;
	return 0;
}

/* collect - pass one: every program header, PT_LOADs into the plan (unbiased). */
static int collect(const struct elf64_ehdr *eh, struct bytes image, u64 file_size, struct elf_plan *plan,
		   struct elf64_phdr *pt_phdr, bool *has_pt_phdr)
{
	plan->exec_stack = true; /* x86-64 without PT_GNU_STACK: executable, as Linux */
	for (u32 i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		if (elf_phdr_from_bytes(&ph, image, eh->e_phoff + (u64)i * sizeof ph))
			return -ENOEXEC;
		switch (ph.p_type) {
		case ELF_PT_INTERP: {
			struct bytes_result name = bytes_sub(image, ph.p_offset, ph.p_filesz);
			struct result_size nul = name.err ? (struct result_size){ .err = -ERANGE }
							 : bytes_find(name.value, 0, 0);
			if (plan->interp_len || ph.p_filesz < 2 || ph.p_filesz > ELF_INTERP_MAX ||
			    nul.err || nul.value != ph.p_filesz - 1)
				return -ENOEXEC; /* two, empty, too long, outside the head, no NUL */
			plan->interp_off = ph.p_offset;
			plan->interp_len = ph.p_filesz;
			break;
		}
		case ELF_PT_GNU_STACK:
			plan->exec_stack = (ph.p_flags & ELF_PF_X) != 0;
			break;
		case ELF_PT_PHDR:
			*pt_phdr = ph;
			*has_pt_phdr = true;
			break;
		case ELF_PT_LOAD: {
			int e = check_load(&ph, file_size);
			if (e)
				return e;
			if (ph.p_memsz == 0)
				break;
			if (plan->nsegs >= ELF_MAX_LOADS)
				return -ENOEXEC;
			plan->segs[plan->nsegs++] = (struct elf_segment){
				.vaddr = ph.p_vaddr,
				.memsz = ph.p_memsz,
				.offset = ph.p_offset,
				.filesz = ph.p_filesz,
				.prot = ph.p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X),
			};
			break;
		}
		default:
			break;
		}
	}
	return plan->nsegs ? 0 : -ENOEXEC;
}

/* in_segment - the first segment containing [addr, addr+len) in memory, or -1. */
static int in_segment(const struct elf_plan *plan, u64 addr, u64 len, u32 need_prot)
{
	for (u32 i = 0; i < plan->nsegs && i < ELF_MAX_LOADS; i++) {
		struct elf_segment s = plan->segs[i];
		if (addr >= s.vaddr && len <= s.memsz && addr - s.vaddr <= s.memsz - len &&
		    (s.prot & need_prot) == need_prot)
			return (int)i;
	}
	return -1;
}

/* rebase - `addr` moved so that `first_page` lands on `base`; false when addr is below
 * first_page or the result overflows. */
static bool rebase(u64 addr, u64 first_page, u64 base, u64 *out)
{
	return addr >= first_page && !fw_add_overflow(base, addr - first_page, out);
}

/* relocate - pass two: move the segments to `base` and check order, overlap and range. */
static int relocate(struct elf_plan *plan, u64 first_page, u64 base)
{
	u64 prev_end = 0;
	for (u32 i = 0; i < plan->nsegs && i < ELF_MAX_LOADS; i++) {
		u64 start, end;
		if (!rebase(plan->segs[i].vaddr, first_page, base, &start) ||
		    fw_add_overflow(start, plan->segs[i].memsz, &end) || end > ELF_USER_END)
			return -ENOEXEC;
		if ((start & ~ELF_PAGE_MASK) < ELF_USER_MIN)
			return -ENOEXEC;
		if (i > 0 && start < prev_end)
			return -ENOEXEC; /* out of order or overlapping */
		plan->segs[i].vaddr = start;
		prev_end = end;
	}
	plan->lowest = plan->segs[0].vaddr & ~ELF_PAGE_MASK;
	/* brk starts on the page after the end of the highest segment. */
	if (fw_add_overflow(prev_end, ELF_PAGE_MASK, &plan->brk_start))
		return -ENOEXEC;
	plan->brk_start &= ~ELF_PAGE_MASK;
	if (plan->brk_start > ELF_USER_END)
		return -ENOEXEC;
	return 0;
}

/* find_phdr - AT_PHDR: PT_PHDR's address, else the loaded bytes of the file that hold the
 * program header table; 0 when the table is not loaded (Linux passes a bogus value then). */
static u64 find_phdr(const struct elf_plan *plan, const struct elf64_ehdr *eh,
		     const struct elf64_phdr *pt_phdr, bool has_pt_phdr, u64 first_page, u64 base)
{
	u64 len = (u64)eh->e_phnum * sizeof(struct elf64_phdr), addr;
	if (has_pt_phdr) {
		if (!rebase(pt_phdr->p_vaddr, first_page, base, &addr) ||
		    in_segment(plan, addr, len, 0) < 0)
			return 0;
		return addr;
	}
	for (u32 i = 0; i < plan->nsegs && i < ELF_MAX_LOADS; i++) {
		struct elf_segment s = plan->segs[i];
		if (eh->e_phoff >= s.offset && len <= s.filesz &&
		    eh->e_phoff - s.offset <= s.filesz - len)
			return s.vaddr + (eh->e_phoff - s.offset);
	}
	return 0;
}

int elf_plan_load(struct bytes image, u64 file_size, u64 dyn_base, struct elf_plan *plan)
{
	struct elf64_ehdr eh;
	struct elf64_phdr pt_phdr = { 0 };
	bool has_pt_phdr = false;
	int e;

	*plan = (struct elf_plan){ 0 };
	if (!elf_is_elf(image) || elf_ehdr_from_bytes(&eh, image, 0))
		return -ENOEXEC;
	if (file_size < bytes_len(image))
		return -EINVAL;
	e = check_header(&eh, bytes_len(image));
	if (!e)
		e = collect(&eh, image, file_size, plan, &pt_phdr, &has_pt_phdr);
	if (e)
		goto fail;

	/* ET_EXEC stays where it is linked; ET_DYN moves its lowest page to dyn_base. */
	u64 first_page = plan->segs[0].vaddr & ~ELF_PAGE_MASK, base = first_page;
	if (eh.e_type == ELF_ET_DYN) {
		if (dyn_base & ELF_PAGE_MASK || dyn_base < ELF_USER_MIN || dyn_base >= ELF_USER_END) {
			e = -EINVAL;
			goto fail;
		}
		base = dyn_base;
	}
	plan->type = eh.e_type;
	plan->load_bias = base - first_page; /* modulo 2^64: AT_BASE-style bias */
	e = relocate(plan, first_page, base);
	if (e)
		goto fail;
	if (!rebase(eh.e_entry, first_page, base, &plan->entry) ||
	    in_segment(plan, plan->entry, 1, ELF_PF_X) < 0) {
		e = -ENOEXEC;
		goto fail;
	}
	plan->phdr_vaddr = find_phdr(plan, &eh, &pt_phdr, has_pt_phdr, first_page, base);
	plan->phent = eh.e_phentsize;
	plan->phnum = eh.e_phnum;
	return 0;
fail:
	*plan = (struct elf_plan){ 0 };
	return e;
}
