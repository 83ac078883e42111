/*
 * safecheck — the Trellis safe-C checker.
 *
 * Parses every service file (kernel/, examples/<name>/) with its real compile flags (read from
 * a compilation database) through libclang, once per file, and reports every construct that
 * only the framework may use, as `file:line:col: [rule] explanation`. docs/safety.md lists the
 * rules and what they guarantee. The exemption for trusted macros rests on one fact: libclang's
 * spelling location of a token is the file it was really written in (never moved by `#line`),
 * so a token spelled in a macro body defined under framework/include/fw/ is framework code and
 * every other token — service files, service macros, macro arguments — is checked.
 *
 *   safecheck -p DBDIR [--root DIR] [--time] [--all | FILE...]
 *   safecheck --exports [--root DIR] [-- FLAGS...]   print the names framework/include/fw/
 *                                                     declares with external linkage
 *   safecheck --audit -p DBDIR --all                  framework files: report every raw
 *                                                     operation where it is spelled (make tcb)
 * Exit status: 0 clean, 1 violations found, 2 usage or parse failure.
 *
 * This file parses (compilation database, framework names, exports, main); safecheck.h lists
 * the other modules: util.c, types.c, rules.c (the AST rules) and tokens.c (the token rules).
 */
#include "safecheck.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- translation units ------------------------------------------------------------------------ */

/* The compiler headers a service may include: types and constants only. (<cpuid.h>,
 * <x86intrin.h> and friends define inline functions full of asm; <stdatomic.h> gives raw
 * atomics, which are the framework's.) */
static const char *const SYSTEM_HEADERS[] = {
	"stddef.h", "stdint.h", "stdbool.h", "stdalign.h", "stdnoreturn.h", "limits.h",
	"float.h", "iso646.h", "stdckdint.h", NULL,
};

static bool system_header_allowed(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (int i = 0; SYSTEM_HEADERS[i]; i++)
		if (strcmp(base, SYSTEM_HEADERS[i]) == 0)
			return true;
	return false;
}

static void inclusion_visitor(CXFile included, CXSourceLocation *stack, unsigned len,
			      CXClientData d)
{
	(void)d;
	if (len == 0)
		return;
	CXFile from;
	unsigned line, col, off;
	clang_getFileLocation(stack[0], &from, &line, &col, &off);
	if (file_class(from) != FC_SERVICE)
		return;
	scan_tokens(from);
	enum fclass c = file_class(included);
	if (c == FC_SERVICE)
		scan_tokens(included);
	if ((c != FC_API && c != FC_SERVICE && c != FC_SYSTEM) ||
	    (c == FC_SYSTEM && !system_header_allowed(file_path(included))))
		report_at(stack[0], "include",
			  "includes %s: a service may include only framework/include/fw/, its own "
			  "tree and the compiler's type headers (stddef.h, stdint.h, stdbool.h, "
			  "limits.h, ...)",
			  file_path(included));
}

/* A service macro whose body leaves a parenthesis or bracket open (or closes one it did not
 * open) splices its tokens into whatever surrounds its use: `#define A 8), section("x"` turns
 * `__attribute__((aligned(A)))` into a section attribute that no token rule saw as one. */
