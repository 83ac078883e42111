/*
 * tests/kernel/fuzz_kernel.c — libFuzzer target for the kernel services that read hostile
 * input. The first byte of an input picks the parser, the rest is its input:
 *   0  the cpio reader (kernel/fs/cpio.c): walk every entry and read its data (a gzip member
 *      in the input is decompressed); a file's data must be its size, errors sticky
 *   1  the ELF loader's plan (kernel/exec/elf.c): a plan it accepts must satisfy its own
 *      invariants (segments ordered, inside the file and the user half, filesz <= memsz)
 *   2  the #! line parser (kernel/exec/shebang.c)
 *   3  the initial stack builder (kernel/exec/stack.c) with fuzzed argv/envp strings
 *   4  the VFS (kernel/fs/vfs/): a little program of mkdir/create/symlink/unlink/rmdir/
 *      lookup/open-write-read/getdents/mount on paths over a tiny alphabet (".", "..", "a",
 *      "b", links), as root or as a user, in a fresh tree per input, freed after it; every call
 *      must return 0 or an errno, and a successful lookup must give a live inode (or the
 *      removed directory a bind mount still shows, see is_removed_mount_root)
 *   5  the partition table parser (kernel/block/partition.c): a header (u64 disk sectors, u8
 *      `tail`, u64 sector whose read fails) and sectors; the last `tail` sectors are the end of
 *      the disk, the others its start, everything between reads as zeros. Every table it
 *      accepts must stay inside the disk with no two data partitions overlapping, in at most
 *      PART_MAX entries, and it must never ask for a sector past the end
 *   6  the gzip decoder (kernel/fs/inflate.c) against zlib: the input as a member, or as
 *      DEFLATE data after a plain header, or compressed by zlib (level, strategy and memory
 *      level from its first byte); both must agree on validity, output and the member's length,
 *      and zlib's own output must round-trip
 * Any out-of-bounds access, UB, failed FW_CHECK or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <block/partition.h>
#include <exec/elf.h>
#include <exec/shebang.h>
#include <exec/stack.h>
#include <fs/cpio.h>
#include <fs/inflate.h>
#include <fs/vfs.h>
#include <zlib.h>

#include "khost.h"

static void fuzz_cpio(struct bytes in)
{
	struct cpio_reader *r = cpio_reader_new(in);
	struct cpio_entry e;
	int k;
	if (!r)
		return;
	while ((k = cpio_next(r, &e)) > 0) {
		if (str_len(e.name) == 0 || str_len(e.name) >= CPIO_PATH_MAX)
			abort();
		if ((e.mode & CPIO_S_IFMT) == CPIO_S_IFLNK && bytes_len(e.data) != e.size)
			abort();
		if ((e.mode & CPIO_S_IFMT) != CPIO_S_IFREG)
			continue;
		/* Read the data (an uncompressed archive's must lie inside the input). */
		size_t got = 0;
		struct bytes_result d;
		while ((d = cpio_read_data(r)).err == 0 && bytes_len(d.value))
			got += bytes_len(d.value);
		if (!d.err && got != e.size)
			abort();
		if (d.err && cpio_next(r, &e) != d.err)
			abort();
	}
	if (cpio_next(r, &e) != k)
		abort(); /* the end and errors are sticky */
	cpio_reader_free(r);
}

/* A gzip header (no flags) before the fuzzer's bytes, so they are DEFLATE data at once. */
static const uint8_t gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

/* inflate_all - decode the member at the start of `in` with fs/inflate.c into *out (malloc'd);
 * 0 or the error; *used the member's length. */
