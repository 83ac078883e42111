/*
 * main.c — the kernel's entry point (service code: safe C against framework/include/fw/ only).
 *
 * The framework calls kernel_main() once, after its own initialisation. Until processes and
 * user mode exist it prints the banner, what the boot loader handed over and how long boot
 * took, and returns; the framework then idles the CPU.
 */
#include <fw/boot.h>
#include <fw/log.h>
#include <fw/time.h>

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
	fw_info("main: no user space yet; idling. Ctrl-A X quits QEMU.");
}
