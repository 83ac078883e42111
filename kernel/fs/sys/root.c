/*
 * root.c — the /sys file system's tree (fs/sysfs.h): the "sysfs" type, its inodes and ops, and
 * every directory as an entry function (synth_entry_fn, fs/synth.h): fixed tables for the
 * fixed parts, the CPUs and the devices (devs.c) for the rest. Links get their text at lookup.
 */
#include <fs/sysfs.h>
#include <fw/preempt.h>
#include <fw/typecache.h>

DEFINE_TYPE_INFO(sysfs_inode, struct sysfs_inode);

#define DIR_MODE (VFS_S_IFDIR | 0755)
#define FILE_MODE (VFS_S_IFREG | 0444)
#define LINK_MODE (VFS_S_IFLNK | 0777)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct sysfs_entry {
	struct str name;
	enum sysfs_kind kind;
	u32 mode;
	u32 arg;
};

static const struct sysfs_entry root_entries[] = {
	{ STR("block"), SK_BLOCK, DIR_MODE, 0 },      { STR("bus"), SK_EMPTY, DIR_MODE, 0 },
	{ STR("class"), SK_CLASS, DIR_MODE, 0 },      { STR("dev"), SK_DEV, DIR_MODE, 0 },
	{ STR("devices"), SK_DEVICES, DIR_MODE, 0 },  { STR("firmware"), SK_EMPTY, DIR_MODE, 1 },
	{ STR("fs"), SK_EMPTY, DIR_MODE, 2 },         { STR("kernel"), SK_KERNEL, DIR_MODE, 0 },
	{ STR("module"), SK_EMPTY, DIR_MODE, 3 },     { STR("power"), SK_EMPTY, DIR_MODE, 4 },
};
static const struct sysfs_entry devices_entries[] = {
	{ STR("system"), SK_SYSTEM, DIR_MODE, 0 },
	{ STR("virtual"), SK_VIRTUAL, DIR_MODE, 0 },
};
static const struct sysfs_entry system_entries[] = {
	{ STR("cpu"), SK_CPU, DIR_MODE, 0 },
};
static const struct sysfs_entry cpu_entries[] = {
	{ STR("isolated"), SK_CPU_ISOLATED, FILE_MODE, 0 },
	{ STR("kernel_max"), SK_CPU_KERNEL_MAX, FILE_MODE, 0 },
	{ STR("offline"), SK_CPU_OFFLINE, FILE_MODE, 0 },
	{ STR("online"), SK_CPU_ONLINE, FILE_MODE, 0 },
	{ STR("possible"), SK_CPU_POSSIBLE, FILE_MODE, 0 },
	{ STR("present"), SK_CPU_PRESENT, FILE_MODE, 0 },
};
static const struct sysfs_entry topology_entries[] = {
	{ STR("core_id"), SK_TOPO_CORE, FILE_MODE, 0 },
	{ STR("core_siblings_list"), SK_TOPO_CORES, FILE_MODE, 0 },
	{ STR("physical_package_id"), SK_TOPO_PACKAGE, FILE_MODE, 0 },
	{ STR("thread_siblings_list"), SK_TOPO_THREADS, FILE_MODE, 0 },
};
static const struct sysfs_entry dev_entries[] = {
	{ STR("block"), SK_DEV_BLOCK, DIR_MODE, 0 },
	{ STR("char"), SK_DEV_CHAR, DIR_MODE, 0 },
};
static const struct sysfs_entry kernel_entries[] = {
	{ STR("mm"), SK_KERNEL_MM, DIR_MODE, 0 },
};
static const struct sysfs_entry mm_entries[] = {
	{ STR("transparent_hugepage"), SK_THP, DIR_MODE, 0 },
};
static const struct sysfs_entry thp_entries[] = {
	{ STR("defrag"), SK_THP_DEFRAG, FILE_MODE, 0 },
	{ STR("enabled"), SK_THP_ENABLED, FILE_MODE, 0 },
};
/* the attributes of a device's directory, by class; `arg` 1: disks only, 2: partitions only */
static const struct sysfs_entry block_attrs[] = {
	{ STR("dev"), SK_ATTR_DEV, FILE_MODE, 0 },
	{ STR("partition"), SK_ATTR_PARTITION, FILE_MODE, 2 },
	{ STR("removable"), SK_ATTR_REMOVABLE, FILE_MODE, 1 },
	{ STR("ro"), SK_ATTR_RO, FILE_MODE, 0 },
	{ STR("size"), SK_ATTR_SIZE, FILE_MODE, 0 },
	{ STR("subsystem"), SK_LINK_SUBSYSTEM, LINK_MODE, 0 },
	{ STR("uevent"), SK_ATTR_UEVENT, FILE_MODE, 0 },
};
static const struct sysfs_entry net_attrs[] = {
	{ STR("address"), SK_ATTR_ADDRESS, FILE_MODE, 0 },
	{ STR("carrier"), SK_ATTR_CARRIER, FILE_MODE, 0 },
	{ STR("flags"), SK_ATTR_FLAGS, FILE_MODE, 0 },
	{ STR("ifindex"), SK_ATTR_IFINDEX, FILE_MODE, 0 },
	{ STR("mtu"), SK_ATTR_MTU, FILE_MODE, 0 },
	{ STR("operstate"), SK_ATTR_OPERSTATE, FILE_MODE, 0 },
	{ STR("subsystem"), SK_LINK_SUBSYSTEM, LINK_MODE, 0 },
	{ STR("type"), SK_ATTR_TYPE, FILE_MODE, 0 },
	{ STR("uevent"), SK_ATTR_UEVENT, FILE_MODE, 0 },
};
static const struct sysfs_entry char_attrs[] = {
	{ STR("dev"), SK_ATTR_DEV, FILE_MODE, 0 },
	{ STR("subsystem"), SK_LINK_SUBSYSTEM, LINK_MODE, 0 },
	{ STR("uevent"), SK_ATTR_UEVENT, FILE_MODE, 0 },
};
/* the classes /sys/class and /sys/devices/virtual list, in name order */
static const enum sysfs_class classes[] = { CLASS_BLOCK, CLASS_MEM, CLASS_MISC, CLASS_NET, CLASS_TTY };

