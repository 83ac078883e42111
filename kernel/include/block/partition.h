/*
 * block/partition.h — partition tables read from a disk that is treated as hostile: MBR
 * (with the extended partition's chain of logical partitions) and GPT (header CRC32, entry
 * array CRC32, the backup header at the end of the disk when the primary one is bad).
 *
 * The parser is pure service logic: it reads 512-byte sectors through a `struct part_disk`
 * the caller provides (a block device in the kernel, an image in memory in the host tests and
 * the fuzzer) and fills a `struct part_table`. Every value it reads is checked; an entry that
 * lies outside the disk (or its extended partition, or the GPT's usable range), overlaps an
 * entry accepted before it, or belongs to a looping EBR chain is rejected with a log line
 * naming the disk and the entry, and the rest of the table is still used. Nothing the disk
 * holds can make it panic, loop or read outside its buffers.
 *
 *     struct part_table *t = ...;       // about 2 KiB: keep it off the stack in the kernel
 *     int err = part_scan(&disk.pd, t);
 *     for (u32 i = 0; !err && i < t->count; i++)
 *             use(t->part[i].number, t->part[i].start, t->part[i].sectors);
 *
 * Numbering follows Linux: MBR primaries are 1-4 by slot, logical partitions 5, 6, ... in
 * chain order; GPT partitions are their entry's index + 1.
 */
#ifndef BLOCK_PARTITION_H
#define BLOCK_PARTITION_H

#include <fw/bytes.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/types.h>

#define PART_SECTOR_SIZE 512u
#define PART_MAX 32u                 /* partitions one table may yield; more are logged */
#define PART_EBR_MAX 64u             /* EBRs followed in one extended partition chain */
#define PART_GPT_ARRAY_MAX (64u << 10) /* bytes of GPT entry array read at most */

enum part_scheme {
	PART_NONE, /* no table (or none that could be used) */
	PART_MBR,
	PART_GPT,
};

struct part_entry {
	u32 number;  /* Linux's partition number (vda<number>) */
	u64 start;   /* first sector */
	u64 sectors; /* length in sectors (the whole container for an MBR extended entry) */
	u8 mbr_type; /* the MBR system id (0 for GPT) */
	bool extended; /* an MBR extended partition: a container, not data */
	bool bootable; /* MBR boot flag 0x80 */
	u8 type_guid[16]; /* GPT partition type GUID as stored (mixed-endian on disk) */
	u8 uuid[16];      /* GPT unique partition GUID as stored */
	u64 attrs;        /* GPT attribute bits */
};

struct part_table {
	enum part_scheme scheme;
	u32 count;    /* entries in part[], in the order the table lists them */
	u32 rejected; /* entries refused (each logged) */
	bool gpt_backup; /* the GPT came from the backup header (the primary was bad) */
	u8 disk_guid[16];
	struct part_entry part[PART_MAX];
};

struct part_disk;
struct part_disk_ops {
	/* read - sector `lba` (< sectors) into dst (PART_SECTOR_SIZE bytes): 0 or -errno. */
	int (*read)(struct part_disk *d, u64 lba, struct bytes dst);
};

/* The disk to scan: embed it (tagged through a subtype) and set ops, sectors and name. */
struct part_disk {
	struct type_tag tag;
	const struct part_disk_ops *ops;
	u64 sectors;
	/* for log lines ("vda"): text in the disk itself, read through part_disk_name (rule
	 * shared-fat: no struct str kept in an object other tasks reach) */
	u8 name_text[16];
	u8 name_len;
};

static inline struct str part_disk_name(struct part_disk *d)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(d->name_text), d->name_len));
}
static inline void part_disk_set_name(struct part_disk *d, struct str name)
{
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name_text), str_head(name, 16));
	d->name_len = n.err ? 0 : (u8)n.value;
}

/*
 * part_scan - read d's partition table into *t (which it resets first).
 * Returns: 0 with t->scheme set (PART_NONE: no table, or a sector 0 that is not one, such as
 * a FAT boot sector; single entries may have been rejected, see t->rejected); -EINVAL when a
 * protective MBR has no valid GPT behind it; -ENOMEM; the read's errno when a sector could not
 * be read.
 * On an error t->scheme is PART_NONE and t->count 0: a table is used whole or not at all.
 * Context: may sleep (through d->ops->read).
 */
int part_scan(struct part_disk *d, struct part_table *t);

/* part_crc32 - the CRC-32 of GPT (IEEE 802.3, reflected, as UEFI §5.3) continued over b:
 * start with crc = 0; part_crc32(part_crc32(0, a), b) == part_crc32(0, a ++ b). */
u32 part_crc32(u32 crc, struct bytes b);

/* part_scheme_name - "none", "dos" or "gpt" (fdisk's words). */
struct str part_scheme_name(enum part_scheme s);

#endif /* BLOCK_PARTITION_H */