static void check_macro_balance(CXCursor c)
{
	CXToken *t = NULL;
	unsigned n = 0;
	clang_tokenize(g_tu, clang_getCursorExtent(c), &t, &n);
	unsigned i = 1; /* token 0 is the macro's name */
	if (clang_Cursor_isMacroFunctionLike(c)) {
		for (; i < n; i++) {
			CXString s = clang_getTokenSpelling(g_tu, t[i]);
			bool close = !strcmp(clang_getCString(s), ")");
			clang_disposeString(s);
			if (close) {
				i++;
				break;
			}
		}
	}
	int paren = 0, bracket = 0;
	bool bad = false;
	for (; i < n && !bad; i++) {
		if (clang_getTokenKind(t[i]) != CXToken_Punctuation)
			continue;
		CXString s = clang_getTokenSpelling(g_tu, t[i]);
		const char *p = clang_getCString(s);
		if (!strcmp(p, "("))
			paren++;
		else if (!strcmp(p, ")"))
			bad = --paren < 0;
		else if (!strcmp(p, "[") || !strcmp(p, "<:"))
			bracket++;
		else if (!strcmp(p, "]") || !strcmp(p, ":>"))
			bad = --bracket < 0;
		clang_disposeString(s);
	}
	clang_disposeTokens(g_tu, t, n);
	if (bad || paren || bracket) {
		char *name = spelling(c);
		report_at(clang_getCursorLocation(c), "attribute",
			  "macro '%s' has unbalanced parentheses or brackets: its expansion could "
			  "splice an attribute (or any construct) into a list the token rules "
			  "judged without it",
			  name);
		free(name);
	}
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	(void)d;
	if (location_class(c) != FC_SERVICE)
		return CXChildVisit_Continue;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_MacroDefinition) {
		char *n = spelling(c);
		if (strset_has(&g_fw_names, n) || is_reserved_name(n))
			report_at(clang_getCursorLocation(c), "redeclaration",
				  "macro '%s' redefines a framework or compiler-reserved name", n);
		else if (is_keyword_or_attr_name(n))
			report_at(clang_getCursorLocation(c), "attribute",
				  "macro '%s' redefines a keyword or an allowed attribute's name (it "
				  "would turn an allowed attribute into another)",
				  n);
		else if (strset_has(&g_fw_macro_idents, n))
			report_at(clang_getCursorLocation(c), "redeclaration",
				  "macro '%s' is named like an identifier a trusted framework macro "
				  "spells: it would be expanded inside the trusted body and change it",
				  n);
		free(n);
		check_macro_balance(c);
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_MacroExpansion || k == CXCursor_InclusionDirective)
		return CXChildVisit_Continue;
	if (k == CXCursor_UnexposedDecl) {
		/* File-scope asm("...") is exposed only as an unexposed declaration. */
		CXToken *t = NULL;
		unsigned n = 0;
		clang_tokenize(g_tu, clang_getCursorExtent(c), &t, &n);
		bool is_asm = false;
		if (n > 0) {
			CXString s = clang_getTokenSpelling(g_tu, t[0]);
			const char *ts = clang_getCString(s);
			is_asm = !strcmp(ts, "asm") || !strcmp(ts, "__asm__") || !strcmp(ts, "__asm");
			clang_disposeString(s);
		}
		clang_disposeTokens(g_tu, t, n);
		if (!is_asm && is_checked(c)) {
			/* Built by a macro (pasting): judge what the compiler parsed. */
			CXString pp = clang_getCursorPrettyPrinted(c, NULL);
			const char *ps = clang_getCString(pp);
			is_asm = ps && (starts_with(ps, "__asm") || starts_with(ps, "asm"));
			clang_disposeString(pp);
		}
		if (is_asm && is_checked(c))
			report_at(clang_getCursorLocation(c), "asm",
				  "file-scope assembly is framework-only");
	}
	return walk(c, parent, NULL);
}

/* The service tree a file belongs to: kernel/, or examples/<name>/. */
static bool service_of(const char *real, char *out)
{
	char k[PATH_MAX], e[PATH_MAX];
	snprintf(k, sizeof k, "%skernel/", g_root);
	snprintf(e, sizeof e, "%sexamples/", g_root);
	if (starts_with(real, k)) {
		snprintf(out, PATH_MAX, "%s", k);
		return true;
	}
	if (starts_with(real, e)) {
		const char *rest = real + strlen(e);
		const char *slash = strchr(rest, '/');
		if (!slash)
			return false;
		snprintf(out, PATH_MAX, "%.*s/", (int)(slash - real), real);
		return true;
	}
	return false;
}

/* Flags that keep the parse going past what the compiler itself rejects, so the checker
 * reports its own rule for every construct (the build still fails on the compiler's error). */