/* ino - entries are told apart by their kind, their directory's kind and their arg. */
static u64 ino_of(enum sysfs_kind kind, enum sysfs_kind dir, u32 arg)
{
	if (kind == SK_ROOT)
		return 1;
	return 2 + ((u64)kind << 40 | (u64)dir << 32 | arg);
}

/* TABLE_AT - entry i of a fixed table into *out (false past its end). */
#define TABLE_AT(tab, i, out) ((i) < NELEM(tab) ? (*(out) = (tab)[(i)], true) : false)

/* table_at - the i-th fixed entry of a directory kind (false past the end, and for the kinds
 * with no table). Device attributes depend on the class: see dev_entry. */
static bool table_at(enum sysfs_kind dir, u64 i, struct sysfs_entry *out)
{
	switch (dir) {
	case SK_ROOT: return TABLE_AT(root_entries, i, out);
	case SK_DEVICES: return TABLE_AT(devices_entries, i, out);
	case SK_SYSTEM: return TABLE_AT(system_entries, i, out);
	case SK_CPU: return TABLE_AT(cpu_entries, i, out);
	case SK_TOPOLOGY: return TABLE_AT(topology_entries, i, out);
	case SK_DEV: return TABLE_AT(dev_entries, i, out);
	case SK_KERNEL: return TABLE_AT(kernel_entries, i, out);
	case SK_KERNEL_MM: return TABLE_AT(mm_entries, i, out);
	case SK_THP: return TABLE_AT(thp_entries, i, out);
	default: return false;
	}
}

static size_t table_len(enum sysfs_kind dir)
{
	struct sysfs_entry e;
	size_t n = 0;
	while (n < 64 && table_at(dir, n, &e))
		n++;
	return n;
}

/* set - *out from a table entry in directory `d` (the directory's arg passed on when the entry
 * has none: a CPU's files name the CPU, a device's the device). */
static void set(struct synth_entry *out, struct sysfs_entry e, struct sysfs_inode *d)
{
	u32 arg = e.arg ? e.arg : d->arg;
	synth_entry_set(out, e.name, e.kind, e.mode, arg, ino_of(e.kind, d->kind, arg));
}

