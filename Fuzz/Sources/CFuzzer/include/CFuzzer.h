#ifndef NUANXIN_CFUZZER_H
#define NUANXIN_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt), for executables whose `main` is written in Swift: SwiftPM
/// renames an executable's entry point, so libFuzzer's own `main` cannot be used.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