static const char *const EXTRA_ARGS[] = {
	"-Wno-error", "-w", "-Wno-int-conversion", "-Wno-incompatible-pointer-types",
	"-Wno-incompatible-function-pointer-types", "-Wno-int-to-pointer-cast",
	"-Wno-return-stack-address", "-Wno-implicit-function-declaration", "-Wno-implicit-int",
	"-Wno-vla", "-Wno-incompatible-pointer-types-discards-qualifiers", "-ferror-limit=0",
};
#define NEXTRA (sizeof EXTRA_ARGS / sizeof EXTRA_ARGS[0])

static CXTranslationUnit parse(CXIndex idx, const char *const *argv, int argc, const char *file,
			       struct CXUnsavedFile *unsaved, unsigned nunsaved, unsigned opts)
{
	const char **args = xmalloc((size_t)(argc + (int)NEXTRA + 1) * sizeof(char *));
	int n = 0;
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	for (unsigned i = 0; i < NEXTRA; i++)
		args[n++] = EXTRA_ARGS[i];
	CXTranslationUnit tu = NULL;
	enum CXErrorCode err = clang_parseTranslationUnit2FullArgv(idx, file, args, n, unsaved,
								   nunsaved, opts, &tu);
	free(args);
	if (err != CXError_Success)
		return NULL;
	return tu;
}

static void report_compile_errors(CXTranslationUnit tu)
{
	unsigned nd = clang_getNumDiagnostics(tu);
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			CXString s = clang_getDiagnosticSpelling(d);
			report_at(clang_getDiagnosticLocation(d), "compile",
				  "%s (the file must compile for the checker to see all of it)",
				  clang_getCString(s));
			clang_disposeString(s);
		}
		clang_disposeDiagnostic(d);
	}
}

/* Argument vectors: from the compilation database, or the flags given after `--`. */
struct argv {
	char **v;
	int n;
	char dir[PATH_MAX];
};

