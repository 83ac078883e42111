/*
 * tokens.c — rules read from the raw tokens of every service file (so they also fire inside
 * service macros): asm, volatile, register, union, alloca, pragmas, thread-local storage,
 * builtins outside the allow-list and attributes outside the allow-list.
 */
#include "safecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- token-level rules (service files only) --------------------------------------------------- */

static const char *const ATTR_ALLOW[] = {
	"unused", "maybe_unused", "noreturn", "_Noreturn", "always_inline", "noinline", "cold",
	"hot", "const", "pure", "warn_unused_result", "nodiscard", "fallthrough", "deprecated",
	"aligned", "nonnull", "returns_nonnull", "designated_init", "flag_enum",
	"enum_extensibility", "warn_unused", "noescape", "nonstring", "unavailable", "error",
	"warning", "diagnose_if", "annotate", "format_arg",
	/* thread-safety analysis */
	"capability", "lockable", "shared_capability", "scoped_lockable", "guarded_by",
	"pt_guarded_by", "acquired_before", "acquired_after", "requires_capability",
	"exclusive_locks_required", "requires_shared_capability", "shared_locks_required",
	"acquire_capability", "acquire_shared_capability", "exclusive_lock_function",
	"shared_lock_function", "release_capability", "release_shared_capability",
	"release_generic_capability", "unlock_function", "try_acquire_capability",
	"try_acquire_shared_capability", "exclusive_trylock_function", "shared_trylock_function",
	"locks_excluded", "assert_capability", "assert_shared_capability", "lock_returned",
	NULL,
};

static bool attr_allowed(const char *name)
{
	char n[128];
	snprintf(n, sizeof n, "%s", name);
	size_t len = strlen(n);
	if (len > 4 && starts_with(n, "__") && ends_with(n, "__")) {
		memmove(n, n + 2, len - 4);
		n[len - 4] = 0;
	}
	for (int i = 0; ATTR_ALLOW[i]; i++)
		if (strcmp(n, ATTR_ALLOW[i]) == 0)
			return true;
	return false;
}

void scan_tokens(CXFile file)
{
	const char *path = file_path(file);
	bool added;
	strset_put(&g_scanned, path, &added);
	if (!added)
		return;
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	CXSourceLocation b = clang_getLocationForOffset(g_tu, file, 0);
	CXSourceLocation e = clang_getLocationForOffset(g_tu, file, (unsigned)st.st_size);
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(g_tu, clang_getRange(b, e), &toks, &n);
	char **sp = xmalloc((n + 1) * sizeof(char *));
	for (unsigned i = 0; i < n; i++) {
		CXString s = clang_getTokenSpelling(g_tu, toks[i]);
		sp[i] = xstrdup(clang_getCString(s));
		clang_disposeString(s);
	}
	unsigned prev_line = 0;
	for (unsigned i = 0; i < n; i++) {
		CXTokenKind kind = clang_getTokenKind(toks[i]);
		CXSourceLocation loc = clang_getTokenLocation(g_tu, toks[i]);
		unsigned line, col, off;
		clang_getSpellingLocation(loc, NULL, &line, &col, &off);
		bool line_start = line != prev_line;
		prev_line = line;
		const char *s = sp[i];
		if (kind == CXToken_Comment || kind == CXToken_Literal)
			continue;
		if (kind == CXToken_Punctuation) {
			if (strcmp(s, "#") == 0 && line_start && i + 1 < n) {
				if (strcmp(sp[i + 1], "pragma") == 0 &&
				    !(i + 2 < n && strcmp(sp[i + 2], "once") == 0))
					report_at(loc, "pragma",
						  "#pragma in a service can change attributes, sections or "
						  "code generation");
			}
			if (strcmp(s, "[") == 0 && i + 1 < n && strcmp(sp[i + 1], "[") == 0) {
				/* C23 attributes: [[name, vendor::name(args)]] */
				int depth = 0;
				bool expect_name = true;
				for (unsigned j = i + 2; j < n; j++) {
					if (strcmp(sp[j], "(") == 0)
						depth++;
					else if (strcmp(sp[j], ")") == 0)
						depth--;
					else if (depth == 0 && strcmp(sp[j], "]") == 0)
						break;
					else if (depth == 0 && strcmp(sp[j], ",") == 0)
						expect_name = true;
					else if (depth == 0 && expect_name &&
						 clang_getTokenKind(toks[j]) != CXToken_Punctuation) {
						const char *name = sp[j];
						if (j + 2 < n && strcmp(sp[j + 1], "::") == 0) {
							name = sp[j + 2];
							j += 2;
						}
						if (!attr_allowed(name))
							report_at(clang_getTokenLocation(g_tu, toks[j]),
								  "attribute",
								  "attribute '%s' changes linkage, sections or "
								  "code generation (not on the allow-list)",
								  name);
						expect_name = false;
					}
				}
			}
			continue;
		}
		if (!strcmp(s, "asm") || !strcmp(s, "__asm") || !strcmp(s, "__asm__"))
			report_at(loc, "asm", "assembly is framework-only");
		else if (!strcmp(s, "volatile") || !strcmp(s, "__volatile") ||
			 !strcmp(s, "__volatile__"))
			report_at(loc, "volatile",
				  "volatile is for device and shared-memory access, which only the "
				  "framework performs");
		else if (!strcmp(s, "register"))
			report_at(loc, "register",
				  "register variables can pin machine registers; framework-only");
		else if (!strcmp(s, "union"))
			report_at(loc, "union", "union: a union reinterprets memory as another type");
		else if (!strcmp(s, "alloca") || starts_with(s, "__builtin_alloca"))
			report_at(loc, "vla", "alloca: stack use must be bounded");
		else if (!strcmp(s, "_Pragma") || !strcmp(s, "__pragma"))
			report_at(loc, "pragma",
				  "_Pragma in a service can change attributes, sections or code "
				  "generation");
		else if (!strcmp(s, "_Thread_local") || !strcmp(s, "__thread") ||
			 !strcmp(s, "thread_local"))
			report_at(loc, "attribute", "thread-local storage is not available in the kernel");
		else if (!strcmp(s, "__declspec"))
			report_at(loc, "attribute", "__declspec changes linkage or code generation");
		else if (is_builtin_prefix(s) && !builtin_allowed(s))
			report_at(loc, "builtin", "'%s' is a compiler builtin outside the allow-list", s);
		else if ((!strcmp(s, "__attribute__") || !strcmp(s, "__attribute")) && i + 2 < n &&
			 !strcmp(sp[i + 1], "(") && !strcmp(sp[i + 2], "(")) {
			int depth = 2;
			bool expect_name = true;
			for (unsigned j = i + 3; j < n && depth > 0; j++) {
				if (!strcmp(sp[j], "(")) {
					depth++;
				} else if (!strcmp(sp[j], ")")) {
					depth--;
				} else if (depth == 2 && !strcmp(sp[j], ",")) {
					expect_name = true;
				} else if (depth == 2 && expect_name) {
					if (!attr_allowed(sp[j]))
						report_at(clang_getTokenLocation(g_tu, toks[j]), "attribute",
							  "attribute '%s' changes linkage, sections or code "
							  "generation (not on the allow-list)",
							  sp[j]);
					expect_name = false;
				}
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		free(sp[i]);
	free(sp);
	clang_disposeTokens(g_tu, toks, n);
}

