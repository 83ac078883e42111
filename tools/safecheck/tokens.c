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
	/* Not here: promises the optimiser trusts and no check verifies (`const`/`pure` on a
	 * function that writes lets a bounds check use a stale count, `nonnull` and `noescape`
	 * delete null checks and stack-slot lifetimes), and `annotate`, which would claim the
	 * framework's own markers (FW_VALUE). */
	"unused", "maybe_unused", "noreturn", "_Noreturn", "always_inline", "noinline", "cold",
	"hot", "warn_unused_result", "nodiscard", "fallthrough", "deprecated",
	"aligned", "designated_init", "flag_enum",
	"enum_extensibility", "warn_unused", "nonstring", "unavailable", "error",
	"warning", "diagnose_if", "format_arg",
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

/* Names a service may not spell at all: trusted attribute macros whose soundness rests on
 * framework-set state (a counted_by count only the framework's constructor sets; thread-safety
 * analysis switched off; a tear-free handle, which only the framework's own sequence-locked
 * accessors make so). */
static const char *const BANNED_MACROS[] = {
	"FW_COUNTED_BY", "NO_THREAD_SAFETY_ANALYSIS", "FW_TEARFREE", NULL,
};

/* What a service macro's `##` must not be able to spell: keywords, the names only the token
 * rules judge, and the banned macros. The left operand of every `##` is a literal identifier
 * that is no prefix of any of these (and does not start with `_`), so a paste can only make an
 * ordinary identifier. */
static const char *const PASTE_DANGER[] = {
	"asm", "volatile", "register", "union", "alloca", "thread_local", "typeof", "goto",
	"static", "extern", "inline", "auto", "restrict", "struct", "enum", "sizeof", "alignas",
	"alignof", "static_assert", "signed", "unsigned", "const", "constexpr", "int", "char",
	"long", "short", "void", "float", "double", "bool", "true", "false", "nullptr", "if",
	"else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return",
	"typedef", "FW_COUNTED_BY", "NO_THREAD_SAFETY_ANALYSIS", "FW_TEARFREE", "defined", NULL,
};

bool is_keyword_or_attr_name(const char *n)
{
	for (int i = 0; PASTE_DANGER[i]; i++)
		if (!strcmp(n, PASTE_DANGER[i]))
			return true;
	return attr_allowed(n);
}

static bool is_banned_macro(const char *n)
{
	for (int i = 0; BANNED_MACROS[i]; i++)
		if (!strcmp(n, BANNED_MACROS[i]))
			return true;
	return false;
}

static bool paste_prefix_ok(const char *p)
{
	if (!p[0] || p[0] == '_' || (p[0] >= '0' && p[0] <= '9'))
		return false;
	for (int i = 0; PASTE_DANGER[i]; i++)
		if (starts_with(PASTE_DANGER[i], p))
			return false;
	return true;
}

