/*
 * main.c — the kernel's entry point (service code: safe C against framework/include/fw/ only).
 *
 * The framework calls kernel_main() once, after its own initialisation. It prints the banner,
 * what the boot loader handed over and how long boot took, then starts the first program from
 * the initramfs (rdinit=, else init=, else /init, /sbin/init, /bin/sh) and runs processes until
 * that program ends. Like Linux, Trellis has nothing to do once init is gone: it reports init's
 * exit status on the console and powers the machine off.
 */
#include <drivers/drivers.h>
#include <fw/blob.h>
#include <fw/boot.h>
#include <fw/log.h>
#include <fw/time.h>
#include <net/socket.h>
#include <proc/boot.h>
#include <time/clock.h>
#include <proc/process.h>

/* report_init_end - say how the first program ended (`status` is a wait(2) status). */
static void report_init_end(int status)
{
	if (status < 0)
		fw_err("init: could not run the first program: error %d", -status);
	else if ((status & 0x7f) == 0)
		fw_info("init exited with status %u", (status >> 8) & 0xff);
	else
		fw_info("init killed by signal %u", status & 0x7f);
}

void kernel_main(void)
{
	u64 now_us = fw_time_ns() / FW_NSEC_PER_USEC;
	u64 entry_us = fw_time_boot_entry_ns() / FW_NSEC_PER_USEC;

	fw_info("Trellis 0.1: a framekernel in checked C (x86-64)");
	fw_info("main: reached %u.%03u ms after reset; kernel entry at %u.%03u ms (clock: %s)",
		now_us / 1000, now_us % 1000, entry_us / 1000, entry_us % 1000,
		fw_time_source_is_tsc() ? STR("TSC") : STR("HPET"));
	fw_info("main: %u MiB usable memory in %u regions, initrd %u bytes, command line %u bytes",
		fw_boot_usable_bytes() >> 20, fw_boot_mem_region_count(), fw_boot_initrd_size(),
		fw_boot_cmdline_len());
	if (!fw_boot_initrd_size()) {
		fw_err("main: no initramfs (-initrd): there is no program to run");
		fw_power_off();
	}
	clock_init();
	drivers_init();
	net_init();
	struct boot_init bi = boot_init_from_cmdline(fw_boot_cmdline());
	report_init_end(proc_start_init(fw_boot_initrd(), str_len(bi.rdinit) ? bi.rdinit : bi.init));
	fw_power_off();
}
