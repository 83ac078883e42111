/*
 * repro.h — the frame of a fuzzer reproducer: one program per bug found by user/fuzz, run as
 * init by `make fuzz-repro` (one boot each, with a timeout: a hang is the failure). It prints
 * one KTAP result and powers off. Each is a regression test in make test (part fuzz-repro); a
 * bug still open is an expected failure listed in tests/fuzz-repro-expect.txt.
 */
#ifndef REPRO_H
#define REPRO_H

#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

static inline void repro_done(const char *name, int ok, const char *why)
{
	printf("KTAP version 1\n1..1\n%s 1 %s%s%s\n", ok ? "ok" : "not ok", name, why ? " # " : "",
	       why ? why : "");
	fflush(stdout);
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
}

#endif
