/*
 * tests/kernel/t_partition.c — host tests of the partition table parser
 * (kernel/block/partition.c): MBR primaries, extended partitions and their logical partitions,
 * GPT with its CRCs and the backup header, and the hostile cases — entries outside the disk
 * or overlapping, EBR chains that loop or never end, every GPT header field made wrong (with a
 * correct CRC, so the field check and not the CRC is what refuses it), corrupt entry arrays,
 * read errors — plus random corruption of good images. Images are built here in memory with
 * an independent (bitwise) CRC-32; the image tools/mkdisk.py writes for the guest tests is
 * read too (KHOST_GPT_IMAGE).
 */
#include <block/partition.h>
#include <fw/errno.h>

#include "khost.h"

#define SEC 512u

/* --- a disk in memory ------------------------------------------------------------------------ */

struct img_disk {
	struct part_disk pd;
	uint8_t *p;
	uint64_t fail_lba; /* a read of this sector fails with -EIO (~0: none) */
	unsigned reads;
};
DEFINE_SUBTYPE(img_disk, struct img_disk, pd, struct part_disk, tag);

static int img_read(struct part_disk *d, u64 lba, struct bytes dst)
{
	struct img_disk *im = img_disk_from(d);
	im->reads++;
	if (lba == im->fail_lba)
		return -EIO;
	if (lba >= d->sectors || bytes_len(dst) != SEC)
		abort(); /* the parser must never ask for this */
	return bytes_copy(dst, kh_bytes(im->p + lba * SEC, SEC));
}

static const struct part_disk_ops img_ops = { .read = img_read };

static void img_new(struct img_disk *im, uint64_t sectors)
{
	memset(im, 0, sizeof *im);
	img_disk_init(im);
	im->pd.ops = &img_ops;
	im->pd.sectors = sectors;
	part_disk_set_name(&im->pd, kh_str("tst"));
	im->p = calloc(sectors ? sectors : 1, SEC);
	im->fail_lba = ~0ull;
}

static void img_free(struct img_disk *im)
{
	free(im->p);
}

static uint8_t *sec(struct img_disk *im, uint64_t lba)
{
	return im->p + lba * SEC;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* crc32_ref - bit by bit, independent of the parser's nibble table. */
static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* --- MBR building ---------------------------------------------------------------------------- */

static void mbr_slot(uint8_t *s, int i, uint8_t boot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = s + 446 + 16 * i;
	e[0] = boot;
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
}

static void mbr_sign(uint8_t *s)
{
	s[510] = 0x55;
	s[511] = 0xaa;
}

/* ebr - an EBR at `at`: a logical at at+rel (count sectors), next EBR at ext+next_rel (0: end). */
static void ebr(struct img_disk *im, uint64_t at, uint32_t rel, uint32_t count, uint64_t ext,
		uint64_t next)
{
	uint8_t *s = sec(im, at);
	memset(s, 0, SEC);
	if (count)
		mbr_slot(s, 0, 0, 0x83, rel, count);
	if (next)
		mbr_slot(s, 1, 0, 0x05, (uint32_t)(next - ext), 8);
	mbr_sign(s);
}

static const struct part_entry *find(const struct part_table *t, uint32_t number)
{
	for (uint32_t i = 0; i < t->count; i++)
		if (t->part[i].number == number)
			return &t->part[i];
	return NULL;
}

static bool has(const struct part_table *t, uint32_t number, uint64_t start, uint64_t sectors)
{
	const struct part_entry *e = find(t, number);
	return e && e->start == start && e->sectors == sectors;
}

/* invariants - what every accepted table must satisfy, whatever the disk said. */
static bool invariants(const struct part_table *t, uint64_t disk)
{
	if (t->count > PART_MAX)
		return false;
	for (uint32_t i = 0; i < t->count; i++) {
		const struct part_entry *a = &t->part[i];
		if (a->sectors == 0 || a->start == 0 || a->start >= disk || a->sectors > disk - a->start)
			return false;
		for (uint32_t j = 0; j < i; j++) {
			const struct part_entry *b = &t->part[j];
			if (a->number == b->number)
				return false;
			bool meet = a->start < b->start + b->sectors && b->start < a->start + a->sectors;
			if (meet && !a->extended && !b->extended)
				return false;
		}
	}
	return true;
}

static struct part_table tab;

KTEST(partition, crc32_matches_the_standard)
{
	uint8_t v[] = "123456789";
	KT_EXPECT(kt, part_crc32(0, kh_bytes(v, 9)) == 0xcbf43926u);
	KT_EXPECT(kt, part_crc32(0, kh_bytes(v, 0)) == 0);
	KT_EXPECT(kt, part_crc32(part_crc32(0, kh_bytes(v, 4)), kh_bytes(v + 4, 5)) == 0xcbf43926u);
	uint8_t r[1000];
	for (int i = 0; i < 1000; i++)
		r[i] = (uint8_t)(i * 131 + 7);
	KT_EXPECT(kt, part_crc32(0, kh_bytes(r, 1000)) == crc32_ref(r, 1000));
}

KTEST(partition, empty_and_unsigned_disks_have_no_table)
{
	struct img_disk im;
	img_new(&im, 0);
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == 0 && tab.scheme == PART_NONE && tab.count == 0);
	KT_EXPECT(kt, im.reads == 0);
	img_free(&im);
	img_new(&im, 100);
	mbr_slot(sec(&im, 0), 0, 0, 0x83, 1, 10); /* a slot but no 0x55AA */
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == 0 && tab.scheme == PART_NONE && tab.count == 0);
	/* A FAT-style boot sector: signed, but boot flags are not 0/0x80. */
	mbr_sign(sec(&im, 0));
	sec(&im, 0)[446] = 0x12;
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == 0 && tab.scheme == PART_NONE && tab.count == 0);
	img_free(&im);
}

