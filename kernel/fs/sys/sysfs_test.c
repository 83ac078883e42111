/*
 * sysfs_test.c — in-kernel tests of /sys (fs/sysfs.h) in a namespace of their own: the CPU
 * masks, the links of class/ and dev/ and where they lead, getdents, statfs's magic, writes and
 * creation refused; and (suite `devices`, booted with a 1 MiB disk) the disk's attributes. The
 * ABI group procfs checks the same from user space.
 */
#include <block/block.h>
#include <drivers/virtio_blk.h>
#include <fs/devices.h>
#include <fs/sysfs.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/preempt.h>

/* A fresh namespace with sysfs mounted at /sys (root's context). */
static int sys_ns(struct vfs_path *top)
{
	struct path_result r = vfs_init();
	if (r.err)
		return r.err;
	*top = r.value;
	devices_init();
	sysfs_init();
	struct vfs_ctx c = { .root = r.value, .cwd = r.value };
	int e = vfs_mkdir(&c, STR("/sys"), 0555);
	return e ? e : vfs_mount_new(&c, STR("sysfs"), STR("sysfs"), STR("/sys"), 0, STR(""));
}

/* text_is - the whole file at `path` is `want`. */
static bool text_is(const struct vfs_ctx *c, struct str path, struct str want)
{
	u8 buf[256];
	struct file_result f = vfs_open(c, path, VFS_O_RDONLY, 0);
	if (f.err)
		return false;
	struct result_size n = vfs_read(f.value, BYTES_OF_ARRAY(buf));
	vfs_close(f.value);
	return !n.err && str_eq(str_from_bytes(bytes_head(BYTES_OF_ARRAY(buf), n.value)), want);
}

static bool link_is(const struct vfs_ctx *c, struct str path, struct str want)
{
	u8 buf[256];
	struct result_size n = vfs_readlink(c, path, BYTES_OF_ARRAY(buf));
	return !n.err && str_eq(str_from_bytes(bytes_head(BYTES_OF_ARRAY(buf), n.value)), want);
}

KTEST(sysfs, cpus_and_policies)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, sys_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	u8 want[32];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(want));
	if (cpu_count() > 1)
		STRBUF_FMT(&sb, "0-%u\n", cpu_count() - 1);
	else
		strbuf_add(&sb, STR("0\n"));
	KT_EXPECT(kt, text_is(&c, STR("/sys/devices/system/cpu/online"), strbuf_str(&sb)));
	KT_EXPECT(kt, text_is(&c, STR("/sys/devices/system/cpu/possible"), strbuf_str(&sb)));
	KT_EXPECT(kt, text_is(&c, STR("/sys/devices/system/cpu/cpu0/topology/core_id"), STR("0\n")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/kernel/mm/transparent_hugepage/enabled"),
			      STR("always madvise [never]\n")));
	struct vfs_stat st;
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/sys/devices/system/cpu/cpu0/online"), true, &st),
		     -ENOENT); /* cpu0 cannot go offline: no such file, as Linux */
	u8 name[16];
	struct strbuf nb = strbuf_over(BYTES_OF_ARRAY(name));
	STRBUF_FMT(&nb, "/sys/devices/system/cpu/cpu%u", cpu_count());
	KT_EXPECT_EQ(kt, vfs_stat(&c, strbuf_str(&nb), true, &st), -ENOENT);
	vfs_free_tree(top);
}

