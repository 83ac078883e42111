/*
 * exec/elf.h — the ELF64 loader's pure half: read and validate an executable's header and
 * program headers from a `struct bytes` and produce a load plan (what to map where, with
 * which permissions, where to start, where the heap begins). The exec path then maps the
 * plan into a fresh address space; nothing here touches memory outside the image slice.
 *
 * Accepted: x86-64 little-endian ELF64, ET_EXEC (static) and ET_DYN without PT_INTERP
 * (static-PIE, loaded at a caller-chosen page-aligned base). Everything else, and every
 * inconsistency a hostile file can contain, is -ENOEXEC (or -EINVAL / -ENOMEM as Linux
 * returns for the same fault), never a trap:
 *   header: magic, class, data order, version, machine, type, e_ehsize, e_phentsize,
 *           e_phnum 1..ELF_MAX_PHDRS, the program header table inside the file;
 *   PT_LOAD: filesz > memsz, p_offset + p_filesz past the end of the file, p_align not a power
 *           of two, p_vaddr and p_offset not congruent modulo the page size (and modulo
 *           p_align), vaddr + memsz overflowing or reaching the kernel half, segments out
 *           of p_vaddr order or overlapping, more than ELF_MAX_LOADS of them, none at all;
 *   PT_INTERP (dynamic programs, a later issue), an entry point outside every executable
 *           segment.
 */
#ifndef KERNEL_EXEC_ELF_H
#define KERNEL_EXEC_ELF_H

#include <fw/bytes.h>
#include <fw/types.h>

/* The on-disk structures (System V gABI, ELF-64 Object File Format 1.5): plain data. */
struct elf64_ehdr {
	u8 e_ident[16];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr");

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");

#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_PHDR 6
#define ELF_PT_TLS 7
#define ELF_PT_GNU_STACK 0x6474e551u
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

#define ELF_PAGE_SIZE 4096u
/* The lowest address a segment may use (Linux's default vm.mmap_min_addr) and the end of
 * the user half on x86-64 with 4-level paging (the last page below 2^47 is kept unmapped,
 * as Linux's TASK_SIZE does). */
#define ELF_USER_MIN 0x10000ull
#define ELF_USER_END 0x7ffffffff000ull
/* Limits on what a plan holds: Linux bounds the header table at 64 KiB; real programs have
 * 2-6 loadable segments. */
#define ELF_MAX_PHDRS 1024u
#define ELF_MAX_LOADS 16u
/* The longest PT_INTERP path, NUL included (Linux: PATH_MAX). */
#define ELF_INTERP_MAX 4096u

/* What to map for one PT_LOAD segment (addresses already include the load bias). */
struct elf_segment {
	u64 vaddr;   /* first byte of the segment (not page-aligned) */
	u64 memsz;   /* bytes in memory; [vaddr+filesz, vaddr+memsz) is zero (bss) */
	u64 offset;  /* file offset of the first byte */
	u64 filesz;  /* bytes taken from the file */
	u32 prot;    /* ELF_PF_R | ELF_PF_W | ELF_PF_X */
};

struct elf_plan {
	u16 type;        /* ELF_ET_EXEC or ELF_ET_DYN */
	u64 load_bias;   /* added to every p_vaddr (0 for ET_EXEC) */
	u64 entry;       /* AT_ENTRY: the first instruction, biased */
	u64 phdr_vaddr;  /* AT_PHDR: where the program headers are in memory, biased (0: not mapped) */
	u16 phent;       /* AT_PHENT */
	u16 phnum;       /* AT_PHNUM */
	u64 brk_start;   /* the page after the highest segment: where the heap (brk) begins */
	u64 lowest;      /* page-aligned start of the lowest segment */
	bool exec_stack; /* PT_GNU_STACK asks for an executable stack (or is absent) */
	u64 interp_off;  /* PT_INTERP: where the dynamic linker's NUL-terminated path is in the */
	u64 interp_len;  /* file's head, and its length with the NUL (0: a static program) */
	u32 nsegs;
	struct elf_segment segs[ELF_MAX_LOADS];
};

/*
 * elf_plan_load - validate an executable and describe how to load it.
 * Needs: `head` is the start of the file (at least the ELF header and the program header
 *        table: a table outside it is -ENOEXEC); `file_size` is the whole file's size, which
 *        every segment's file range must fit; `dyn_base` is the page-aligned address at which
 *        an ET_DYN image's lowest segment should go (ignored for ET_EXEC).
 * A PT_INTERP (a dynamic program) is recorded, not followed: its path must lie inside `head`,
 * end with its only NUL and be at most ELF_INTERP_MAX bytes; there is at most one.
 * Returns: 0 and *plan filled; -ENOEXEC for a file that is not a loadable x86-64 ELF64 program
 *          or is malformed (see the list above); -EINVAL for a bad dyn_base. *plan is zeroed
 *          on error.
 */
int elf_plan_load(struct bytes head, u64 file_size, u64 dyn_base, struct elf_plan *plan);

/* elf_is_elf - the image starts with the ELF magic (to tell ELF from #! and junk). */
bool elf_is_elf(struct bytes image);

#endif /* KERNEL_EXEC_ELF_H */
