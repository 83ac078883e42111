/*
 * attrs.c — the texts of /sys files (fs/sysfs.h), in Linux's formats: the CPU masks as range
 * lists ("0-1\n"), the transparent huge page policy with the active choice in brackets (Trellis
 * has no huge pages: [never]), and the attributes of a device (dev "MAJ:MIN", uevent, a
 * disk's size in 512-byte sectors, a network interface's address, mtu, operstate, ...).
 */
#include <fs/sysfs.h>
#include <fw/preempt.h>

#define NR_CPUS 8192u /* Debian's kernel: kernel_max is NR_CPUS - 1 */

/* cpu_range - the CPUs 0..n-1 as Linux prints a cpumask list. */
static void cpu_range(struct strbuf *sb, u32 n)
{
	if (n <= 1)
		strbuf_add(sb, STR("0\n"));
	else
		STRBUF_FMT(sb, "0-%u\n", n - 1);
}

static void uevent(struct strbuf *sb, struct sysfs_dev *d)
{
	if (d->cls == CLASS_NET) {
		strbuf_add(sb, STR("INTERFACE="));
		strbuf_add(sb, sysfs_dev_name(d));
		STRBUF_FMT(sb, "\nIFINDEX=%u\n", SYSFS_DEV_INDEX(d->id) + 1);
		return;
	}
	STRBUF_FMT(sb, "MAJOR=%u\nMINOR=%u\nDEVNAME=", d->major, d->minor);
	strbuf_add(sb, sysfs_dev_name(d));
	strbuf_add_char(sb, '\n');
	struct sysfs_dev disk;
	if (d->cls == CLASS_BLOCK && !d->parent)
		strbuf_add(sb, STR("DEVTYPE=disk\n"));
	else if (d->cls == CLASS_BLOCK && sysfs_dev_get(d->parent, &disk))
		STRBUF_FMT(sb, "DEVTYPE=partition\nPARTN=%u\n", d->minor - disk.minor);
	/* the classes whose devnode sets a mode: mem's, and tty's world-writable nodes */
	if (d->cls == CLASS_MEM || (d->cls == CLASS_TTY && d->mode == 0666))
		STRBUF_FMT(sb, "DEVMODE=0%o\n", d->mode);
}

static int net_attr(enum sysfs_kind kind, struct sysfs_dev *d, struct strbuf *sb)
{
	bool lo = SYSFS_DEV_INDEX(d->id) == 0;
	switch (kind) {
	case SK_ATTR_ADDRESS:
		STRBUF_FMT(sb, "%02x:%02x:%02x:%02x:%02x:%02x\n", d->mac[0], d->mac[1], d->mac[2],
			   d->mac[3], d->mac[4], d->mac[5]);
		return 0;
	case SK_ATTR_MTU:
		STRBUF_FMT(sb, "%u\n", lo ? 65536u : 1500u);
		return 0;
	case SK_ATTR_OPERSTATE: /* lo has no carrier to follow: "unknown", as on Linux */
		strbuf_add(sb, lo ? STR("unknown\n") : d->link_up ? STR("up\n") : STR("down\n"));
		return 0;
	case SK_ATTR_IFINDEX:
		STRBUF_FMT(sb, "%u\n", SYSFS_DEV_INDEX(d->id) + 1);
		return 0;
	case SK_ATTR_TYPE: /* ARPHRD_LOOPBACK, ARPHRD_ETHER */
		STRBUF_FMT(sb, "%u\n", lo ? 772u : 1u);
		return 0;
	case SK_ATTR_FLAGS: /* IFF_UP | IFF_LOOPBACK; IFF_UP | IFF_BROADCAST | IFF_MULTICAST */
		STRBUF_FMT(sb, "0x%x\n", lo ? 0x9u : d->link_up ? 0x1003u : 0x1002u);
		return 0;
	case SK_ATTR_CARRIER:
		strbuf_add(sb, d->link_up ? STR("1\n") : STR("0\n"));
		return 0;
	default:
		return -EINVAL;
	}
}

static int dev_attr(enum sysfs_kind kind, u32 id, struct strbuf *sb)
{
	struct sysfs_dev d, disk;
	if (!sysfs_dev_get(id, &d))
		return -ENODEV; /* gone since it was looked up */
	switch (kind) {
	case SK_ATTR_DEV:
		STRBUF_FMT(sb, "%u:%u\n", d.major, d.minor);
		return 0;
	case SK_ATTR_UEVENT:
		uevent(sb, &d);
		return 0;
	case SK_ATTR_SIZE:
		STRBUF_FMT(sb, "%u\n", d.sectors);
		return 0;
	case SK_ATTR_RO:
		strbuf_add(sb, d.read_only ? STR("1\n") : STR("0\n"));
		return 0;
	case SK_ATTR_REMOVABLE:
		strbuf_add(sb, STR("0\n"));
		return 0;
	case SK_ATTR_PARTITION:
		if (!sysfs_dev_get(d.parent, &disk))
			return -ENODEV;
		STRBUF_FMT(sb, "%u\n", d.minor - disk.minor);
		return 0;
	default:
		return net_attr(kind, &d, sb);
	}
}

int sysfs_generate(struct inode *ip, struct strbuf *sb)
{
	struct sysfs_inode *pi = sysfs_inode_from(ip);
	u32 ncpu = cpu_count() ? cpu_count() : 1;
	switch (pi->kind) {
	case SK_CPU_ONLINE:
	case SK_CPU_POSSIBLE: /* no CPU hotplug: every possible CPU is present and online */
	case SK_CPU_PRESENT:
		cpu_range(sb, ncpu);
		return 0;
	case SK_CPU_OFFLINE:
	case SK_CPU_ISOLATED:
		strbuf_add_char(sb, '\n');
		return 0;
	case SK_CPU_KERNEL_MAX:
		STRBUF_FMT(sb, "%u\n", NR_CPUS - 1);
		return 0;
	case SK_CPUN_ONLINE:
		strbuf_add(sb, STR("1\n"));
		return 0;
	/* one package, one thread per core (as /proc/cpuinfo says) */
	case SK_TOPO_PACKAGE:
		strbuf_add(sb, STR("0\n"));
		return 0;
	case SK_TOPO_CORE:
	case SK_TOPO_THREADS:
		STRBUF_FMT(sb, "%u\n", pi->arg);
		return 0;
	case SK_TOPO_CORES:
		cpu_range(sb, ncpu);
		return 0;
	case SK_THP_ENABLED:
		strbuf_add(sb, STR("always madvise [never]\n"));
		return 0;
	case SK_THP_DEFRAG:
		strbuf_add(sb, STR("always defer defer+madvise madvise [never]\n"));
		return 0;
	default:
		return dev_attr(pi->kind, pi->arg, sb);
	}
}