/* set_dev - *out: device `dev` as an entry of kind `kind` in directory d (its directory, or a
 * link to it). dev/{block,char} name it MAJ:MIN. */
static void set_dev(struct synth_entry *out, struct sysfs_dev *dev, enum sysfs_kind kind,
		    struct sysfs_inode *d)
{
	u32 mode = kind == SK_DEVDIR ? DIR_MODE : LINK_MODE;
	u64 ino = ino_of(kind, d->kind, dev->id);
	if (d->kind == SK_DEV_BLOCK || d->kind == SK_DEV_CHAR) {
		u8 name[24];
		struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(name));
		STRBUF_FMT(&sb, "%u:%u", dev->major, dev->minor);
		synth_entry_set(out, strbuf_str(&sb), kind, mode, dev->id, ino);
	} else {
		synth_entry_set(out, sysfs_dev_name(dev), kind, mode, dev->id, ino);
	}
}

/* dev_entry - the i-th entry of a device's directory: its class's attributes, then (a disk)
 * its partitions. */
static bool dev_entry(struct sysfs_inode *d, u64 i, struct synth_entry *out)
{
	struct sysfs_dev dev;
	if (!sysfs_dev_get(d->arg, &dev))
		return false;
	struct sysfs_entry e;
	bool have = dev.cls == CLASS_BLOCK ? TABLE_AT(block_attrs, i, &e)
		  : dev.cls == CLASS_NET ? TABLE_AT(net_attrs, i, &e)
		  : TABLE_AT(char_attrs, i, &e);
	if (have) {
		out->name_len = 0; /* a disk's or a partition's only: empty here */
		if ((e.arg == 1 && dev.parent) || (e.arg == 2 && !dev.parent))
			return true;
		e.arg = 0;
		set(out, e, d);
		return true;
	}
	size_t nattrs = dev.cls == CLASS_BLOCK ? NELEM(block_attrs)
		      : dev.cls == CLASS_NET ? NELEM(net_attrs) : NELEM(char_attrs);
	u64 slot = i - nattrs;
	if (dev.cls != CLASS_BLOCK || dev.parent || slot >= sysfs_class_slots(CLASS_BLOCK))
		return false;
	struct sysfs_dev part;
	out->name_len = 0;
	if (sysfs_dev_get(SYSFS_DEV_ID(CLASS_BLOCK, slot), &part) && part.parent == dev.id)
		set_dev(out, &part, SK_DEVDIR, d);
	return true;
}

/* class_entry - the i-th device of class `cls` (an empty slot: name_len 0); `disks_only`
 * leaves partitions out. */
static bool class_entry(enum sysfs_class cls, u64 i, enum sysfs_kind kind, bool disks_only,
			struct sysfs_inode *d, struct synth_entry *out)
{
	if (i >= sysfs_class_slots(cls))
		return false;
	struct sysfs_dev dev;
	out->name_len = 0;
	if (sysfs_dev_get(SYSFS_DEV_ID(cls, (u32)i), &dev) && !(disks_only && dev.parent))
		set_dev(out, &dev, kind, d);
	return true;
}