static int inflate_all(struct bytes in, uint8_t **out, size_t *olen, size_t *used)
{
	struct inflate *z = malloc(sizeof *z);
	*out = NULL;
	*olen = 0;
	inflate_init(z, in);
	int err = 0;
	for (;;) {
		struct bytes_result b = inflate_read(z, 1 + (*olen % 5000));
		if (b.err) {
			err = b.err;
			break;
		}
		size_t n = bytes_len(b.value);
		if (!n)
			break;
		*out = realloc(*out, *olen + n);
		bytes_copy(kh_bytes(*out + *olen, n), b.value);
		*olen += n;
	}
	*used = inflate_consumed(z);
	free(z);
	return err;
}

/* zlib_all - the same with zlib, the oracle: 0 when the member is valid. */
static int zlib_all(const uint8_t *in, size_t len, uint8_t **out, size_t *olen, size_t *used)
{
	z_stream s = { 0 };
	size_t cap = 4096;
	*out = malloc(cap);
	*olen = 0;
	if (inflateInit2(&s, 15 + 16) != Z_OK)
		abort();
	s.next_in = (Bytef *)(uintptr_t)in;
	s.avail_in = (uInt)len;
	int rc;
	do {
		if (*olen == cap) {
			cap *= 2;
			*out = realloc(*out, cap);
		}
		s.next_out = *out + *olen;
		s.avail_out = (uInt)(cap - *olen);
		rc = inflate(&s, Z_NO_FLUSH);
		*olen = cap - s.avail_out;
	} while (rc == Z_OK || (rc == Z_BUF_ERROR && s.avail_out == 0));
	*used = s.total_in;
	inflateEnd(&s);
	return rc == Z_STREAM_END ? 0 : -EINVAL;
}

/* fuzz_inflate - the fuzzer's bytes as a member (mode bit 0: after a plain gzip header) or
 * compressed by zlib at a level and strategy the first byte picks (mode bit 1): fs/inflate.c
 * must agree with zlib on validity, output and length, and round-trip what zlib compressed. */
static void fuzz_inflate(struct bytes in, const uint8_t *raw, size_t len)
{
	uint8_t *member;
	size_t mlen;
	if (len < 1)
		return;
	uint8_t mode = raw[0];
	raw++;
	len--;
	if (mode & 2) {
		static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY,
						  Z_RLE, Z_FIXED };
		z_stream s = { 0 };
		if (deflateInit2(&s, (mode >> 2) % 10, Z_DEFLATED, 15 + 16, 1 + (mode >> 5) % 9,
				 strategies[(mode >> 4) % 5]) != Z_OK)
			abort();
		mlen = deflateBound(&s, len) + 64;
		member = malloc(mlen);
		s.next_in = (Bytef *)(uintptr_t)raw;
		s.avail_in = (uInt)len;
		s.next_out = member;
		s.avail_out = (uInt)mlen;
		if (deflate(&s, Z_FINISH) != Z_STREAM_END)
			abort();
		mlen = s.total_out;
		deflateEnd(&s);
	} else if (mode & 1) {
		mlen = len + sizeof gz_head;
		member = malloc(mlen);
		memcpy(member, gz_head, sizeof gz_head);
		memcpy(member + sizeof gz_head, raw, len);
	} else {
		mlen = len;
		member = malloc(mlen ? mlen : 1);
		memcpy(member, raw, len);
	}
	uint8_t *a, *b;
	size_t alen, blen, aused, bused;
	int ea = inflate_all(kh_bytes(member, mlen), &a, &alen, &aused);
	int eb = zlib_all(member, mlen, &b, &blen, &bused);
	if ((ea == 0) != (eb == 0))
		abort(); /* one accepts what the other refuses */
	if (!ea && (alen != blen || aused != bused || (alen && memcmp(a, b, alen))))
		abort();
	if ((mode & 2) && (ea || alen != len || (len && memcmp(a, raw, len))))
		abort(); /* the round trip */
	(void)in;
	free(a);
	free(b);
	free(member);
}

