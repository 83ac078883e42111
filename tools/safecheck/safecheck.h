/*
 * safecheck.h — what the checker's modules share: file classes, reporting, cursor and type
 * helpers, the rules' entry points and the run's global state.
 *
 *   util.c     strings and sets, file classification, reporting, cursor helpers
 *   types.c    type predicates: no-copy, plain data, VLA/union shapes, null constants
 *   rules.c    the AST rules and the walk over a translation unit
 *   escape.c   the stack-escape rule (labels through locals, calls and files)
 *   shared.c   the shared-fat rule (fat values in memory other tasks reach, unguarded)
 *   jumps.c    the uninit rule (a goto or case past a local's declaration)
 *   tokens.c   the token-level rules (asm, volatile, attributes, builtins, pragmas...)
 *   safecheck.c  parsing with the compilation database, framework names, exports, main
 */
#ifndef SAFECHECK_H
#define SAFECHECK_H

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct strset {
	char **keys;
	char **vals;
	size_t cap, len;
};

enum fclass {
	FC_NONE,     /* no file: a builtin declaration or token-pasting scratch space */
	FC_API,      /* framework/include/fw/: the trusted, public API */
	FC_FRAMEWORK, /* the rest of framework/: internal, never visible to services */
	FC_SERVICE,  /* the service tree of the file being checked */
	FC_FOREIGN,  /* another service tree, or any other file in the repository */
	FC_SYSTEM,   /* the compiler's own headers (-nostdinc leaves only these) */
};

#define MAXKIDS 256
struct kids {
	CXCursor c[MAXKIDS];
	unsigned n;
};

struct field_list {
	CXCursor f[128];
	unsigned n;
};

/* The run's state (defined in util.c). */
extern char g_root[PATH_MAX];     /* realpath of the repository (or corpus) root, with a '/' */
extern const char *g_root_arg; /* the root as given, to print paths the user can open */
extern char g_api[PATH_MAX];      /* <root>/framework/include/fw/ */
extern char g_framework[PATH_MAX]; /* <root>/framework/ */
extern char g_service[PATH_MAX];  /* the service tree of the file being checked, with a '/' */
extern struct strset g_fw_names;  /* every name framework/include/fw/ declares or defines */
extern struct strset g_fw_macro_idents; /* every identifier a fw/ macro body spells */
extern struct strset g_reported;  /* violations already printed (headers are seen many times) */
extern struct strset g_tags;      /* struct/enum tag -> where it was first defined */
extern struct strset g_scanned;   /* service files whose tokens were already scanned */
extern unsigned g_violations;
extern bool g_audit;              /* --audit: framework files, every raw site, spelling lines */
extern CXTranslationUnit g_tu;
extern CXCursor g_function;       /* the function being walked (for the recursion rule) */
extern bool g_in_function;

/* util.c */
void *xmalloc(size_t n);
char *xstrdup(const char *s);
bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
char **strset_put(struct strset *s, const char *key, bool *added);
bool strset_has(struct strset *s, const char *key);
void fcache_reset(void);
enum fclass file_class(CXFile f);
const char *file_path(CXFile f);
enum fclass spelling_class(CXCursor c);
enum fclass location_class(CXCursor c);
bool is_checked(CXCursor c);
void print_path(FILE *out, const char *real);
void report_at(CXSourceLocation loc, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_text(const char *where, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct kids kids_of(CXCursor c);
bool is_expr_kind(enum CXCursorKind k);
CXCursor strip(CXCursor c);
bool has_annotation(CXCursor decl, const char *what);
bool has_fw_annotation(CXCursor decl, const char *what);
bool is_private_field(CXCursor field);
char *spelling(CXCursor c);
char *type_name(CXType t);

/* types.c */
bool is_integer_kind(enum CXTypeKind k);
bool is_pointerish(CXType t);
bool refers_to_parameter(CXCursor e);
struct field_list *fields_of(CXType t, struct field_list *l);
bool is_nocopy(CXType t, int depth);
bool is_pointer_bearing(CXType t, int depth);
bool is_copy_restricted(CXType t, int depth);
bool is_plain(CXType t, const char **why, int depth);
void check_type_shape(CXType t, CXCursor where, int depth);
bool is_null_constant(CXCursor c);

/* rules.c */
void raw_op(CXCursor site, const CXCursor *ops, unsigned nops, const char *rule, const char *msg);
bool builtin_allowed(const char *name);
bool is_builtin_prefix(const char *s);
bool is_reserved_name(const char *n);
enum CXChildVisitResult walk(CXCursor c, CXCursor parent, CXClientData d);

/* escape.c */
void escape_function(CXCursor fn);
void escape_finish(void);
bool escape_param_kept(const char *usr, unsigned j);

/* jumps.c */
void jumps_function(CXCursor fn);

/* shared.c */
bool is_guarded_field(CXCursor field);
void check_shared_type(CXCursor site, CXType t, const char *what);
void check_heap_type_marker(CXCursor typedef_decl);
void note_call_arguments(CXCursor call);
void check_guarded_address(CXCursor addr);
void note_pointer_keeper(CXCursor decl);
void shared_finish(void);
void check_capability_attrs(CXCursor fn);

/* tokens.c */
void scan_tokens(CXFile file);
bool attr_allowed(const char *name);
bool is_keyword_or_attr_name(const char *name);

#endif