KTEST(partition, mbr_primaries)
{
	struct img_disk im;
	img_new(&im, 4096);
	uint8_t *s = sec(&im, 0);
	mbr_slot(s, 0, 0x80, 0x83, 2048, 1024);
	mbr_slot(s, 2, 0, 0x0c, 3072, 1024); /* slot 3: vda3, slot 2 empty */
	mbr_slot(s, 3, 0, 0x82, 100, 0);     /* size 0: no partition, not an error */
	mbr_sign(s);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.scheme == PART_MBR && tab.count == 2 && tab.rejected == 0);
	KT_EXPECT(kt, has(&tab, 1, 2048, 1024) && find(&tab, 1)->bootable &&
		      find(&tab, 1)->mbr_type == 0x83);
	KT_EXPECT(kt, has(&tab, 3, 3072, 1024) && !find(&tab, 3)->bootable);
	KT_EXPECT(kt, str_eq(part_scheme_name(tab.scheme), kh_str("dos")));
	img_free(&im);
}

KTEST(partition, mbr_extended_and_logicals)
{
	struct img_disk im;
	img_new(&im, 8192);
	uint8_t *s = sec(&im, 0);
	mbr_slot(s, 0, 0, 0x83, 2048, 1024);
	mbr_slot(s, 1, 0, 0x05, 4096, 4096); /* extended 4096..8191 */
	mbr_sign(s);
	ebr(&im, 4096, 1, 1000, 4096, 5200);    /* vda5: 4097..5096, next EBR at 5200 */
	ebr(&im, 5200, 1, 800, 4096, 6100);     /* vda6: 5201..6000 */
	ebr(&im, 6100, 100, 1000, 4096, 0);     /* vda7: 6200..7199, end */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.scheme == PART_MBR && tab.count == 5 && tab.rejected == 0);
	KT_EXPECT(kt, has(&tab, 1, 2048, 1024));
	KT_EXPECT(kt, has(&tab, 2, 4096, 4096) && find(&tab, 2)->extended);
	KT_EXPECT(kt, has(&tab, 5, 4097, 1000) && !find(&tab, 5)->extended);
	KT_EXPECT(kt, has(&tab, 6, 5201, 800));
	KT_EXPECT(kt, has(&tab, 7, 6200, 1000));
	KT_EXPECT(kt, invariants(&tab, 8192));
	img_free(&im);
}

