/*
 * partition.c — the MBR and GPT partition table parser (block/partition.h), for disks that
 * may lie.
 *
 * MBR (the "DOS" table): sector 0 ends with 0x55 0xAA; four 16-byte slots at byte 446 hold
 * (boot flag, CHS, system id, CHS, first sector le32, sector count le32). CHS is ignored.
 * Boot flags other than 0 and 0x80 mean sector 0 is not a table (a FAT boot sector also ends
 * with 0x55AA): no partitions, as Linux's msdos parser. A slot of system id 0x05, 0x0F or 0x85
 * is an extended partition: its first sector is an EBR (same layout) whose data slots give
 * logical partitions relative to that EBR and whose extended slot gives the next EBR relative
 * to the extended partition's start. The chain is followed with a visited set and a length
 * bound, so a loop or an endless chain ends with a log line.
 *
 * GPT (UEFI 2.10 §5.3): a protective MBR (a slot of id 0xEE) sends the scan here. The header
 * at LBA 1 is checked (signature "EFI PART", size, CRC32 over its own bytes with the CRC field
 * zeroed, MyLBA, usable range inside the disk, entry array inside the disk and clear of the
 * headers and the usable range, entry size 128 * 2^n, array no larger than
 * PART_GPT_ARRAY_MAX), then the CRC32 of its entry array. If the header or the array is bad,
 * the backup header in the disk's last sector is tried the same way (§5.3.2: "software must
 * check the last LBA"). Entries are read in a second pass, only once the array's CRC matched,
 * so a corrupt array never produces partitions or misleading log lines.
 *
 * Entries from either table must lie inside the disk (GPT: inside the usable range; logical
 * partitions: inside their extended partition, after their EBR) and must not overlap an entry
 * accepted before them (an extended container overlaps only its own logical partitions).
 */
#include <block/partition.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/typecache.h>

/* MBR layout */
#define MBR_TABLE_OFF 446u
#define MBR_SLOT_SIZE 16u
#define MBR_SLOTS 4u
#define MBR_SIG_OFF 510u
#define MBR_SLOT_BOOT 0u
#define MBR_SLOT_TYPE 4u
#define MBR_SLOT_START 8u
#define MBR_SLOT_COUNT 12u
#define MBR_TYPE_GPT 0xeeu
#define MBR_FIRST_LOGICAL 5u

/* GPT header fields (UEFI 2.10 Table 5-5) */
#define GPT_SIGNATURE 0x5452415020494645ull /* "EFI PART" little-endian */
#define GPT_H_SIGNATURE 0u
#define GPT_H_SIZE 12u
#define GPT_H_CRC 16u
#define GPT_H_MY_LBA 24u
#define GPT_H_FIRST_USABLE 40u
#define GPT_H_LAST_USABLE 48u
#define GPT_H_DISK_GUID 56u
#define GPT_H_ENTRIES_LBA 72u
#define GPT_H_NUM_ENTRIES 80u
#define GPT_H_ENTRY_SIZE 84u
#define GPT_H_ENTRIES_CRC 88u
#define GPT_H_MIN_SIZE 92u
/* GPT entry fields (Table 5-6) */
#define GPT_E_TYPE 0u
#define GPT_E_UUID 16u
#define GPT_E_FIRST 32u
#define GPT_E_LAST 40u
#define GPT_E_ATTRS 48u
#define GPT_E_MIN_SIZE 128u
#define GPT_E_MAX_SIZE 4096u
#define GUID_LEN 16u

struct part_scan_state {
	struct part_disk *d;
	struct part_table *t;
	u8 sec[PART_SECTOR_SIZE];
	u64 visited[PART_EBR_MAX]; /* EBR sectors read so far */
	u32 nvisited;
	bool full; /* PART_MAX entries taken: later ones are counted, logged once */
};

/* About 1.1 KiB: from the heap, not the stack. */
DEFINE_TYPE_CACHE(part_scan_cache, struct part_scan_state);

struct mbr_slot {
	u8 boot, type;
	u32 start, count;
};

struct gpt_hdr {
	u64 my_lba, first, last, entries_lba;
	u32 num, esize, entries_crc;
	u8 guid[GUID_LEN];
};

/* --- CRC-32 ---------------------------------------------------------------------------------- */

/* The reflected polynomial 0xEDB88320 four bits at a time: crc_nibble[i] is the CRC step of
 * nibble i. */