KTEST(sysfs, device_links_lead_to_their_directories)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, sys_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	KT_EXPECT(kt, link_is(&c, STR("/sys/class/net/lo"), STR("../../devices/virtual/net/lo")));
	KT_EXPECT(kt, link_is(&c, STR("/sys/class/net/lo/subsystem"), STR("../../../../class/net")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/class/net/lo/mtu"), STR("65536\n")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/class/net/lo/uevent"), STR("INTERFACE=lo\nIFINDEX=1\n")));
	KT_EXPECT(kt, link_is(&c, STR("/sys/dev/char/1:3"), STR("../../devices/virtual/mem/null")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/dev/char/1:3/dev"), STR("1:3\n")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/class/tty/console/uevent"),
			      STR("MAJOR=5\nMINOR=1\nDEVNAME=console\n")));
	struct vfs_stat a, b;
	KT_ASSERT_EQ(kt, vfs_stat(&c, STR("/sys/class/tty/tty"), true, &a), 0);
	KT_ASSERT_EQ(kt, vfs_stat(&c, STR("/sys/devices/virtual/tty/tty"), true, &b), 0);
	KT_EXPECT_EQ(kt, a.ino, b.ino);
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/sys/class/net/eth9"), true, &a), -ENOENT);
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/sys/dev/char/1:99"), true, &a), -ENOENT);
	vfs_free_tree(top);
}

KTEST(sysfs, read_only_and_listed)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, sys_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	KT_EXPECT_EQ(kt, vfs_open(&c, STR("/sys/devices/system/cpu/online"), VFS_O_WRONLY, 0).err,
		     -EACCES);
	KT_EXPECT_EQ(kt, vfs_open(&c, STR("/sys/new"), VFS_O_CREAT | VFS_O_WRONLY, 0644).err,
		     -EACCES);
	KT_EXPECT_EQ(kt, vfs_mkdir(&c, STR("/sys/class/x"), 0755), -EACCES);
	struct file_result d = vfs_open(&c, STR("/sys/class"), VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	KT_ASSERT_EQ(kt, d.err, 0);
	struct vfs_statfs sf;
	vfs_statfs_inode(d.value->inode, d.value->mnt, &sf);
	KT_EXPECT_EQ(kt, sf.type, SYSFS_MAGIC);
	struct kbuf buf = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&buf, 4096), 0);
	struct result_size n = vfs_getdents64(d.value, kbuf_bytes(&buf));
	KT_ASSERT(kt, !n.err && n.value > 0);
	struct str text = str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value));
	KT_EXPECT(kt, !str_find(text, STR("block")).err && !str_find(text, STR("net")).err &&
			      !str_find(text, STR("tty")).err && !str_find(text, STR("mem")).err);
	vfs_close(d.value);
	kbuf_free(&buf);
	vfs_free_tree(top);
}

/* With the device boot's disk (vda, 2048 sectors, no partition table). */
KTEST(devices, sysfs_shows_the_disk)
{
	if (virtio_blk_probe() < 1)
		KT_SKIP(kt, "no virtio-blk device");
	struct blockdev *bd = blk_find(STR("vda"));
	KT_ASSERT(kt, bd != NULL);
	struct vfs_path top;
	KT_ASSERT_EQ(kt, sys_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	u8 want[32];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(want));
	STRBUF_FMT(&sb, "%u:%u\n", bd->major, bd->minor);
	KT_EXPECT(kt, text_is(&c, STR("/sys/block/vda/dev"), strbuf_str(&sb)));
	KT_EXPECT(kt, text_is(&c, STR("/sys/block/vda/size"), STR("2048\n")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/block/vda/ro"), STR("0\n")));
	KT_EXPECT(kt, link_is(&c, STR("/sys/block/vda"), STR("../devices/virtual/block/vda")));
	KT_EXPECT(kt, link_is(&c, STR("/sys/class/block/vda"),
			      STR("../../devices/virtual/block/vda")));
	u8 path[48];
	struct strbuf pb = strbuf_over(BYTES_OF_ARRAY(path));
	STRBUF_FMT(&pb, "/sys/dev/block/%u:%u/size", bd->major, bd->minor);
	KT_EXPECT(kt, text_is(&c, strbuf_str(&pb), STR("2048\n")));
	KT_EXPECT(kt, text_is(&c, STR("/sys/class/block/vda/uevent"),
			      STR("MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n")));
	vfs_free_tree(top);
}