static void fuzz_elf(struct bytes in)
{
	struct elf_plan p;
	if (elf_plan_load(in, bytes_len(in), 0x555555554000ull, &p))
		return;
	uint64_t prev_end = 0;
	if (p.nsegs == 0 || p.nsegs > ELF_MAX_LOADS)
		abort();
	for (uint32_t i = 0; i < p.nsegs; i++) {
		struct elf_segment s = p.segs[i];
		if (s.filesz > s.memsz || s.offset + s.filesz > bytes_len(in) ||
		    s.offset + s.filesz < s.offset || s.vaddr < prev_end ||
		    s.vaddr + s.memsz > ELF_USER_END || s.vaddr < ELF_USER_MIN ||
		    (s.vaddr & 4095) != (s.offset & 4095))
			abort();
		prev_end = s.vaddr + s.memsz;
	}
	if (p.brk_start < prev_end || p.brk_start % 4096 || p.entry < p.lowest)
		abort();
}

static void fuzz_shebang(struct bytes in)
{
	struct shebang sb;
	int r = shebang_parse(in, &sb);
	if (r == 1 && (str_len(sb.interp) == 0 || str_len(sb.interp) + str_len(sb.arg) > 256))
		abort();
	if (r == 1) {
		struct exec_strv argv, out;
		exec_strv_init(&argv, 4);
		exec_strv_init(&out, 8);
		if (exec_strv_push(&argv, sb.interp) || shebang_argv(&sb, sb.arg, &argv, &out))
			abort();
		exec_strv_destroy(&argv);
		exec_strv_destroy(&out);
	}
}

/* fuzz_stack - bytes 0-1: the stack size; then NUL-separated strings, the first half argv. */
static void fuzz_stack(struct bytes in)
{
	static uint8_t buf[65536];
	static uint8_t rnd[16];
	size_t size = (bytes_le16(in, 0).value) % sizeof buf;
	struct bytes rest = bytes_skip(in, 2).value;
	struct exec_strv argv, envp;
	exec_strv_init(&argv, 1 << 16);
	exec_strv_init(&envp, 1 << 16);
	struct str s = str_from_bytes(rest), tok;
	size_t n = 0;
	while (str_split_next(&s, 0, &tok))
		if (exec_strv_push(n++ % 2 ? &envp : &argv, tok))
			abort();
	struct exec_stack_in si = { .stack_top = 0x7ffffffde000ull, .argv = &argv, .envp = &envp,
				    .execfn = STR("/init"), .random = kh_bytes(rnd, 16) };
	struct exec_stack_out so;
	if (exec_stack_build(kh_bytes(buf + sizeof buf - size, size), &si, &so) == 0 &&
	    (so.sp % 16 || so.sp < si.stack_top - size || so.argc != exec_strv_len(&argv)))
		abort();
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}

/* make_path - a path from the bits of `seed` over a tiny alphabet (absolute or relative). */
static void make_path(char *out, size_t cap, uint32_t seed)
{
	static const char *const parts[8] = { "a", "b", ".", "..", "l", "c", "", "a/b" };
	size_t n = 0;
	out[0] = 0;
	if (seed & 1)
		n += (size_t)snprintf(out + n, cap - n, "/");
	seed >>= 1;
	for (int i = 0; i < 4 && n + 8 < cap; i++, seed >>= 3)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "/" : "", parts[seed & 7]);
}

/* file times: the kernel's wall clock is not here (kernel/fs/clock.c) */
struct vfs_time vfs_now(void)
{
	return (struct vfs_time){ .sec = 1, .nsec = 0 };
}

/* ioctl answers go to user memory in the kernel (kernel/fs/user.c); there is none here. */
int vfs_u32_to_user(u32 v, u64 addr)
{
	(void)v;
	(void)addr;
	return -EFAULT;
}

int vfs_epoll_event_to_user(u32 events, u64 data, u64 addr)
{
	(void)events;
	(void)data;
	(void)addr;
	return -EFAULT;
}