KTEST(partition, mbr_bad_primaries_are_rejected_alone)
{
	struct img_disk im;
	img_new(&im, 4096);
	uint8_t *s = sec(&im, 0);
	mbr_slot(s, 0, 0, 0x83, 0, 100);          /* on the MBR */
	mbr_slot(s, 1, 0, 0x83, 4000, 200);       /* past the end */
	mbr_slot(s, 2, 0, 0x83, 2048, 1024);      /* good */
	mbr_slot(s, 3, 0, 0x83, 3000, 100);       /* overlaps 3 */
	mbr_sign(s);
	unsigned long logs = host_log_count();
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 1 && tab.rejected == 3 && has(&tab, 3, 2048, 1024));
	KT_EXPECT(kt, host_log_count() - logs == 3); /* one line per rejected entry */
	KT_EXPECT(kt, strstr(host_log_last(), "entry 4 (sectors 3000+100) rejected: overlaps"));
	mbr_slot(s, 1, 0, 0x83, 0xffffffffu, 0xffffffffu); /* no wrap-around */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 1 && tab.rejected == 3);
	img_free(&im);
}

KTEST(partition, mbr_bad_logicals_and_loops)
{
	struct img_disk im;
	img_new(&im, 8192);
	uint8_t *s = sec(&im, 0);
	mbr_slot(s, 0, 0, 0x83, 100, 1000);
	mbr_slot(s, 1, 0, 0x0f, 4096, 2048); /* extended 4096..6143 */
	mbr_sign(s);
	ebr(&im, 4096, 1, 3000, 4096, 4200);    /* vda5 leaves the extended partition: rejected */
	ebr(&im, 4200, 0, 10, 4096, 4300);      /* vda6 on its own EBR: rejected */
	ebr(&im, 4300, 1, 100, 4096, 4350);     /* vda7: 4301..4400 */
	ebr(&im, 4350, 1, 10, 4096, 4096);      /* vda8 overlaps vda7; next loops to the first */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 3 && has(&tab, 7, 4301, 100));
	KT_EXPECT(kt, tab.rejected == 4); /* vda5, vda6, vda8, the loop */
	KT_EXPECT(kt, strstr(host_log_last(), "EBR chain loops back to sector 4096"));
	KT_EXPECT(kt, invariants(&tab, 8192));
	/* An EBR that names itself as the next one. */
	ebr(&im, 4096, 1, 10, 4096, 4096);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 3 && has(&tab, 5, 4097, 10) && tab.rejected == 1);
	/* The next EBR outside the extended partition; an EBR without a signature. */
	ebr(&im, 4096, 1, 10, 4096, 7000);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 3 && tab.rejected == 1);
	ebr(&im, 4096, 1, 10, 4096, 4200);
	memset(sec(&im, 4200), 0, SEC);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 3 && tab.rejected == 1);
	/* A logical overlapping a primary (vda1 sits at 100..1099; make one in the chain). */
	mbr_slot(s, 1, 0, 0x05, 50, 4000);   /* overlaps vda1: the extended itself is refused */
	im.reads = 0;
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 1 && tab.rejected == 1 && im.reads == 1);
	img_free(&im);
}

KTEST(partition, mbr_long_chain_is_bounded)
{
	struct img_disk im;
	uint64_t n = 3 * PART_EBR_MAX;
	img_new(&im, 4 + 2 * n);
	uint8_t *s = sec(&im, 0);
	mbr_slot(s, 0, 0, 0x05, 2, (uint32_t)(2 * n));
	mbr_sign(s);
	for (uint64_t i = 0; i < n; i++)
		ebr(&im, 2 + 2 * i, 1, 1, 2, i + 1 < n ? 2 + 2 * (i + 1) : 0);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == PART_MAX);
	KT_EXPECT(kt, im.reads <= 1 + PART_EBR_MAX);
	KT_EXPECT(kt, tab.rejected == (PART_EBR_MAX - (PART_MAX - 1)) + 1);
	KT_EXPECT(kt, has(&tab, 5, 3, 1) && invariants(&tab, 4 + 2 * n));
	img_free(&im);
}

/* --- GPT building ---------------------------------------------------------------------------- */

struct gent {
	uint32_t index;
	uint64_t first, last;
	uint8_t type;   /* first byte of the type GUID (0: unused) */
	uint64_t attrs;
};

struct gpt_geom {
	uint32_t num, esize;
	uint64_t first, last;
};

static void gpt_header_crc(uint8_t *h)
{
	put32(h + 16, 0);
	put32(h + 16, crc32_ref(h, get32(h + 12)));
}