bool attr_allowed(const char *name)
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
		const char *t = clang_getCString(s);
		/* Digraphs are the same tokens: `%:%:` pastes, `%:` starts a directive. */
		if (!strcmp(t, "%:%:"))
			t = "##";
		else if (!strcmp(t, "%:"))
			t = "#";
		else if (!strcmp(t, "<:"))
			t = "[";
		else if (!strcmp(t, ":>"))
			t = "]";
		sp[i] = xstrdup(t);
		clang_disposeString(s);
	}
	unsigned prev_line = 0;
	/* The parameters of the macro being defined (for the `##` rule). */
	char *params[64];
	unsigned nparams = 0, define_line = 0;
	for (unsigned i = 0; i < n; i++) {
		CXTokenKind kind = clang_getTokenKind(toks[i]);
		CXSourceLocation loc = clang_getTokenLocation(g_tu, toks[i]);
		unsigned line, col, off;
		clang_getSpellingLocation(loc, NULL, &line, &col, &off);
		/* A comment is white space to the preprocessor: a comment then `#pragma` is a directive. */
		if (kind == CXToken_Comment)
			continue;
		bool line_start = line != prev_line;
		prev_line = line;
		const char *s = sp[i];
		if (kind == CXToken_Literal)
			continue;
		if (kind == CXToken_Punctuation) {
			if (strcmp(s, "#") == 0 && line_start && i + 2 < n &&
			    !strcmp(sp[i + 1], "define")) {
				/* Record a function-like macro's parameters. */
				nparams = 0;
				define_line = line;
				if (i + 3 < n && !strcmp(sp[i + 3], "(")) {
					for (unsigned j = i + 4; j < n && strcmp(sp[j], ")"); j++)
						if (strcmp(sp[j], ",") && nparams < 64)
							params[nparams++] = sp[j];
				}
			}
			if (strcmp(s, "##") == 0) {
				const char *left = i > 0 ? sp[i - 1] : "";
				bool is_param = false;
				for (unsigned j = 0; j < nparams; j++)
					is_param |= !strcmp(params[j], left) || !strcmp(left, "__VA_ARGS__");
				if (define_line == 0 || is_param || !paste_prefix_ok(left) ||
				    (i > 0 && clang_getTokenKind(toks[i - 1]) != CXToken_Identifier))
					report_at(loc, "paste",
						  "token pasting in a service macro must start with a literal "
						  "identifier prefix (like `sys_##name`) that no keyword, "
						  "builtin or framework-only name begins with: a paste must not "
						  "be able to spell `_Pragma`, `asm`, `volatile`, `__builtin_*`...");
			}
			if (strcmp(s, "::") == 0 && i + 1 < n && !attr_allowed(sp[i + 1]))
				report_at(clang_getTokenLocation(g_tu, toks[i + 1]), "attribute",
					  "attribute '%s' changes linkage, sections or code generation (not "
					  "on the allow-list)",
					  sp[i + 1]);
			if (strcmp(s, "#") == 0 && line_start && i + 1 < n &&
			    (!strcmp(sp[i + 1], "line") ||
			     clang_getTokenKind(toks[i + 1]) == CXToken_Literal))
				report_at(loc, "pragma",
					  "#line (or a line marker) changes the file and line the compiler, "
					  "the type identities and every report see");
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
					unsigned jl;
					clang_getSpellingLocation(clang_getTokenLocation(g_tu, toks[j]),
								  NULL, &jl, NULL, NULL);
					if (jl != line) {
						report_at(loc, "attribute",
							  "an attribute list split across a macro cannot be "
							  "judged");
						break;
					}
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
		else if (!strcmp(s, "_Atomic"))
			report_at(loc, "builtin",
				  "_Atomic: atomics are the framework's (fw/atomic.h); an _Atomic object is "
				  "also copied and moved by conversions no rule sees");
		else if (!strcmp(s, "__seg_gs") || !strcmp(s, "__seg_fs") || !strcmp(s, "__ptr32") ||
			 !strcmp(s, "__ptr64") || !strcmp(s, "__sptr") || !strcmp(s, "__uptr"))
			report_at(loc, "attribute",
				  "'%s' qualifies a pointer with another address space: a %%gs/%%fs-relative "
				  "pointer (even a null one) reaches the per-CPU area",
				  s);
		else if (!strcmp(s, "__declspec"))
			report_at(loc, "attribute", "__declspec changes linkage or code generation");
		else if (is_builtin_prefix(s) && !builtin_allowed(s))
			report_at(loc, "builtin", "'%s' is a compiler builtin outside the allow-list", s);
		else if ((!strcmp(s, "__attribute__") || !strcmp(s, "__attribute")) &&
			 !(i + 2 < n && !strcmp(sp[i + 1], "(") && !strcmp(sp[i + 2], "(")))
			report_at(loc, "attribute",
				  "'%s' without its attribute list: an attribute built by a macro "
				  "cannot be judged",
				  s);
		else if (starts_with(s, "__fw") || starts_with(s, "__FW") || starts_with(s, "__Fw") ||
			 starts_with(s, "__fW"))
			report_at(loc, "api",
				  "'%s' is reserved to the framework (a backend of its trusted macros)", s);
		else if (is_banned_macro(s))
			report_at(loc, "attribute",
				  "'%s' is a framework-only attribute macro: sound only where the "
				  "framework sets the state it describes",
				  s);
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

