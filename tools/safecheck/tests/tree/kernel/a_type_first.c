/* The first definitions of type identities that bad_type_identity.c defines again. */
#include "svc.h"
struct ta_one { long a; };
struct ta_two { long a; };
DEFINE_TYPE_INFO(clash, struct ta_one);
DEFINE_SUBTYPE(dup2, struct ta_two);
struct ta_three { long a; };
DECLARE_SUBTYPE(decl3, struct ta_three);