static struct argv argv_from_command(CXCompileCommand cmd)
{
	struct argv a;
	a.n = (int)clang_CompileCommand_getNumArgs(cmd);
	a.v = xmalloc((size_t)(a.n + 1) * sizeof(char *));
	for (int i = 0; i < a.n; i++) {
		CXString s = clang_CompileCommand_getArg(cmd, (unsigned)i);
		a.v[i] = xstrdup(clang_getCString(s));
		clang_disposeString(s);
	}
	CXString d = clang_CompileCommand_getDirectory(cmd);
	snprintf(a.dir, sizeof a.dir, "%s", clang_getCString(d));
	clang_disposeString(d);
	return a;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: the per-file figure that does not depend on the machine's load. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check_file(CXIndex idx, struct argv *a, const char *file, bool timing)
{
	char real[PATH_MAX], cwd[PATH_MAX];
	char full[PATH_MAX * 2];
	if (file[0] == '/')
		snprintf(full, sizeof full, "%s", file);
	else
		snprintf(full, sizeof full, "%s/%s", a->dir, file);
	if (!realpath(full, real)) {
		fprintf(stderr, "safecheck: %s: no such file\n", full);
		return 2;
	}
	if (g_audit)
		snprintf(g_service, sizeof g_service, "%sframework/", g_root);
	else if (!service_of(real, g_service)) {
		fprintf(stderr, "safecheck: %s is not under kernel/ or examples/<name>/\n", real);
		return 2;
	}
	double t0 = now(), c0 = cpu_now();
	if (!getcwd(cwd, sizeof cwd) || chdir(a->dir) != 0) {
		fprintf(stderr, "safecheck: cannot enter %s\n", a->dir);
		return 2;
	}
	fcache_reset();
	g_tu = parse(idx, (const char *const *)a->v, a->n, NULL, NULL, 0,
		     CXTranslationUnit_DetailedPreprocessingRecord |
			     CXTranslationUnit_KeepGoing);
	if (chdir(cwd) != 0)
		return 2;
	if (!g_tu) {
		fprintf(stderr, "safecheck: %s: libclang could not parse it\n", real);
		return 2;
	}
	report_compile_errors(g_tu);
	CXFile main_file = clang_getFile(g_tu, real);
	if (main_file)
		scan_tokens(main_file);
	clang_getInclusions(g_tu, inclusion_visitor, NULL);
	g_in_function = false;
	clang_visitChildren(clang_getTranslationUnitCursor(g_tu), top_level, NULL);
	clang_disposeTranslationUnit(g_tu);
	g_tu = NULL;
	if (timing) {
		fprintf(stderr, "safecheck: %.3f s (cpu %.3f s) ", now() - t0, cpu_now() - c0);
		print_path(stderr, real);
		fputc('\n', stderr);
	}
	return 0;
}

/* ---- the framework's names and exports -------------------------------------------------------- */

struct name_walk {
	bool exports_only;
	struct strset *out;
	CXTranslationUnit tu;
};

/* Every identifier a trusted macro body spells (`size_t`, `uint8_t`, `NULL`...): a service
 * macro of that name would be expanded inside the trusted body and change what it means
 * (`#define size_t uint8_t` before DEFINE_LIST truncates the offset its link-to-element step
 * uses), so services may not define one. */
static void collect_body_idents(CXTranslationUnit tu, CXCursor macro)
{
	CXToken *t = NULL;
	unsigned n = 0, body = 1; /* token 0 is the macro's own name */
	clang_tokenize(tu, clang_getCursorExtent(macro), &t, &n);
	/* A function-like macro's parameters are replaced by the arguments before the body is
	 * rescanned, so a service macro of a parameter's name (`B` in DEFINE_SUBTYPE) cannot
	 * change the body: skip the list, and the parameters where the body spells them. */
	struct strset params = { 0 };
	if (clang_Cursor_isMacroFunctionLike(macro)) {
		for (; body < n; body++) {
			CXString s = clang_getTokenSpelling(tu, t[body]);
			bool added, close = !strcmp(clang_getCString(s), ")");
			if (clang_getTokenKind(t[body]) == CXToken_Identifier)
				strset_put(&params, clang_getCString(s), &added);
			clang_disposeString(s);
			if (close) {
				body++;
				break;
			}
		}
	}
	for (unsigned i = body; i < n; i++) {
		if (clang_getTokenKind(t[i]) != CXToken_Identifier)
			continue;
		CXString s = clang_getTokenSpelling(tu, t[i]);
		bool added;
		if (!strset_has(&params, clang_getCString(s)))
			strset_put(&g_fw_macro_idents, clang_getCString(s), &added);
		clang_disposeString(s);
	}
	for (size_t i = 0; i < params.cap; i++)
		free(params.keys[i]);
	free(params.keys);
	free(params.vals);
	clang_disposeTokens(tu, t, n);
}

static enum CXChildVisitResult fw_name_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct name_walk *w = d;
	if (location_class(c) != FC_API)
		return CXChildVisit_Continue;
	enum CXCursorKind k = clang_getCursorKind(c);
	char *n = spelling(c);
	bool add = false;
	if (w->exports_only) {
		if ((k == CXCursor_FunctionDecl || k == CXCursor_VarDecl) &&
		    clang_getCursorLinkage(c) == CXLinkage_External &&
		    clang_Cursor_getStorageClass(c) != CX_SC_Static)
			add = !(k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
				clang_Cursor_isFunctionInlined(c));
	} else {
		add = k == CXCursor_FunctionDecl || k == CXCursor_VarDecl ||
		      k == CXCursor_TypedefDecl || k == CXCursor_StructDecl ||
		      k == CXCursor_UnionDecl || k == CXCursor_EnumDecl ||
		      k == CXCursor_EnumConstantDecl || k == CXCursor_MacroDefinition;
	}
	if (add && n[0] && !strstr(n, "(unnamed") && !strstr(n, "(anonymous")) {
		bool added;
		strset_put(w->out, n, &added);
	}
	if (!w->exports_only && k == CXCursor_MacroDefinition)
		collect_body_idents(w->tu, c);
	free(n);
	return k == CXCursor_EnumDecl ? CXChildVisit_Recurse : CXChildVisit_Continue;
}

