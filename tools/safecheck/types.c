/*
 * types.c — type predicates for the rules: pointer-valued expressions, unions, no-copy
 * types, plain data (no pointer, bool, union, private field or padding), VLA and union shapes
 * inside a declared type, and null pointer constants.
 */
#include "safecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- type predicates -------------------------------------------------------------------------- */

bool is_integer_kind(enum CXTypeKind k)
{
	return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

/* Pointer-valued in arithmetic: pointers and arrays (which decay; a parameter declared as an
 * array is reported with its array type but is a plain pointer). */
bool is_pointerish(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;
	return k == CXType_Pointer || k == CXType_ConstantArray || k == CXType_IncompleteArray ||
	       k == CXType_VariableArray;
}

bool refers_to_parameter(CXCursor e)
{
	return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
	       clang_getCursorKind(clang_getCursorReferenced(e)) == CXCursor_ParmDecl;
}

static bool is_union_type(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Record &&
	       clang_getCursorKind(clang_getTypeDeclaration(t)) == CXCursor_UnionDecl;
}


static enum CXVisitorResult field_collect(CXCursor c, CXClientData d)
{
	struct field_list *l = d;
	if (l->n < 128)
		l->f[l->n++] = c;
	return CXVisit_Continue;
}

struct field_list *fields_of(CXType t, struct field_list *l)
{
	l->n = 0;
	clang_Type_visitFields(clang_getCanonicalType(t), field_collect, l);
	return l;
}

/* No-copy: a struct annotated trellis_nocopy, or one that contains such a struct. */
bool is_nocopy(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record || depth > 8)
		return false;
	CXCursor decl = clang_getTypeDeclaration(t);
	if (has_annotation(decl, "trellis_nocopy"))
		return true;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++)
		if (is_nocopy(clang_getCursorType(l.f[i]), depth + 1))
			return true;
	return false;
}

/* A value that can hold an address: a pointer, or an array or struct holding one. */
bool is_pointer_bearing(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	if (depth > 6)
		return false;
	switch (t.kind) {
	case CXType_Pointer:
	case CXType_BlockPointer:
		return true;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
		return is_pointer_bearing(clang_getArrayElementType(t), depth + 1);
	case CXType_Record: {
		struct field_list l;
		fields_of(t, &l);
		for (unsigned i = 0; i < l.n; i++)
			if (is_pointer_bearing(clang_getCursorType(l.f[i]), depth + 1))
				return true;
		return false;
	}
	default:
		return false;
	}
}

/* Copy-restricted: a struct that holds a private field (directly or in a member struct) and is
 * not a framework value type (FW_VALUE: slices, strings, results — their private fields are
 * consistent by construction wherever the value is copied). Copying one (a type tag, a queue
 * link, a callback) writes private fields as surely as naming them. */
bool is_copy_restricted(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record || depth > 8)
		return false;
	CXCursor decl = clang_getTypeDeclaration(t);
	if (has_fw_annotation(decl, "trellis_value"))
		return false;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++)
		if (is_private_field(l.f[i]) || is_copy_restricted(clang_getCursorType(l.f[i]), depth + 1))
			return true;
	return false;
}

/* Plain data: integers, enums, arrays of them and padding-free structs of them — the only
 * types arbitrary bytes may be copied into or out of. On failure *why names the reason. */
bool is_plain(CXType t, const char **why, int depth)
{
	t = clang_getCanonicalType(t);
	if (depth > 8) {
		*why = "is nested too deeply";
		return false;
	}
	switch (t.kind) {
	case CXType_Bool:
		*why = "contains a bool (only 0 and 1 are valid bytes)";
		return false;
	case CXType_Pointer:
	case CXType_BlockPointer:
		*why = "contains a pointer";
		return false;
	case CXType_Enum:
		return true;
	case CXType_ConstantArray:
		return is_plain(clang_getArrayElementType(t), why, depth + 1);
	case CXType_Record: {
		if (is_union_type(t)) {
			*why = "contains a union";
			return false;
		}
		CXCursor decl = clang_getTypeDeclaration(t);
		if (has_annotation(decl, "trellis_nocopy")) {
			*why = "is a no-copy type";
			return false;
		}
		struct field_list l;
		fields_of(t, &l);
		long long bits = 0;
		for (unsigned i = 0; i < l.n; i++) {
			if (is_private_field(l.f[i])) {
				*why = "has a private field";
				return false;
			}
			if (clang_Cursor_isBitField(l.f[i])) {
				bits += clang_getFieldDeclBitWidth(l.f[i]);
				continue;
			}
			CXType ft = clang_getCursorType(l.f[i]);
			if (clang_getCanonicalType(ft).kind == CXType_IncompleteArray) {
				*why = "has a flexible array member";
				return false;
			}
			if (!is_plain(ft, why, depth + 1))
				return false;
			bits += clang_Type_getSizeOf(ft) * 8;
		}
		if (bits != clang_Type_getSizeOf(t) * 8) {
			*why = "has padding (it would copy uninitialised kernel bytes)";
			return false;
		}
		return true;
	}
	default:
		if (is_integer_kind(t.kind))
			return true;
		*why = "is not an integer, enum, array or struct of those";
		return false;
	}
}

/* A type contains a VLA or a union anywhere in its structure (pointees included). */
void check_type_shape(CXType t, CXCursor where, int depth)
{
	if (depth > 8)
		return;
	CXType c = clang_getCanonicalType(t);
	switch (c.kind) {
	case CXType_VariableArray:
	case CXType_DependentSizedArray:
		report_at(clang_getCursorLocation(where), "vla",
			  "variable-length array type: stack use must be bounded; use a fixed-size "
			  "array or a framework buffer");
		return;
	case CXType_Pointer:
		check_type_shape(clang_getPointeeType(c), where, depth + 1);
		return;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
		check_type_shape(clang_getArrayElementType(c), where, depth + 1);
		return;
	case CXType_Record:
		if (is_union_type(c))
			report_at(clang_getCursorLocation(where), "union",
				  "union type: a union reinterprets memory as another type");
		return;
	default:
		return;
	}
}

/* ---- null pointer constants ------------------------------------------------------------------- */

static bool is_zero_literal(CXCursor c)
{
	c = strip(c);
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_IntegerLiteral) {
		CXEvalResult r = clang_Cursor_Evaluate(c);
		bool zero = r && clang_EvalResult_getKind(r) == CXEval_Int &&
			    clang_EvalResult_getAsLongLong(r) == 0;
		if (r)
			clang_EvalResult_dispose(r);
		return zero;
	}
	return false;
}

/* 0, (void *)0 (NULL), nullptr: the only integers that may become pointers. */
bool is_null_constant(CXCursor c)
{
	c = strip(c);
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_CXXNullPtrLiteralExpr)
		return true;
	if (k == CXCursor_IntegerLiteral)
		return is_zero_literal(c);
	if (k == CXCursor_CStyleCastExpr) {
		CXType t = clang_getCanonicalType(clang_getCursorType(c));
		if (t.kind == CXType_Pointer &&
		    clang_getCanonicalType(clang_getPointeeType(t)).kind == CXType_Void) {
			struct kids kk = kids_of(c);
			return kk.n >= 1 && is_zero_literal(kk.c[kk.n - 1]);
		}
	}
	return false;
}

