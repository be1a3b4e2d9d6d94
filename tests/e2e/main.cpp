// The Catch2 entry point of the end-to-end tests: each test starts the real binaries it needs.
// Catch2 v2 generates main() here; the tests live in the other files of this folder.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
