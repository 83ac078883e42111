/*
 * devs.c — the devices /sys shows (fs/sysfs.h), read from their owners at each look: the
 * block layer's table (disks and partitions), the network interfaces (lo, always; eth0 when
 * its driver registered it) and the character devices of /dev that have a driver
 * (devices_char_node_at). Each gets a device id (class << 16 | index) that names it in inodes.
 */
#include <block/block.h>
#include <drivers/netdev.h>
#include <fs/devices.h>
#include <fs/sysfs.h>

#define NET_LO 0u
#define NET_ETH0 1u
#define NET_COUNT 2u

struct str sysfs_class_name(enum sysfs_class cls)
{
	switch (cls) {
	case CLASS_BLOCK: return STR("block");
	case CLASS_NET: return STR("net");
	case CLASS_TTY: return STR("tty");
	case CLASS_MEM: return STR("mem");
	case CLASS_MISC: return STR("misc");
	default: return str_empty();
	}
}

struct str sysfs_dev_name(struct sysfs_dev *d)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(d->name), d->name_len));
}

static void set_name(struct sysfs_dev *d, struct str name)
{
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name), str_head(name, SYNTH_NAME_MAX));
	d->name_len = n.err ? 0 : n.value;
}

/* block_get - block table slot `slot`. */
static bool block_get(u32 slot, struct sysfs_dev *out)
{
	struct blk_info bi;
	if (slot >= BLK_MAX_DEVS || !blk_info_at(slot, &bi))
		return false;
	set_name(out, str_from_bytes(bytes_head(BYTES_OF_ARRAY(bi.name), bi.name_len)));
	out->major = bi.major;
	out->minor = bi.minor;
	out->sectors = bi.sectors;
	out->read_only = bi.read_only;
	if (bi.disk_minor != bi.minor) { /* a partition: find its disk's slot */
		struct blk_info disk;
		for (u32 i = 0; i < BLK_MAX_DEVS; i++)
			if (blk_info_at(i, &disk) && disk.major == bi.major &&
			    disk.minor == bi.disk_minor)
				out->parent = SYSFS_DEV_ID(CLASS_BLOCK, i);
		if (!out->parent)
			return false; /* its disk went while we looked */
	}
	return true;
}

static bool net_get(u32 index, struct sysfs_dev *out)
{
	if (index == NET_LO) {
		set_name(out, STR("lo"));
		out->link_up = true; /* as netlink reports it (net/netlink.c): always up */
		return true;
	}
	struct netdev *nd = index == NET_ETH0 ? netdev_find(STR("eth0")) : NULL;
	if (!nd)
		return false;
	set_name(out, STR("eth0"));
	for (u32 i = 0; i < 6; i++)
		out->mac[i] = nd->mac[i];
	out->link_up = nd->link_up;
	return true;
}

static bool char_get(enum sysfs_class cls, u32 index, struct sysfs_dev *out)
{
	struct dev_char_node n;
	if (!devices_char_node_at(index, &n) || !str_eq(n.class, sysfs_class_name(cls)) ||
	    !vfs_chrdev_registered(n.major, n.minor))
		return false;
	set_name(out, n.name);
	out->major = n.major;
	out->minor = n.minor;
	out->mode = n.mode;
	return true;
}

bool sysfs_dev_get(u32 id, struct sysfs_dev *out)
{
	*out = (struct sysfs_dev){ .id = id, .cls = SYSFS_DEV_CLASS(id) };
	u32 index = SYSFS_DEV_INDEX(id);
	switch (out->cls) {
	case CLASS_BLOCK: return block_get(index, out);
	case CLASS_NET: return net_get(index, out);
	case CLASS_TTY:
	case CLASS_MEM: return char_get(out->cls, index, out);
	default: return false; /* no misc device exists yet */
	}
}

u32 sysfs_class_slots(enum sysfs_class cls)
{
	switch (cls) {
	case CLASS_BLOCK: return BLK_MAX_DEVS;
	case CLASS_NET: return NET_COUNT;
	case CLASS_TTY:
	case CLASS_MEM: return 64u; /* devices_char_node_at's table is shorter */
	default: return 0;
	}
}

bool sysfs_dev_next(enum sysfs_class cls, u32 from, struct sysfs_dev *out)
{
	for (u32 i = from; i < sysfs_class_slots(cls); i++)
		if (sysfs_dev_get(SYSFS_DEV_ID(cls, i), out))
			return true;
	return false;
}

void sysfs_dev_path(struct sysfs_dev *d, struct strbuf *sb)
{
	strbuf_add(sb, STR("devices/virtual/"));
	strbuf_add(sb, sysfs_class_name(d->cls));
	strbuf_add_char(sb, '/');
	struct sysfs_dev disk;
	if (d->parent && sysfs_dev_get(d->parent, &disk)) {
		strbuf_add(sb, sysfs_dev_name(&disk));
		strbuf_add_char(sb, '/');
	}
	strbuf_add(sb, sysfs_dev_name(d));
}