static const u32 crc_nibble[16] = {
	0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
	0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
	0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

u32 part_crc32(u32 crc, struct bytes b)
{
	crc = ~crc;
	for (size_t i = 0; i < bytes_len(b); i++) {
		crc ^= bytes_u8(b, i).value;
		crc = (crc >> 4) ^ crc_nibble[crc & 15u];
		crc = (crc >> 4) ^ crc_nibble[crc & 15u];
	}
	return ~crc;
}

struct str part_scheme_name(enum part_scheme s)
{
	return s == PART_MBR ? STR("dos") : s == PART_GPT ? STR("gpt") : STR("none");
}

/* --- common ---------------------------------------------------------------------------------- */

static struct bytes sec_bytes(struct part_scan_state *s)
{
	return BYTES_OF_ARRAY(s->sec);
}

static int read_sector(struct part_scan_state *s, u64 lba)
{
	if (lba >= s->d->sectors)
		return -EINVAL; /* callers check first; never ask the disk for what it has not */
	int err = s->d->ops->read(s->d, lba, sec_bytes(s));
	if (err)
		fw_warn("partition: %s: reading sector %u failed (%d)", part_disk_name(s->d), lba, err);
	return err;
}

static void reject(struct part_scan_state *s, u32 number, u64 start, u64 count, struct str why)
{
	s->t->rejected++;
	fw_warn("partition: %s: entry %u (sectors %u+%u) rejected: %s", part_disk_name(s->d), number, start,
		count, why);
}

/* overlaps - [start, start+count) meets an accepted entry (extended containers only when
 * `containers`). Both ranges lie inside the disk, so the ends do not overflow. */
static bool overlaps(const struct part_table *t, u64 start, u64 count, bool containers)
{
	for (u32 i = 0; i < t->count && i < PART_MAX; i++) {
		const struct part_entry *e = ELEM_PTR(t->part, i);
		if (e->extended && !containers)
			continue;
		if (start < e->start + e->sectors && e->start < start + count)
			return true;
	}
	return false;
}

static void add(struct part_scan_state *s, const struct part_entry *e)
{
	struct part_table *t = s->t;
	if (t->count >= PART_MAX) {
		t->rejected++;
		if (!s->full)
			fw_warn("partition: %s: more than %u partitions: entry %u and later ignored",
				part_disk_name(s->d), PART_MAX, e->number);
		s->full = true;
		return;
	}
	t->part[t->count] = *e;
	t->count++;
}

/* --- MBR ------------------------------------------------------------------------------------- */

static struct mbr_slot mbr_slot(struct bytes sec, u32 i)
{
	u32 off = MBR_TABLE_OFF + (i % MBR_SLOTS) * MBR_SLOT_SIZE;
	return (struct mbr_slot){
		.boot = bytes_u8(sec, off + MBR_SLOT_BOOT).value,
		.type = bytes_u8(sec, off + MBR_SLOT_TYPE).value,
		.start = bytes_le32(sec, off + MBR_SLOT_START).value,
		.count = bytes_le32(sec, off + MBR_SLOT_COUNT).value,
	};
}

static bool mbr_signed(struct bytes sec)
{
	return bytes_u8(sec, MBR_SIG_OFF).value == 0x55 && bytes_u8(sec, MBR_SIG_OFF + 1).value == 0xaa;
}

static bool mbr_is_extended(u8 type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* ebr_seen - whether the chain already read `lba`; else record it. false with *full when the
 * chain bound is reached. */
static bool ebr_seen(struct part_scan_state *s, u64 lba, bool *full)
{
	*full = false;
	for (u32 i = 0; i < s->nvisited && i < PART_EBR_MAX; i++)
		if (s->visited[i] == lba)
			return true;
	if (s->nvisited >= PART_EBR_MAX) {
		*full = true;
		return false;
	}
	s->visited[s->nvisited++] = lba;
	return false;
}

/* scan_ebr_chain - the logical partitions of the extended partition [ext, ext+ext_len). */
static int scan_ebr_chain(struct part_scan_state *s, u64 ext, u64 ext_len, u32 *number)
{
	u64 cur = ext, ext_end = ext + ext_len;
	for (;;) {
		bool full;
		if (ebr_seen(s, cur, &full)) {
			s->t->rejected++;
			fw_warn("partition: %s: EBR chain loops back to sector %u: chain ends",
				part_disk_name(s->d), cur);
			return 0;
		}
		if (full) {
			s->t->rejected++;
			fw_warn("partition: %s: more than %u EBRs: chain ends", part_disk_name(s->d),
				PART_EBR_MAX);
			return 0;
		}
		int err = read_sector(s, cur);
		if (err)
			return err;
		struct bytes sec = sec_bytes(s);
		if (!mbr_signed(sec)) {
			s->t->rejected++;
			fw_warn("partition: %s: EBR at sector %u has no 0x55AA signature: chain ends",
				part_disk_name(s->d), cur);
			return 0;
		}
		struct mbr_slot slot[MBR_SLOTS];
		for (u32 i = 0; i < MBR_SLOTS; i++)
			slot[i] = mbr_slot(sec, i);
		bool have_next = false;
		u64 next = 0;
		for (u32 i = 0; i < MBR_SLOTS; i++) {
			struct mbr_slot m = slot[i];
			if (m.type == 0 || m.count == 0)
				continue;
			if (mbr_is_extended(m.type)) {
				if (!have_next) { /* the link; further extended slots mean nothing */
					next = ext + m.start;
					have_next = true;
				}
				continue;
			}
			u32 n = (*number)++;
			u64 start = cur + m.start;
			if (m.start == 0)
				reject(s, n, start, m.count, STR("starts on its own EBR"));
			else if (start >= ext_end || m.count > ext_end - start)
				reject(s, n, start, m.count, STR("outside its extended partition"));
			else if (overlaps(s->t, start, m.count, false))
				reject(s, n, start, m.count, STR("overlaps another partition"));
			else
				add(s, &(struct part_entry){ .number = n, .start = start,
							     .sectors = m.count, .mbr_type = m.type,
							     .bootable = m.boot == 0x80 });
		}
		if (!have_next)
			return 0;
		if (next >= ext_end) {
			s->t->rejected++;
			fw_warn("partition: %s: next EBR at sector %u is outside the extended partition: chain ends",
				part_disk_name(s->d), next);
			return 0;
		}
		cur = next;
	}
}

static int scan_gpt(struct part_scan_state *s);

static int scan_mbr(struct part_scan_state *s)
{
	struct bytes sec = sec_bytes(s);
	struct mbr_slot slot[MBR_SLOTS];
	bool gpt = false;
	for (u32 i = 0; i < MBR_SLOTS; i++) {
		slot[i] = mbr_slot(sec, i);
		if (slot[i].boot != 0 && slot[i].boot != 0x80) {
			fw_info("partition: %s: sector 0 has boot flag %x in slot %u: not a partition table",
				part_disk_name(s->d), slot[i].boot, i + 1);
			return 0;
		}
		if (slot[i].type == MBR_TYPE_GPT)
			gpt = true;
	}
	if (gpt)
		return scan_gpt(s);
	struct part_table *t = s->t;
	t->scheme = PART_MBR;
	u64 disk = s->d->sectors;
	for (u32 i = 0; i < MBR_SLOTS; i++) {
		struct mbr_slot m = slot[i];
		u32 n = i + 1;
		if (m.type == 0 || m.count == 0)
			continue;
		if (m.start == 0)
			reject(s, n, m.start, m.count, STR("starts on the MBR"));
		else if (m.start >= disk || m.count > disk - m.start)
			reject(s, n, m.start, m.count, STR("beyond the end of the disk"));
		else if (overlaps(t, m.start, m.count, true))
			reject(s, n, m.start, m.count, STR("overlaps another partition"));
		else
			add(s, &(struct part_entry){ .number = n, .start = m.start, .sectors = m.count,
						     .mbr_type = m.type, .bootable = m.boot == 0x80,
						     .extended = mbr_is_extended(m.type) });
	}
	/* The logical partitions of each accepted extended partition, numbered from 5. */
	u32 number = MBR_FIRST_LOGICAL;
	u32 primaries = t->count;
	for (u32 i = 0; i < primaries && i < PART_MAX; i++) {
		struct part_entry e = t->part[i];
		if (!e.extended)
			continue;
		int err = scan_ebr_chain(s, e.start, e.sectors, &number);
		if (err)
			return err;
	}
	return 0;
}

/* --- GPT ------------------------------------------------------------------------------------- */

static bool ranges_meet(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* gpt_header - read and check the header at `lba`: 0 and *h when it is good, 1 when it is not
 * (logged), or a read error. */
static int gpt_header(struct part_scan_state *s, u64 lba, struct str which, struct gpt_hdr *h)
{
	u64 disk = s->d->sectors;
	struct str bad;
	if (lba >= disk) {
		bad = STR("beyond the disk");
		goto out_bad;
	}
	int err = read_sector(s, lba);
	if (err)
		return err;
	struct bytes sec = sec_bytes(s);
	u32 hsize = bytes_le32(sec, GPT_H_SIZE).value;
	u32 crc = bytes_le32(sec, GPT_H_CRC).value;
	if (bytes_le64(sec, GPT_H_SIGNATURE).value != GPT_SIGNATURE) {
		bad = STR("no EFI PART signature");
		goto out_bad;
	}
	if (hsize < GPT_H_MIN_SIZE || hsize > PART_SECTOR_SIZE) {
		bad = STR("bad header size");
		goto out_bad;
	}
	(void)bytes_put_le32(sec, GPT_H_CRC, 0);
	if (part_crc32(0, bytes_sub(sec, 0, hsize).value) != crc) {
		bad = STR("header CRC mismatch");
		goto out_bad;
	}
	*h = (struct gpt_hdr){
		.my_lba = bytes_le64(sec, GPT_H_MY_LBA).value,
		.first = bytes_le64(sec, GPT_H_FIRST_USABLE).value,
		.last = bytes_le64(sec, GPT_H_LAST_USABLE).value,
		.entries_lba = bytes_le64(sec, GPT_H_ENTRIES_LBA).value,
		.num = bytes_le32(sec, GPT_H_NUM_ENTRIES).value,
		.esize = bytes_le32(sec, GPT_H_ENTRY_SIZE).value,
		.entries_crc = bytes_le32(sec, GPT_H_ENTRIES_CRC).value,
	};
	(void)bytes_copy(BYTES_OF_ARRAY(h->guid), bytes_sub(sec, GPT_H_DISK_GUID, GUID_LEN).value);
	if (h->my_lba != lba) {
		bad = STR("MyLBA is not where the header is");
		goto out_bad;
	}
	if (h->first > h->last || h->last >= disk || h->first == 0) {
		bad = STR("usable range outside the disk");
		goto out_bad;
	}
	if (ranges_meet(lba, 1, h->first, h->last - h->first + 1)) {
		bad = STR("header inside the usable range");
		goto out_bad;
	}
	if (h->esize < GPT_E_MIN_SIZE || h->esize > GPT_E_MAX_SIZE || (h->esize & (h->esize - 1))) {
		bad = STR("entry size not 128 * 2^n");
		goto out_bad;
	}
	u64 array = (u64)h->num * h->esize;
	if (array > PART_GPT_ARRAY_MAX) {
		bad = STR("entry array too large");
		goto out_bad;
	}
	u64 asec = (array + PART_SECTOR_SIZE - 1) / PART_SECTOR_SIZE;
	if (asec && (h->entries_lba == 0 || h->entries_lba >= disk ||
		     asec > disk - h->entries_lba ||
		     ranges_meet(h->entries_lba, asec, lba, 1) ||
		     ranges_meet(h->entries_lba, asec, h->first, h->last - h->first + 1))) {
		bad = STR("entry array overlaps the headers, the usable range or the end");
		goto out_bad;
	}
	return 0;
out_bad:
	fw_warn("partition: %s: %s GPT header at sector %u is bad: %s", part_disk_name(s->d), which, lba, bad);
	return 1;
}

/* gpt_entries_crc_ok - the entry array's CRC32 matches the header's: 1 yes, 0 no (logged),
 * or a read error. */
static int gpt_entries_crc_ok(struct part_scan_state *s, const struct gpt_hdr *h, struct str which)
{
	u64 left = (u64)h->num * h->esize;
	u32 crc = 0;
	for (u64 lba = h->entries_lba; left; lba++) {
		int err = read_sector(s, lba);
		if (err)
			return err;
		u64 n = left < PART_SECTOR_SIZE ? left : PART_SECTOR_SIZE;
		crc = part_crc32(crc, bytes_head(sec_bytes(s), n));
		left -= n;
	}
	if (crc == h->entries_crc)
		return 1;
	fw_warn("partition: %s: %s GPT entry array CRC mismatch", part_disk_name(s->d), which);
	return 0;
}

static bool guid_is_zero(struct bytes g)
{
	for (size_t i = 0; i < bytes_len(g); i++)
		if (bytes_u8(g, i).value)
			return false;
	return true;
}

static int gpt_entries(struct part_scan_state *s, const struct gpt_hdr *h)
{
	u64 loaded = ~0ull;
	for (u32 k = 0; k < h->num; k++) {
		u64 byte = (u64)k * h->esize;
		u64 lba = h->entries_lba + byte / PART_SECTOR_SIZE;
		if (lba != loaded) {
			int err = read_sector(s, lba);
			if (err)
				return err;
			loaded = lba;
		}
		/* esize is 128 * 2^n: an entry's first 128 bytes never straddle a sector */
		struct bytes_result ent = bytes_sub(sec_bytes(s), byte % PART_SECTOR_SIZE, GPT_E_MIN_SIZE);
		if (ent.err)
			return -EINVAL;
		struct bytes type = bytes_sub(ent.value, GPT_E_TYPE, GUID_LEN).value;
		if (guid_is_zero(type))
			continue;
		u32 n = k + 1;
		u64 first = bytes_le64(ent.value, GPT_E_FIRST).value;
		u64 last = bytes_le64(ent.value, GPT_E_LAST).value;
		u64 count = first <= last ? last - first + 1 : 0;
		if (first > last)
			reject(s, n, first, 0, STR("ends before it starts"));
		else if (first < h->first || last > h->last)
			reject(s, n, first, count, STR("outside the usable sectors"));
		else if (overlaps(s->t, first, count, true))
			reject(s, n, first, count, STR("overlaps another partition"));
		else {
			struct part_entry e = { .number = n, .start = first, .sectors = count,
						.attrs = bytes_le64(ent.value, GPT_E_ATTRS).value };
			(void)bytes_copy(BYTES_OF_ARRAY(e.type_guid), type);
			(void)bytes_copy(BYTES_OF_ARRAY(e.uuid),
					 bytes_sub(ent.value, GPT_E_UUID, GUID_LEN).value);
			add(s, &e);
		}
	}
	return 0;
}

/* gpt_try - the header at lba and its array: 1 when both are good (*h set), 0 when not, or a
 * read error. */
static int gpt_try(struct part_scan_state *s, u64 lba, struct str which, struct gpt_hdr *h)
{
	int r = gpt_header(s, lba, which, h);
	if (r)
		return r < 0 ? r : 0;
	return gpt_entries_crc_ok(s, h, which);
}

static int scan_gpt(struct part_scan_state *s)
{
	struct gpt_hdr h;
	int r = gpt_try(s, 1, STR("primary"), &h);
	if (r < 0)
		return r;
	if (r == 0) {
		r = gpt_try(s, s->d->sectors - 1, STR("backup"), &h);
		if (r < 0)
			return r;
		if (r == 0) {
			fw_warn("partition: %s: protective MBR but no valid GPT: no partitions",
				part_disk_name(s->d));
			return -EINVAL;
		}
		fw_warn("partition: %s: using the backup GPT (the primary is bad)", part_disk_name(s->d));
		s->t->gpt_backup = true;
	}
	s->t->scheme = PART_GPT;
	(void)bytes_copy(BYTES_OF_ARRAY(s->t->disk_guid), BYTES_OF_ARRAY(h.guid));
	return gpt_entries(s, &h);
}

/* --- entry ----------------------------------------------------------------------------------- */

int part_scan(struct part_disk *d, struct part_table *t)
{
	t->scheme = PART_NONE;
	t->count = 0;
	t->rejected = 0;
	t->gpt_backup = false;
	bytes_fill(BYTES_OF_ARRAY(t->disk_guid), 0);
	if (d->sectors == 0)
		return 0;
	struct part_scan_state *s = part_scan_cache_alloc();
	if (!s)
		return -ENOMEM;
	s->d = d;
	s->t = t;
	int err = read_sector(s, 0);
	if (!err && mbr_signed(sec_bytes(s)))
		err = scan_mbr(s);
	if (err) { /* a table that cannot be used (or read) yields nothing, not half of it */
		t->scheme = PART_NONE;
		t->count = 0;
	}
	part_scan_cache_free(s);
	return err;
}
