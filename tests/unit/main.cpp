// The one Catch2 main of the unit tests; each test file mirrors a file of src/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