static void list_headers(const char *dir, const char *rel, char ***out, int *n, int *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX], r[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(r, sizeof r, "%s%s", rel, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char sub[PATH_MAX];
			snprintf(sub, sizeof sub, "%s/", r);
			list_headers(path, sub, out, n, cap);
		} else if (ends_with(e->d_name, ".h")) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 32;
				char **nv = xmalloc((size_t)*cap * sizeof(char *));
				if (*n)
					memcpy(nv, *out, (size_t)*n * sizeof(char *));
				free(*out);
				*out = nv;
			}
			(*out)[(*n)++] = xstrdup(r);
		}
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses one translation unit that includes every header of framework/include/fw/ and
 * collects its names (all of them, or only those with external linkage). */
static int framework_names(CXIndex idx, struct argv *a, bool exports_only, struct strset *out)
{
	char **hs = NULL;
	int nh = 0, cap = 0;
	list_headers(g_api, "fw/", &hs, &nh, &cap);
	if (nh == 0)
		return 0;
	qsort(hs, (size_t)nh, sizeof(char *), cmp_str);
	size_t len = 64;
	for (int i = 0; i < nh; i++)
		len += strlen(hs[i]) + 16;
	char *text = xmalloc(len), *p = text;
	for (int i = 0; i < nh; i++)
		p += sprintf(p, "#include \"%s\"\n", hs[i]);
	char fake[PATH_MAX + 32];
	snprintf(fake, sizeof fake, "%s__safecheck_framework_api.c", g_root);
	struct CXUnsavedFile uf = { fake, text, (unsigned long)strlen(text) };
	/* The database entry's argv with the source file replaced by the synthetic one. */
	const char **v = xmalloc((size_t)(a->n + 4) * sizeof(char *));
	int n = 0;
	for (int i = 0; i < a->n; i++) {
		const char *s = a->v[i];
		if (i > 0 && (ends_with(s, ".c") || ends_with(s, ".h")) && s[0] != '-')
			continue;
		if (!strcmp(s, "-x") && i + 1 < a->n) {
			i++;
			continue;
		}
		if (!strcmp(s, "-o") && i + 1 < a->n) {
			i++;
			continue;
		}
		if (!strcmp(s, "-c"))
			continue;
		v[n++] = s;
	}
	v[n++] = "-fsyntax-only";
	v[n++] = fake;
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd) || chdir(a->dir) != 0)
		return 2;
	fcache_reset();
	g_service[0] = 0;
	CXTranslationUnit tu = parse(idx, v, n, NULL, &uf, 1,
				     exports_only ? 0 : CXTranslationUnit_DetailedPreprocessingRecord);
	if (chdir(cwd) != 0)
		return 2;
	free(v);
	if (!tu) {
		fprintf(stderr, "safecheck: could not parse framework/include/fw/\n");
		return 2;
	}
	struct name_walk w = { exports_only, out, tu };
	clang_visitChildren(clang_getTranslationUnitCursor(tu), fw_name_visit, &w);
	clang_disposeTranslationUnit(tu);
	for (int i = 0; i < nh; i++)
		free(hs[i]);
	free(hs);
	free(text);
	return 0;
}

