// Only the reentrant (_r) GEOS API: every call names its context handle.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
