// cmocka for C++ tests. Include it after every other header: it defines
// macros (fail, ...) that clash with the C++ library. Its header needs these C
// headers first and declares C functions without extern "C" of its own.
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}