static void gpt_write_header(struct img_disk *im, uint64_t my, uint64_t alt, uint64_t entries,
			     const struct gpt_geom *g, uint32_t array_crc)
{
	uint8_t *h = sec(im, my);
	memset(h, 0, SEC);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, 92);
	put64(h + 24, my);
	put64(h + 32, alt);
	put64(h + 40, g->first);
	put64(h + 48, g->last);
	for (int i = 0; i < 16; i++)
		h[56 + i] = (uint8_t)(0xd0 + i);
	put64(h + 72, entries);
	put32(h + 80, g->num);
	put32(h + 84, g->esize);
	put32(h + 88, array_crc);
	gpt_header_crc(h);
}

/* gpt_build - protective MBR, primary header + array at 2, backup array + header at the end. */
static void gpt_build(struct img_disk *im, const struct gpt_geom *g, const struct gent *e, int n)
{
	uint64_t disk = im->pd.sectors;
	size_t abytes = (size_t)g->num * g->esize;
	uint64_t asec = (abytes + SEC - 1) / SEC;
	uint8_t *arr = calloc(asec ? asec : 1, SEC);
	for (int i = 0; i < n; i++) {
		uint8_t *p = arr + (size_t)e[i].index * g->esize;
		p[0] = e[i].type;
		p[1] = 0xaf;
		p[16] = (uint8_t)(0x40 + e[i].index);
		put64(p + 32, e[i].first);
		put64(p + 40, e[i].last);
		put64(p + 48, e[i].attrs);
		p[56] = 'p';
	}
	uint32_t crc = crc32_ref(arr, abytes);
	memcpy(sec(im, 2), arr, asec * SEC);
	memcpy(sec(im, disk - 1 - asec), arr, asec * SEC);
	free(arr);
	gpt_write_header(im, 1, disk - 1, 2, g, crc);
	gpt_write_header(im, disk - 1, 1, disk - 1 - asec, g, crc);
	uint8_t *s = sec(im, 0);
	memset(s, 0, SEC);
	mbr_slot(s, 0, 0, 0xee, 1, disk - 1 > 0xffffffffu ? 0xffffffffu : (uint32_t)(disk - 1));
	mbr_sign(s);
}

static const struct gpt_geom std_geom = { .num = 128, .esize = 128, .first = 34, .last = 4096 - 34 };
static const struct gent std_ents[] = {
	{ 0, 2048, 2559, 0x83, 0 },
	{ 1, 2560, 3071, 0x83, 1ull << 63 },
	{ 4, 3072, 4000, 0x83, 0 },
};

static void std_gpt(struct img_disk *im)
{
	img_new(im, 4096);
	gpt_build(im, &std_geom, std_ents, 3);
}

static bool std_parts(const struct part_table *t)
{
	return t->scheme == PART_GPT && t->count == 3 && has(t, 1, 2048, 512) &&
	       has(t, 2, 2560, 512) && has(t, 5, 3072, 929);
}

KTEST(partition, gpt_reads_entries_by_index)
{
	struct img_disk im;
	std_gpt(&im);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, std_parts(&tab) && !tab.gpt_backup && tab.rejected == 0);
	const struct part_entry *e = find(&tab, 2);
	KT_ASSERT(kt, e != NULL);
	KT_EXPECT(kt, e->type_guid[0] == 0x83 && e->type_guid[1] == 0xaf && e->uuid[0] == 0x41);
	KT_EXPECT(kt, e->attrs == 1ull << 63 && e->mbr_type == 0 && !e->extended);
	KT_EXPECT(kt, tab.disk_guid[0] == 0xd0 && tab.disk_guid[15] == 0xdf);
	KT_EXPECT(kt, str_eq(part_scheme_name(tab.scheme), kh_str("gpt")));
	/* 1 MBR + 1 header + 32 array sectors for the CRC + 32 again for the entries */
	KT_EXPECT(kt, im.reads == 66);
	img_free(&im);
}

KTEST(partition, gpt_entry_sizes_256_and_1024)
{
	static const uint32_t sizes[] = { 256, 1024 };
	for (int i = 0; i < 2; i++) {
		struct img_disk im;
		img_new(&im, 4096);
		struct gpt_geom g = { .num = 16, .esize = sizes[i], .first = 40, .last = 4000 };
		gpt_build(&im, &g, std_ents, 3);
		KT_EXPECT(kt, part_scan(&im.pd, &tab) == 0 && std_parts(&tab));
		img_free(&im);
	}
}