/* ---- main ------------------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: safecheck -p DBDIR [--root DIR] [--time] [--all | FILE...]\n"
		"       safecheck --exports [--root DIR] [-p DBDIR | -- FLAGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *db_dir = NULL;
	bool all = false, timing = false, exports = false;
	char **files = xmalloc((size_t)argc * sizeof(char *));
	int nfiles = 0, flags_at = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			db_dir = argv[++i];
		else if (!strcmp(argv[i], "--root") && i + 1 < argc)
			g_root_arg = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--time"))
			timing = true;
		else if (!strcmp(argv[i], "--exports"))
			exports = true;
		else if (!strcmp(argv[i], "--audit"))
			g_audit = true;
		else if (!strcmp(argv[i], "--")) {
			flags_at = i + 1;
			break;
		} else if (argv[i][0] == '-')
			usage();
		else
			files[nfiles++] = argv[i];
	}
	char real[PATH_MAX];
	if (!realpath(g_root_arg, real)) {
		fprintf(stderr, "safecheck: no root %s\n", g_root_arg);
		return 2;
	}
	snprintf(g_root, sizeof g_root, "%s/", real);
	snprintf(g_api, sizeof g_api, "%sframework/include/fw/", g_root);
	snprintf(g_framework, sizeof g_framework, "%sframework/", g_root);
	if (g_audit) {
		/* Framework files are audited like service files: nothing is exempt. */
		snprintf(g_api, sizeof g_api, "%s", "\x01");
		snprintf(g_framework, sizeof g_framework, "%s", "\x01");
	}

	CXIndex idx = clang_createIndex(0, 0);
	CXCompilationDatabase db = NULL;
	CXCompileCommands all_cmds = NULL;
	unsigned ncmds = 0;
	if (db_dir) {
		CXCompilationDatabase_Error err;
		db = clang_CompilationDatabase_fromDirectory(db_dir, &err);
		if (err != CXCompilationDatabase_NoError) {
			fprintf(stderr, "safecheck: no compile_commands.json in %s\n", db_dir);
			return 2;
		}
		all_cmds = clang_CompilationDatabase_getAllCompileCommands(db);
		ncmds = clang_CompileCommands_getSize(all_cmds);
	}

	/* Flags for the framework-wide parse: the first database entry, or `-- FLAGS`. */
	struct argv base;
	memset(&base, 0, sizeof base);
	if (ncmds > 0) {
		base = argv_from_command(clang_CompileCommands_getCommand(all_cmds, 0));
	} else {
		int nf = flags_at >= 0 ? argc - flags_at : 0;
		base.v = xmalloc((size_t)(nf + 2) * sizeof(char *));
		base.v[base.n++] = "clang";
		for (int i = 0; i < nf; i++)
			base.v[base.n++] = argv[flags_at + i];
		snprintf(base.dir, sizeof base.dir, "%s", g_root);
	}

	if (exports) {
		struct strset names = { 0 };
		int rc = framework_names(idx, &base, true, &names);
		char **list = xmalloc((names.len + 1) * sizeof(char *));
		size_t n = 0;
		for (size_t i = 0; i < names.cap; i++)
			if (names.keys && names.keys[i])
				list[n++] = names.keys[i];
		qsort(list, n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < n; i++)
			puts(list[i]);
		return rc;
	}
	if (!db)
		usage();

	double t0 = now();
	int rc = g_audit ? 0 : framework_names(idx, &base, false, &g_fw_names);
	if (rc)
		return rc;
	unsigned checked = 0;
	if (all) {
		for (unsigned i = 0; i < ncmds; i++) {
			CXCompileCommand cmd = clang_CompileCommands_getCommand(all_cmds, i);
			struct argv a = argv_from_command(cmd);
			CXString f = clang_CompileCommand_getFilename(cmd);
			char *file = xstrdup(clang_getCString(f));
			clang_disposeString(f);
			int r = check_file(idx, &a, file, timing);
			if (r)
				rc = r;
			checked++;
			free(file);
		}
	}
	for (int i = 0; i < nfiles; i++) {
		char abs[PATH_MAX];
		if (!realpath(files[i], abs)) {
			fprintf(stderr, "safecheck: %s: no such file\n", files[i]);
			rc = 2;
			continue;
		}
		CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
		if (!cmds || clang_CompileCommands_getSize(cmds) == 0) {
			fprintf(stderr, "safecheck: %s is not in the compilation database\n", files[i]);
			rc = 2;
			continue;
		}
		struct argv a = argv_from_command(clang_CompileCommands_getCommand(cmds, 0));
		int r = check_file(idx, &a, abs, timing);
		if (r)
			rc = r;
		checked++;
		clang_CompileCommands_dispose(cmds);
	}
	escape_finish();
	shared_finish();
	if (timing && checked)
		fprintf(stderr, "safecheck: %u files in %.3f s (%.3f s per file, framework names "
				"included)\n",
			checked, now() - t0, (now() - t0) / checked);
	if (rc)
		return rc;
	return g_violations ? 1 : 0;
}