static bool sysfs_entry(struct inode *dir, u64 i, struct synth_entry *out)
{
	struct sysfs_inode *d = sysfs_inode_from(dir);
	struct sysfs_entry e;
	if (table_at(d->kind, i, &e)) {
		set(out, e, d);
		return true;
	}
	u64 n = i - table_len(d->kind);
	switch (d->kind) {
	case SK_CPU: /* the fixed files, then cpu0, cpu1, ... */
		if (n >= cpu_count())
			return false;
		u8 name[16];
		struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(name));
		STRBUF_FMT(&sb, "cpu%u", n);
		synth_entry_set(out, strbuf_str(&sb), SK_CPUN, DIR_MODE, (u32)n,
				ino_of(SK_CPUN, d->kind, (u32)n));
		return true;
	case SK_CPUN: /* topology, and online for the CPUs that could go offline (not cpu0) */
		if (n == 0)
			e = (struct sysfs_entry){ STR("topology"), SK_TOPOLOGY, DIR_MODE, 0 };
		else if (n == 1 && d->arg)
			e = (struct sysfs_entry){ STR("online"), SK_CPUN_ONLINE, FILE_MODE, 0 };
		else
			return false;
		set(out, e, d);
		return true;
	case SK_VIRTUAL:
	case SK_CLASS:
		if (n >= NELEM(classes))
			return false;
		e = (struct sysfs_entry){ sysfs_class_name(classes[n]),
					  d->kind == SK_CLASS ? SK_CLASSDIR : SK_VCLASS, DIR_MODE,
					  classes[n] };
		set(out, e, d);
		return true;
	case SK_VCLASS: /* the devices' directories: a partition's is in its disk's */
		return class_entry((enum sysfs_class)d->arg, n, SK_DEVDIR, true, d, out);
	case SK_CLASSDIR:
		return class_entry((enum sysfs_class)d->arg, n, SK_LINK_DEV, false, d, out);
	case SK_BLOCK:
		return class_entry(CLASS_BLOCK, n, SK_LINK_DEV, true, d, out);
	case SK_DEV_BLOCK:
		return class_entry(CLASS_BLOCK, n, SK_LINK_DEV, false, d, out);
	case SK_DEV_CHAR: { /* the tty class's slots, then the mem class's */
		u64 slots = sysfs_class_slots(CLASS_TTY);
		return n < slots ? class_entry(CLASS_TTY, n, SK_LINK_DEV, false, d, out)
				 : class_entry(CLASS_MEM, n - slots, SK_LINK_DEV, false, d, out);
	}
	case SK_DEVDIR:
		return dev_entry(d, n, out);
	default:
		return false;
	}
}

/* --- links ------------------------------------------------------------------------------------ */

/* link_target - the text of a link made in directory d: "../" up to /sys, then where it goes. */
static int link_target(struct sysfs_inode *d, struct sysfs_inode *pi)
{
	struct sysfs_dev dev;
	u32 id = pi->kind == SK_LINK_DEV ? pi->arg : d->arg;
	if (!sysfs_dev_get(id, &dev))
		return -ENOENT;
	u8 text[128];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(text));
	u32 ups = 0;
	if (pi->kind == SK_LINK_SUBSYSTEM)
		ups = dev.parent ? 5 : 4; /* devices/virtual/CLASS/[DISK/]NAME */
	else
		ups = d->kind == SK_BLOCK ? 1 : 2; /* block/NAME; class/C/NAME, dev/X/M:m */
	for (u32 k = 0; k < ups; k++)
		strbuf_add(&sb, STR("../"));
	if (pi->kind == SK_LINK_SUBSYSTEM) {
		strbuf_add(&sb, STR("class/"));
		strbuf_add(&sb, sysfs_class_name(dev.cls));
	} else {
		sysfs_dev_path(&dev, &sb);
	}
	if (strbuf_err(&sb))
		return -ENAMETOOLONG;
	int e = synth_text_set(&pi->target, strbuf_str(&sb));
	pi->vfs.size = pi->target.len;
	return e;
}

static struct str sysfs_readlink(struct inode *ip)
{
	return synth_text_str(&sysfs_inode_from(ip)->target);
}

/* --- the ops ---------------------------------------------------------------------------------- */

static struct inode_result sysfs_new_inode(struct vfs_sb *sb, enum sysfs_kind kind, u32 mode,
					   u32 arg, u64 ino) REQUIRES(vfs_lock);

static struct inode_result sysfs_lookup(const struct vfs_ctx *c, struct inode *dir, struct str name)
	REQUIRES(vfs_lock)
{
	(void)c;
	struct synth_entry t;
	if (!synth_find(dir, sysfs_entry, name, &t))
		return inode_result_err(-ENOENT);
	struct inode_result r = sysfs_new_inode(dir->sb, (enum sysfs_kind)t.kind, t.mode, t.arg,
						t.ino);
	if (r.err || (t.mode & VFS_S_IFMT) != VFS_S_IFLNK)
		return r;
	int e = link_target(sysfs_inode_from(dir), sysfs_inode_from(r.value));
	if (e) {
		vfs_inode_put(r.value);
		return inode_result_err(e);
	}
	return r;
}