/*
 * is_removed_mount_root - a lookup may end on a removed directory only when that directory is
 * the root of a mount: `mount --bind /l /a/l; rmdir /l` (or a rename over /l) leaves /a/l
 * showing the deleted directory, as on Linux. Anywhere else a dead dentry is a VFS bug.
 */
static bool is_removed_mount_root(const struct vfs_ctx *c, const char *path, bool follow)
{
	struct path_result p = vfs_lookup_path(c, kh_str(path), follow);
	if (p.err)
		return false;
	bool ok = p.value.mnt && p.value.dentry == p.value.mnt->root;
	vfs_path_put(p.value);
	return ok;
}

static void fuzz_vfs(struct bytes in)
{
	struct path_result r = vfs_init(); /* a fresh tree per input, freed at the end */
	if (r.err)
		abort();
	struct vfs_ctx c = { .root = r.value, .cwd = r.value };
	char p1[64], p2[64];
	for (size_t i = 0; i + 3 <= bytes_len(in) && i < 3 * 200; i += 3) {
		uint8_t op = bytes_u8(in, i).value;
		uint32_t s1 = bytes_u8(in, i + 1).value, s2 = bytes_u8(in, i + 2).value;
		make_path(p1, sizeof p1, s1 | (s2 << 8));
		make_path(p2, sizeof p2, s2 * 2654435761u);
		struct vfs_ctx u = c;
		if (op & 0x80)
			u.cred = (struct cred){ .uid = 1000, .gid = 1000, .euid = 1000, .egid = 1000,
						.fsuid = 1000, .fsgid = 1000 };
		int e = 0;
		switch (op % 12) {
		case 0: e = vfs_mkdir(&u, kh_str(p1), s2 & 0777); break;
		case 1: {
			struct file_result f = vfs_open(&u, kh_str(p1), VFS_O_RDWR | VFS_O_CREAT, s2 & 0777);
			e = f.err;
			if (!e) {
				uint8_t b[64] = { 1, 2, 3 };
				(void)vfs_lseek(f.value, s1 * 1000, 0);
				(void)vfs_write(f.value, kh_bytes(b, s2 % sizeof b));
				(void)vfs_lseek(f.value, 0, 0);
				(void)vfs_read(f.value, kh_bytes(b, sizeof b));
				vfs_close(f.value);
			}
			break;
		}
		case 2: e = vfs_symlink(&u, kh_str(p2), kh_str(p1)); break;
		case 3: e = vfs_unlink(&u, kh_str(p1)); break;
		case 4: e = vfs_rmdir(&u, kh_str(p1)); break;
		case 5:
		case 6: {
			struct dentry_result d = vfs_lookup(&u, kh_str(p1), op % 10 == 5);
			e = d.err;
			if (!e && (!d.value->inode || refcount_read(&d.value->inode->refs) == 0))
				abort();
			if (!e && (d.value->inode->nlink == 0 || vfs_dentry_dead(d.value)) &&
			    !is_removed_mount_root(&u, p1, op % 10 == 5))
				abort();
			if (!e)
				vfs_dentry_put(d.value);
			break;
		}
		case 7: {
			struct file_result f = vfs_open(&u, kh_str(p1), VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
			e = f.err;
			if (!e) {
				uint8_t b[96];
				for (int k = 0; k < 50 && vfs_getdents64(f.value, kh_bytes(b, sizeof b)).value; k++)
					;
				vfs_close(f.value);
			}
			break;
		}
		case 8:
			if (s1 & 1)
				e = vfs_umount(&u, kh_str(p1), s1 & 2, false);
			else if (s1 & 2)
				e = vfs_mount_bind(&u, kh_str(p2), kh_str(p1), 0, false);
			else
				e = vfs_mount_ramfs(&u, kh_str(p1));
			break;
		case 10: e = vfs_rename(&u, kh_str(p1), &u, kh_str(p2), s1 % 4); break;
		case 11: e = vfs_link(&u, kh_str(p1), &u, kh_str(p2), s1 & 1); break;
		default: {
			char out[256];
			struct path_result d = vfs_lookup_path(&u, kh_str(p1), true);
			if (!d.err) {
				(void)vfs_path_of(u.root, d.value, kh_bytes(out, s2 % sizeof out));
				vfs_path_put(d.value);
			}
			break;
		}
		}
		if (e > 0 || e < -200)
			abort();
	}
	vfs_free_tree(r.value); /* LeakSanitizer reports anything the VFS loses */
}

struct fz_disk {
	struct part_disk pd;
	struct bytes content;
	uint64_t head, tail, fail;
	unsigned reads;
};
DEFINE_SUBTYPE(fz_disk, struct fz_disk, pd, struct part_disk, tag);

static int fz_read(struct part_disk *d, u64 lba, struct bytes dst)
{
	struct fz_disk *z = fz_disk_from(d);
	if (lba >= d->sectors || bytes_len(dst) != PART_SECTOR_SIZE || ++z->reads > 4096)
		abort(); /* past the end, a wrong size, or reading without bound */
	if (lba == z->fail)
		return -EIO;
	uint64_t idx = ~0ull;
	if (lba < z->head)
		idx = lba;
	else if (z->tail <= d->sectors && lba >= d->sectors - z->tail)
		idx = z->head + (lba - (d->sectors - z->tail));
	bytes_fill(dst, 0);
	if (idx != ~0ull) {
		struct bytes_result src = bytes_sub(z->content, idx * PART_SECTOR_SIZE, PART_SECTOR_SIZE);
		if (src.err) /* the partial last sector */
			src = bytes_skip(z->content, idx * PART_SECTOR_SIZE);
		if (!src.err)
			(void)bytes_copy(dst, src.value);
	}
	return 0;
}

static const struct part_disk_ops fz_disk_ops = { .read = fz_read };

static void fuzz_partition(struct bytes in)
{
	static struct part_table t;
	struct fz_disk z = { 0 };
	fz_disk_init(&z);
	z.pd.ops = &fz_disk_ops;
	part_disk_set_name(&z.pd, STR("fz"));
	z.pd.sectors = bytes_le64(in, 0).value;
	uint64_t tail = bytes_u8(in, 8).value;
	z.fail = bytes_le64(in, 9).value;
	z.content = bytes_skip(in, 17).err ? bytes_empty() : bytes_skip(in, 17).value;
	uint64_t nsec = (bytes_len(z.content) + PART_SECTOR_SIZE - 1) / PART_SECTOR_SIZE;
	z.tail = tail < nsec ? tail : nsec;
	z.head = nsec - z.tail;
	int r = part_scan(&z.pd, &t);
	if (r > 0 || r < -200 || t.count > PART_MAX || (r && t.count))
		abort();
	uint64_t disk = z.pd.sectors;
	for (uint32_t i = 0; i < t.count; i++) {
		struct part_entry a = t.part[i];
		if (a.sectors == 0 || a.start == 0 || a.start >= disk || a.sectors > disk - a.start)
			abort();
		for (uint32_t j = 0; j < i; j++) {
			struct part_entry b = t.part[j];
			if (a.number == b.number)
				abort();
			if (!a.extended && !b.extended && a.start < b.start + b.sectors &&
			    b.start < a.start + a.sectors)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t *copy = malloc(size);
	memcpy(copy, data, size);
	struct bytes in = kh_bytes(copy + 1, size - 1);
	switch (data[0] % 7) {
	case 0:
		fuzz_cpio(in);
		break;
	case 1:
		fuzz_elf(in);
		break;
	case 2:
		fuzz_shebang(in);
		break;
	case 3:
		fuzz_stack(in);
		break;
	case 4:
		fuzz_vfs(in);
		break;
	case 5:
		fuzz_partition(in);
		break;
	default:
		fuzz_inflate(in, copy + 1, size - 1);
		break;
	}
	free(copy);
	return 0;
}
