/*
 * dyninit.c — the init of the `dyn` regression group (mk/vm.mk): Debian's own dynamically
 * linked programs (bash, coreutils) and a dynamically linked hello, each with the dynamic
 * linker and the libraries ldd lists, run from the initramfs. Each case forks, executes one
 * command with its output on a pipe, and compares what it printed and its exit status with
 * what Linux gives; the results are KTAP on the console. Static (musl) itself, so the runner
 * does not depend on what it tests. Powers off at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

struct dyn_case {
	const char *name;
	const char *argv[6];
	const char *want;  /* the whole output, or NULL: only `contains` is checked */
	const char *contains[3];
};

static const struct dyn_case cases[] = {
	{ "hello_dynamic", { "/bin/hello-dyn", NULL }, "hello from a dynamically linked program\n" },
	{ "hello_dynamic_musl", { "/bin/hello-dyn-musl", NULL },
	  "hello from a dynamically linked program\n" },
	{ "bash_version", { "/bin/bash", "-c", "echo ${BASH_VERSION%%.*}", NULL }, "5\n" },
	{ "bash_arith_loop", { "/bin/bash", "-c", "for i in 1 2 3; do echo $((i*i)); done", NULL },
	  "1\n4\n9\n" },
	{ "env_prints_environment", { "/usr/bin/env", "-i", "A=1", "B=two", "/usr/bin/env", NULL },
	  "A=1\nB=two\n" },
	{ "md5sum_of_file", { "/usr/bin/md5sum", "/etc/dyn-data", NULL },
	  "b1946ac92492d2347c6235b4d2611184  /etc/dyn-data\n" },
	{ "sort_file", { "/usr/bin/sort", "/etc/dyn-sort", NULL }, "apple\nbanana\ncherry\n" },
	{ "ls_la_root", { "/usr/bin/ls", "-la", "/", NULL }, NULL, { "bin", "etc", "usr" } },
	{ "bash_pipeline_of_dynamic_programs",
	  { "/bin/bash", "-c", "printf 'z\\ny\\nx\\n' | /usr/bin/sort | /usr/bin/md5sum", NULL },
	  "5c37d4d5cc8d74de8ed81fc394a56c0e  -\n" },
};

static char out[65536];

/* run - the command's output in `out` (NUL-terminated) and its wait status, or -1. */
static int run(const char *const argv[], size_t *len)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C", "HOME=/", NULL };
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execve(argv[0], (char *const *)argv, envp);
		dprintf(2, "execve %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*len = 0;
	for (;;) {
		ssize_t n = read(p[0], out + *len, sizeof out - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	out[*len] = 0;
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

int main(void)
{
	size_t n = sizeof cases / sizeof cases[0];
	unsigned failed = 0;
	printf("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: dyn\n    1..%zu\n", n);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		const struct dyn_case *c = &cases[i];
		size_t len = 0;
		int st = run(c->argv, &len);
		int ok = st == 0;
		if (ok && c->want)
			ok = strcmp(out, c->want) == 0;
		for (int k = 0; ok && k < 3 && c->contains[k]; k++)
			ok = strstr(out, c->contains[k]) != NULL;
		if (!ok) {
			failed++;
			printf("    # %s: status %d, output (%zu bytes):\n", c->name, st, len);
			for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
				printf("    #   %s\n", line);
		}
		printf("    %sok %zu %s\n", ok ? "" : "not ", i + 1, c->name);
		fflush(stdout);
	}
	printf("%sok 1 dyn\n", failed ? "not " : "");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
