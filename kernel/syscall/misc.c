/*
 * misc.c — uname (sysname "Linux", as programs test for it; the host and domain names of
 * proc/uts.h, set by sethostname/setdomainname), sysinfo (memory from the frame
 * allocator, uptime, the number of threads; no load averages yet: 0), reboot (power off;
 * restart also powers off for now). The clock calls are in time.c; sched_yield is in
 * sched.c.
 */
#include <fw/blob.h>
#include <fw/frame.h>
#include <fw/log.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <fw/task.h>
#include <proc/uts.h>
#include <proc/wait.h>
#include <sched/loadavg.h>
#include <syscall/define.h>
#include <uapi/misc.h>

DEFINE_UCOPY(uutsname, struct uapi_utsname);
DEFINE_UCOPY(usysinfo, struct uapi_sysinfo);


SYSCALL_DEFINE1(uname, uptr, name)
{
	(void)p;
	struct uapi_utsname u = { 0 };
	(void)str_copy_to(BYTES_OF_ARRAY(u.sysname), STR("Linux"));
	(void)uts_read(UTS_HOSTNAME, bytes_head(BYTES_OF_ARRAY(u.nodename), UTS_NAME_MAX));
	(void)str_copy_to(BYTES_OF_ARRAY(u.release), STR("6.1.0-trellis"));
	(void)str_copy_to(BYTES_OF_ARRAY(u.version), STR("#1 Trellis"));
	(void)str_copy_to(BYTES_OF_ARRAY(u.machine), STR("x86_64"));
	(void)uts_read(UTS_DOMAINNAME, bytes_head(BYTES_OF_ARRAY(u.domainname), UTS_NAME_MAX));
	return uutsname_to_user(&u, name) ? -EFAULT : 0;
}

/* set_uts - sethostname/setdomainname(name, len): root only (CAP_SYS_ADMIN), len 0..64. */
static i64 set_uts(struct thread *p, struct uaddr name, int len, enum uts_field field)
{
	if (p->fs.cred.euid != 0)
		return -EPERM;
	if (len < 0 || (u32)len > UTS_NAME_MAX)
		return -EINVAL;
	u8 buf[UTS_NAME_MAX];
	struct bytes b = bytes_head(BYTES_OF_ARRAY(buf), (size_t)len);
	struct vm_reader r = vm_reader_user(name, (size_t)len);
	struct result_size n = vm_read(&r, b);
	if (len && (n.err || n.value != (u64)len))
		return -EFAULT;
	return uts_write(field, b);
}

SYSCALL_DEFINE2(sethostname, uptr, name, int, len)
{
	return set_uts(p, name, len, UTS_HOSTNAME);
}

SYSCALL_DEFINE2(setdomainname, uptr, name, int, len)
{
	return set_uts(p, name, len, UTS_DOMAINNAME);
}

SYSCALL_DEFINE1(sysinfo, uptr, info)
{
	(void)p;
	struct loadavg la = loadavg_read();
	struct uapi_sysinfo si = {
		.uptime = (i64)(fw_time_ns() / 1000000000u),
		.totalram = frame_stat_total() * FRAME_SIZE,
		.freeram = frame_stat_free() * FRAME_SIZE,
		.procs = (u16)proc_count_tasks(PROC_ANY_UID), /* Linux: nr_threads */
		/* SI_LOAD_SHIFT: 16 fraction bits */
		.loads = { la.one << (16 - LOADAVG_FSHIFT), la.five << (16 - LOADAVG_FSHIFT),
			   la.fifteen << (16 - LOADAVG_FSHIFT) },
		.mem_unit = 1,
	};
	return usysinfo_to_user(&si, info) ? -EFAULT : 0;
}

#define REBOOT_MAGIC1 0xfee1deadull
#define REBOOT_CMD_CAD_OFF 0ull
#define REBOOT_CMD_CAD_ON 0x89abcdefull
#define REBOOT_CMD_HALT 0xcdef0123ull
#define REBOOT_CMD_POWER_OFF 0x4321fedcull
#define REBOOT_CMD_RESTART 0x01234567ull

/* reboot(int magic1, int magic2, unsigned int cmd, void *arg): the magic numbers are compared
 * as Linux compares them (32-bit values); `arg` (RESTART2's command string) is not used. */
SYSCALL_DEFINE3(reboot, uint, magic1, uint, magic2, uint, cmd)
{
	if (magic1 != REBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	if (p->fs.cred.euid != 0)
		return -EPERM;
	switch (cmd) {
	case REBOOT_CMD_CAD_OFF:
	case REBOOT_CMD_CAD_ON:
		return 0;
	case REBOOT_CMD_HALT:
	case REBOOT_CMD_POWER_OFF:
	case REBOOT_CMD_RESTART:
		fw_info("reboot: power off requested by pid %u", p->pid);
		fw_power_off();
	default:
		return -EINVAL;
	}
}