static int sysfs_readdir(struct inode *dir, u64 pos, struct vfs_dirent *out) REQUIRES(vfs_lock)
{
	return synth_readdir(dir, sysfs_entry, pos, out);
}

/* A device's directory (and a CPU's) stands while the device does: a partition gone after a
 * reread of the table is ENOENT at the next walk. */
static bool sysfs_dir_revalidate(const struct vfs_ctx *c, struct inode *ip)
{
	(void)c;
	struct sysfs_inode *pi = sysfs_inode_from(ip);
	struct sysfs_dev dev;
	if (pi->kind == SK_DEVDIR)
		return sysfs_dev_get(pi->arg, &dev);
	if (pi->kind == SK_CPUN || pi->kind == SK_TOPOLOGY)
		return pi->arg < cpu_count();
	return true;
}

/* Nothing in /sys has a write method: an open for writing is EACCES, even for root (kernfs). */
static int sysfs_open(struct inode *ip, u32 flags)
{
	(void)ip;
	if (flags & VFS_O_PATH)
		return 0;
	return (flags & VFS_O_ACCMODE) != VFS_O_RDONLY ? -EACCES : 0;
}

static struct result_size sysfs_read_file(struct file *f, struct bytes dst, u64 pos)
{
	return synth_read(f->inode, sysfs_generate, dst, pos);
}

static void sysfs_destroy(struct inode *ip)
{
	struct sysfs_inode *pi = sysfs_inode_from(ip);
	synth_text_free(&pi->target);
	sysfs_inode_delete(pi);
}

static const struct inode_ops sysfs_dir_ops = {
	.lookup = sysfs_lookup,
	.revalidate = sysfs_dir_revalidate,
	.destroy = sysfs_destroy,
};
static const struct file_ops sysfs_dir_fops = {
	.readdir = sysfs_readdir,
};
static const struct inode_ops sysfs_link_ops = {
	.readlink = sysfs_readlink,
	.revalidate = synth_link_revalidate,
	.destroy = sysfs_destroy,
};
static const struct inode_ops sysfs_file_ops = {
	.destroy = sysfs_destroy,
};
static const struct file_ops sysfs_file_fops = {
	.open = sysfs_open,
	.read_file = sysfs_read_file,
	.fsync = vfs_fsync_noop, /* as Linux's kernfs files (its directories: EINVAL) */
};

static struct inode_result sysfs_new_inode(struct vfs_sb *sb, enum sysfs_kind kind, u32 mode,
					   u32 arg, u64 ino)
{
	struct sysfs_inode *pi = sysfs_inode_new();
	if (!pi)
		return inode_result_err(-ENOMEM);
	pi->kind = kind;
	pi->arg = arg;
	u32 type = mode & VFS_S_IFMT;
	const struct inode_ops *ops = type == VFS_S_IFDIR ? &sysfs_dir_ops
				    : type == VFS_S_IFLNK ? &sysfs_link_ops : &sysfs_file_ops;
	const struct file_ops *fops = type == VFS_S_IFDIR ? &sysfs_dir_fops
				     : type == VFS_S_IFLNK ? NULL : &sysfs_file_fops;
	synth_inode_init(sysfs_inode_base(pi), sb, ops, fops, mode, ino);
	vfs_sb_inode_added(sb);
	if (type == VFS_S_IFREG)
		pi->vfs.size = 4096; /* as Linux reports an attribute's size */
	return inode_result_ok(sysfs_inode_base(pi));
}

/* --- the file system type --------------------------------------------------------------------- */

static int sysfs_fill(struct vfs_sb *sb, struct str options, struct inode **root)
	REQUIRES(vfs_lock)
{
	(void)options; /* sysfs takes no options of its own */
	struct inode_result r = sysfs_new_inode(sb, SK_ROOT, DIR_MODE, 0, ino_of(SK_ROOT, SK_ROOT, 0));
	if (r.err)
		return r.err;
	*root = r.value;
	return 0;
}

static const struct vfs_fstype sysfs_type = {
	.name = STR("sysfs"),
	.magic = SYSFS_MAGIC,
	.fill = sysfs_fill,
};

void sysfs_init(void)
{
	(void)vfs_register_fstype(&sysfs_type);
}
