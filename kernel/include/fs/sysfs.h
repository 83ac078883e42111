/*
 * fs/sysfs.h — the /sys file system (kernel/fs/sys/, docs/procfs.md "sysfs"): a generated tree
 * (fs/synth.h) that shows the kernel's devices the way Linux's sysfs does, for the tools that
 * look there: the CPUs (devices/system/cpu), the transparent huge page policy (kernel/mm),
 * and every device that exists (the character devices of /dev, the disks and partitions, the
 * network interfaces) as a directory under devices/virtual/CLASS/ with its attributes, named
 * again by links in class/CLASS/, block/ and dev/{block,char}/. Read-only: no file has a write
 * method (an open for writing is EACCES, even for root, as Linux's kernfs), and nothing can be
 * created in it.
 *
 * Every inode names one kind of entry and an `arg` (a CPU number, a device id); inode numbers
 * are a function of both. Devices are looked up afresh at each lookup and read (a partition
 * table reread changes them), by their id: class << 16 | index (a block device's table slot,
 * a char device's devices_char_node_at index, a network interface's index: 0 lo, 1 eth0).
 *
 * Locking: lookup and readdir run under vfs_lock and take the device tables' locks inside it;
 * generators run with no lock held.
 */
#ifndef KERNEL_FS_SYSFS_H
#define KERNEL_FS_SYSFS_H

#include <fs/synth.h>

#define SYSFS_MAGIC 0x62656572ull /* SYSFS_MAGIC */

enum sysfs_kind {
	/* directories */
	SK_ROOT,
	SK_EMPTY, /* bus, firmware, fs, module, power: there, empty */
	SK_DEVICES,
	SK_SYSTEM,
	SK_CPU,
	SK_CPUN,     /* arg: the CPU */
	SK_TOPOLOGY, /* arg: the CPU */
	SK_VIRTUAL,
	SK_VCLASS,   /* devices/virtual/CLASS; arg: the class */
	SK_DEVDIR,   /* a device's directory; arg: the device id */
	SK_CLASS,
	SK_CLASSDIR, /* class/CLASS; arg: the class */
	SK_BLOCK,
	SK_DEV,
	SK_DEV_BLOCK,
	SK_DEV_CHAR,
	SK_KERNEL,
	SK_KERNEL_MM,
	SK_THP,
	/* links (target text made at lookup); arg: the device id (0 for subsystem links) */
	SK_LINK_DEV,       /* class/CLASS/NAME, block/NAME, dev/X/MAJ:MIN -> the device */
	SK_LINK_SUBSYSTEM, /* DEVICE/subsystem -> class/CLASS */
	/* files */
	SK_CPU_ONLINE,
	SK_CPU_POSSIBLE,
	SK_CPU_PRESENT,
	SK_CPU_OFFLINE,
	SK_CPU_ISOLATED,
	SK_CPU_KERNEL_MAX,
	SK_CPUN_ONLINE,
	SK_TOPO_PACKAGE,
	SK_TOPO_CORE,
	SK_TOPO_THREADS,
	SK_TOPO_CORES,
	SK_THP_ENABLED,
	SK_THP_DEFRAG,
	SK_ATTR_DEV,     /* "MAJ:MIN" */
	SK_ATTR_UEVENT,
	SK_ATTR_SIZE,    /* block: sectors */
	SK_ATTR_RO,
	SK_ATTR_REMOVABLE,
	SK_ATTR_PARTITION,
	SK_ATTR_ADDRESS, /* net */
	SK_ATTR_MTU,
	SK_ATTR_OPERSTATE,
	SK_ATTR_IFINDEX,
	SK_ATTR_TYPE,
	SK_ATTR_FLAGS,
	SK_ATTR_CARRIER,
	SK_COUNT
};

/* Device classes (the high bits of a device id). */
enum sysfs_class {
	CLASS_NONE,
	CLASS_BLOCK,
	CLASS_NET,
	CLASS_TTY,
	CLASS_MEM,
	CLASS_MISC,
	CLASS_COUNT
};
#define SYSFS_DEV_ID(cls, index) ((u32)(cls) << 16 | (u32)(index))
#define SYSFS_DEV_CLASS(id) ((enum sysfs_class)((id) >> 16))
#define SYSFS_DEV_INDEX(id) ((id) & 0xffffu)

struct sysfs_inode {
	struct inode vfs;
	enum sysfs_kind kind;
	u32 arg;
	struct synth_text target; /* a link's text */
};
DECLARE_SUBTYPE(sysfs_inode, struct sysfs_inode, vfs, struct inode, tag);

/* What devs.c knows of one device. */
struct sysfs_dev {
	u32 id;
	enum sysfs_class cls;
	size_t name_len;
	u8 name[SYNTH_NAME_MAX];
	u32 major, minor;  /* 0:0 for a network interface */
	u32 parent;        /* a partition: its disk's id; else 0 */
	u32 mode;          /* a char device: its /dev mode (uevent's DEVMODE) */
	u64 sectors;       /* block */
	bool read_only;    /* block */
	u8 mac[6];         /* net */
	bool link_up;      /* net */
};

/* devs.c: the devices. */
/* sysfs_dev_get - the device `id` now into *out: true, or false (it is gone). */
bool sysfs_dev_get(u32 id, struct sysfs_dev *out);
/* sysfs_dev_next - the first device of class `cls` whose index is >= from, into *out; false
 * when there is none. A partition is listed in CLASS_BLOCK too. */
bool sysfs_dev_next(enum sysfs_class cls, u32 from, struct sysfs_dev *out);
/* sysfs_class_slots - how many indexes class `cls` has (some may be empty). */
u32 sysfs_class_slots(enum sysfs_class cls);
/* sysfs_dev_name - its name. */
struct str sysfs_dev_name(struct sysfs_dev *d);
/* sysfs_class_name - "block", "net", "tty", "mem", "misc" ("" for none). */
struct str sysfs_class_name(enum sysfs_class cls);
/* sysfs_dev_path - "devices/virtual/CLASS[/DISK]/NAME" (from /sys) into sb. */
void sysfs_dev_path(struct sysfs_dev *d, struct strbuf *sb);

/* attrs.c: the files. */
int sysfs_generate(struct inode *ip, struct strbuf *sb);

/* sysfs_init - register the "sysfs" type (mount -t sysfs). */
void sysfs_init(void);

#endif /* KERNEL_FS_SYSFS_H */