KTEST(partition, gpt_backup_used_when_the_primary_is_bad)
{
	struct img_disk im;
	std_gpt(&im);
	sec(&im, 1)[40] ^= 1; /* header CRC no longer matches */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, std_parts(&tab) && tab.gpt_backup);
	img_free(&im);
	std_gpt(&im);
	sec(&im, 2)[100] ^= 1; /* primary entry array CRC */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, std_parts(&tab) && tab.gpt_backup);
	img_free(&im);
	std_gpt(&im);
	memset(sec(&im, 1), 0, SEC); /* primary gone */
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, std_parts(&tab) && tab.gpt_backup);
	img_free(&im);
}

KTEST(partition, gpt_both_bad_is_einval_and_empty)
{
	struct img_disk im;
	std_gpt(&im);
	sec(&im, 1)[40] ^= 1;
	sec(&im, 4095)[40] ^= 1;
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == -EINVAL);
	KT_EXPECT(kt, strstr(host_log_last(), "protective MBR but no valid GPT"));
	KT_EXPECT(kt, tab.count == 0 && tab.scheme == PART_NONE);
	img_free(&im);
	std_gpt(&im);
	sec(&im, 2)[0] ^= 1;
	sec(&im, 4095 - 32)[0] ^= 1; /* both arrays corrupt */
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == -EINVAL && tab.count == 0);
	img_free(&im);
}

/* Each header field made wrong in the primary (CRC recomputed): the backup takes over. */
KTEST(partition, gpt_header_fields_are_checked)
{
	struct { unsigned off, width; uint64_t v; } bad[] = {
		{ 12, 4, 91 },          /* header size */
		{ 12, 4, 513 },
		{ 24, 8, 2 },           /* MyLBA */
		{ 40, 8, 0 },           /* first usable 0 */
		{ 40, 8, 5000 },        /* first > last */
		{ 48, 8, 4096 },        /* last usable past the disk */
		{ 40, 8, 1 },           /* usable range holds the header */
		{ 72, 8, 0 },           /* entry array on the MBR */
		{ 72, 8, 40 },          /* entry array inside the usable range */
		{ 72, 8, 4090 },        /* entry array past the end */
		{ 84, 4, 100 },         /* entry size not 128 * 2^n */
		{ 84, 4, 384 },
		{ 84, 4, 8192 },
		{ 80, 4, 1u << 20 },    /* array too large */
		{ 80, 4, 0xffffffffu },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct img_disk im;
		std_gpt(&im);
		uint8_t *h = sec(&im, 1);
		if (bad[i].width == 4)
			put32(h + bad[i].off, (uint32_t)bad[i].v);
		else
			put64(h + bad[i].off, bad[i].v);
		if (bad[i].off == 12 && bad[i].v > 512)
			put32(h + 16, 0); /* a size past the sector: nothing to CRC over */
		else
			gpt_header_crc(h);
		int r = part_scan(&im.pd, &tab);
		KT_EXPECT(kt, r == 0 && std_parts(&tab) && tab.gpt_backup);
		if (!(r == 0 && tab.gpt_backup))
			fprintf(stderr, "# field at %u = %llu was accepted\n", bad[i].off,
				(unsigned long long)bad[i].v);
		img_free(&im);
	}
}

KTEST(partition, gpt_bad_entries_are_rejected_alone)
{
	struct img_disk im;
	img_new(&im, 4096);
	static const struct gent e[] = {
		{ 0, 2048, 2559, 0x83, 0 },
		{ 1, 3000, 2999, 0x83, 0 },  /* ends before it starts */
		{ 2, 10, 100, 0x83, 0 },     /* before the first usable sector */
		{ 3, 4000, 4095, 0x83, 0 },  /* past the last usable sector (the backup) */
		{ 4, 2500, 2600, 0x83, 0 },  /* overlaps 1 */
		{ 5, 2560, 2560, 0x83, 0 },  /* one sector: fine */
		{ 6, 3000, 0xffffffffffffffffull, 0x83, 0 },
	};
	gpt_build(&im, &std_geom, e, 7);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == 2 && tab.rejected == 5);
	KT_EXPECT(kt, has(&tab, 1, 2048, 512) && has(&tab, 6, 2560, 1));
	KT_EXPECT(kt, invariants(&tab, 4096));
	img_free(&im);
}

