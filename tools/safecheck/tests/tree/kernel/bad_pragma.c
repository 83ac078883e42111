/* pragmas that change attributes, sections or code generation; #pragma once is allowed. */
#pragma once
#include "svc.h"
#pragma clang attribute push (__attribute__((no_sanitize("bounds"))), apply_to = function) // expect: pragma attribute
int placed = 1;
#pragma clang attribute pop // expect: pragma
#pragma pack(1) // expect: pragma
struct packed { char a; int b; };
_Pragma("GCC optimize(\"O0\")") // expect: pragma
int f(void) { struct packed p = { 0 }; return p.b + placed; }