KTEST(partition, gpt_more_entries_than_fit)
{
	struct img_disk im;
	img_new(&im, 4096);
	struct gent e[40];
	for (int i = 0; i < 40; i++)
		e[i] = (struct gent){ (uint32_t)i, 100 + 10 * (uint64_t)i, 109 + 10 * (uint64_t)i, 1, 0 };
	gpt_build(&im, &std_geom, e, 40);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.count == PART_MAX && tab.rejected == 40 - PART_MAX);
	KT_EXPECT(kt, has(&tab, 32, 410, 10) && find(&tab, 33) == NULL);
	img_free(&im);
}

KTEST(partition, read_errors_are_returned)
{
	uint64_t fail[] = { 0, 1, 2, 33, 4095 };
	for (size_t i = 0; i < sizeof fail / sizeof fail[0]; i++) {
		struct img_disk im;
		std_gpt(&im);
		if (fail[i] == 4095)
			sec(&im, 1)[40] ^= 1; /* make the scan go to the backup */
		im.fail_lba = fail[i];
		KT_EXPECT(kt, part_scan(&im.pd, &tab) == -EIO);
		KT_EXPECT(kt, tab.count == 0 && tab.scheme == PART_NONE);
		img_free(&im);
	}
	struct img_disk im;
	img_new(&im, 8192);
	mbr_slot(sec(&im, 0), 1, 0, 0x05, 4096, 4096);
	mbr_sign(sec(&im, 0));
	ebr(&im, 4096, 1, 10, 4096, 5000);
	ebr(&im, 5000, 1, 10, 4096, 0);
	im.fail_lba = 5000;
	KT_EXPECT(kt, part_scan(&im.pd, &tab) == -EIO && tab.count == 0);
	img_free(&im);
}

/* Random corruption of good tables: whatever the parser keeps must satisfy the invariants. */
KTEST(partition, random_corruption_keeps_invariants)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned accepted = 0;
	for (int round = 0; round < 1500; round++) {
		struct img_disk im;
		bool gpt = round % 2;
		if (gpt) {
			std_gpt(&im);
		} else {
			img_new(&im, 8192);
			mbr_slot(sec(&im, 0), 0, 0, 0x83, 2048, 1024);
			mbr_slot(sec(&im, 0), 1, 0, 0x05, 4096, 4096);
			mbr_sign(sec(&im, 0));
			ebr(&im, 4096, 1, 1000, 4096, 5200);
			ebr(&im, 5200, 1, 800, 4096, 6100);
			ebr(&im, 6100, 100, 1000, 4096, 0);
		}
		static const uint64_t hot[] = { 0, 1, 2, 4095, 4096, 5200, 6100 };
		int flips = 1 + (int)(seed % 4);
		for (int f = 0; f < flips; f++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t lba = hot[(seed >> 33) % 7];
			if (lba >= im.pd.sectors)
				continue;
			unsigned off = (unsigned)((seed >> 13) % SEC);
			if ((seed >> 50) & 1)
				off = 446 + (unsigned)((seed >> 20) % 66); /* the MBR/EBR slots */
			sec(&im, lba)[off] ^= (uint8_t)(1u << ((seed >> 40) % 8));
			if (gpt && lba == 1 && ((seed >> 45) & 1) && get32(sec(&im, 1) + 12) <= SEC)
				gpt_header_crc(sec(&im, 1)); /* a wrong field with a right CRC */
		}
		int r = part_scan(&im.pd, &tab);
		KT_EXPECT(kt, r == 0 || r == -EINVAL);
		KT_EXPECT(kt, invariants(&tab, im.pd.sectors));
		if (r == 0 && tab.count)
			accepted++;
		img_free(&im);
	}
	KT_EXPECT(kt, accepted > 100); /* the mutations did not all kill the table */
}

/* The GPT image tools/mkdisk.py makes for the guest tests (mk/devices.mk). */
KTEST(partition, mkdisk_gpt_image)
{
	const char *path = getenv("KHOST_GPT_IMAGE");
	size_t len = 0;
	uint8_t *p = path ? kh_load(path, &len) : NULL;
	KT_ASSERT(kt, p && len % SEC == 0);
	struct img_disk im;
	img_new(&im, len / SEC);
	memcpy(im.p, p, len);
	free(p);
	KT_ASSERT(kt, part_scan(&im.pd, &tab) == 0);
	KT_EXPECT(kt, tab.scheme == PART_GPT && tab.count == 2 && tab.rejected == 0);
	KT_EXPECT(kt, has(&tab, 1, 2048, 2048) && has(&tab, 2, 4096, len / SEC - 34 - 4096 + 1));
	img_free(&im);
}
